package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.shell.bench.TraceBenchmark;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A public node's long life validated against the spec from end to end: 200 000 steps (a day and
 * a half of virtual time) of an ordinary node of a thousand-node network on public addresses, the
 * benchmarks' public life ({@code ValidateBenchmark.longPublic} validates its first 20 000). By
 * the end its book has emptied into hundreds of bans that run out in turn; at step 169 120 of this
 * life the core once took back an address whose ban had run out, which the spec keeps banned
 * ({@link ExpiredBanRelearnedTest}), and no shorter run had reached it.
 */
class LongLifeValidationTest {

  static final int STEPS = 200_000;

  @TempDir
  Path dir;

  @Test
  void aPublicNodesLongLifeIsStepsOfTheSpec() throws Exception {
    SmallWorldRun life = SmallWorldRun.generate(STEPS, 5, false, TraceBenchmark.PUBLIC_NODES,
        UnaryOperator.identity(), SmallWorldRun.Addresses.ROUTABLE);
    Path file = dir.resolve("public.trace");
    life.record(TraceWriter.Options.defaults(file));

    Validate.Result r = Validate.run(file);

    assertThat(r.valid()).as(() -> r.failure().map(Validate.Failure::describe).orElse(r.toString())).isTrue();
    assertThat(r.steps()).isEqualTo(STEPS);
  }
}
