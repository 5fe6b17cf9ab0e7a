package dev.cairn.shell.bench;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import dev.cairn.core.Step;
import dev.cairn.shell.trace.LoopbackRun;
import dev.cairn.shell.trace.SyntheticRun;
import dev.cairn.shell.trace.TraceWriter;
import dev.cairn.shell.trace.Validate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code cairn trace validate}'s work ({@link Validate#run}) on the traces of a real loopback run
 * of {@value #NODES} nodes ({@link LoopbackRun}, one trace per node but the seed's, as in {@code TraceBenchmark}):
 * per node, the spec is instantiated and loaded by TLC, then every step is stepped, abstracted,
 * checked against the spec's successors and the record's digests. The {@code events} counter gives
 * validated events per second, the spec loads included; {@code loads} how many specs were loaded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = "-Xss4m")
public class ValidateBenchmark {

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
      if (node.config().pex().seedMode()) {
        continue; // see BENCHMARKS.md: a seed's crawl rounds are out of reach of successor enumeration
      }
      Path file = dir.resolve("node" + traces.size() + ".trace");
      try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(file), node.config(), node.initial(),
          node.prngSeed())) {
        CoreState s = node.initial();
        for (SyntheticRun.Timed t : node.events()) {
          Step<CoreState, CoreEffect> st = Core.step(node.config(), s, t.now(), t.wall(), t.event());
          w.onStep(t.now(), t.wall(), t.event(), st, 0);
          s = st.state();
        }
      }
      traces.add(file);
      steps += node.events().size();
    }
    // every trace must be valid, or the figures measure early failures
    for (Path p : traces) {
      long t0 = System.nanoTime();
      Validate.Result r = Validate.run(p);
      if (!r.valid()) {
        throw new IllegalStateException(p + ": " + r.failure().map(Validate.Failure::describe).orElse("")
            + r.endMismatch().orElse(""));
      }
      System.out.printf("# %s: %d steps, %d nodes in the model, %.1f ms (%s)%n", p.getFileName(), r.steps(), r.nodes(),
          (System.nanoTime() - t0) / 1e6, r.verdicts());
    }
    System.out.println("# loopback traces: " + traces.size() + " nodes, " + steps + " steps");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Events validated and specs loaded, per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counts {
    public long events;
    public long loads;

    @Setup(Level.Iteration)
    public void reset() {
      events = 0;
      loads = 0;
    }
  }

  @Benchmark
  public long validateLoopback(Counts c) throws Exception {
    long n = 0;
    for (Path p : traces) {
      Validate.Result r = Validate.run(p);
      n += r.steps();
      c.loads++;
    }
    c.events += n;
    return n;
  }
}
