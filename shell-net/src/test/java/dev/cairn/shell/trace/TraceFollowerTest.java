package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.proto.trace.TraceHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TraceFollower} driven a step at a time, the writer's rotation played by deleting files by
 * hand: a file deleted by rotation is not a new run, the new run's files its own rotation deleted
 * are passed over, and the file a follow moves to is held open, so that deleting it then loses
 * nothing.
 */
@Timeout(120)
class TraceFollowerTest {

  private static final SmallWorldRun WORLD = SmallWorldRun.generate(1_200, 17, false);

  @TempDir Path dir;

  /** A follower that stops at its {@code waits}th wait (a follow that would wait for ever stops there). */
  private static TraceFollower stoppingAfter(int waits) {
    AtomicInteger n = new AtomicInteger();
    return new TraceFollower(Duration.ofMillis(5), () -> n.incrementAndGet() > waits);
  }

  /** What a follow of {@code file} read: its header, its last step, whether its trailer was read. */
  private record Read(TraceHeader header, long lastStep, boolean closed) {}

  private static Read readAll(TraceReader r) throws Exception {
    long last = r.header().getFirstStep() - 1;
    for (var e = r.next(); e.isPresent(); e = r.next()) {
      last = e.get().step();
    }
    return new Read(r.header(), last, r.trailer().isPresent());
  }

  /** A node of {@link #WORLD} recording events {@code from..from+steps-1} into {@code file} as a run, then stopping. */
  private static void record(Path file, long maxFileBytes, int from, int steps) {
    try (LiveRecording node = new LiveRecording(WORLD, file, maxFileBytes, from)) {
      node.steps(steps);
    }
  }

  /** {@code file} read through {@code follower}'s handle, with its tail, to where it ends. */
  private static Read readThrough(TraceFollower follower, Path file) throws Exception {
    try (TraceReader r = follower.reader(file, follower.tail(file))) {
      return readAll(r);
    }
  }

  private static long firstStep(Path file) throws Exception {
    try (TraceReader r = TraceReader.open(file)) {
      return r.header().getFirstStep();
    }
  }

  /**
   * A follow that was caught up in a file (waiting for its writer) and paused while the writer
   * closed it and rotated past it three times, deleting it and the two after it: the name no
   * longer names the file, yet this is no new run. It goes on in the oldest later file of the run,
   * naming the steps lost (it waited for a new run's first file for ever before).
   */
  @Test
  void aFileDeletedByRotationUnderAPausedFollow_isNoNewRun() throws Exception {
    Path file = dir.resolve("node.trace");
    record(file, 16 * 1024, 0, 600);
    assertThat(TraceWriter.segmentPath(file, 4)).as("rotated").exists();
    TraceFollower follower = stoppingAfter(20);
    TraceReader.Tail tail = follower.tail(file);
    Read read;
    try (TraceReader r = follower.reader(file, tail)) {
      read = readAll(r);
      for (int i = 0; i < 3; i++) {
        Files.delete(TraceWriter.segmentPath(file, i)); // the node keeps its newest files
      }
      assertThat(tail.awaitMore()).as("the file is no longer there to grow").isFalse();
    }
    assertThat(read.closed()).as("read to its trailer from the handle held").isTrue();
    assertThat(follower.setAside()).isTrue();

    Optional<TraceFollower.Move> m = follower.next(file, read.header(), read.lastStep(), read.closed());

    Path oldestLeft = TraceWriter.segmentPath(file, 3);
    assertThat(m).as("the follow goes on, not waiting for a new run").isPresent();
    assertThat(m.get().file()).isEqualTo(oldestLeft);
    assertThat(m.get().newRun()).isFalse();
    assertThat(m.get().missed().orElseThrow().describe("read")).isEqualTo("steps " + (read.lastStep() + 1) + ".."
        + (firstStep(oldestLeft) - 1) + " (" + TraceWriter.segmentPath(file, 1) + " to "
        + TraceWriter.segmentPath(file, 2) + ") were deleted by rotation before they could be read");
    follower.close();
  }

  /**
   * The node started again while the follow was paused, and its new run rotated past its first
   * files and deleted them before the follow looked: the follow goes on in the oldest file of the
   * new run left, naming its first steps as deleted (it stayed at the old run's last file before).
   */
  @Test
  void aNewRunWhoseFirstFilesRotationDeleted_isFollowedFromItsOldestFileLeft() throws Exception {
    Path file = dir.resolve("node.trace");
    record(file, 64L << 20, 0, 100);
    TraceFollower follower = stoppingAfter(20);
    TraceReader.Tail tail = follower.tail(file);
    Read read;
    try (TraceReader r = follower.reader(file, tail)) {
      read = readAll(r);
    }
    assertThat(read.lastStep()).isEqualTo(99);
    EarlierTrace.setAside(file); // the node starts again
    record(file, 16 * 1024, 100, 600);
    assertThat(TraceWriter.segmentPath(file, 3)).as("the new run rotated").exists();
    Files.delete(file);
    Files.delete(TraceWriter.segmentPath(file, 1));

    Optional<TraceFollower.Move> m = follower.next(file, read.header(), read.lastStep(), read.closed());

    Path oldestLeft = TraceWriter.segmentPath(file, 2);
    assertThat(m).as("the follow goes on into the new run").isPresent();
    assertThat(m.get().file()).isEqualTo(oldestLeft);
    assertThat(m.get().newRun()).isTrue();
    assertThat(m.get().missed().orElseThrow().describe("read")).isEqualTo("steps 0.." + (firstStep(oldestLeft) - 1)
        + " (" + file + " to " + TraceWriter.segmentPath(file, 1)
        + ") were deleted by rotation before they could be read");
    follower.close();
  }

  /**
   * The file a follow moves to is held open once it is chosen: the writer's rotation deleting it
   * before its reader is opened loses none of its steps (the reader said it did not exist before,
   * and the follow ended there).
   */
  @Test
  void theFileMovedToIsHeldOpen_soRotationDeletingItThenLosesNothing() throws Exception {
    Path file = dir.resolve("node.trace");
    record(file, 16 * 1024, 0, 600);
    TraceFollower follower = stoppingAfter(20);
    Read read = readThrough(follower, file);
    Files.delete(TraceWriter.segmentPath(file, 1));

    Optional<TraceFollower.Move> m = follower.next(file, read.header(), read.lastStep(), read.closed());
    Path moved = TraceWriter.segmentPath(file, 2);
    assertThat(m.map(TraceFollower.Move::file)).contains(moved);
    long first = firstStep(moved);
    Files.delete(moved); // deleted between the choice and the reading

    try (TraceReader r = follower.reader(moved, follower.tail(moved))) {
      Read after = readAll(r);
      assertThat(after.header().getFirstStep()).isEqualTo(first);
      assertThat(after.closed()).isTrue();
      assertThat(after.lastStep()).isEqualTo(firstStep(TraceWriter.segmentPath(file, 3)) - 1);
    }
    follower.close();
  }

  /** Follows from the move {@code m} until a move into a new run; returns that move and the steps read on the way. */
  private record Run(TraceFollower.Move next, long steps, long lastStep) {}

  private static Run readRun(TraceFollower follower, Read from, Path fromFile) throws Exception {
    Read read = from;
    Path file = fromFile;
    long steps = 0;
    while (true) {
      TraceFollower.Move m = follower.next(file, read.header(), read.lastStep(), read.closed()).orElseThrow();
      assertThat(m.missed()).as("nothing lost on the way to %s", m.file()).isEmpty();
      if (m.newRun()) {
        return new Run(m, steps, read.lastStep());
      }
      assertThat(firstStep(m.file())).as("%s continues the file before it", m.file()).isEqualTo(read.lastStep() + 1);
      file = m.file();
      try (TraceReader r = follower.reader(file, follower.tail(file))) {
        read = readAll(r);
      }
      steps += read.lastStep() - read.header().getFirstStep() + 1;
    }
  }

  /**
   * The node started twice while the follow was paused more than a file behind: each start set the
   * run before it aside as a whole. The follow reads the first run's later files where the first
   * start put them, then the second run where the second start put it, then the node's current
   * run: every step of each (it moved from the file it held straight to the current run before,
   * naming nothing).
   */
  @Test
  void runsSetAsideWhileTheFollowWasBehind_areReadInTheOrderTheyRan() throws Exception {
    Path file = dir.resolve("node.trace");
    record(file, 16 * 1024, 0, 400);
    assertThat(TraceWriter.segmentPath(file, 2)).as("rotated").exists();
    TraceFollower follower = stoppingAfter(20);
    Read first = readThrough(follower, file);
    assertThat(first.closed()).isTrue();
    var firstAside = EarlierTrace.setAside(file);
    record(file, 16 * 1024, 400, 300);
    Thread.sleep(1_100); // the second run's stamp is a later second than the first's
    var secondAside = EarlierTrace.setAside(file);
    record(file, 64L << 20, 700, 100);

    Run a = readRun(follower, first, file);
    assertThat(a.lastStep()).as("the first run read to its end").isEqualTo(399);
    assertThat(a.steps()).as("its files after the one held, under the names its set-aside gave them")
        .isEqualTo(399 - first.lastStep());
    assertThat(a.next().file()).as("then the run set aside next").isEqualTo(secondAside.get(0).to());
    Read second = readThrough(follower, a.next().file());
    Run b = readRun(follower, second, a.next().file());
    assertThat(b.lastStep()).isEqualTo(299);
    assertThat(b.next().file()).as("then the node's current run").isEqualTo(file);
    assertThat(firstAside).extracting(EarlierTrace.Moved::to).doesNotContain(file);
    follower.close();
  }

  /**
   * The node was killed (no trailer on its last file) and started again while the follow was
   * paused more than a file behind: the start set the killed run's files aside, its last one ending
   * without a trailer. The follow reads that file to its end and goes on into the node's new run
   * (it waited for ever at the end of that file before: its name, given by the start, never changes).
   */
  @Test
  void aKilledRunSetAsideWhileTheFollowWasBehind_endsAtItsLastFileAndTheNewRunFollows() throws Exception {
    Path file = dir.resolve("node.trace");
    record(file, 16 * 1024, 0, 400);
    int lastSegment = EarlierTrace.existingSet(dir, "node.trace").lastKey();
    assertThat(lastSegment).as("rotated").isGreaterThanOrEqualTo(2);
    killedIn(TraceWriter.segmentPath(file, lastSegment)); // after the record before the last one
    TraceFollower follower = stoppingAfter(20);
    Read first = readThrough(follower, file);
    EarlierTrace.setAside(file); // the node starts again
    record(file, 64L << 20, 400, 100);

    Run a = readRun(follower, first, file);
    assertThat(follower.stopped()).as("the killed run's last file ended where its writer stopped").isFalse();
    assertThat(a.lastStep()).as("the killed run read to its last whole record").isEqualTo(398);
    assertThat(a.next().file()).as("then the node's new run").isEqualTo(file);
    follower.close();
  }

  /**
   * The node started four times while the follow was paused in its first run's first file: the
   * last start deleted that run (a node keeps its three most recent earlier runs). The follow reads
   * the file it holds to its end, names the rest of that run as lost (it may have gone on in the
   * files deleted), then reads every run kept, in the order they ran, then the node's current run
   * (it moved to the current run before, skipping the kept runs, naming nothing).
   */
  @Test
  void aRunDeletedByLaterStartsWhileTheFollowWasBehind_isNamedAndTheRunsKeptAreRead() throws Exception {
    Path file = dir.resolve("node.trace");
    record(file, 16 * 1024, 0, 400);
    assertThat(TraceWriter.segmentPath(file, 2)).as("rotated").exists();
    TraceFollower follower = stoppingAfter(20);
    Read first = readThrough(follower, file);
    List<List<EarlierTrace.Moved>> starts = new ArrayList<>();
    for (int run = 1; run <= 4; run++) { // runs 1..3 of 100 steps each, then the current run 4
      starts.add(EarlierTrace.setAside(file));
      record(file, 64L << 20, 300 + 100 * run, run < 4 ? 100 : 50);
    }
    assertThat(starts.get(3)).as("the fourth start deleted the first run").anyMatch(m -> m.to() == null);

    TraceFollower.Move m = follower.next(file, first.header(), first.lastStep(), first.closed()).orElseThrow();
    assertThat(m.runRest().map(r -> r.describe("read"))).contains("any steps from " + (first.lastStep() + 1)
        + " on of the run " + file + " belonged to, and any runs between it and the oldest run kept, were deleted"
        + " before they could be read (a start of the node set them aside and later starts deleted them: it keeps"
        + " its 3 most recent earlier runs)");
    assertThat(m.newRun()).isTrue();
    assertThat(m.file()).as("the oldest run kept").isEqualTo(starts.get(1).get(0).to());
    Path at = m.file();
    for (int run = 2; run <= 4; run++) {
      Read read = readThrough(follower, at);
      Run rest = readRun(follower, read, at);
      assertThat(rest.lastStep()).as("run %d read to its end", run - 1).isEqualTo(99);
      at = rest.next().file();
      assertThat(rest.next().runRest()).isEmpty();
      assertThat(at).isEqualTo(run < 4 ? starts.get(run).get(0).to() : file);
    }
    follower.close();
  }

  /** Cuts {@code file}'s last record off, as a node killed while writing it leaves the file. */
  private static void killedIn(Path file) throws Exception {
    long lastIndex;
    try (TraceReader r = TraceReader.open(file)) {
      lastIndex = readAll(r).lastStep() - r.header().getFirstStep();
    }
    long cutAt = TraceFiles.offsetOf(file, lastIndex);
    try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(cutAt);
    }
  }

  /**
   * A follow started on a file a start set aside (a killed run's first file): it reads that run's
   * files to the end of its last one and goes on into the node's current run (it waited for ever at
   * the end of the killed run's last file before, which has no trailer and whose name never
   * changes).
   */
  @Test
  void aFollowStartedOnAFileSetAside_readsItsRunThenTheCurrentOne() throws Exception {
    Path file = dir.resolve("node.trace");
    record(file, 16 * 1024, 0, 400);
    killedIn(TraceWriter.segmentPath(file, EarlierTrace.existingSet(dir, "node.trace").lastKey()));
    List<EarlierTrace.Moved> aside = EarlierTrace.setAside(file);
    record(file, 64L << 20, 400, 100);
    Path start = aside.get(0).to();
    TraceFollower follower = stoppingAfter(20);
    Read first = readThrough(follower, start);
    Run a = readRun(follower, first, start);
    assertThat(follower.stopped()).as("no wait at the end of the killed run's last file").isFalse();
    assertThat(a.lastStep()).isEqualTo(398);
    assertThat(a.next().file()).as("then the node's current run").isEqualTo(file);
    assertThat(a.next().runRest()).isEmpty();
    follower.close();
  }

  /**
   * The run being followed was killed in the file the follow holds (no trailer: its last file),
   * then later starts deleted it: the follow goes on in the oldest run kept, and names no steps of
   * the killed run as lost, since none came after that file.
   */
  @Test
  void aKilledRunDeletedByLaterStarts_losesNothingAfterItsLastFile() throws Exception {
    Path file = dir.resolve("node.trace");
    record(file, 64L << 20, 0, 200);
    killedIn(file);
    TraceFollower follower = stoppingAfter(20);
    Read first = readThrough(follower, file);
    assertThat(first.closed()).isFalse();
    List<List<EarlierTrace.Moved>> starts = new ArrayList<>();
    for (int run = 1; run <= 4; run++) {
      starts.add(EarlierTrace.setAside(file));
      record(file, 64L << 20, 100 + 100 * run, 50);
    }
    TraceFollower.Move m = follower.next(file, first.header(), first.lastStep(), first.closed()).orElseThrow();
    assertThat(m.file()).as("the oldest run kept").isEqualTo(starts.get(1).get(0).to());
    assertThat(m.runRest()).isEmpty();
    follower.close();
  }
}
