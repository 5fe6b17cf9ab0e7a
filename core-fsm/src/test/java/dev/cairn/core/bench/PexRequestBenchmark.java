package dev.cairn.core.bench;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.Step;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Answering a PexRequest on a node whose book holds 20 000 addresses: one composed
 * {@link Core#step} (rate check, a selection of 250 filtered addresses, the reply effect).
 * Target: under 50 µs. Same state and event on every invocation (the step is pure).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PexRequestBenchmark {

  CoreConfig cfg;
  CoreConfig seedCfg;
  CoreState state;
  CoreEvent request;

  @Setup(Level.Trial)
  public void setUp() {
    cfg = PexFixture.config(false);
    seedCfg = PexFixture.config(true);
    state = PexFixture.state(BookFixture.book(20_000));
    request = new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(PexFixture.ASKING));
    for (CoreConfig c : new CoreConfig[] {cfg, seedCfg}) {
      Step<CoreState, CoreEffect> check = Core.step(c, state, PexFixture.NOW, BookFixture.T0, request);
      if (check.effects().size() != 1 || !(check.effects().get(0) instanceof CoreEffect.Pex p)
          || !(p.effect() instanceof PexEffect.SendPexAddrs || p.effect() instanceof PexEffect.SendPexAddrsThenDisconnect)) {
        throw new IllegalStateException("the request was not answered: " + check.outcome());
      }
    }
  }

  /** GetSelection: 250 uniformly random addresses of 20 000, filtered. */
  @Benchmark
  public Step<CoreState, CoreEffect> answer() {
    return Core.step(cfg, state, PexFixture.NOW, BookFixture.T0, request);
  }

  /** Seed mode: GetSelectionWithBias(30), then flush and disconnect. */
  @Benchmark
  public Step<CoreState, CoreEffect> seedAnswer() {
    return Core.step(seedCfg, state, PexFixture.NOW, BookFixture.T0, request);
  }
}
