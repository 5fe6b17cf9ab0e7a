package dev.cairn.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Check 2 on the composed core, spec ⊆ Java: random walks over {@code Core.tla}'s successors in
 * {@code MCCore}, {@code MCCoreSeed} and {@code MCCoreOperator}; at every state each letter the
 * spec enables must be
 * accepted by Java with a result among the successors, and Java follows the walk's branch (time
 * choices, PRNG) where it can.
 */
class CoreSpecInJavaProperties {

  static void check(String model, List<Integer> choices) {
    CoreEquivalence.Run run = CoreModels.real(model).specInJava(choices);
    assertThat(run.divergence())
        .as(() -> "Java does not follow the spec:\n" + run.divergence().orElseThrow().verdict().detail()
            + "\nfixture (saved to " + run.fixture("check 2").save("core-spec-in-java") + "):\n"
            + run.fixture("check 2 (spec ⊆ Java)").text())
        .isEmpty();
  }

  @Property(tries = 120, seed = "20250203", shrinking = ShrinkingMode.BOUNDED)
  void everySpecStepIsAJavaStep(
      @ForAll @Size(min = 2, max = 30) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    check(CoreModels.CORE, choices);
  }

  @Property(tries = 60, seed = "20250204", shrinking = ShrinkingMode.BOUNDED)
  void everySeedModeSpecStepIsAJavaStep(
      @ForAll @Size(min = 2, max = 30) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    check(CoreModels.SEED, choices);
  }

  /** With the operator's DialRequested and PeerErrored, which MCCore leaves to MCCoreOperator. */
  @Property(tries = 80, seed = "20261123", shrinking = ShrinkingMode.BOUNDED)
  void everySpecStepWithOperatorEventsIsAJavaStep(
      @ForAll @Size(min = 2, max = 30) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    check(CoreModels.OPERATOR, choices);
  }
}
