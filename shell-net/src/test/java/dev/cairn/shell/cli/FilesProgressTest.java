package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress of {@code trace show}/{@code timeline} over several files: the share of all their bytes. */
class FilesProgressTest {

  @TempDir Path dir;

  @Test
  void theShareCountsTheFilesBeforeTheCurrentOne() throws Exception {
    Path a = Files.write(dir.resolve("a.trace"), new byte[3000]);
    Path b = Files.write(dir.resolve("a.trace.1"), new byte[1000]);
    long[] now = {0};
    List<String> lines = new ArrayList<>();
    TraceCommand.FilesProgress p = new TraceCommand.FilesProgress("show", List.of(a, b), () -> now[0], lines::add);
    p.file(a);
    for (int i = 0; i < 1024; i++) {
      p.step(1500); // the first report: no line before 2 s
    }
    assertThat(lines).isEmpty();
    now[0] = 3_000_000_000L;
    p.file(b);
    for (int i = 0; i < 1024; i++) {
      p.step(600); // 3000 + 600 of 4000 bytes
    }
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("show " + a + " and 1 more: 2 048 steps, 90 %");
  }

  @Test
  void filesReadAtOnceAddTheirStepsAndBytes() throws Exception {
    Path a = Files.write(dir.resolve("a.trace"), new byte[3000]);
    Path b = Files.write(dir.resolve("a.trace.1"), new byte[1000]);
    long[] now = {0};
    List<String> lines = new ArrayList<>();
    TraceCommand.FilesProgress p = new TraceCommand.FilesProgress("replay", List.of(a, b), () -> now[0], lines::add);
    TraceCommand.FilesProgress.Part pa = p.part(a);
    TraceCommand.FilesProgress.Part pb = p.part(b);
    for (int i = 0; i < 1023; i++) {
      pb.step(500);
    }
    pb.step(800); // 1 024 steps of b, at byte 800 of 1000 (no line before 2 s)
    assertThat(lines).isEmpty();
    now[0] = 3_000_000_000L;
    for (int i = 0; i < 1023; i++) {
      pa.step(1000);
    }
    assertThat(lines).as("a part passes its steps on every 1 024").isEmpty();
    pa.step(1200); // and 1 024 of a, at 1200 of 3000: 2 000 of 4 000 bytes
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("replay " + a + " and 1 more: 2 048 steps, 50 %");
  }
}
