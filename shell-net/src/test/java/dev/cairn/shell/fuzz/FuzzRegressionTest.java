package dev.cairn.shell.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.shell.trace.CanonicalCodec;
import dev.cairn.shell.config.ConfigException;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.proto.Uvarint;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TraceReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

/** Inputs the decoder fuzzing found, kept as examples: each one failed before its fix. */
class FuzzRegressionTest {

  private static final CoreConfig CONFIG = DecoderTargets.TraceSeeds.RUN.config();
  private static final CoreState INITIAL = DecoderTargets.TraceSeeds.RUN.initial();

  /** Where the empty book's new-bucket table length sits in an encoded state. */
  private static int newBucketLengthOffset(byte[] encoded) {
    byte[] key = "00112233445566778899aabb".getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + key.length <= encoded.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (encoded[i + j] != key[j]) {
          continue outer;
        }
      }
      // key, entries size, bans size, nNew, nOld, then newLength and oldLength
      return i + key.length + 16;
    }
    throw new AssertionError("book key not found in the encoded state");
  }

  private static long allocated(Runnable r) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long a0 = threads.getCurrentThreadAllocatedBytes();
    r.run();
    return threads.getCurrentThreadAllocatedBytes() - a0;
  }

  @Test
  void aBucketTableLengthBeyondTheBookConfigIsRefusedWithoutAllocatingIt() {
    byte[] bytes = CanonicalCodec.encodeState(INITIAL);
    int at = newBucketLengthOffset(bytes);
    assertThat(CanonicalCodec.decodeState(bytes, CONFIG)).isEqualTo(INITIAL);
    bytes[at] = 0x59; // 0x59xxxxxx buckets: the fuzzer's 85-byte state allocated 52 MB before the fix
    long bytesAllocated = allocated(() ->
        assertThatThrownBy(() -> CanonicalCodec.decodeState(bytes, CONFIG))
            .isInstanceOf(CanonicalCodec.DecodeException.class)
            .hasMessageContaining("new bucket table length")
            .hasMessageContaining("new bucket count"));
    assertThat(bytesAllocated).isLessThan(1 << 20);
  }

  @Test
  void oldBucketTableLengthIsCheckedToo() {
    byte[] bytes = CanonicalCodec.encodeState(INITIAL);
    int at = newBucketLengthOffset(bytes) + 4;
    bytes[at] = 0x01;
    assertThatThrownBy(() -> CanonicalCodec.decodeState(bytes, CONFIG))
        .isInstanceOf(CanonicalCodec.DecodeException.class)
        .hasMessageContaining("old bucket table length 16777216");
  }

  @Test
  void aStateWithOnlyOneMachineStartedIsRefused() {
    CoreState started = Core.step(CONFIG, INITIAL, new MonoTime(1), new WallTime(1),
        new CoreEvent.Peer(new PeerEvent.Started())).state();
    byte[] bytes = CanonicalCodec.encodeState(started.withPex(INITIAL.pex()));
    assertThat(CanonicalCodec.decodeState(CanonicalCodec.encodeState(started), CONFIG)).isEqualTo(started);
    // before the fix it decoded, and replaying from it would step a core that breaks its invariants
    assertThatThrownBy(() -> CanonicalCodec.decodeState(bytes, CONFIG))
        .isInstanceOf(CanonicalCodec.DecodeException.class)
        .hasMessageContaining("invariants")
        .hasMessageContaining("StartedTogether");
  }

  @Test
  void moreBansByIdThanTheBookAllowsAreRefused() {
    PSortedMap<NodeId, WallTime> bans = TreePMap.empty();
    for (int i = 0; i <= CONFIG.peer().book().maxBanned(); i++) {
      bans = bans.plus(NodeId.of(String.format("%040x", i)), new WallTime(1_000));
    }
    byte[] bytes = CanonicalCodec.encodeState(INITIAL.withPeer(INITIAL.peer().withBannedIds(bans)));
    assertThatThrownBy(() -> CanonicalCodec.decodeState(bytes, CONFIG))
        .isInstanceOf(CanonicalCodec.DecodeException.class)
        .hasMessageContaining("BannedIdsWithinBound");
  }

  @Test
  void tomlNestedBeyondJacksonsDepthLimitIsAConfigErrorNotANullPointer() {
    String toml = "a = " + "[".repeat(1100) + "]".repeat(1100) + "\n";
    // before the fix: NullPointerException, Jackson gives this error no location
    assertThatThrownBy(() -> ConfigLoader.parse(toml, "config.toml", Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not valid TOML at an unknown position")
        .hasMessageContaining("nesting depth");
  }

  @Test
  void genesisNestedBeyondJacksonsDepthLimitIsAConfigError(@TempDir Path dir) throws Exception {
    Path genesis = dir.resolve("genesis.json");
    Files.writeString(genesis, "{\"a\":".repeat(1100) + "1" + "}".repeat(1100));
    assertThatThrownBy(() -> ConfigLoader.genesisChainId(genesis))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not valid JSON");
  }

  @Test
  void aTraceWhoseHeaderAnnouncesMoreThanTheFileHoldsIsNotAllocatedUpFront(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("short.trace");
    byte[] magic = "CAIRNTRC".getBytes(StandardCharsets.US_ASCII);
    byte[] length = Uvarint.encode(200_000_000); // under the 256 MiB header limit
    byte[] bytes = DecoderTargets.concat(magic, length, new byte[30]);
    Files.write(file, bytes);
    // before the fix: the reader sized its buffer to the announced 200 MB for this 43-byte file
    long bytesAllocated = allocated(() ->
        assertThatThrownBy(() -> TraceReader.open(file).close())
            .isInstanceOf(TraceFormatException.class)
            .hasMessageContaining("truncated")
            .hasMessageContaining("needs 200000000 bytes"));
    assertThat(bytesAllocated).isLessThan(4 << 20);
  }
}
