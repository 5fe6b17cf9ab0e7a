package dev.cairn.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Check 1 on the composed core, Java ⊆ spec: event chains chosen among the letters enabled on
 * either side, in {@code MCCore}, in {@code MCCoreSeed} and in {@code MCCoreOperator}. Every event
 * Java accepts must lead to
 * one of the {@code Core.tla} action's successors (effects, hand-offs and event included), every
 * event Java rejects must have no successor, and the invariants hold on both sides.
 */
class CoreJavaInSpecProperties {

  static void check(String model, List<Integer> choices) {
    CoreEquivalence.Run run = CoreModels.real(model).javaInSpec(choices);
    assertThat(run.divergence())
        .as(() -> "Java left the spec:\n" + run.divergence().orElseThrow().verdict().detail() + "\nfixture (saved to "
            + run.fixture("check 1").save("core-java-in-spec") + "):\n" + run.fixture("check 1 (Java ⊆ spec)").text())
        .isEmpty();
  }

  @Property(tries = 400, seed = "20250201", shrinking = ShrinkingMode.BOUNDED)
  void everyJavaStepIsASpecStep(
      @ForAll @Size(min = 2, max = 40) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    check(CoreModels.CORE, choices);
  }

  @Property(tries = 200, seed = "20250202", shrinking = ShrinkingMode.BOUNDED)
  void everySeedModeJavaStepIsASpecStep(
      @ForAll @Size(min = 2, max = 40) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    check(CoreModels.SEED, choices);
  }

  /** With the operator's DialRequested and PeerErrored, which MCCore leaves to MCCoreOperator. */
  @Property(tries = 200, seed = "20261122", shrinking = ShrinkingMode.BOUNDED)
  void everyJavaStepWithOperatorEventsIsASpecStep(
      @ForAll @Size(min = 2, max = 40) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    check(CoreModels.OPERATOR, choices);
  }
}
