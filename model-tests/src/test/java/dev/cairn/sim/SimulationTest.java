package dev.cairn.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch of seeded 20-node runs with faults (loss, duplication, partitions, crashes with
 * restarts), every invariant checked after every step, then healing and the liveness demand.
 * {@code -Dcairn.sim.seed=S} runs only seed S (the command a failing run prints);
 * {@code -Dcairn.sim.seeds=N} changes the batch size.
 */
class SimulationTest {

  static final int NODES = 20;
  static final long FIRST_SEED = 1;

  @Test
  void faultyNetworksStaySafeAndConvergeAfterHealing() {
    List<Long> seeds = seeds();
    List<String> failures = new ArrayList<>();
    long worstConvergence = 0;
    for (long seed : seeds) {
      SimResult r = new Simulator(Scenario.faulty(NODES), seed).run();
      if (!r.passed()) {
        System.out.println(r.report());
        failures.add(seed + ": " + r.verdict());
        continue;
      }
      System.out.println("seed " + seed + ": " + r.stats());
      worstConvergence = Math.max(worstConvergence, r.stats().convergedAfterHealMillis());
      assertThat(r.stats().steps()).as("seed %d did something", seed).isGreaterThan(1000);
    }
    System.out.println("simulation: " + seeds.size() + " seeds x " + NODES + " nodes, worst convergence after"
        + " healing " + worstConvergence + " ms virtual");
    assertThat(failures).as("failing seeds (each printed its report and replay command above)").isEmpty();
  }

  static List<Long> seeds() {
    String one = System.getProperty("cairn.sim.seed");
    if (one != null && !one.isBlank()) {
      return List.of(Long.parseLong(one.trim()));
    }
    int n = Integer.getInteger("cairn.sim.seeds", 20);
    List<Long> out = new ArrayList<>();
    for (long s = FIRST_SEED; s < FIRST_SEED + n; s++) {
      out.add(s);
    }
    return out;
  }
}
