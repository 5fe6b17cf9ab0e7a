package dev.cairn.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One seed reproduces a whole run: the event logs of two runs hash the same; another seed differs. */
class DeterminismTest {

  @Test
  void sameSeedSameRun_otherSeedOtherRun() {
    Scenario sc = Scenario.faulty(SimulationTest.NODES);
    SimResult a = new Simulator(sc, 42).run();
    SimResult b = new Simulator(sc, 42).run();
    SimResult c = new Simulator(sc, 43).run();
    assertThat(a.passed()).as(a.report()).isTrue();
    assertThat(b.logSha256()).isEqualTo(a.logSha256());
    assertThat(b.stats()).isEqualTo(a.stats());
    assertThat(b.logTail()).isEqualTo(a.logTail());
    assertThat(c.logSha256()).isNotEqualTo(a.logSha256());
  }
}
