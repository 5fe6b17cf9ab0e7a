package dev.cairn.shell.trace;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import dev.cairn.core.Step;
import java.nio.file.Path;

/**
 * A node recording a small world's steps into a trace as it runs, fed a batch at a time (its
 * writer thread writes them behind, as a running node's does): for the tests that read a trace
 * while it is written.
 */
public final class LiveRecording implements AutoCloseable {
  private final SmallWorldRun world;
  private final Validate.Stepper core;
  private final TraceWriter writer;
  private final int from;
  private CoreState state;
  private int next;

  /**
   * Records the world's events from event {@code from} on (the state before it replayed from the
   * world's start) into {@code file}, rotating past {@code maxFileBytes}, stepping with {@code core}.
   */
  public LiveRecording(SmallWorldRun world, Path file, long maxFileBytes, int from, Validate.Stepper core) {
    this.world = world;
    this.core = core;
    this.from = from;
    this.next = from;
    CoreState s = world.initial();
    for (int i = 0; i < from; i++) {
      SyntheticRun.Timed t = world.events().get(i);
      s = core.step(world.config(), s, t.now(), t.wall(), t.event()).step().state();
    }
    state = s;
    writer = new TraceWriter(TraceFiles.options(file, maxFileBytes), world.config(), state, world.prngSeed());
  }

  public LiveRecording(SmallWorldRun world, Path file, long maxFileBytes, int from) {
    this(world, file, maxFileBytes, from, Validate.CORE);
  }

  /** Records {@code n} more steps; returns the number of the last (counted from this run's start). */
  public long steps(int n) {
    for (int i = 0; i < n; i++) {
      SyntheticRun.Timed t = world.events().get(next++);
      Step<CoreState, CoreEffect> st = core.step(world.config(), state, t.now(), t.wall(), t.event()).step();
      writer.onStep(t.now(), t.wall(), t.event(), st, 0);
      state = st.state();
    }
    return next - from - 1;
  }

  /**
   * Waits until {@code file} holds {@code n} whole records (the writer thread writes behind, and
   * flushes when it is idle): a reader started then finds them all there.
   */
  public static void awaitRecords(Path file, int n) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (true) {
      int seen = 0;
      try (TraceReader r = TraceReader.open(file)) {
        for (var e = r.next(); e.isPresent(); e = r.next()) {
          seen++;
        }
      } catch (TraceFormatException e) {
        // its header or a record still in the writer's buffer
      }
      if (seen >= n) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(file + " does not hold " + n + " records within 30 s: " + seen);
      }
      Thread.sleep(10);
    }
  }

  /** Closes the trace: its trailer is written. */
  @Override
  public void close() {
    writer.close();
  }
}
