package dev.cairn.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.model.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Replays every composed-core fixture under {@code fixtures/core/} and checks its expectation. */
class CoreFixtureReplayTest {

  @Test
  void everyFixtureReplaysAsExpected() throws IOException {
    Path dir = Models.fixtures().resolve("core");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".fixture")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      CoreFixture fx = CoreFixture.read(f);
      CoreEquivalence.Run run = CoreModels.real(fx.model()).replay(fx.init(), fx.letters());
      int at = run.divergence().isPresent() ? run.steps() : 0;
      assertThat(at).as(() -> f.getFileName() + ": " + run.divergence().map(d -> d.verdict().detail()).orElse("conforms"))
          .isEqualTo(fx.divergesAt());
    }
  }
}
