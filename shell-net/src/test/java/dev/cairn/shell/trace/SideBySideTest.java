package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces of several nodes or runs given together ({@code testnet-out/traces/*.trace}): show and
 * summary take each on its own, with its own window, as replay and validate do; timeline, which
 * draws one picture, refuses them instead of drawing the first alone.
 */
class SideBySideTest {

  @TempDir static Path dir;
  private static Path a;
  private static Path b;

  @BeforeAll
  static void record() {
    a = dir.resolve("a.trace");
    b = dir.resolve("b.trace");
    SmallWorldRun.generate(400, 1, false).record(TraceFiles.options(a, 64L << 20));
    SmallWorldRun.generate(200, 2, false).record(TraceFiles.options(b, 64L << 20));
  }

  private static List<Long> printed(String out) {
    return out.lines().filter(l -> !l.startsWith("#") && !l.isBlank() && !l.startsWith(" ".repeat(9)))
        .map(l -> Long.parseLong(l.strip().split("\\s+")[0])).toList();
  }

  @Test
  void showWalksEachTraceWithItsOwnWindow() {
    TraceFiles.Run r = TraceFiles.cairn("trace", "show", a.toString(), b.toString(), "--from", "100", "--to", "150");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(printed(r.out())).hasSize(2 * 51).filteredOn(s -> s == 100).hasSize(2);
    assertThat(r.out()).contains("# " + a + ":").contains("# " + b + ":");
    // a window only the longer trace reaches: the other says so, and the command still succeeds
    TraceFiles.Run late = TraceFiles.cairn("trace", "show", b.toString(), a.toString(), "--from", "300", "--to", "310");
    assertThat(late.code()).as(late.err()).isZero();
    assertThat(printed(late.out())).hasSize(11);
    assertThat(late.out()).contains("# " + b + ": no step in the window");
    TraceFiles.Run none = TraceFiles.cairn("trace", "show", a.toString(), b.toString(), "--from", "5000");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no step of the files given is in the window");
  }

  @Test
  void summaryGivesOneSummaryPerTrace() throws Exception {
    TraceFiles.Run r = TraceFiles.cairn("trace", "summary", "--json", a.toString(), b.toString(), "--from", "100",
        "--to", "150");
    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> lines = r.out().lines().map(l -> {
      try {
        return new ObjectMapper().readTree(l);
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).toList();
    assertThat(lines).hasSize(2).allSatisfy(n -> assertThat(n.get("steps").asLong()).isEqualTo(51));
    TraceFiles.Run late = TraceFiles.cairn("trace", "summary", a.toString(), b.toString(), "--from", "300");
    assertThat(late.code()).as(late.err()).isZero();
    assertThat(late.out()).contains("# " + a + ": steps 300..399 (100 steps)").contains("# " + b
        + ": no step in the window");
  }

  @Test
  void timelineRefusesSeveralTraces() throws Exception {
    Path png = dir.resolve("t.png");
    TraceFiles.Run r = TraceFiles.cairn("trace", "timeline", a.toString(), b.toString(), "--out", png.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("the files given are 2 traces").contains("draw one at a time");
    assertThat(png).doesNotExist();
    assertThat(Files.exists(a)).isTrue();
  }
}
