package dev.cairn.shell.bench;

import dev.cairn.shell.trace.LoopbackRun;
import dev.cairn.shell.trace.SmallWorldRun;
import dev.cairn.shell.trace.TraceWriter;
import dev.cairn.shell.trace.Validate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code cairn trace validate}'s work ({@link Validate.Session}: load the spec for a trace's
 * model, then per step: step the core, α, check the pair against the spec's action, invariants,
 * the record's digests) on two kinds of traces:
 *
 * <ul>
 *   <li><b>loopback</b>: the traces of a real 15-second run of {@value LoopbackTraces#NODES} nodes
 *       on 127.0.0.1 ({@link LoopbackRun}), one per node, the seed's included: about 100 steps
 *       each, each with a model of its own (10 spec loads per pass);
 *   <li><b>long</b>: {@value LongTraces#EVENTS} steps by default (about 1.4 hours of virtual time) of one node
 *       of a small simulated network ({@link SmallWorldRun}: 25 node IDs), as a validator with
 *       sentries and a seed ({@code longValidator}) and as the seed in seed mode ({@code longSeed});
 *   <li><b>public</b> ({@code longPublic}): {@value LongTraces#EVENTS} steps of an ordinary node of a
 *       network of {@value TraceBenchmark#PUBLIC_NODES} nodes on public addresses (TraceBenchmark's
 *       {@code public} node): its model has about a thousand peers, and its states hardly repeat.
 *   <li><b>crowded</b> ({@code longCrowded}): the same steps of the same node with its network in
 *       one /16 (TraceBenchmark's {@code crowded} node): one new bucket fills, and about one step
 *       in seven pushes known peers out of the book, which the checks read off the result.
 * </ul>
 *
 * <p>The {@code events} counter gives validated events per second. {@code loopback} loads the
 * spec in every invocation ({@code loadMicros}: microseconds of spec loading per second of the
 * run; a fresh JVM's {@code cairn trace validate} also pays class loading, not measured here);
 * {@code longValidator} and {@code longSeed} load it once at setup (the time is printed) and only
 * forget the memoised verdicts between invocations, so each invocation checks the trace as a
 * first validation would, without the load.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
// -XX:+UseParallelGC: the collector cairn's launcher gives trace commands
@Fork(value = 1, jvmArgsAppend = {"-Xss4m", "-XX:+UseParallelGC"})
public class ValidateBenchmark {

  /** The loopback traces. */
  @State(Scope.Benchmark)
  public static class LoopbackTraces {
    static final int NODES = 10;
    static final int SECONDS = 15;

    List<Path> traces = new ArrayList<>();
    long steps;
    Path dir;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      LoopbackRun run = LoopbackRun.record(NODES, Duration.ofSeconds(SECONDS));
      dir = Files.createTempDirectory("validate-bench");
      for (LoopbackRun.NodeRun node : run.nodes()) {
        Path file = dir.resolve((node.config().pex().seedMode() ? "seed" : "node") + traces.size() + ".trace");
        node.writeTrace(file);
        traces.add(file);
        steps += node.events().size();
      }
      check(traces);
      System.out.println("# loopback traces: " + traces.size() + " nodes, " + steps + " steps");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      delete(dir);
    }
  }

  /**
   * The long traces of a small simulated network: {@code steps} steps each (20 000 by default,
   * about 1.4 hours of virtual time; {@code -p steps=100000} for 7 hours).
   */
  @State(Scope.Benchmark)
  public static class LongTraces {
    static final int EVENTS = 20_000;

    @Param({"20000"})
    public int steps;

    Path validator;
    Path seed;
    Path dir;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      dir = Files.createTempDirectory("validate-bench");
      validator = recorded(dir, "validator", SmallWorldRun.generate(steps, 3, false));
      seed = recorded(dir, "seed", SmallWorldRun.generate(steps, 4, true));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      delete(dir);
    }
  }

  /**
   * The public node's trace (TraceBenchmark's {@code public} life), and the crowded node's (its
   * {@code crowded} life: the same network in one /16, whose full bucket pushes a known peer out
   * of the book in about one step of seven).
   */
  @State(Scope.Benchmark)
  public static class PublicTrace {
    Path trace;
    Path crowded;
    Path dir;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      dir = Files.createTempDirectory("validate-bench");
      trace = recorded(dir, "public", SmallWorldRun.generate(LongTraces.EVENTS, 5, false, TraceBenchmark.PUBLIC_NODES,
          UnaryOperator.identity(), SmallWorldRun.Addresses.ROUTABLE));
      crowded = recorded(dir, "crowded", SmallWorldRun.generate(LongTraces.EVENTS, 5, false, TraceBenchmark.PUBLIC_NODES));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      delete(dir);
    }
  }

  /** {@code run} recorded as {@code name}.trace in {@code dir}. */
  static Path recorded(Path dir, String name, SmallWorldRun run) {
    Path file = dir.resolve(name + ".trace");
    run.record(TraceWriter.Options.defaults(file));
    return file;
  }

  /** A session holding the loaded spec of one long trace across invocations. */
  @State(Scope.Thread)
  public static class Loaded {
    /** Threads judging the steps ({@code cairn trace validate --jobs}): 1 judges on one thread. */
    @Param({"1", "2"})
    public int jobs;
    Validate.Session session;

    void load(Path trace) throws Exception {
      if (session == null) {
        session = new Validate.Session();
        session.jobs(jobs);
        long t0 = System.nanoTime();
        Validate.Result r = session.validate(trace, Validate.CORE, Validate.Mode.PAIRS, null);
        require(trace, r);
        System.out.printf("# %s: first validation %d steps in %.1f ms, spec load %.1f ms (%s)%n", trace.getFileName(),
            r.steps(), (System.nanoTime() - t0) / 1e6, session.loadNanos() / 1e6, session.lastStats());
      }
      session.forgetVerdicts();
    }

    @TearDown(Level.Trial)
    public void close() {
      if (session != null) {
        System.out.printf("%n# the trial's last validation (compiled by then): %s%n", session.lastStats());
        session.close();
      }
    }
  }

  /** Events validated and specs loaded, per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counts {
    public long events;
    public long loads;
    /** Microseconds spent loading specs: per second of the run, the share of the time (in millionths). */
    public long loadMicros;

    @Setup(Level.Iteration)
    public void reset() {
      events = 0;
      loads = 0;
      loadMicros = 0;
    }
  }

  @Benchmark
  public long loopback(LoopbackTraces t, Counts c) throws Exception {
    return validateFresh(t.traces, c);
  }

  @Benchmark
  public long longValidator(LongTraces t, Loaded l, Counts c) throws Exception {
    l.load(t.validator);
    return validateLoaded(l, t.validator, c);
  }

  @Benchmark
  public long longSeed(LongTraces t, Loaded l, Counts c) throws Exception {
    l.load(t.seed);
    return validateLoaded(l, t.seed, c);
  }

  @Benchmark
  public long longPublic(PublicTrace t, Loaded l, Counts c) throws Exception {
    l.load(t.trace);
    return validateLoaded(l, t.trace, c);
  }

  @Benchmark
  public long longCrowded(PublicTrace t, Loaded l, Counts c) throws Exception {
    l.load(t.crowded);
    return validateLoaded(l, t.crowded, c);
  }

  private static long validateFresh(List<Path> traces, Counts c) throws Exception {
    long n = 0;
    try (Validate.Session s = new Validate.Session()) {
      for (Path p : traces) {
        n += s.validate(p, Validate.CORE, Validate.Mode.PAIRS, null).steps();
      }
      c.loads += s.loads();
      c.loadMicros += s.loadNanos() / 1000;
    }
    c.events += n;
    return n;
  }

  private static long validateLoaded(Loaded l, Path trace, Counts c) throws Exception {
    long n = l.session.validate(trace, Validate.CORE, Validate.Mode.PAIRS, null).steps();
    c.events += n;
    return n;
  }

  /** Every trace must be valid, or the figures measure early failures. */
  static void check(List<Path> traces) throws Exception {
    try (Validate.Session s = new Validate.Session()) {
      for (Path p : traces) {
        long t0 = System.nanoTime();
        long l0 = s.loadNanos();
        Validate.Result r = s.validate(p, Validate.CORE, Validate.Mode.PAIRS, null);
        require(p, r);
        System.out.printf("# %s: %d steps, %d nodes in the model, %.1f ms, of which spec load %.1f ms (%s)%n",
            p.getFileName(), r.steps(), r.nodes(), (System.nanoTime() - t0) / 1e6, (s.loadNanos() - l0) / 1e6,
            s.lastStats());
      }
    }
  }

  static void require(Path p, Validate.Result r) {
    if (!r.valid()) {
      throw new IllegalStateException(p + ": " + r.failure().map(Validate.Failure::describe).orElse("")
          + r.endMismatch().orElse(""));
    }
  }

  static void delete(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
