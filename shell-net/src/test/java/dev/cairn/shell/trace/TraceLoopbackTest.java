package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CoreState;
import dev.cairn.proto.trace.Event;
import dev.cairn.proto.trace.TraceRecord;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.Node;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records node A of a real five-node loopback run: A dials B and C (persistent peers), D and E
 * dial A, and A admits only one inbound peer, so the run has dials, refusals, PEX exchanges,
 * timers and retries. Its trace must replay bit-identically; altered, dropped, truncated, corrupt
 * and foreign files must be caught where they are broken.
 */
class TraceLoopbackTest {

  @TempDir static Path dir;

  private static Path trace;
  private static Path rotated;
  private static CoreState finalState;
  private static long steps;

  @BeforeAll
  static void record() throws Exception {
    EventLoopGroup group = EventLoops.newGroup(2);
    List<Node> nodes = new ArrayList<>();
    try {
      trace = dir.resolve("a.trace");
      rotated = dir.resolve("rot/a.trace");
      TraceWriter[] writers = new TraceWriter[2];
      nodes.addAll(TraceFiles.runFiveNodes(group, sa -> {
        writers[0] = new TraceWriter(TraceWriter.Options.defaults(trace), sa.core(), TraceFiles.initial(sa), 42);
        writers[1] = new TraceWriter(new TraceWriter.Options(rotated, 2048, 1000, 1024, Duration.ofSeconds(1),
            SpecHash.ABSENT), sa.core(), TraceFiles.initial(sa), 42);
        return (now, wall, ev, st, nanos) -> {
          writers[0].onStep(now, wall, ev, st, nanos);
          writers[1].onStep(now, wall, ev, st, nanos);
        };
      }));
      Node nodeA = nodes.get(0);
      TraceWriter writer = writers[0];
      TraceWriter small = writers[1];
      for (Node n : nodes) {
        n.close();
      }
      nodes.clear();
      TimeUnit.MILLISECONDS.sleep(300);
      CompletableFuture<CoreState> s = new CompletableFuture<>();
      nodeA.driver().loop().execute(() -> s.complete(nodeA.driver().state()));
      CompletableFuture<Long> n = new CompletableFuture<>();
      nodeA.driver().loop().execute(() -> n.complete(nodeA.driver().steps()));
      finalState = s.get(5, TimeUnit.SECONDS);
      steps = n.get(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      writer.close();
      small.close();
      assertThat(writer.failed()).isFalse();
      assertThat(writer.written()).isEqualTo(steps);
    } finally {
      for (Node n : nodes) {
        n.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void done() {}

  @Test
  void recordedRunHasTheInterestingEvents() throws Exception {
    TraceFiles.Parsed p = TraceFiles.parse(trace);
    Set<Event.SumCase> kinds = EnumSet.noneOf(Event.SumCase.class);
    p.records().forEach(r -> kinds.add(r.getEvent().getSumCase()));
    assertThat(kinds).contains(Event.SumCase.STARTED, Event.SumCase.DIAL_SUCCEEDED, Event.SumCase.INBOUND_ACCEPTED,
        Event.SumCase.PEER_READY, Event.SumCase.TIMER_FIRED);
    assertThat(p.records()).hasSize((int) steps);
    assertThat(p.header().getPrngSeed()).isEqualTo(42);
    assertThat(p.header().getFirstStep()).isZero();
  }

  @Test
  void replayIsBitIdenticalToTheNode() throws Exception {
    try (Replay r = Replay.open(trace)) {
      long n = 0;
      for (var s = r.next(); s.isPresent(); s = r.next()) {
        assertThat(s.get().mismatch()).as("step %d", s.get().stepNumber()).isEmpty();
        n++;
      }
      assertThat(n).isEqualTo(steps);
      // the replayed final state is the node's, field for field and byte for byte
      assertThat(r.state()).isEqualTo(finalState);
      assertThat(CanonicalCodec.encodeState(r.state())).isEqualTo(CanonicalCodec.encodeState(finalState));
    }
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", trace.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("OK: " + steps + " steps replayed");
  }

  @Test
  void canonicalEncodingRoundTripsTheRunsState() {
    byte[] bytes = CanonicalCodec.encodeState(finalState);
    CoreState back = CanonicalCodec.decodeState(bytes, replayConfig());
    assertThat(back).isEqualTo(finalState);
    assertThat(CanonicalCodec.encodeState(back)).isEqualTo(bytes);
    assertThat(back.peer().book().newBuckets().length()).isEqualTo(finalState.peer().book().newBuckets().length());
  }

  private static dev.cairn.core.CoreConfig replayConfig() {
    try (Replay r = Replay.open(trace)) {
      return r.config();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void rotatedFilesEachReplayAlone() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; Files.exists(TraceWriter.segmentPath(rotated, i)); i++) {
      files.add(TraceWriter.segmentPath(rotated, i));
    }
    assertThat(files).hasSizeGreaterThan(2);
    long next = 0;
    for (Path f : files) {
      TraceFiles.Parsed p = TraceFiles.parse(f);
      assertThat(p.header().getFirstStep()).as(f.toString()).isEqualTo(next);
      next += p.records().size();
      TraceFiles.Run run = TraceFiles.cairn("trace", "replay", f.toString());
      assertThat(run.code()).as(f + ": " + run.out() + run.err()).isZero();
    }
    assertThat(next).isEqualTo(steps);
  }

  /** Index of the first accepted record with an event of {@code kind}. */
  private static int firstAccepted(List<TraceRecord> rs, Event.SumCase kind) {
    for (int i = 0; i < rs.size(); i++) {
      if (rs.get(i).getEvent().getSumCase() == kind && !rs.get(i).getRejected()) {
        return i;
      }
    }
    throw new AssertionError("no accepted " + kind);
  }

  @Test
  void alteredEventIsCaughtAtItsStep() throws Exception {
    List<TraceRecord> rs = TraceFiles.parse(trace).records();
    int k = firstAccepted(rs, Event.SumCase.INBOUND_ACCEPTED);
    Path bad = TraceFiles.rewrite(trace, dir.resolve("altered.trace"), l -> {
      TraceRecord r = l.get(k);
      Event.Builder e = r.getEvent().toBuilder();
      e.getInboundAcceptedBuilder().getRemoteBuilder().setPort(r.getEvent().getInboundAccepted().getRemote().getPort() ^ 1);
      l.set(k, r.toBuilder().setEvent(e).build());
      return l;
    });
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", bad.toString());
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out()).contains("MISMATCH at step " + rs.get(k).getStep() + " ")
        .contains(rs.get(k).getStep() + " steps before it replayed identically")
        .contains("the node that recorded the step decided otherwise than this build's core does");
    // show prints this build's decision for the altered step, and says so
    TraceFiles.Run shown = TraceFiles.cairn("trace", "show", "--effects", bad.toString());
    assertThat(shown.out()).contains("MISMATCH ").contains("what is shown of this step above is this build's core's"
        + " decision, not the recording node's");
    TraceFiles.Run diff = TraceFiles.cairn("trace", "diff", trace.toString(), bad.toString());
    assertThat(diff.code()).isEqualTo(1);
    assertThat(diff.out()).contains("DIVERGE at step " + rs.get(k).getStep() + ": the events differ");
  }

  @Test
  void droppedEventIsCaught() throws Exception {
    List<TraceRecord> rs = TraceFiles.parse(trace).records();
    int k = firstAccepted(rs, Event.SumCase.PEER_READY);
    // dropped as is: the step numbers have a gap, named as such
    Path gap = TraceFiles.rewrite(trace, dir.resolve("gap.trace"), l -> {
      l.remove(k);
      return l;
    });
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", gap.toString());
    assertThat(run.code()).isEqualTo(2);
    int prev = rs.get(k - 1).getSerializedSize();
    long at = TraceFiles.offsetOf(gap, k - 1) + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(prev) + prev;
    assertThat(run.err()).contains("record " + k + " at byte offset " + at + " is step " + (k + 1))
        .contains("expected step " + rs.get(k).getStep());
    // dropped and the later steps renumbered to hide it: the digests give it away at that step
    Path hidden = TraceFiles.rewrite(trace, dir.resolve("hidden.trace"), l -> {
      l.remove(k);
      for (int i = k; i < l.size(); i++) {
        l.set(i, l.get(i).toBuilder().setStep(i).build());
      }
      return l;
    });
    TraceFiles.Run replay = TraceFiles.cairn("trace", "replay", hidden.toString());
    assertThat(replay.code()).as(replay.out() + replay.err()).isEqualTo(1);
    assertThat(replay.out()).contains("MISMATCH at step " + k + " ");
  }

  @Test
  void truncatedFileNamesOffsetAndRecord() throws Exception {
    byte[] all = Files.readAllBytes(trace);
    long at = TraceFiles.offsetOf(trace, 5);
    Path cut = dir.resolve("cut.trace");
    Files.write(cut, java.util.Arrays.copyOf(all, (int) at + 3));
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", cut.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("truncated: record 5 at byte offset " + at).doesNotContain("Exception");
    // the records before the cut are replayed, as after a node stopped while writing
    assertThat(run.out()).contains("BROKEN: the 5 steps before the broken record replayed identically")
        .contains("a node that stopped while writing leaves its last record cut short");

    // a record inside the file that does not read is not a node that stopped while writing
    Path damaged = dir.resolve("damaged.trace");
    byte[] bad = all.clone();
    bad[(int) at] = (byte) 0xff; // the length of record 5: a varint that never ends
    bad[(int) at + 1] = (byte) 0xff;
    bad[(int) at + 2] = (byte) 0xff;
    bad[(int) at + 3] = (byte) 0xff;
    bad[(int) at + 4] = (byte) 0xff;
    bad[(int) at + 5] = (byte) 0xff;
    Files.write(damaged, bad);
    TraceFiles.Run inside = TraceFiles.cairn("trace", "replay", damaged.toString());
    assertThat(inside.code()).isEqualTo(2);
    assertThat(inside.err()).contains("corrupt").contains("byte offset " + at);
    assertThat(inside.out()).contains("the file was damaged or altered").doesNotContain("stopped while writing");

    TraceFiles.Run timeline = TraceFiles.cairn("trace", "timeline", cut.toString(), "--out",
        dir.resolve("cut.png").toString());
    assertThat(timeline.code()).isEqualTo(2);
    assertThat(timeline.out()).contains("BROKEN: drawn up to the step before the broken record")
        .contains("peers drawn in").contains("(steps 0..4)");
    assertThat(Files.size(dir.resolve("cut.png"))).isPositive();
    TraceFiles.Run diff = TraceFiles.cairn("trace", "diff", trace.toString(), cut.toString());
    assertThat(diff.code()).isEqualTo(2);
    assertThat(diff.err()).contains("truncated: record 5 at byte offset " + at);
    assertThat(diff.out()).contains("BROKEN: the 5 steps before the broken record are identical in both files");
    TraceFiles.Run show = TraceFiles.cairn("trace", "show", cut.toString());
    assertThat(show.code()).isEqualTo(2);
    assertThat(show.out()).contains("     4  +");
    Path header = dir.resolve("header.trace");
    Files.write(header, java.util.Arrays.copyOf(all, 20));
    TraceFiles.Run h = TraceFiles.cairn("trace", "show", header.toString());
    assertThat(h.code()).isEqualTo(2);
    assertThat(h.err()).contains("truncated: header at byte offset 8");
  }

  @Test
  void corruptRecordNamesOffsetAndRecord() throws Exception {
    byte[] all = Files.readAllBytes(trace);
    int at = (int) TraceFiles.offsetOf(trace, 3);
    byte[] bad = all.clone();
    bad[at + 1] = (byte) 0xff; // first field tag of record 3: wire type 7 does not exist
    bad[at + 2] = (byte) 0xff;
    Path corrupt = dir.resolve("corrupt.trace");
    Files.write(corrupt, bad);
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", corrupt.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("corrupt record 3 at byte offset " + at).doesNotContain("\tat ");
    assertThat(run.out()).contains("BROKEN: the 3 steps before the broken record replayed identically");
    // one step before the break: said in the singular, by every command that reports it
    Path one = dir.resolve("corrupt-after-one.trace");
    TraceFiles.corruptRecord(trace, 1, one);
    assertThat(TraceFiles.cairn("trace", "replay", one.toString()).out())
        .contains("BROKEN: the 1 step before the broken record replayed identically");
    assertThat(TraceFiles.cairn("trace", "validate", one.toString()).out())
        .contains("BROKEN: the 1 step before the broken record is a step of the spec and of the record");
    assertThat(TraceFiles.cairn("trace", "diff", trace.toString(), one.toString()).out())
        .contains("BROKEN: the 1 step before the broken record is identical in both files");
    byte[] huge = all.clone();
    huge[at] = (byte) 0xff;
    huge[at + 1] = (byte) 0xff;
    huge[at + 2] = (byte) 0xff;
    huge[at + 3] = (byte) 0x7f;
    Files.write(corrupt, huge);
    TraceFiles.Run len = TraceFiles.cairn("trace", "show", corrupt.toString());
    assertThat(len.code()).isEqualTo(2);
    assertThat(len.err()).contains("corrupt record 3 at byte offset " + at + ": length");
  }

  @Test
  void foreignFilesAreRefused() throws Exception {
    Path foreign = dir.resolve("notes.txt");
    Files.writeString(foreign, "this is not a trace, just some notes\n");
    TraceFiles.Run run = TraceFiles.cairn("trace", "replay", foreign.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("is not a Cairn trace").contains("byte offset 0");
    Path empty = dir.resolve("empty.trace");
    Files.write(empty, new byte[0]);
    assertThat(TraceFiles.cairn("trace", "show", empty.toString()).code()).isEqualTo(2);
    assertThat(TraceFiles.cairn("trace", "diff", trace.toString(), foreign.toString()).code()).isEqualTo(2);
    TraceFiles.Run missing = TraceFiles.cairn("trace", "replay", dir.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist");
  }

  @Test
  void showPrintsEventsEffectsAndStates() throws Exception {
    TraceFiles.Run all = TraceFiles.cairn("trace", "show", trace.toString());
    assertThat(all.code()).isZero();
    assertThat(all.out().lines().filter(l -> !l.startsWith("#")).count()).isEqualTo(steps);
    assertThat(all.out()).contains("     0  +  0.000000s").contains("Started");
    TraceFiles.Run some = TraceFiles.cairn("trace", "show", trace.toString(), "--from", "2", "--to", "4", "--effects",
        "--states");
    assertThat(some.code()).as(some.err()).isZero();
    assertThat(some.out()).doesNotContain("     1  +").contains("     2  +").contains("     4  +")
        .doesNotContain("     5  +").contains("\"peer\"").contains("\"book\"");
    TraceFiles.Run at = TraceFiles.cairn("trace", "replay", trace.toString(), "--at", "3");
    assertThat(at.code()).isZero();
    assertThat(at.out()).contains("# state after step 3").contains("\"connected\"");
    TraceFiles.Run same = TraceFiles.cairn("trace", "diff", trace.toString(), trace.toString());
    assertThat(same.code()).isZero();
    assertThat(same.out()).contains("SAME: " + steps + " steps");
  }
}
