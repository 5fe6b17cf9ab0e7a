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
    // inbound 11 = the 10 other non-seeds and the seed's crawl: nobody is ever refused for want of
    // room, so only a node connected to all others below target could stop it converging, which
    // needs 9 of the 10 others to dial it among their 2 (with 8 others, 7 of them did, in a run:
    // no rule of CometBFT or Cairn gets such a node out)
    int exit = cl.execute("testnet", "--nodes", "12", "--seeds", "1", "--outbound", "2", "--inbound", "11",
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

  /** With --trace every node records its trace, and each replays and validates against the spec. */
  @Test
  void withTraceEveryNodesDecisionsAreRecordedAndValidate(@TempDir Path out) throws Exception {
    // converged or not (a network this small can corner a node: exit 1), every node's trace is whole
    CliRun.Result run = CliRun.cairn("testnet", "--nodes", "6", "--seeds", "1", "--outbound", "2", "--inbound", "5",
        "--duration", "10s", "--hold", "500ms", "--pex-period", "500ms", "--trace", "--out", out.toString());
    assertThat(run.exit()).as(run.err()).isIn(0, 1);
    Path traces = out.resolve("traces");
    assertThat(run.out()).contains("traces: " + traces).contains("./cairn trace validate");
    java.util.List<String> files;
    try (var l = java.nio.file.Files.list(traces)) {
      files = l.map(Path::toString).sorted().toList();
    }
    assertThat(files).hasSize(6).allMatch(f -> f.endsWith(".trace"));
    for (String f : files) {
      CliRun.Result replay = CliRun.cairn("trace", "replay", f);
      assertThat(replay.exit()).as(f + ": " + replay.out() + replay.err()).isZero();
      assertThat(replay.out()).contains("and the state digest at"); // the trailer's too: the node closed it
    }
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("trace", "validate"));
    args.addAll(files);
    CliRun.Result validate = CliRun.cairn(args.toArray(String[]::new));
    assertThat(validate.exit()).as(validate.out() + validate.err()).isZero();
    assertThat(validate.out().lines().filter(l -> l.contains(": OK: "))).hasSize(6);
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
