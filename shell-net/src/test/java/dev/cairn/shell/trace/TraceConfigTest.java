package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn trace config}: the configuration the header recorded, with the limits the node
 * derived (the maintenance thresholds), in lines and as JSON; a file that is not a trace, or is
 * cut inside its header, is named with the byte offset where it breaks.
 */
class TraceConfigTest {

  @TempDir Path dir;

  @Test
  void printsTheRecordedConfigurationWithItsDerivedThresholds() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(50, 3, false);
    Path f = dir.resolve("v.trace");
    world.record(TraceWriter.Options.defaults(f));
    CoreConfig c = world.config();

    TraceFiles.Run r = TraceFiles.cairn("trace", "config", f.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("# " + f + ": cairn ")
        .contains("\npeer.maxInbound = " + c.peer().maxInbound() + "\n")
        .contains("\npeer.maxOutbound = " + c.peer().maxOutbound() + "\n")
        .contains("\npeer.minThreshold = " + c.peer().minThreshold() + "\n")
        .contains("\npeer.maxThreshold = " + c.peer().maxThreshold() + "\n")
        .contains("\npeer.book.newBucketSize = " + c.peer().book().newBucketSize() + "\n")
        .contains("\npex.seedMode = false\n")
        // durations as config.toml writes them
        .contains("\npeer.maintenanceInterval = " + dev.cairn.shell.config.GoDuration.format(
            c.peer().maintenanceInterval()) + "\n");
    // the validator's three sentries, as persistent peers, in one line
    String persistent = Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("peer.persistentPeers = "))
        .findFirst().orElseThrow();
    assertThat(c.peer().persistentPeers()).hasSize(3);
    for (NodeAddress a : c.peer().persistentPeers()) {
      assertThat(persistent).contains(a.toString());
    }
    assertThat(r.out()).contains("\npex.seeds = [" + c.pex().seeds().first() + "]\n");

    TraceFiles.Run j = TraceFiles.cairn("trace", "config", "--json", f.toString());
    assertThat(j.code()).as(j.err()).isZero();
    JsonNode o = new ObjectMapper().readTree(j.out());
    assertThat(o.get("file").asText()).isEqualTo(f.toString());
    assertThat(o.at("/config/peer/maxTarget").asInt()).isEqualTo(c.peer().maxTarget());
    assertThat(o.at("/config/pex/maxAddressesPerMessage").asInt()).isEqualTo(c.pex().maxAddressesPerMessage());
    assertThat(o.at("/config/peer/persistentPeers")).hasSize(3);
    assertThat(o.at("/config/peer/maintenanceInterval").asText()).isEqualTo(c.peer().maintenanceInterval().toString());
  }

  @Test
  void aFileThatIsNoTraceOrIsCutInItsHeaderIsNamedWithItsOffset() throws Exception {
    Path foreign = dir.resolve("foreign.trace");
    Files.writeString(foreign, "{\"not\": \"a trace\"}\n");
    TraceFiles.Run r = TraceFiles.cairn("trace", "config", foreign.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("cairn trace: ").contains(foreign.toString()).doesNotContain("Exception");

    SmallWorldRun world = SmallWorldRun.generate(50, 3, false);
    Path f = dir.resolve("whole.trace");
    world.record(TraceWriter.Options.defaults(f));
    byte[] bytes = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.trace");
    Files.write(cut, Arrays.copyOf(bytes, 40));
    TraceFiles.Run c = TraceFiles.cairn("trace", "config", cut.toString());
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err()).contains(cut.toString()).contains("offset").doesNotContain("Exception");
    assertThat(c.out()).doesNotContain("peer.maxInbound");

    // several files: each one's configuration, a broken one said and the others still printed
    Path copy = Files.copy(f, dir.resolve("copy.trace"));
    TraceFiles.Run both = TraceFiles.cairn("trace", "config", f.toString(), cut.toString(), copy.toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.out().split("\n# ", -1)).hasSize(2);
    assertThat(both.out().lines().filter(l -> l.startsWith("peer.maxInbound = "))).hasSize(2);
    assertThat(both.err()).contains(cut.toString()).contains("offset");
  }

  @Test
  void aLinkToNothingAndAnEmptyNameAreSaidSo() throws Exception {
    Path dangling = dir.resolve("dangling.trace");
    Files.createSymbolicLink(dangling, dir.resolve("gone").resolve("x.trace"));
    TraceFiles.Run r = TraceFiles.cairn("trace", "config", dangling.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(dangling + " is a symbolic link to " + dir.resolve("gone").resolve("x.trace")
        + ", which does not exist").doesNotContain("rotated");

    Path a = dir.resolve("loop-a.trace");
    Path b = dir.resolve("loop-b.trace");
    Files.createSymbolicLink(a, b);
    Files.createSymbolicLink(b, a);
    TraceFiles.Run loop = TraceFiles.cairn("trace", "show", a.toString());
    assertThat(loop.code()).isEqualTo(2);
    assertThat(loop.err()).contains(a + " is a symbolic link to " + b).contains("loop").doesNotContain("rotated");

    TraceFiles.Run empty = TraceFiles.cairn("trace", "config", "");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).contains("an empty file name");
  }
}
