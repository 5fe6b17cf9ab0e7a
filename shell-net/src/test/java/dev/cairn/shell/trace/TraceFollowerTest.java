package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.proto.trace.TraceHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  private static long firstStep(Path file) throws Exception {
    try (TraceReader r = TraceReader.open(file)) {
      return r.header().getFirstStep();
    }
  }

  /**
   * The file a follow moves to is held open once it is chosen: the writer's rotation deleting it
   * before its reader is opened loses none of its steps (the reader said it did not exist before,
   * and the follow ended there).
   */
  @Test
  void theFileMovedToIsHeldOpen_soRotationDeletingItThenLosesNothing() throws Exception {
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = new LiveRecording(WORLD, file, 16 * 1024, 0)) {
      node.steps(600);
    }
    TraceFollower follower = stoppingAfter(20);
    Read read;
    try (TraceReader r = follower.reader(file, follower.tail(file))) {
      read = readAll(r);
    }
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
}
