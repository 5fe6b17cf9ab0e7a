package dev.cairn.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Check 3 on the composed core: breadth-first over {@code Core.tla}'s reachable states in
 * {@code MCCore}, {@code MCCoreSeed} and {@code MCCoreOperator} (bounded: {@code -Dcairn.core.bfs=N},
 * {@code -Dcairn.core.bfsSeed=N}, {@code -Dcairn.core.bfsOperator=N}), comparing every letter at every state and the completeness of
 * the alphabet against the cfg's {@code Next}.
 */
class CoreExhaustiveEquivalenceTest {

  static final int MAX_STATES = CoreModels.bound("bfs", 1_500);
  static final int MAX_STATES_SEED = CoreModels.bound("bfsSeed", 500);

  static void check(String model, int bound) {
    CoreEquivalence.BfsReport r = CoreModels.real(model).exhaustive(bound);
    System.out.printf("%s: %d states (depth %d%s), %d letter checks, %d matched transitions, %d reached through"
            + " Java's time/PRNG choices, %d spec-only branches, completeness %s, %d ms%n", model, r.states(),
        r.depth(), r.exhausted() ? ", exhausted" : "", r.letterChecks(), r.transitions(), r.javaChoicesVaried(),
        r.specOnlyBranches(), r.completeness(), r.nanos() / 1_000_000);
    assertThat(r.divergence())
        .as(() -> r.divergence().orElseThrow().verdict().detail() + "\nfixture:\n" + r.fixture().orElseThrow().text())
        .isEmpty();
    assertThat(r.completeness()).isEqualTo("ok");
    assertThat(r.states()).isGreaterThan(Math.min(bound, 100) - 1);
  }

  @Test
  void everyReachableStateAgrees() {
    check(CoreModels.CORE, MAX_STATES);
  }

  @Test
  void everyReachableSeedModeStateAgrees() {
    check(CoreModels.SEED, MAX_STATES_SEED);
  }

  /** With the operator's dial requests and errored peers too (a private peer's lifted ban). */
  @Test
  void everyReachableStateWithOperatorEventsAgrees() {
    check(CoreModels.OPERATOR, CoreModels.bound("bfsOperator", 1_000));
  }
}
