package dev.cairn.shell.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fuzzes every decoder (see {@link DecoderTargets}) against its contract. The build runs a
 * bounded number of inputs per decoder; the long run is the same test with more inputs:
 *
 * <pre>
 *   ./mvnw -o -q test -pl shell-net -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest=DecoderFuzzTest \
 *       -Dcairn.fuzz.inputs=1000000
 * </pre>
 *
 * Properties: {@code cairn.fuzz.inputs} (per decoder), {@code cairn.fuzz.seed},
 * {@code cairn.fuzz.target} (comma-separated names), {@code cairn.fuzz.budgetMillis} (per input),
 * {@code cairn.fuzz.replay} (a saved input file) or {@code cairn.fuzz.hex} (input bytes) to decode one
 * input with {@code cairn.fuzz.target}. Every run appends one line per decoder to
 * {@code target/fuzz-report.txt}.
 */
class DecoderFuzzTest {

  static final long CI_INPUTS = 10_000;
  static final long DEFAULT_SEED = 0x0CA1_2026L;

  @TestFactory
  Stream<DynamicTest> everyDecoderHoldsItsContract() {
    long inputs = Long.getLong("cairn.fuzz.inputs", CI_INPUTS);
    long seed = Long.getLong("cairn.fuzz.seed", DEFAULT_SEED);
    long budget = Long.getLong("cairn.fuzz.budgetMillis", 1_000);
    String only = System.getProperty("cairn.fuzz.target", "");
    String replay = System.getProperty("cairn.fuzz.replay", "");
    String hex = System.getProperty("cairn.fuzz.hex", "");
    List<String> names = only.isBlank() ? List.of() : Arrays.stream(only.split(",")).map(String::strip).toList();
    List<FuzzTarget> targets = DecoderTargets.all().stream()
        .filter(t -> names.isEmpty() || names.contains(t.name())).toList();
    assertThat(targets).as("decoders named by cairn.fuzz.target=%s", only).isNotEmpty();
    Path findings = Path.of("target", "fuzz-findings");
    return targets.stream().map(t -> DynamicTest.dynamicTest(t.name(), () -> {
      FuzzEngine engine = new FuzzEngine(t, seed, inputs, budget, findings);
      if (!replay.isBlank() || !hex.isBlank()) {
        byte[] input = !replay.isBlank() ? Files.readAllBytes(Path.of(replay)) : HexFormat.of().parseHex(hex);
        List<FuzzEngine.Finding> found = engine.replay(input);
        found.forEach(f -> System.out.println(engine.explain(f)));
        assertThat(found).as("findings replaying %d bytes on %s", input.length, t.name()).isEmpty();
        return;
      }
      FuzzEngine.Report r = engine.run();
      String line = String.format(Locale.ROOT,
          "%-17s inputs=%d wall=%.1fs max_input_time=%.1fms max_alloc=%d B (input of %d B) accepted=%d"
              + " outcomes=%d corpus=%d findings=%d seed=%d",
          r.target(), r.inputs(), r.wallNanos() / 1e9, r.maxNanos() / 1e6, r.maxAllocated(),
          r.maxAllocatedInputLength(), r.accepted(), r.outcomes(), r.corpus(), r.findings().size(), r.seed());
      System.out.println("fuzz: " + line);
      appendReport(line);
      StringBuilder explained = new StringBuilder();
      for (FuzzEngine.Finding f : r.findings()) {
        String e = engine.explain(f);
        System.out.println(e);
        explained.append(e).append("\n\n");
      }
      assertThat(r.findings()).as("findings of %s:\n%s", t.name(), explained).isEmpty();
      assertThat(r.inputs()).as("inputs decoded by %s", t.name()).isEqualTo(inputs);
      assertThat(r.accepted()).as("%s accepts its seeds", t.name()).isPositive();
    }));
  }

  private static void appendReport(String line) throws IOException {
    Path report = Path.of("target", "fuzz-report.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
