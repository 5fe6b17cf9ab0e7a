package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.core.Core;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.Feedback;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.proto.trace.Event;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.proto.trace.TraceRecord;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The version-2 trace format on a deterministic run without a network: the hand-written record
 * codec against protobuf, the XXH64 vectors, checkpoints and trailers, and what replay says when
 * a state digest, a trailer or the format version is not what it expects.
 */
class TraceFormatTest {

  @TempDir static Path dir;

  private static SyntheticRun run;
  private static Path trace;
  private static CoreState finalState;
  private static final int STEPS = 600;
  private static final int K = 50;

  @BeforeAll
  static void record() {
    run = SyntheticRun.generate(STEPS, 2024);
    trace = dir.resolve("synthetic.trace");
    finalState = run.record(trace, K);
  }

  @Test
  void xxh64MatchesTheReferenceVectors() {
    byte[] hundred = new byte[100];
    for (int i = 0; i < hundred.length; i++) {
      hundred[i] = (byte) i;
    }
    byte[] text = "Nobody inspects the spammish repetition".getBytes(StandardCharsets.US_ASCII);
    assertThat(Xxh64.hash(new byte[0], 0, 0)).isEqualTo(0xef46db3751d8e999L);
    assertThat(Xxh64.hash("a".getBytes(StandardCharsets.US_ASCII), 0, 1)).isEqualTo(0xd24ec4f1a98c6e5bL);
    assertThat(Xxh64.hash("abc".getBytes(StandardCharsets.US_ASCII), 0, 3)).isEqualTo(0x44bc2cf5ad770999L);
    assertThat(Xxh64.hash(text, 0, text.length)).isEqualTo(0xfbcea83c8a378bf1L);
    assertThat(Xxh64.hash(hundred, 0, 100)).isEqualTo(0x6ac1e58032166597L);
    byte[] shifted = new byte[103];
    System.arraycopy(hundred, 0, shifted, 3, 100);
    assertThat(Xxh64.hash(shifted, 3, 100)).isEqualTo(0x6ac1e58032166597L);
  }

  @Test
  void handWrittenRecordsAreProtobufsBytes() throws Exception {
    Event event = Event.newBuilder().setPeerErrored(dev.cairn.proto.trace.PeerErrored.newBuilder()
        .setPeer("ab".repeat(20))).build();
    byte[] state = new byte[Digester.LENGTH];
    state[3] = 7;
    TraceRecord expected = TraceRecord.newBuilder().setStep(300).setMonoNanos(-5).setWallMillis(1_700_000_000_000L)
        .setEvent(event).setEffectsDigest(0x8000_0000_0000_0001L).setStateDigest(ByteString.copyFrom(state))
        .setRejected(true).setRejectedReason("not dialing é").build();
    RecordCodec.Out out = new RecordCodec.Out();
    RecordCodec.encode(out, 300, -5, 1_700_000_000_000L, event.toByteArray(), 0x8000_0000_0000_0001L, state, true,
        "not dialing é", false);
    byte[] hand = java.util.Arrays.copyOf(out.buf, out.len);
    assertThat(hand).isEqualTo(expected.toByteArray());
    RecordCodec.Fields f = RecordCodec.decode(hand, 0, hand.length);
    assertThat(f.step).isEqualTo(300);
    assertThat(f.monoNanos).isEqualTo(-5);
    assertThat(f.effectsDigest).isEqualTo(0x8000_0000_0000_0001L);
    assertThat(f.rejected).isTrue();
    assertThat(f.reason).isEqualTo("not dialing é");
    assertThat(f.trailer).isFalse();
    assertThat(Event.parseFrom(java.nio.ByteBuffer.wrap(hand, f.eventOff, f.eventLen))).isEqualTo(event);
    // a trailer: no event, zero step omitted
    out.len = 0;
    RecordCodec.encode(out, 0, 0, 0, null, 1, state, false, null, true);
    assertThat(java.util.Arrays.copyOf(out.buf, out.len)).isEqualTo(TraceRecord.newBuilder().setEffectsDigest(1)
        .setStateDigest(ByteString.copyFrom(state)).setTrailer(true).build().toByteArray());
  }

  /**
   * A bool of a record ({@code rejected}, {@code trailer}) is 0 or 1; another byte there is
   * damage, named with the record and its offset: 0x11 read as true, turning a step into a
   * rejection or a record into the file's trailer.
   */
  @Test
  void aBoolThatIsNeitherZeroNorOneIsACorruptRecord() throws Exception {
    // record 5 recorded as rejected (its replay would differ, but the reader stops before that)
    Path rejected = TraceFiles.rewrite(trace, dir.resolve("rejected.trace"), records -> {
      records.set(5, records.get(5).toBuilder().setRejected(true).setRejectedReason("not dialing").build());
      return records;
    });
    long[][] records = new long[2][]; // record, byte offset, field tag: the rejected step's and the trailer
    try (TraceReader r = TraceReader.open(rejected)) {
      for (var e = r.next(); e.isPresent(); e = r.next()) {
        if (e.get().rejected()) {
          records[0] = new long[] {e.get().index(), e.get().offset(), 7 << 3};
        }
      }
    }
    try (TraceReader r = TraceReader.open(trace)) {
      r.last();
      TraceReader.Trailer t = r.trailer().orElseThrow();
      records[1] = new long[] {t.record(), t.offset(), 10 << 3};
    }
    assertThat(records[0][0]).isEqualTo(5);
    for (long[] rec : records) {
      byte[] bytes = Files.readAllBytes(rec == records[0] ? rejected : trace);
      int at = (int) rec[1];
      int length = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = bytes[at++];
        length |= (b & 0x7f) << shift;
        if (b >= 0) {
          break;
        }
      }
      int field = -1;
      for (int i = at; i < at + length - 1 && field < 0; i++) {
        field = bytes[i] == (byte) rec[2] && bytes[i + 1] == 1 ? i + 1 : -1;
      }
      assertThat(field).as("the bool of record %d", rec[0]).isPositive();
      bytes[field] = 0x11;
      Path damaged = Files.write(dir.resolve("bool-" + rec[0] + ".trace"), bytes);
      TraceFiles.Run run = TraceFiles.cairn("trace", "replay", damaged.toString());
      assertThat(run.code()).as(run.out()).isEqualTo(2);
      assertThat(run.err()).contains("corrupt record " + rec[0] + " at byte offset " + rec[1] + ": field "
          + (rec[2] == 10 << 3 ? "10 (trailer)" : "7 (rejected)") + " is a bool of value 17, not 0 or 1")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void handWrittenEventsAreProtobufsBytes() {
    NodeId a = NodeId.of("0a".repeat(20));
    NodeAddress at = new NodeAddress(a, "10.1.2.3", 26656);
    NodeAddress v6 = new NodeAddress(NodeId.of("b1".repeat(20)), "2001:db8::1", 1);
    NodeAddress portZero = new NodeAddress(a, "127.0.0.1", 0);
    List<CoreEvent> events = new ArrayList<>(List.of(
        new CoreEvent.Peer(new PeerEvent.Started()),
        new CoreEvent.Peer(new PeerEvent.AddressesLearned(List.of(at, v6, portZero), at)),
        new CoreEvent.Peer(new PeerEvent.AddressesLearned(List.of(), v6)),
        new CoreEvent.Peer(new PeerEvent.DialRequested(at)),
        new CoreEvent.Peer(new PeerEvent.DialSucceeded(v6)),
        new CoreEvent.Peer(new PeerEvent.DialFailed(portZero)),
        new CoreEvent.Peer(new PeerEvent.InboundAccepted(at)),
        new CoreEvent.Peer(new PeerEvent.PeerDisconnected(at)),
        new CoreEvent.Peer(new PeerEvent.PeerErrored(a)),
        new CoreEvent.Peer(new PeerEvent.PeerReported(a, Feedback.GOOD)),
        new CoreEvent.Peer(new PeerEvent.PeerReported(a, Feedback.BAD)),
        new CoreEvent.Peer(new PeerEvent.PeerBanned(a, Duration.ofHours(24))),
        new CoreEvent.Peer(new PeerEvent.PeerBanned(a, Duration.ofSeconds(3, 999_999_999))),
        new CoreEvent.Peer(new PeerEvent.PeerBanned(a, Duration.ZERO)),
        new CoreEvent.PeerReady(a, at),
        new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(a)),
        new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(a, List.of(at, v6))),
        new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(a, List.of())),
        new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(a, "bad varint é ✓")),
        new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(a, "")),
        new CoreEvent.TimerFired()));
    List<NodeAddress> many = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      many.add(new NodeAddress(a, "10.0." + (i / 100) + "." + i, 1000 + i * 200)); // 2- and 3-byte lengths
    }
    events.add(new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(a, many)));
    events.add(new CoreEvent.Peer(new PeerEvent.AddressesLearned(many, at)));
    for (SyntheticRun.Timed t : run.events()) {
      events.add(t.event());
    }
    RecordCodec.Out out = new RecordCodec.Out();
    for (CoreEvent e : events) {
      out.len = 3; // not at the start of the buffer
      EventCodec.encodeTo(e, out);
      assertThat(java.util.Arrays.copyOfRange(out.buf, 3, out.len)).as(EventCodec.name(e) + " " + EventCodec.fields(e))
          .isEqualTo(EventCodec.encode(e).toByteArray());
    }
  }

  /** A synthetic run recorded as a file, and the state after each of its steps. */
  private record Recorded(Path file, List<CoreState> states) {}

  /** {@code steps} synthetic steps from {@code seed}, recorded as {@code name} in the test directory. */
  private static Recorded recordedRun(int steps, long seed, String name) {
    SyntheticRun run = SyntheticRun.generate(steps, seed);
    Path file = dir.resolve(name);
    run.record(file, K);
    return new Recorded(file, statesOf(run));
  }

  /** The state after each of {@code run}'s events, stepped by the core. */
  private static List<CoreState> statesOf(SyntheticRun run) {
    List<CoreState> states = new ArrayList<>();
    CoreState s = run.initial();
    for (SyntheticRun.Timed t : run.events()) {
      s = Core.step(run.config(), s, t.now(), t.wall(), t.event()).state();
      states.add(s);
    }
    return states;
  }

  @Test
  void replayReturnsStepsMismatchesAndErrorsInRecordOrder() throws Exception {
    // past its first records, replay steps the core on a second thread, ahead of the record being
    // verified: what it reports must not depend on that
    int steps = Replay.INLINE + 2 * Replay.AHEAD + 100;
    Recorded longer = recordedRun(steps, 2025, "pipelined.trace");
    Path file = longer.file();
    List<CoreState> states = longer.states();
    int at = Replay.INLINE + Replay.AHEAD + 37; // well past the first records read ahead
    Path altered = TraceFiles.rewrite(file, dir.resolve("altered.trace"), l -> {
      l.set(at, l.get(at).toBuilder().setEvent(l.get(at - 1).getEvent()).build());
      return l;
    });
    try (Replay r = Replay.open(altered)) {
      long n = 0;
      Optional<Replay.Stepped> st = r.next();
      for (; st.isPresent() && st.get().mismatch().isEmpty(); st = r.next()) {
        assertThat(r.state()).isEqualTo(states.get((int) n));
        n++;
      }
      assertThat(n).isEqualTo(at);
      assertThat(st).isPresent();
      assertThat(st.get().stepNumber()).isEqualTo(at);
      assertThat(st.get().mismatch().get()).startsWith("step " + at + " (record " + at + " at byte offset ");
      assertThat(r.next()).isEmpty();
      assertThat(r.lastVerifiedStateStep()).isEqualTo(at - at % K - 1);
    }
    // a file cut inside a record past the first ones: the records before it, then the error
    int cutAt = Replay.INLINE + 100;
    Path cut = TraceFiles.cutInside(file, cutAt, dir.resolve("cut.trace"));
    try (Replay r = Replay.open(cut)) {
      long n = 0;
      TraceFormatException thrown = null;
      try {
        for (var x = r.next(); x.isPresent(); x = r.next()) {
          assertThat(x.get().mismatch()).isEmpty();
          n++;
        }
      } catch (TraceFormatException e) {
        thrown = e;
      }
      assertThat(n).isEqualTo(cutAt);
      assertThat(thrown).isNotNull();
      assertThat(thrown.getMessage()).contains("truncated: record " + cutAt + " at byte offset");
      assertThat(r.state()).isEqualTo(states.get(cutAt - 1));
    }
    // closed part-way, after the second thread started: it stops, and a new replay runs to the end
    try (Replay r = Replay.open(file)) {
      for (int i = 0; i < Replay.INLINE + 10; i++) {
        assertThat(r.next().orElseThrow().mismatch()).isEmpty();
      }
    }
    try (Replay r = Replay.open(file)) {
      long n = 0;
      while (r.next().isPresent()) {
        n++;
      }
      assertThat(n).isEqualTo(steps);
      assertThat(r.endMismatch()).isEmpty();
      assertThat(r.state()).isEqualTo(states.get(steps - 1));
      assertThat(r.lastVerifiedStateStep()).isEqualTo(steps - 1);
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a wait that never ends fails
  void aCoreFailureIsReportedAtItsRecordWhereverItSteps() throws Exception {
    // the core failing on the caller's thread (the first records), on the stepping thread right
    // after the hand-off, and on it while the caller sleeps through a batch of steps: the records
    // before it replay as usual, then the failure is reported at its record and the replay ends
    int steps = Replay.INLINE + 2 * Replay.AHEAD + 100;
    Recorded longer = recordedRun(steps, 2026, "failing-core.trace");
    Path file = longer.file();
    List<CoreState> states = longer.states();
    for (int at : new int[] {7, Replay.INLINE, Replay.INLINE + Replay.BATCH + 3, steps - 1}) {
      AtomicInteger calls = new AtomicInteger();
      Replay.StepFunction failing = (cfg, state, now, wall, event) -> {
        if (calls.getAndIncrement() == at) {
          throw new IllegalStateException("injected failure");
        }
        return Core.step(cfg, state, now, wall, event);
      };
      try (Replay r = Replay.open(file, failing)) {
        int n = 0;
        Optional<Replay.Stepped> st = r.next();
        for (; st.isPresent() && st.get().mismatch().isEmpty(); st = r.next()) {
          assertThat(r.state()).isEqualTo(states.get(n));
          n++;
        }
        assertThat(n).as("records replayed before the failure at %d", at).isEqualTo(at);
        assertThat(st).isPresent();
        assertThat(st.get().mismatch().get()).startsWith("step " + at + " (record " + at + " at byte offset ")
            .contains("the core failed on").contains("injected failure");
        assertThat(r.next()).isEmpty();
      }
    }
    // an Error is not a verdict: it reaches the caller, as from a replay on one thread
    int at = Replay.INLINE + 40;
    AtomicInteger calls = new AtomicInteger();
    try (Replay r = Replay.open(file, (cfg, state, now, wall, event) -> {
      if (calls.getAndIncrement() == at) {
        throw new StackOverflowError("injected error");
      }
      return Core.step(cfg, state, now, wall, event);
    })) {
      int n = 0;
      Throwable thrown = null;
      try {
        while (r.next().isPresent()) {
          n++;
        }
      } catch (StackOverflowError e) {
        thrown = e;
      }
      assertThat(thrown).hasMessage("injected error");
      assertThat(n).isEqualTo(at);
    }
  }

  @Test
  void everyRecordCarriesAnEffectsDigestAndCheckpointsAStateDigest() throws Exception {
    try (TraceReader r = TraceReader.open(trace)) {
      assertThat(r.header().getFormatVersion()).isEqualTo(4);
      assertThat(r.header().getCheckpointInterval()).isEqualTo(K);
      long n = 0;
      for (var e = r.next(); e.isPresent(); e = r.next()) {
        assertThat(e.get().isCheckpoint()).as("step %d", e.get().step()).isEqualTo((e.get().step() + 1) % K == 0);
        assertThat(e.get().record().getStep()).isEqualTo(e.get().step());
        n++;
      }
      assertThat(n).isEqualTo(STEPS);
      assertThat(r.trailer()).isPresent();
      assertThat(r.trailer().get().step()).isEqualTo(STEPS - 1);
      assertThat(r.trailer().get().stateDigest()).isEqualTo(new Digester().state(finalState));
    }
  }

  @Test
  void replayVerifiesEveryStepAndEveryCheckpoint() throws Exception {
    try (Replay r = Replay.open(trace)) {
      long n = 0;
      for (var s = r.next(); s.isPresent(); s = r.next()) {
        assertThat(s.get().mismatch()).isEmpty();
        n++;
      }
      assertThat(n).isEqualTo(STEPS);
      assertThat(r.endMismatch()).isEmpty();
      assertThat(r.checkpointsVerified()).isEqualTo(STEPS / K); // 600 is a multiple of 50: the trailer adds none
      assertThat(r.lastVerifiedStateStep()).isEqualTo(STEPS - 1);
      assertThat(r.state()).isEqualTo(finalState);
    }
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", trace.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("OK: " + STEPS + " steps replayed (steps 0.." + (STEPS - 1) + ")")
        .contains("state digest at " + (STEPS / K) + " checkpoints").doesNotContain("no trailer");
  }

  @Test
  void aStateThatDivergesWithoutEffectsIsNamedWithItsWindow() throws Exception {
    // the checkpoint at step 249 names another state (the one of step 199, as a state that went
    // back would): replay names steps 200..249
    Path bad = TraceFiles.rewrite(trace, dir.resolve("state.trace"), l -> {
      TraceRecord r = l.get(249);
      l.set(249, r.toBuilder().setStateDigest(l.get(199).getStateDigest()).build());
      return l;
    });
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", bad.toString());
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out()).contains("MISMATCH at step 249 ").contains("state digest differs at this checkpoint")
        .contains("diverged in steps 200..249 (the previous verified state is after step 199)")
        .contains("249 steps before it replayed identically");
    TraceFiles.Run diff = TraceFiles.cairn("trace", "diff", trace.toString(), bad.toString());
    assertThat(diff.out()).contains("DIVERGE at step 249: the resulting states differ (checkpoint digest)");
  }

  /**
   * A bit flipped in a checkpoint's state digest is the file's damage, not a state that diverged:
   * the digests of two different states differ in about half their bits, so a digest a few bits
   * from the replayed state's is that digest damaged (status 2 from replay, validate and diff,
   * naming the record and its byte offset).
   */
  @Test
  void aStateDigestAFewBitsFromTheReplayedOneIsDamage() throws Exception {
    Path bad = TraceFiles.rewrite(trace, dir.resolve("flipped.trace"), l -> {
      TraceRecord r = l.get(249);
      byte[] d = r.getStateDigest().toByteArray();
      d[0] ^= 1;
      d[15] ^= (byte) 0xff; // 9 bits in all
      l.set(249, r.toBuilder().setStateDigest(ByteString.copyFrom(d)).build());
      return l;
    });
    long offset = TraceFiles.offsetOf(bad, 249);
    for (String command : List.of("replay", "validate")) {
      TraceFiles.Run run = TraceFiles.cairn("trace", command, bad.toString());
      assertThat(run.code()).as(command + ": " + run.out() + run.err()).isEqualTo(2);
      assertThat(run.err()).as(command).contains("corrupt step 249 (record 249 at byte offset " + offset + ")")
          .contains("9 of 128 bits apart").contains("the file's bytes were damaged there");
      assertThat(run.out()).as(command).contains("BROKEN").doesNotContain("diverged in steps");
    }
    TraceFiles.Run diff = TraceFiles.cairn("trace", "diff", trace.toString(), bad.toString());
    assertThat(diff.code()).as(diff.out() + diff.err()).isEqualTo(2);
    assertThat(diff.out()).contains("BROKEN at step 249: the checkpoints' state digests (records at byte offset "
        + TraceFiles.offsetOf(trace, 249) + " of " + trace + " and " + offset + " of " + bad + ") are 9 of 128 bits"
        + " apart");
    TraceFiles.Run replayed = TraceFiles.cairn("trace", "replay", bad.toString());
    assertThat(replayed.out()).contains("(a digest a record holds was damaged, the step itself replayed as recorded");
  }

  @Test
  void theTrailerIsCheckedAndAFileWithoutItSaysSo() throws Exception {
    // the trailer rewritten with another state digest: named at the end, with the window since the last checkpoint
    Path longer = dir.resolve("odd.trace");
    SyntheticRun.generate(STEPS + 7, 2024).record(longer, K);
    byte[] all = Files.readAllBytes(longer);
    TraceReader.Trailer t;
    try (TraceReader r = TraceReader.open(longer)) {
      while (r.next().isPresent()) {
        // to the end
      }
      t = r.trailer().orElseThrow();
    }
    byte[] broken = all.clone();
    int digestAt = indexOf(all, t.stateDigest(), (int) t.offset());
    // another state's digest there (the trailer's own, each byte shifted: about half the bits differ)
    for (int i = 0; i < t.stateDigest().length; i++) {
      broken[digestAt + i] = all[digestAt + (i + 1) % t.stateDigest().length];
    }
    assertThat(Replay.stateDigestDamaged(java.util.Arrays.copyOfRange(broken, digestAt,
        digestAt + t.stateDigest().length), t.stateDigest())).as("far apart: another state's").isFalse();
    Path bad = dir.resolve("trailer.trace");
    Files.write(bad, broken);
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", bad.toString());
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out()).contains("MISMATCH at the end of the file: state digest differs at the trailer")
        .contains("diverged in steps " + STEPS + ".." + (STEPS + 6));
    // timeline draws the steps and says so too
    TraceFiles.Run drawn = TraceFiles.cairn("trace", "timeline", bad.toString(), "--out",
        dir.resolve("trailer.png").toString());
    assertThat(drawn.code()).as(drawn.out() + drawn.err()).isEqualTo(1);
    assertThat(drawn.out()).contains("MISMATCH at the end of the file: state digest differs at the trailer");
    // a bit of the trailer's state digest flipped, after a step that is no checkpoint: its damage
    byte[] flipped = all.clone();
    flipped[digestAt + 5] ^= 0x10;
    Path flippedTrailer = dir.resolve("flipped-trailer.trace");
    Files.write(flippedTrailer, flipped);
    for (String command : List.of("replay", "validate", "summary")) {
      TraceFiles.Run f = TraceFiles.cairn("trace", command, flippedTrailer.toString());
      assertThat(f.code()).as(command + ": " + f.out() + f.err()).isEqualTo(2);
      assertThat(f.err()).as(command).contains("corrupt trailer (record " + (STEPS + 7) + ") at byte offset "
          + t.offset()).contains("1 of 128 bits apart").contains("so the trailer itself was damaged or altered");
    }
    TraceFiles.Run flippedDiff = TraceFiles.cairn("trace", "diff", longer.toString(), flippedTrailer.toString());
    assertThat(flippedDiff.code()).as(flippedDiff.out() + flippedDiff.err()).isEqualTo(2);
    assertThat(flippedDiff.out()).contains("BROKEN after the last step: the trailers' state digests (at byte offset "
        + t.offset() + " of " + longer + " and " + t.offset() + " of " + flippedTrailer + ") are 1 of 128 bits");
    // cut before the trailer: a valid file whose end is checked by its effects only
    Path cut = dir.resolve("untrailed.trace");
    Files.write(cut, java.util.Arrays.copyOf(all, (int) t.offset()));
    TraceFiles.Run ok = TraceFiles.cairn("trace", "replay", cut.toString());
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("OK: " + (STEPS + 7) + " steps replayed")
        .contains("the file has no trailer (its writer did not close it): it ends after step " + (STEPS + 6)
            + "'s record, at byte offset " + t.offset() + "; the steps after step " + (STEPS - 1)
            + " were checked by their outcomes and effects only");
    // a record after the trailer
    Path after = dir.resolve("after.trace");
    byte[] extra = java.util.Arrays.copyOfRange(all, (int) TraceFiles.offsetOf(longer, 0), (int) TraceFiles.offsetOf(longer, 1));
    byte[] joined = java.util.Arrays.copyOf(all, all.length + extra.length);
    System.arraycopy(extra, 0, joined, all.length, extra.length);
    Files.write(after, joined);
    TraceFiles.Run afterRun = TraceFiles.cairn("trace", "replay", after.toString());
    assertThat(afterRun.code()).isEqualTo(2);
    assertThat(afterRun.err()).contains("corrupt: bytes follow the file's trailer (from byte offset " + all.length);
    // bytes that are no record after the trailer: the same, not "a record cut short"
    byte[] junk = java.util.Arrays.copyOf(all, all.length + 5);
    System.arraycopy("junk!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, junk, all.length, 5);
    Path junked = dir.resolve("junk.trace");
    Files.write(junked, junk);
    TraceFiles.Run junkRun = TraceFiles.cairn("trace", "replay", junked.toString());
    assertThat(junkRun.code()).isEqualTo(2);
    assertThat(junkRun.err()).contains("corrupt: bytes follow the file's trailer (from byte offset " + all.length)
        .doesNotContain("truncated");
  }

  private static int indexOf(byte[] all, byte[] part, int from) {
    outer:
    for (int i = from; i <= all.length - part.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (all[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  /**
   * A trace of format version 2, written by Cairn before version 3 (the synthetic mix's first
   * 1 000 steps, a checkpoint every 100), still reads: {@code show} prints its steps and says its
   * format. Every version-2 file was recorded by core revision 1 with an older state encoding,
   * whose decisions this build's core no longer makes (since revision 4 a failed dial makes no
   * book pick: this run's step 9 differs), so replay refuses it by name, saying which build
   * replays it. Version 2's book digest, which
   * such a build checks, is {@link DigesterTest}'s.
   */
  @Test
  void aVersionTwoTraceReadsAndIsRefusedForReplayByItsRevision() throws Exception {
    byte[] recorded;
    try (var in = TraceFormatTest.class.getResourceAsStream("format-v2.trace")) {
      assertThat(in).as("test resource format-v2.trace").isNotNull();
      recorded = in.readAllBytes();
    }
    TraceHeader h = TraceFiles.header(recorded);
    assertThat(h.getFormatVersion()).isEqualTo(2);
    assertThat(h.getCoreRevision()).isEqualTo(1);
    Path v2 = Files.write(dir.resolve("format-v2.trace"), recorded);
    TraceFiles.Run show = TraceFiles.cairn("trace", "show", v2.toString(), "--to", "2");
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("trace format 2)").containsPattern("(?m)^ +2 +\\+ +0\\.020000s");
    TraceFiles.Run replay = TraceFiles.cairn("trace", "replay", v2.toString());
    assertThat(replay.code()).isEqualTo(2);
    // its state encoding (the core's records then) is older too, and is said first
    assertThat(replay.err()).contains("written by cairn 0.1.0 with state encoding cairn-canonical-1;schema=57a5f8d3a4c0")
        .contains("replay it with the build that wrote it");
  }

  /**
   * The header carries the node's config and initial state, which a changed byte can alter
   * without changing any step's outcome; its digest catches every such change before a step is
   * replayed. Each byte of the header (its length prefix included) is flipped in turn, at most 400
   * of them spread over it.
   */
  @Test
  void everyChangedHeaderByteIsCaughtByTheHeaderDigest() throws Exception {
    byte[] all = Files.readAllBytes(trace);
    TraceHeader h = TraceFiles.header(all);
    assertThat(h.getHeaderDigest()).as("the writer seals the header").isNotZero();
    int end = TraceFiles.headerEnd(all);
    int stride = Math.max(1, (end - TraceFormat.MAGIC.length) / 400);
    Path flipped = dir.resolve("flipped.trace");
    int checked = 0;
    for (int at = TraceFormat.MAGIC.length; at < end; at += stride) {
      byte[] bad = all.clone();
      bad[at] ^= 0x10;
      Files.write(flipped, bad);
      int offset = at;
      assertThatThrownBy(() -> TraceReader.open(flipped).close()).as("byte %d of the header flipped", offset)
          .isInstanceOf(TraceFormatException.class);
      checked++;
    }
    assertThat(checked).isGreaterThan(100);
    byte[] bad = all.clone();
    bad[end - 20] ^= 0x10; // a byte of the encoded state, near the end of the header
    Files.write(flipped, bad);
    TraceFiles.Run replay = TraceFiles.cairn("trace", "replay", flipped.toString());
    assertThat(replay.code()).isEqualTo(2);
    assertThat(replay.err()).contains("corrupt header (byte offsets").contains("does not match its bytes");
    // a header cut short before its digest (a changed length prefix can do that) is no older header
    TraceHeader open = h.toBuilder().clearHeaderDigest().build();
    Path unsealed = dir.resolve("unsealed.trace");
    try (OutputStream out = Files.newOutputStream(unsealed)) {
      out.write(TraceFormat.MAGIC);
      open.writeDelimitedTo(out);
    }
    assertThatThrownBy(() -> TraceReader.open(unsealed).close()).isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("has no digest");
  }

  /**
   * A header whose bytes are no header, or that lost its version, is said to be corrupt, in words:
   * not protobuf's own advice, nor a request to find the cairn that wrote a version 0 no cairn writes.
   */
  @Test
  void aHeaderThatIsNoHeaderIsCalledCorrupt() throws Exception {
    Path garbage = dir.resolve("garbage-header.trace");
    try (OutputStream out = Files.newOutputStream(garbage)) {
      out.write(TraceFormat.MAGIC);
      out.write(12);
      out.write(new byte[12]); // field tag 0: no protobuf message starts so
    }
    TraceHeader h;
    try (TraceReader r = TraceReader.open(trace)) {
      h = r.header().toBuilder().setFormatVersion(0).build();
    }
    Path noVersion = dir.resolve("no-version.trace");
    try (OutputStream out = Files.newOutputStream(noVersion)) {
      out.write(TraceFormat.MAGIC);
      h.writeDelimitedTo(out);
    }

    TraceFiles.Run bytes = TraceFiles.cairn("trace", "show", garbage.toString());
    TraceFiles.Run version = TraceFiles.cairn("trace", "replay", noVersion.toString());

    assertThat(bytes.code()).isEqualTo(2);
    assertThat(bytes.err()).contains("corrupt header at byte offset 8: its 12 bytes are not a trace header")
        .doesNotContain("While parsing").doesNotContain("This could mean");
    assertThat(version.code()).isEqualTo(2);
    assertThat(version.err()).contains("corrupt header (byte offsets").contains("names no trace format version")
        .doesNotContain("the cairn that wrote it");
  }

  /**
   * A header whose length prefix claims more than the JVM's heap holds (200 MiB, under the
   * format's limit, and the file holds that many bytes) is refused with one line naming it, status
   * 2, in a JVM given 64 MiB: it ended in an OutOfMemoryError's stack trace, status 1.
   */
  @Test
  void aHeaderLargerThanTheHeapIsSaidNotThrown() throws Exception {
    Path huge = dir.resolve("huge-header.trace");
    int length = 200 << 20;
    try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.write(TraceFormat.MAGIC);
      for (int v = length; ; v >>>= 7) {
        if ((v & ~0x7f) == 0) {
          f.write(v);
          break;
        }
        f.write(v & 0x7f | 0x80);
      }
      f.setLength(f.getFilePointer() + length); // its bytes, all zero (a sparse file)
    }
    Path out = dir.resolve("huge-out.txt");
    Path err = dir.resolve("huge-err.txt");
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m", "-cp",
        System.getProperty("java.class.path"), dev.cairn.shell.cli.Cairn.class.getName(), "trace", "show",
        huge.toString()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String said = Files.readString(err);
    assertThat(p.exitValue()).as(said).isEqualTo(2);
    assertThat(said).contains(huge + ": header at byte offset 8 claims " + length + " bytes (its length prefix), more "
        + "than this JVM's heap can hold to read it").doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
    Files.delete(huge);
  }

  /**
   * Version 1 digested otherwise (and had no header digest); a version from a newer build is not
   * guessed at, whether its header is sealed as this format seals it or laid out otherwise.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"1", "5", "5 unsealed"})
  void aVersionThisBuildDoesNotReadIsRefusedWithAClearMessage(String written) throws Exception {
    int version = Integer.parseInt(written.substring(0, 1));
    TraceHeader h;
    try (TraceReader r = TraceReader.open(trace)) {
      h = r.header().toBuilder().setFormatVersion(version).build();
    }
    Path other = dir.resolve("v" + written.replace(' ', '-') + ".trace");
    try (OutputStream out = Files.newOutputStream(other)) {
      out.write(TraceFormat.MAGIC);
      if (version == 5 && !written.endsWith("unsealed")) {
        TraceFormat.writeSealed(h, out);
      } else {
        h.toBuilder().clearHeaderDigest().build().writeDelimitedTo(out);
      }
    }
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", other.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("trace format version " + version).contains("this cairn reads versions 2 to 4")
        .contains(version == 1 ? "only: replay the file with the cairn that wrote it" : "it needs a newer cairn")
        .doesNotContain("corrupt");
  }

  /**
   * A bit flipped in the header's format version is damage the header's digest shows, named with
   * the header's byte offsets: it was read as a file of a newer format that needs a newer cairn.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 3, 4, 5, 6})
  void aBitFlippedInTheVersionIsADamagedHeader(int bit) throws Exception {
    byte[] bytes = Files.readAllBytes(trace);
    int body = TraceFiles.headerEnd(bytes) - TraceFiles.header(bytes).getSerializedSize();
    assertThat(bytes[body]).as("format_version is the header's first field").isEqualTo((byte) 0x08);
    bytes[body + 1] ^= (byte) (1 << bit);
    Path flipped = Files.write(dir.resolve("flipped-version-" + bit + ".trace"), bytes);
    TraceFiles.Run run = TraceFiles.cairn("trace", "show", flipped.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains(flipped + ": corrupt header (byte offsets " + body + "..")
        .contains("its digest does not match its bytes").doesNotContain("newer cairn").doesNotContain("Exception");
  }

  /**
   * A trace written by a core of another revision (one whose decisions differ) is refused by
   * replay and validate with both revisions named, before any step: its digests would not match.
   */
  @Test
  void aTraceOfAnotherCoreRevisionIsRefusedWithAClearMessage() throws Exception {
    byte[] bytes = Files.readAllBytes(trace);
    assertThat(TraceFiles.header(bytes).getCoreRevision()).isEqualTo(Core.REVISION);
    Path older = TraceFiles.withHeader(bytes, dir.resolve("older-core.trace"),
        x -> x.toBuilder().setCoreRevision(Core.REVISION - 1).build());
    for (String command : List.of("replay", "validate")) {
      TraceFiles.Run run = TraceFiles.cairn("trace", command, older.toString());
      assertThat(run.code()).as(command).isEqualTo(2);
      assertThat(run.err()).as(command).contains("core revision " + (Core.REVISION - 1))
          .contains("this build's core is revision " + Core.REVISION).contains("replay it with the build that wrote it")
          .doesNotContain("Exception");
    }
    assertThat(TraceFiles.cairn("trace", "show", older.toString(), "--to", "0").out())
        .contains("(core revision " + (Core.REVISION - 1) + ", trace format " + TraceFormat.VERSION + ")");
  }

  @Test
  void aSmallRingWrapsAndRotatedFilesChainTheirDigests() throws Exception {
    Path rotated = dir.resolve("ring/r.trace");
    CoreState end = run.record(new TraceWriter.Options(rotated, 16 * 1024, 1000, 4, Duration.ofSeconds(10),
        SpecHash.ABSENT, 64));
    assertThat(end).isEqualTo(finalState);
    List<Path> files = new ArrayList<>();
    for (int i = 0; Files.exists(TraceWriter.segmentPath(rotated, i)); i++) {
      files.add(TraceWriter.segmentPath(rotated, i));
    }
    assertThat(files).hasSizeGreaterThan(2);
    long next = 0;
    long previous = 0;
    for (Path f : files) {
      try (Replay r = Replay.open(f)) {
        assertThat(r.header().getFirstStep()).isEqualTo(next);
        assertThat(r.header().getPreviousDigest()).isEqualTo(previous);
        for (var s = r.next(); s.isPresent(); s = r.next()) {
          assertThat(s.get().mismatch()).isEmpty();
          next++;
          previous = s.get().entry().effectsDigest();
        }
        assertThat(r.endMismatch()).isEmpty();
        assertThat(r.trailer()).as(f.toString()).isPresent();
        assertThat(r.lastVerifiedStateStep()).isEqualTo(next - 1);
      }
    }
    assertThat(next).isEqualTo(STEPS);
  }

  @Test
  void theEffectsDigestCoversTheEffects() {
    // the same step with one effect fewer has another digest
    CoreState s = run.initial();
    var t = run.events().get(0);
    var st = Core.step(run.config(), s, t.now(), t.wall(), t.event());
    for (int i = 1; st.effects().size() < 2; i++) {
      s = st.state();
      t = run.events().get(i);
      st = Core.step(run.config(), s, t.now(), t.wall(), t.event());
    }
    byte[] ev = EventCodec.encode(t.event()).toByteArray();
    EffectsDigest d = new EffectsDigest();
    long all = d.digest(0, 0, t.now().nanos(), t.wall().epochMillis(), ev, 0, ev.length, st.outcome(), st.effects());
    long again = d.digest(0, 0, t.now().nanos(), t.wall().epochMillis(), ev, 0, ev.length, st.outcome(), st.effects());
    assertThat(again).isEqualTo(all);
    assertThat(st.effects()).isNotEmpty();
    long fewer = d.digest(0, 0, t.now().nanos(), t.wall().epochMillis(), ev, 0, ev.length, st.outcome(),
        st.effects().subList(1, st.effects().size()));
    assertThat(fewer).isNotEqualTo(all);
    long otherPrevious = d.digest(1, 0, t.now().nanos(), t.wall().epochMillis(), ev, 0, ev.length, st.outcome(),
        st.effects());
    assertThat(otherPrevious).isNotEqualTo(all);
  }
}
