package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The models too slow for every build (the liveness model under fairness), checked like the
 * gate's when asked: {@code ./mvnw -pl spec-tla test -Dcairn.tlc.slow=true -Dtest=SlowModelCheckTest}.
 */
@EnabledIfSystemProperty(named = "cairn.tlc.slow", matches = "true")
class SlowModelCheckTest {

  @TestFactory
  Stream<DynamicTest> everySlowModelPasses() {
    List<TlcModel> models = TlcModel.discover(SpecDirs.main().resolve("slow"));
    assertThat(models).isNotEmpty();
    TlcRunner.Options options = new TlcRunner.Options(2, Duration.ofHours(2), 4096, List.of());
    return models.stream().map(m -> dynamicTest(m.name(), () -> {
      TlcResult r = TlcRunner.run(m, List.of(SpecDirs.main()), SpecDirs.tlcOut(), options);
      System.out.printf("%s: exit %d (%s), %d distinct states, %d ms%n", m.name(), r.status(),
          r.exit().meaning(), r.distinctStates(), r.elapsed().toMillis());
      if (!r.passed()) {
        fail(r.failureReport());
      }
    }));
  }
}
