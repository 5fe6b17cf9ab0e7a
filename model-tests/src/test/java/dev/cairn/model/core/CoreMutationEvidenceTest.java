package dev.cairn.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mutation evidence on the composed core: each {@link CoreMutant} runs through checks 1–3 with
 * fixed seeds and bounds; the test asserts that the checks catch it and prints which did and how
 * fast (the table in {@code model-tests/README.md}).
 */
class CoreMutationEvidenceTest {

  static final int RANDOM_RUNS = CoreModels.bound("mutantRuns", 300);
  static final int BFS_STATES = CoreModels.bound("mutantBfs", 1_500);

  record Caught(boolean caught, int runs, int steps, double millis, String kind) {
    @Override
    public String toString() {
      return caught ? String.format("caught: %s in run %d, %d steps, %.0f ms", kind, runs, steps, millis)
          : String.format("not caught in %d runs (%d steps, %.0f ms)", runs, steps, millis);
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

  static Caught random(CoreEquivalence eq, boolean javaFirst, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long t0 = System.nanoTime();
    int steps = 0;
    for (int run = 1; run <= RANDOM_RUNS; run++) {
      CoreEquivalence.Run x = javaFirst ? eq.javaInSpec(choices(r, 40)) : eq.specInJava(choices(r, 30));
      steps += x.steps();
      if (!x.conforms()) {
        System.out.println("  fixture:\n" + x.fixture("mutant").text().indent(4));
        return new Caught(true, run, steps, (System.nanoTime() - t0) / 1e6, x.divergence().orElseThrow().kind().name());
      }
    }
    return new Caught(false, RANDOM_RUNS, steps, (System.nanoTime() - t0) / 1e6, "");
  }

  @ParameterizedTest
  @EnumSource(CoreMutant.class)
  void everyMutantIsCaught(CoreMutant m) {
    CoreEquivalence eq = m.equivalence();
    Caught check1 = random(eq, true, 21);
    Caught check2 = random(eq, false, 22);
    long t0 = System.nanoTime();
    CoreEquivalence.BfsReport bfs = eq.exhaustive(BFS_STATES);
    double bfsMs = (System.nanoTime() - t0) / 1e6;
    System.out.printf("mutant %s (%s)%n  check 1 (Java ⊆ spec): %s%n  check 2 (spec ⊆ Java): %s%n"
            + "  check 3 (exhaustive): %s at state %d, %.0f ms%n", m, m.model, check1, check2,
        bfs.divergence().map(v -> "caught: " + v.kind()).orElse("not caught"), bfs.states(), bfsMs);
    bfs.fixture().ifPresent(f -> System.out.println(f.text().indent(4)));
    bfs.divergence().ifPresent(d -> System.out.println("    " + d.verdict().detail()));
    assertThat(bfs.divergence()).as("the exhaustive check catches " + m).isPresent();
    assertThat(check1.caught() || check2.caught()).as("a random check catches " + m).isTrue();
  }
}
