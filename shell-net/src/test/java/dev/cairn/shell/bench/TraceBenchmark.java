package dev.cairn.shell.bench;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import dev.cairn.core.Step;
import dev.cairn.shell.trace.EventCodec;
import dev.cairn.shell.trace.LoopbackRun;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.SpecHash;
import dev.cairn.shell.trace.SyntheticRun;
import dev.cairn.shell.trace.TraceReader;
import dev.cairn.shell.trace.TraceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of recording and replaying traces against the core step itself, on two event
 * sequences:
 *
 * <ul>
 *   <li>synthetic ({@value #EVENTS} steps, {@link SyntheticRun}): a node with 1 000 known
 *       addresses starts, dials (30 % of dials fail), admits inbound peers, exchanges PEX requests
 *       and 30-address replies, loses peers, and fires its timers as time passes (10 ms per event);
 *   <li>loopback ({@link LoopbackRun}, up to {@value #LOOPBACK_EVENTS} steps): the steps node A
 *       took in a real six-node run on 127.0.0.1 (two persistent peers, one inbound slot, three
 *       nodes that keep dialing it and are refused), recorded once at setup.
 * </ul>
 *
 * The benchmarks:
 *
 * <ul>
 *   <li>{@code step}: {@code Core.step} alone (the baseline);
 *   <li>{@code stepAndRecord}: the same plus {@link TraceWriter#onStep}, as the driver calls it
 *       (the digests and the file are the writer thread's work);
 *   <li>{@code stepAndRecordDrained}: the same, then waiting until the writer thread has digested,
 *       encoded and buffered every step: the sustained cost with both threads counted;
 *   <li>{@code replay}: {@code cairn trace replay}'s work per event: read, decode, step, digest, compare;
 *   <li>{@code read}: reading and decoding the events alone (replay's cost beyond the core).
 * </ul>
 *
 * The loopback benchmarks count events in the {@code events} secondary result (events/s).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TraceBenchmark {

  static final int EVENTS = 20_000;
  static final int LOOPBACK_EVENTS = 3_000;

  /** Events processed, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Events {
    public long events;

    @Setup(Level.Iteration)
    public void reset() {
      events = 0;
    }
  }

  private SyntheticRun synthetic;
  private LoopbackRun loopback;
  private Path dir;
  private Path recorded;
  private Path loopbackRecorded;
  private TraceWriter writer;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    synthetic = SyntheticRun.generate(EVENTS, 2024);
    dir = Files.createTempDirectory("trace-bench");
    recorded = dir.resolve("replay.trace");
    synthetic.record(TraceWriter.Options.defaults(recorded));
    loopback = LoopbackRun.record(LOOPBACK_EVENTS, Duration.ofSeconds(20));
    loopbackRecorded = dir.resolve("loopback.trace");
    try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(loopbackRecorded), loopback.config(),
        loopback.initial(), loopback.prngSeed())) {
      CoreState s = loopback.initial();
      for (SyntheticRun.Timed t : loopback.events()) {
        Step<CoreState, CoreEffect> st = Core.step(loopback.config(), s, t.now(), t.wall(), t.event());
        w.onStep(t.now(), t.wall(), t.event(), st, 0);
        s = st.state();
      }
    }
    System.out.println("# loopback trace: " + loopback.events().size() + " steps");
    writer = new TraceWriter(new TraceWriter.Options(dir.resolve("bench.trace"), 16L << 20, 2, 1 << 16,
        Duration.ofSeconds(10), SpecHash.ABSENT), synthetic.config(), synthetic.initial(), synthetic.prngSeed());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    writer.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  private static CoreState stepAll(CoreConfig config, CoreState initial, List<SyntheticRun.Timed> events) {
    CoreState s = initial;
    for (SyntheticRun.Timed t : events) {
      s = Core.step(config, s, t.now(), t.wall(), t.event()).state();
    }
    return s;
  }

  private static long replayAll(Path file, Blackhole bh) throws Exception {
    long n = 0;
    try (Replay r = Replay.open(file)) {
      for (var st = r.next(); st.isPresent(); st = r.next()) {
        if (st.get().mismatch().isPresent()) {
          throw new IllegalStateException(st.get().mismatch().get());
        }
        bh.consume(st.get());
        n++;
      }
      if (r.endMismatch().isPresent()) {
        throw new IllegalStateException(r.endMismatch().get());
      }
    }
    return n;
  }

  private static long readAll(Path file, Blackhole bh) throws Exception {
    long n = 0;
    try (TraceReader r = TraceReader.open(file)) {
      for (var e = r.next(); e.isPresent(); e = r.next()) {
        bh.consume(EventCodec.decode(e.get().event()));
        n++;
      }
    }
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState step() {
    return stepAll(synthetic.config(), synthetic.initial(), synthetic.events());
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState stepAndRecord() {
    return synthetic.feed(writer);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState stepAndRecordDrained() {
    CoreState s = stepAndRecord();
    writer.drain();
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void replay(Blackhole bh) throws Exception {
    replayAll(recorded, bh);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void read(Blackhole bh) throws Exception {
    readAll(recorded, bh);
  }

  @Benchmark
  public CoreState loopbackStep(Events n) {
    n.events += loopback.events().size();
    return stepAll(loopback.config(), loopback.initial(), loopback.events());
  }

  @Benchmark
  public void loopbackReplay(Events n, Blackhole bh) throws Exception {
    n.events += replayAll(loopbackRecorded, bh);
  }

  @Benchmark
  public void loopbackRead(Events n, Blackhole bh) throws Exception {
    n.events += readAll(loopbackRecorded, bh);
  }
}
