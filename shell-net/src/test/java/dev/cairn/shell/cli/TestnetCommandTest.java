package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cairn testnet} end to end, small: it converges, prints a summary and writes the pictures. */
class TestnetCommandTest {

  @Test
  void aSmallTestnetConvergesAndWritesItsReport(@TempDir Path out) throws Exception {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cl = Cairn.commandLine();
    cl.setOut(new PrintWriter(stdout, true));
    cl.setErr(new PrintWriter(stderr, true));
    // inbound 9 = the 8 other non-seeds and the seed's crawl: nobody is ever refused for want of
    // room, so only a node connected to all others below target could stop it converging (it
    // would need 7 of the 8 others to dial it among their 2)
    int exit = cl.execute("testnet", "--nodes", "10", "--seeds", "1", "--outbound", "2", "--inbound", "9",
        "--duration", "40s", "--hold", "500ms", "--pex-period", "500ms", "--out", out.toString());
    assertThat(exit).as(stderr.toString()).isZero();

    List<String> lines = stdout.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("converged after");
    JsonNode result = Json.MAPPER.readTree(lines.get(lines.size() - 1));
    assertThat(result.get("converged").asBoolean()).isTrue();
    assertThat(stderr.toString()).contains("at-target").doesNotContain("note:");
    assertThat(result.get("stuck")).isEmpty();

    for (String f : List.of("summary.txt", "samples.json", "topology.svg")) {
      assertThat(out.resolve(f)).isNotEmptyFile();
    }
    for (String png : List.of("topology.png", "convergence.png")) {
      BufferedImage img = ImageIO.read(out.resolve(png).toFile());
      assertThat(img).as(png).isNotNull();
      assertThat(img.getWidth()).isGreaterThan(100);
    }
    assertThat(Files.readString(out.resolve("topology.svg"))).contains("<svg");
  }

  @Test
  void anUnreachableTargetIsRefusedUpFront(@TempDir Path out) {
    StringWriter stderr = new StringWriter();
    CommandLine cl = Cairn.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(stderr, true));
    int exit = cl.execute("testnet", "--nodes", "4", "--seeds", "1", "--outbound", "2", "--out", out.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(stderr.toString()).contains("--outbound 2").contains("non-seed");
  }

  @Test
  void aBadDurationNamesTheOption(@TempDir Path out) {
    StringWriter stderr = new StringWriter();
    CommandLine cl = Cairn.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(stderr, true));
    int exit = cl.execute("testnet", "--duration", "ten seconds", "--out", out.toString());
    assertThat(exit).isNotZero();
    assertThat(stderr.toString()).contains("--duration").contains("ten seconds");
  }
}
