package dev.cairn.shell.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness finds what it promises to find, and the same seed gives the same inputs. */
class FuzzEngineTest {

  @TempDir
  Path dir;

  private static FuzzTarget target(FuzzTarget.Prepared decode, long allocFixed) {
    return new FuzzTarget("synthetic", "a test decoder", List.of(IOException.class),
        () -> List.of(new byte[] {1, 2, 3}, new byte[] {0x10, 0x20}), List.of(), 64, allocFixed, 8, () -> decode);
  }

  private FuzzEngine.Report run(FuzzTarget t, long budgetMillis) {
    return new FuzzEngine(t, 1, 5_000, budgetMillis, dir).run();
  }

  @Test
  void documentedErrorsWithMessagesAreNotFindings() {
    FuzzEngine.Report r = run(target(in -> {
      if (in.length > 2) {
        throw new IOException("too long: " + in.length);
      }
    }, 1 << 20), 1_000);
    assertThat(r.findings()).isEmpty();
    assertThat(r.inputs()).isEqualTo(5_000);
    assertThat(r.accepted()).isPositive();
  }

  @Test
  void anUndocumentedExceptionIsAFindingWithItsInput() {
    FuzzEngine.Report r = run(target(in -> {
      if (in.length > 0 && in[0] == (byte) 0xff) {
        throw new IllegalStateException("boom");
      }
    }, 1 << 20), 1_000);
    assertThat(r.findings()).hasSize(1);
    FuzzEngine.Finding f = r.findings().get(0);
    assertThat(f.kind()).isEqualTo(FuzzEngine.Kind.UNDOCUMENTED_EXCEPTION);
    assertThat(f.input()[0]).isEqualTo((byte) 0xff);
    assertThat(f.detail()).contains("IllegalStateException: boom");
  }

  @Test
  void aBlankMessageIsAFinding() {
    FuzzEngine.Report r = run(target(in -> {
      if (in.length == 0) {
        throw new IOException();
      }
    }, 1 << 20), 1_000);
    assertThat(r.findings()).extracting(FuzzEngine.Finding::kind).containsExactly(FuzzEngine.Kind.BLANK_MESSAGE);
  }

  @Test
  void aStackOverflowIsAFinding() {
    FuzzEngine.Report r = run(target(in -> {
      if (in.length > 40) {
        deep(0);
      }
    }, 1L << 40), 5_000);
    assertThat(r.findings()).extracting(FuzzEngine.Finding::kind).containsExactly(FuzzEngine.Kind.ERROR);
    assertThat(r.findings().get(0).detail()).contains("StackOverflowError");
  }

  private static int deep(int n) {
    return deep(n + 1) + 1;
  }

  @Test
  void aHangIsReportedWithTheWorkerStack() {
    FuzzEngine.Report r = run(target(in -> {
      if (in.length > 30) {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.onSpinWait();
        }
      }
    }, 1 << 20), 200);
    assertThat(r.findings()).extracting(FuzzEngine.Finding::kind).containsExactly(FuzzEngine.Kind.HANG);
    assertThat(r.findings().get(0).input().length).isGreaterThan(30);
    assertThat(r.findings().get(0).detail()).contains("FuzzEngineTest");
  }

  @Test
  void allocationOverTheBoundIsAFinding() {
    FuzzEngine.Report r = run(target(in -> {
      if (in.length > 0 && in[0] == 0x7f) {
        byte[] big = new byte[8 << 20];
        big[in.length] = 1;
      }
    }, 1 << 20), 1_000);
    assertThat(r.findings()).extracting(FuzzEngine.Finding::kind).containsExactly(FuzzEngine.Kind.ALLOCATION);
    assertThat(r.maxAllocated()).isGreaterThanOrEqualTo(8 << 20);
  }

  @Test
  void theSameSeedGivesTheSameInputs() {
    Mutator m = new Mutator(Mutator.tokens("{", "}"), 256);
    List<byte[]> corpus = List.of(new byte[] {1, 2, 3, 4}, "{\"a\":1}".getBytes());
    for (long i = 0; i < 1_000; i++) {
      byte[] a = m.next(new SplittableRandom(FuzzEngine.mix(7, i)), corpus);
      byte[] b = m.next(new SplittableRandom(FuzzEngine.mix(7, i)), corpus);
      assertThat(a).isEqualTo(b);
      assertThat(a.length).isLessThanOrEqualTo(256);
    }
  }

  @Test
  void replayDecodesOneInputAndExplainsItsFinding() {
    FuzzTarget t = target(in -> {
      if (in.length == 2 && in[0] == 0x0a) {
        throw new IllegalArgumentException("unexpected");
      }
    }, 1 << 20);
    FuzzEngine engine = new FuzzEngine(t, 42, 1, 1_000, dir);
    assertThat(engine.replay(new byte[] {0x0b, 0x00})).isEmpty();
    List<FuzzEngine.Finding> found = engine.replay(new byte[] {0x0a, 0x00});
    assertThat(found).extracting(FuzzEngine.Finding::kind).containsExactly(FuzzEngine.Kind.UNDOCUMENTED_EXCEPTION);
    String text = engine.explain(found.get(0));
    assertThat(text).contains("decoder synthetic", "seed 42", "hex: 0a00", "-Dcairn.fuzz.target=synthetic",
        "-Dcairn.fuzz.replay=", "-Dcairn.fuzz.seed=42 -Dcairn.fuzz.inputs=1");
  }
}
