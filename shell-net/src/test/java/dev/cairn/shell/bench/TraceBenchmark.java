package dev.cairn.shell.bench;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import dev.cairn.core.Step;
import dev.cairn.shell.trace.EventCodec;
import dev.cairn.shell.trace.LoopbackRun;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.SmallWorldRun;
import dev.cairn.shell.trace.SpecHash;
import dev.cairn.shell.trace.SyntheticRun;
import dev.cairn.shell.trace.TraceReader;
import dev.cairn.shell.trace.TraceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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
 *   <li>loopback ({@link LoopbackRun}): the steps every node took in a real
 *       {@value #LOOPBACK_SECONDS}-second run of {@value #LOOPBACK_NODES} nodes on 127.0.0.1 laid
 *       out as {@code cairn testnet} does (one seed, PEX every 500 ms), recorded once at setup, one
 *       trace per node;
 *   <li>a node's life ({@value #EVENTS} steps of one node in a simulated network,
 *       {@link SmallWorldRun}, 250 ms of virtual time per event, about 1.4 hours): {@code validator}
 *       (behind three sentries, its persistent peers, 25 node IDs in the network), {@code seed} (the
 *       same network's seed in seed mode: crawl rounds), {@code public} (an ordinary node of a
 *       network of {@value #PUBLIC_NODES} nodes on public addresses over a few thousand /16 groups,
 *       whose book fills up with them) and {@code crowded} (the same network all in 10.1.0.0/16: every
 *       address lands in one new bucket, so once the book has seen 64 of them each new address pushes
 *       one out: the book's worst case).
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
 *   <li>{@code recordDrained}: {@code onStep} alone on precomputed steps, then waiting for the writer
 *       thread: the writer thread's throughput;
 *   <li>{@code replay}: {@code cairn trace replay}'s work per event: read, decode, step, digest, compare
 *       (past a file's first 512 records the core steps on a second thread, ahead of the verification);
 *   <li>{@code read}: reading and decoding the events alone (replay's cost beyond the core);
 *   <li>{@code loopbackReplay}: replay on the loopback files (about 95 records each: all on the
 *       caller's thread);
 *   <li>{@code lifeStep}, {@code lifeReplay}: {@code Core.step} alone and replay on a node's life;
 *   <li>{@code rotatedReplay}: {@code cairn trace replay --jobs N} over {@value Rotated#STEPS} steps of
 *       a node's life recorded as a rotated trace of {@value Rotated#FILES} files (each replayed from
 *       the state its header holds, up to N at once), as the command runs it, its report discarded.
 * </ul>
 *
 * The loopback benchmarks count events in the {@code events} secondary result (events/s);
 * {@code step} and {@code stepAndRecord} also report the benchmark thread's CPU time
 * ({@code cpuNanos}) and steps ({@code steps}) per iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TraceBenchmark {

  static final int EVENTS = 20_000;
  static final int LOOPBACK_NODES = 10;
  static final int LOOPBACK_SECONDS = 15;
  public static final int PUBLIC_NODES = 1_000;

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

  /** Thread CPU times, for {@link DriverCpu} and {@link ReplayCpu}. */
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * CPU time of the benchmark (driver) thread and the steps it took, summed per iteration: their
   * ratio is the driver's CPU cost per step, unaffected by waiting for a core on a loaded machine.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class DriverCpu {
    public long cpuNanos;
    public long steps;

    @Setup(Level.Iteration)
    public void reset() {
      cpuNanos = 0;
      steps = 0;
    }

    long now() {
      return THREADS.getCurrentThreadCpuTime();
    }
  }

  private SyntheticRun synthetic;
  private Path dir;
  private Path recorded;
  private TraceWriter writer;

  private List<Step<CoreState, CoreEffect>> steps;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    synthetic = SyntheticRun.generate(EVENTS, 2024);
    steps = new ArrayList<>(EVENTS);
    CoreState s = synthetic.initial();
    for (SyntheticRun.Timed t : synthetic.events()) {
      Step<CoreState, CoreEffect> st = Core.step(synthetic.config(), s, t.now(), t.wall(), t.event());
      steps.add(st);
      s = st.state();
    }
    dir = Files.createTempDirectory("trace-bench");
    recorded = dir.resolve("replay.trace");
    synthetic.record(TraceWriter.Options.defaults(recorded));
    writer = new TraceWriter(new TraceWriter.Options(dir.resolve("bench.trace"), 16L << 20, 2, 1 << 16,
        Duration.ofSeconds(10), SpecHash.ABSENT), synthetic.config(), synthetic.initial(), synthetic.prngSeed());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    writer.close();
    delete(dir);
  }

  private static void delete(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  /** The loopback run and its traces (one per node), made only for the benchmarks that use them. */
  @State(Scope.Benchmark)
  public static class Loopback {
    LoopbackRun run;
    Path dir;
    List<Path> recorded = new ArrayList<>();

    @Setup(Level.Trial)
    public void setup() throws Exception {
      run = LoopbackRun.record(LOOPBACK_NODES, Duration.ofSeconds(LOOPBACK_SECONDS));
      dir = Files.createTempDirectory("trace-bench-loopback");
      long bytes = 0;
      for (LoopbackRun.NodeRun node : run.nodes()) {
        Path file = dir.resolve("node" + recorded.size() + ".trace");
        node.writeTrace(file);
        recorded.add(file);
        bytes += Files.size(file);
      }
      System.out.println("# loopback traces: " + run.nodes().size() + " nodes, " + run.steps() + " steps, " + bytes
          + " bytes");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      delete(dir);
    }
  }

  /** The loopback traces opened (header read and decoded), before each invocation replays them. */
  @State(Scope.Thread)
  public static class Opened {
    List<Replay> replays = new ArrayList<>();

    @Setup(Level.Invocation)
    public void open(Loopback l) throws Exception {
      replays.clear();
      for (Path p : l.recorded) {
        replays.add(Replay.open(p));
      }
    }

    @TearDown(Level.Invocation)
    public void close() throws Exception {
      for (Replay r : replays) {
        r.close();
      }
    }
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
        bh.consume(EventCodec.decode(e.get()));
        n++;
      }
    }
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState step(DriverCpu cpu) {
    long t0 = cpu.now();
    CoreState s = stepAll(synthetic.config(), synthetic.initial(), synthetic.events());
    cpu.cpuNanos += cpu.now() - t0;
    cpu.steps += EVENTS;
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState stepAndRecord(DriverCpu cpu) {
    long t0 = cpu.now();
    CoreState s = synthetic.feed(writer);
    cpu.cpuNanos += cpu.now() - t0;
    cpu.steps += EVENTS;
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState stepAndRecordDrained() {
    CoreState s = synthetic.feed(writer);
    writer.drain();
    return s;
  }

  private void record() {
    List<SyntheticRun.Timed> events = synthetic.events();
    for (int i = 0; i < EVENTS; i++) {
      SyntheticRun.Timed t = events.get(i);
      writer.onStep(t.now(), t.wall(), t.event(), steps.get(i), 0);
    }
  }

  /**
   * {@link TraceWriter#onStep} alone on the precomputed steps, then waiting for the writer thread:
   * the writer thread's throughput (digest, encode, write), which must stay above the core's.
   */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void recordDrained() {
    record();
    writer.drain();
  }

  @Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC") // the collector cairn's launcher gives trace commands
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
  public void loopbackStep(Loopback l, Events n, Blackhole bh) {
    for (LoopbackRun.NodeRun node : l.run.nodes()) {
      n.events += node.events().size();
      bh.consume(stepAll(node.config(), node.initial(), node.events()));
    }
  }

  /** Replay's per-event work on the loopback traces; opening them (decoding each header) is not counted. */
  @Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC") // the collector cairn's launcher gives trace commands
  @Benchmark
  public void loopbackReplay(Opened o, Events n, Blackhole bh) throws Exception {
    for (Replay r : o.replays) {
      for (var st = r.next(); st.isPresent(); st = r.next()) {
        if (st.get().mismatch().isPresent()) {
          throw new IllegalStateException(st.get().mismatch().get());
        }
        bh.consume(st.get());
        n.events++;
      }
      if (r.endMismatch().isPresent()) {
        throw new IllegalStateException(r.endMismatch().get());
      }
    }
  }

  @Benchmark
  public void loopbackRead(Loopback l, Events n, Blackhole bh) throws Exception {
    for (Path p : l.recorded) {
      n.events += readAll(p, bh);
    }
  }

  /** Opening the loopback traces: reading and decoding each file's header (config and initial state). */
  @Benchmark
  public void loopbackOpen(Loopback l, Blackhole bh) throws Exception {
    for (Path p : l.recorded) {
      try (Replay r = Replay.open(p)) {
        bh.consume(r.state());
      }
    }
  }

  /** One node's life in a simulated network, generated and recorded once per trial. */
  @State(Scope.Benchmark)
  public static class Life {
    @Param({"validator", "seed", "public", "crowded"})
    public String node;
    SmallWorldRun run;
    Path dir;
    Path recorded;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      run = switch (node) {
        case "validator" -> SmallWorldRun.generate(EVENTS, 3, false);
        case "seed" -> SmallWorldRun.generate(EVENTS, 4, true);
        case "public" -> SmallWorldRun.generate(EVENTS, 5, false, PUBLIC_NODES, UnaryOperator.identity(),
            SmallWorldRun.Addresses.ROUTABLE);
        case "crowded" -> SmallWorldRun.generate(EVENTS, 5, false, PUBLIC_NODES);
        default -> throw new IllegalArgumentException("node " + node);
      };
      dir = Files.createTempDirectory("trace-bench-life");
      recorded = dir.resolve(node + ".trace");
      run.record(TraceWriter.Options.defaults(recorded));
      CoreState end = stepAll(run.config(), run.initial(), run.events());
      System.out.println("# " + node + ": " + EVENTS + " steps, " + Files.size(recorded) + " bytes, book of "
          + end.peer().book().size() + " at the end");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      delete(dir);
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState lifeStep(Life l) {
    return stepAll(l.run.config(), l.run.initial(), l.run.events());
  }

  @Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC") // the collector cairn's launcher gives trace commands
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void lifeReplay(Life l, ReplayCpu cpu, Blackhole bh) throws Exception {
    long process = cpu.process();
    long caller = THREADS.getCurrentThreadCpuTime();
    long n = replayAll(l.recorded, bh);
    cpu.callerCpuNanos += THREADS.getCurrentThreadCpuTime() - caller;
    cpu.processCpuNanos += cpu.process() - process;
    cpu.replayed += n;
  }

  /**
   * CPU time of a replay, read around each invocation of {@link #lifeReplay}: the whole process's
   * (both threads of the replay, and the JIT and collector threads, little once warm) and the
   * calling thread's (reading, decoding, verifying); the stepping thread has about the difference.
   * Per replayed event: {@code processCpuNanos / replayed}. Time on a CPU is steadier than the score
   * on a machine whose two cores are shared, and it tells which thread bounds the replay.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class ReplayCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    public long processCpuNanos;
    public long callerCpuNanos;
    public long replayed;

    @Setup(Level.Iteration)
    public void reset() {
      processCpuNanos = 0;
      callerCpuNanos = 0;
      replayed = 0;
    }

    long process() {
      return OS.getProcessCpuTime();
    }
  }

  /** A node's life recorded as a rotated trace (about {@value #FILES} files), once per trial. */
  @State(Scope.Benchmark)
  public static class Rotated {
    static final int FILES = 4;
    static final int STEPS = FILES * EVENTS;

    @Param({"public", "validator"})
    public String node;
    @Param({"1", "2"})
    public int jobs;
    Path dir;
    String[] args;
    final java.io.PrintWriter discard = new java.io.PrintWriter(java.io.Writer.nullWriter());

    @Setup(Level.Trial)
    public void setup() throws Exception {
      SmallWorldRun run = switch (node) {
        case "validator" -> SmallWorldRun.generate(STEPS, 3, false);
        case "public" -> SmallWorldRun.generate(STEPS, 5, false, PUBLIC_NODES, UnaryOperator.identity(),
            SmallWorldRun.Addresses.ROUTABLE);
        default -> throw new IllegalArgumentException("node " + node);
      };
      dir = Files.createTempDirectory("trace-bench-rotated");
      Path whole = dir.resolve("whole.trace");
      run.record(TraceWriter.Options.defaults(whole));
      long perFile = Math.max(1024, Files.size(whole) / FILES);
      Path recorded = dir.resolve(node + ".trace");
      run.record(new TraceWriter.Options(recorded, perFile, 10_000, 1 << 16, java.time.Duration.ofSeconds(1),
          dev.cairn.shell.trace.SpecHash.fromClasspath()));
      List<String> a = new ArrayList<>(List.of("trace", "replay", "--jobs", Integer.toString(jobs)));
      for (int i = 0; Files.exists(TraceWriter.segmentPath(recorded, i)); i++) {
        a.add(TraceWriter.segmentPath(recorded, i).toString());
      }
      args = a.toArray(String[]::new);
      System.out.println("# " + node + ": " + STEPS + " steps in " + (a.size() - 4) + " files");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      delete(dir);
    }
  }

  @Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC") // the collector cairn's launcher gives trace commands
  @Benchmark
  @OperationsPerInvocation(Rotated.STEPS)
  public int rotatedReplay(Rotated r) {
    picocli.CommandLine cl = dev.cairn.shell.cli.Cairn.commandLine();
    cl.setOut(r.discard);
    cl.setErr(r.discard);
    int exit = cl.execute(r.args);
    if (exit != 0) {
      throw new IllegalStateException("replay exit " + exit);
    }
    return exit;
  }
}
