package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Check 1, Java ⊆ spec: event chains chosen among the letters enabled on either side. Every
 * event Java accepts must lead to a state among the spec action's successors (effects as
 * {@code outbox} included), every event Java rejects must have no spec successor, and the
 * invariants hold on both sides after every step. The choices are a shrinkable integer list
 * (the first picks the initial book); a failure prints and saves its event list as a fixture.
 */
class JavaInSpecProperties {

  @BeforeContainer
  static void load() {
    Models.load();
  }

  @Property(tries = 400, seed = "20250101", shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
  void everyJavaStepIsASpecStep(
      @ForAll @Size(min = 2, max = 40) List<@IntRange(min = 0, max = 10_000) Integer> choices) {
    Equivalence.Run run = Models.real().javaInSpec(choices);
    assertThat(run.divergence())
        .as(() -> "Java left the spec:\n" + run.divergence().orElseThrow().detail() + "\nfixture (saved to "
            + run.fixture("check 1").save("java-in-spec") + "):\n" + run.fixture("check 1 (Java ⊆ spec)").text())
        .isEmpty();
  }
}
