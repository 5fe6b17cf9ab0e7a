package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The TLC gate: every {@code MC*.cfg} next to the specs is model-checked by {@code tlc2.TLC} in
 * a child JVM, one test per model. Any exit status but 0 fails the build with the status, its
 * meaning and TLC's counterexample (the violated invariant or property, the state trace, and what
 * each step changed). Each model's line names the invariants and properties its cfg checks.
 * TLC's whole output is kept in {@code target/tlc/<model>.out}.
 */
class ModelCheckTest {

  @TestFactory
  Stream<DynamicTest> everyModelPasses() {
    List<TlcModel> models = TlcModel.discover(SpecDirs.main());
    assertThat(models).as("MC*.cfg models in %s", SpecDirs.main()).isNotEmpty();
    return models.stream().map(m -> dynamicTest(m.name(), () -> {
      TlcResult r = TlcRunner.run(m, List.of(), SpecDirs.tlcOut(), TlcRunner.Options.defaults());
      System.out.printf("%s: exit %d (%s), %d distinct states, %d ms; invariants: %s; properties: %s%n", m.name(),
          r.status(), r.exit().meaning(), r.distinctStates(), r.elapsed().toMillis(),
          m.invariants().isEmpty() ? "none" : String.join(", ", m.invariants()),
          m.properties().isEmpty() ? "none" : String.join(", ", m.properties()));
      if (!r.passed()) {
        fail(r.failureReport());
      }
      assertThat(r.distinctStates()).as("distinct states TLC reported").isPositive();
    }));
  }
}
