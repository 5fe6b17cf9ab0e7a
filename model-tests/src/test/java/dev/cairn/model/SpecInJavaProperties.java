package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Check 2, spec ⊆ Java: random walks over the spec's successors replayed on Java. At every
 * state each letter the spec enables must be accepted by Java, landing among that letter's
 * successors; the walk follows the spec's choice (Java takes the same branch through another
 * PRNG value where it can: book picks).
 */
class SpecInJavaProperties {

  @BeforeContainer
  static void load() {
    Models.load();
  }

  @Property(tries = 60, seed = "20250102", shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
  void everySpecStepIsAJavaStep(
      @ForAll @Size(min = 2, max = 30) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    Equivalence.Run run = Models.real().specInJava(choices);
    assertThat(run.divergence())
        .as(() -> "the spec took a step Java cannot:\n" + run.divergence().orElseThrow().detail()
            + "\nfixture (saved to " + run.fixture("check 2").save("spec-in-java") + "):\n"
            + run.fixture("check 2 (spec ⊆ Java)").text())
        .isEmpty();
  }
}
