package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mutation evidence: each {@link Mutant} must make the checks fail. For each, the three checks
 * run with fixed seeds; the test asserts that each of the three checks catches it, and prints how fast each did (the table in {@code model-tests/README.md}).
 */
class MutationEvidenceTest {

  static final int RANDOM_RUNS = 300;

  @BeforeAll
  static void load() {
    Models.load();
  }

  /** How a check fared against a mutant: caught after how many runs and steps, and how long. */
  record Caught(boolean caught, int runs, int steps, double millis, String kind, Optional<Fixture> fixture) {
    @Override
    public String toString() {
      return caught ? String.format("caught: %s after %d runs / %d steps, %.0f ms", kind, runs, steps, millis)
          : String.format("not caught in %d runs (%.0f ms)", runs, millis);
    }
  }

  static List<Integer> choices(SplittableRandom r, int max) {
    List<Integer> out = new ArrayList<>();
    int n = 2 + r.nextInt(max - 1);
    for (int i = 0; i < n; i++) {
      out.add(r.nextInt(10_000));
    }
    return out;
  }

  static Caught random(Equivalence eq, boolean javaFirst, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long t0 = System.nanoTime();
    int steps = 0;
    for (int run = 1; run <= RANDOM_RUNS; run++) {
      Equivalence.Run x = javaFirst ? eq.javaInSpec(choices(r, 40)) : eq.specInJava(choices(r, 30));
      steps += x.steps();
      if (!x.conforms()) {
        return new Caught(true, run, steps, (System.nanoTime() - t0) / 1e6,
            x.divergence().orElseThrow().kind().name(), Optional.of(x.fixture("mutant")));
      }
    }
    return new Caught(false, RANDOM_RUNS, steps, (System.nanoTime() - t0) / 1e6, "", Optional.empty());
  }

  /**
   * The fixture that conforms on the real core ({@code expired-ban-relearned.fixture}, replayed by
   * {@link FixtureReplayTest}) diverges under the mutant it was written for, at its learning step,
   * and names the book.
   */
  @Test
  void theExpiredBanFixtureDivergesUnderItsMutant() {
    Fixture fx = Fixture.read(Models.fixtures().resolve("expired-ban-relearned.fixture"));
    Equivalence.Run run = Models.equivalence(Mutant.EXPIRED_BAN_LIFTED_ON_LEARNING.driver(Models.mapping()))
        .replay(fx.init(), fx.letters());
    assertThat(run.divergence()).as("the mutant diverges").isPresent();
    assertThat(run.steps()).as("at the learning step").isEqualTo(2);
    assertThat(run.divergence().orElseThrow().detail()).contains("book");
  }

  @ParameterizedTest
  @EnumSource(Mutant.class)
  void everyMutantIsCaught(Mutant m) {
    Equivalence eq = Models.equivalence(m.driver(Models.mapping()));
    Caught check1 = random(eq, true, 11);
    Caught check2 = random(eq, false, 12);
    long t0 = System.nanoTime();
    Equivalence.BfsReport bfs = eq.exhaustive(ExhaustiveEquivalenceTest.MAX_STATES);
    double bfsMs = (System.nanoTime() - t0) / 1e6;
    System.out.printf("mutant %s%n  check 1 (Java ⊆ spec): %s%n  check 2 (spec ⊆ Java): %s%n"
            + "  check 3 (exhaustive): %s at state %d, %.0f ms%n",
        m, check1, check2, bfs.divergence().map(v -> "caught: " + v.kind()).orElse("not caught"),
        bfs.states(), bfsMs);
    bfs.fixture().ifPresent(f -> System.out.println(f.text()));
    assertThat(bfs.divergence()).as("the exhaustive check catches " + m).isPresent();
    assertThat(check1.caught()).as("check 1 (Java ⊆ spec) catches " + m).isTrue();
    assertThat(check2.caught()).as("check 2 (spec ⊆ Java) catches " + m).isTrue();
  }
}
