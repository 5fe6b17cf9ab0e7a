package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every {@code *.fixture} in {@code src/test/resources/fixtures/} (see {@link Fixture})
 * on the real core against the spec with the BookPicks fix, and asserts its expectation:
 * conforms throughout, or first diverges at the stated step.
 */
class FixtureReplayTest {

  @BeforeAll
  static void load() {
    Models.load();
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureReplaysAsExpected() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Models.fixtures())) {
      files = s.filter(p -> p.toString().endsWith(".fixture")).sorted().toList();
    }
    assertThat(files).as("fixtures in " + Models.fixtures()).isNotEmpty();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      Fixture fx = Fixture.read(f);
      Equivalence.Run run = Models.real().replay(fx.init(), fx.letters());
      int at = run.divergence().isPresent() ? run.steps() : 0;
      assertThat(at).as(() -> f.getFileName() + ": " + run.divergence().map(Equivalence.Verdict::detail)
          .orElse("conforms")).isEqualTo(fx.expect().divergesAt());
    }));
  }

  @Test
  void fixtureTextRoundTrips() {
    String text = """
        # a comment
        init p1=unknown p2=known
        expect diverges-at 3
        Started
        AddressesLearned {p1, p2}
        TimerFired {Maintenance, RetryDial(p1)} lift={p2} prng=5
        PeerReported p2 good
        """;
    Fixture f = Fixture.parse(text);
    assertThat(f.letters()).hasSize(4);
    assertThat(f.letters().get(2).lift()).hasSize(1);
    assertThat(f.letters().get(2).prng()).isEqualTo(5);
    assertThat(Fixture.parse(f.text())).isEqualTo(f);
  }
}
