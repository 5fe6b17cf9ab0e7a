package dev.cairn.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The checks catch a broken node: one node runs with a larger inbound limit than the one it
 * declares (a config mismatch), and the run must stop with InboundWithinLimit violated at that
 * node, reporting the seed, the replay command and the events that led there.
 */
class CheckerBitesTest {

  @Test
  void nodeIgnoringItsInboundLimitIsCaughtWithSeedAndReplayCommand() {
    // tight inbound limits everywhere, so that the mutant is offered more inbound peers than it declares
    Scenario sc = Scenario.faulty(SimulationTest.NODES).withLimits(4, 2)
        .withMutation(Scenario.Mutation.IGNORE_INBOUND_LIMIT);
    long seed = 7;
    SimResult r = new Simulator(sc, seed).run();
    assertThat(r.verdict()).as(r.report()).isEqualTo(SimResult.Verdict.SAFETY_VIOLATION);
    assertThat(r.message()).contains("InboundWithinLimit").contains("n2(");
    String report = r.report();
    assertThat(report).contains("seed 7")
        .contains("./mvnw -pl model-tests test -Dtest=SimulationTest -Dcairn.sim.seed=7")
        .contains("InboundAccepted");
    assertThat(r.logTail()).isNotEmpty();
    assertThat(r.logTail().get(r.logTail().size() - 1)).contains("FAILED");
  }

  @Test
  void sameLimitsWithoutTheMutantAreSafeButCannotConverge() {
    // The control: the same tight network is safe when every node keeps the limit it declares.
    // It cannot converge (18 ordinary nodes want 4 outbound peers each, 72 in all, but offer only
    // 2 inbound slots each, 36 in all), so the liveness check must report it, with the seed.
    Scenario sc = Scenario.faulty(SimulationTest.NODES).withLimits(4, 2)
        .withLivenessBudget(java.time.Duration.ofMinutes(2));
    SimResult r = new Simulator(sc, 7).run();
    assertThat(r.verdict()).as(r.report()).isEqualTo(SimResult.Verdict.LIVENESS_FAILURE);
    assertThat(r.message()).contains("below the outbound target 4 120 s after healing");
    assertThat(r.report()).contains("-Dcairn.sim.seed=7");
  }
}
