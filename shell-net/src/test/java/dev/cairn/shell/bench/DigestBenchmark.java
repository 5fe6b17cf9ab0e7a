package dev.cairn.shell.bench;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreState;
import dev.cairn.shell.trace.Digester;
import dev.cairn.shell.trace.SmallWorldRun;
import dev.cairn.shell.trace.SyntheticRun;
import dev.cairn.shell.trace.TraceWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The state digest a trace writes every {@value TraceWriter#DEFAULT_CHECKPOINT_INTERVAL} steps
 * ({@link Digester#state}), as the writer thread computes it: one digester taking the checkpoint
 * states of 20 000 steps in order. {@code life}: {@code synthetic} is the synthetic mix (its book
 * grows from 1 150 to 3 650 entries, about 280 of them changed between two checkpoints, with up to
 * 320 bans); {@code public} and {@code crowded} are {@link TraceBenchmark}'s nodes of those names.
 * Score: time per checkpoint.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DigestBenchmark {

  private static final int STEPS = 20_000;
  private final List<CoreState> checkpoints = new ArrayList<>();
  private Digester digester;

  @Param({"synthetic", "public", "crowded"})
  public String life;

  @Setup(Level.Trial)
  public void setup() {
    CoreConfig config;
    CoreState s;
    List<SyntheticRun.Timed> events;
    switch (life) {
      case "synthetic" -> {
        SyntheticRun run = SyntheticRun.generate(STEPS, 2024);
        config = run.config();
        s = run.initial();
        events = run.events();
      }
      case "public", "crowded" -> {
        SmallWorldRun run = life.equals("public")
            ? SmallWorldRun.generate(STEPS, 5, false, TraceBenchmark.PUBLIC_NODES, UnaryOperator.identity(),
                SmallWorldRun.Addresses.ROUTABLE)
            : SmallWorldRun.generate(STEPS, 5, false, TraceBenchmark.PUBLIC_NODES);
        config = run.config();
        s = run.initial();
        events = run.events();
      }
      default -> throw new IllegalArgumentException("life " + life);
    }
    int k = 0;
    for (SyntheticRun.Timed t : events) {
      s = Core.step(config, s, t.now(), t.wall(), t.event()).state();
      if (++k % TraceWriter.DEFAULT_CHECKPOINT_INTERVAL == 0) {
        checkpoints.add(s);
      }
    }
    if (checkpoints.size() != STEPS / TraceWriter.DEFAULT_CHECKPOINT_INTERVAL) {
      throw new IllegalStateException(life + ": " + checkpoints.size() + " checkpoints");
    }
  }

  /** A digester that has digested the first checkpoint, as the writer's has by the second. */
  @Setup(Level.Invocation)
  public void fresh() {
    digester = new Digester();
    digester.state(checkpoints.get(0));
  }

  @Benchmark
  @OperationsPerInvocation(STEPS / TraceWriter.DEFAULT_CHECKPOINT_INTERVAL - 1)
  public void checkpoint(Blackhole bh) {
    for (int i = 1; i < checkpoints.size(); i++) {
      bh.consume(digester.state(checkpoints.get(i)));
    }
  }
}
