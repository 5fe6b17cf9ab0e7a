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
    assertThat(lines.get(0)).isEqualTo("plan: --nodes 12 --seeds 1 --outbound 2 --inbound 11 --pex-period 500ms"
        + " --seed 1 --duration 40s --hold 500ms --interval 500ms");
    assertThat(lines.get(1)).startsWith("converged after");
    assertThat(Files.readString(out.resolve("summary.txt"))).startsWith(lines.get(0) + "\n" + lines.get(1));
    JsonNode result = Json.MAPPER.readTree(lines.get(lines.size() - 1));
    assertThat(result.get("converged").asBoolean()).isTrue();
    assertThat(result.get("interrupted").asBoolean()).isFalse();
    assertThat(result.get("files")).hasSize(5);
    assertThat(stderr.toString()).contains("settled").doesNotContain("note:");
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
    // the hint names the launcher as it was typed (here, in-process, none: the plain name)
    assertThat(run.out()).contains("traces: " + traces).contains("the spec with: cairn trace validate ");
    java.util.List<String> files;
    try (var l = java.nio.file.Files.list(traces)) {
      files = l.filter(p -> !p.getFileName().toString().equals(TestnetCommand.MANIFEST)).map(Path::toString)
          .sorted().toList();
    }
    assertThat(files).hasSize(6).allMatch(f -> f.endsWith(".trace"));
    assertThat(java.nio.file.Files.readAllLines(traces.resolve(TestnetCommand.MANIFEST))).as("the next testnet's list")
        .containsExactly("seed0.trace", "node0.trace", "node1.trace", "node2.trace", "node3.trace", "node4.trace");
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

  /**
   * Three non-seeds cannot all make two outbound links (each would need four others), so the plan
   * says how the run converges instead: every node linked to every other non-seed.
   */
  @Test
  void aTargetTooFewNodesCanReachConvergesWhenAllAreLinked(@TempDir Path out) {
    StringWriter stderr = new StringWriter();
    StringWriter stdout = new StringWriter();
    CommandLine cl = Cairn.commandLine();
    cl.setOut(new PrintWriter(stdout, true));
    cl.setErr(new PrintWriter(stderr, true));
    int exit = cl.execute("testnet", "--nodes", "4", "--seeds", "1", "--outbound", "2", "--out", out.toString(),
        "--hold", "500ms", "--duration", "60s");
    assertThat(exit).as(stderr.toString()).isZero();
    assertThat(stderr.toString()).contains("note: --outbound 2 cannot be reached by every one of 3 non-seed nodes");
    assertThat(stdout.toString()).contains("converged after").contains("\"converged\":true")
        .containsPattern("(?m)^node\\d +\\w{8} +all 1/2 "); // 3 links, 2 each wanted: one node short, linked to all
  }

  @Test
  void plansItCannotRunAreRefusedBeforeAnyNodeStarts(@TempDir Path dir) throws Exception {
    Path file = java.nio.file.Files.writeString(dir.resolve("afile"), "mine");
    Path out = dir.resolve("out");
    java.util.Map<java.util.List<String>, String> refused = new java.util.LinkedHashMap<>();
    refused.put(java.util.List.of("--nodes", "100000"), "--nodes must be between 3 and 256");
    refused.put(java.util.List.of("--nodes", "2", "--seeds", "1"), "--nodes must be between 3 and 256");
    refused.put(java.util.List.of("--nodes", "4", "--seeds", "3"), "--seeds must be between 1 and nodes - 2 = 2"
        + " (at least two non-seed nodes, to meet), got 3");
    refused.put(java.util.List.of("--nodes", "3"), "got 2 (the default --seeds)");
    refused.put(java.util.List.of("--inbound", "-1"), "--inbound must not be negative, got -1");
    refused.put(java.util.List.of("--inbound", "0"), "--inbound 0 leaves no non-seed node room for another's"
        + " connection: the 14 non-seed nodes could never connect to each other");
    refused.put(java.util.List.of("--pex-period", "0s"), "--pex-period must be positive, got 0s");
    refused.put(java.util.List.of("--interval", "0s"), "invalid --interval '0s': must be at least 50ms");
    refused.put(java.util.List.of("--interval", "1ns"), "invalid --interval '1ns': must be at least 50ms");
    refused.put(java.util.List.of("--duration", "0s"), "invalid --duration '0s': must be positive");
    refused.put(java.util.List.of("--out", file.toString()), "it exists and is not a directory");
    refused.put(java.util.List.of("--out", ""), "invalid --out '': names no directory");
    refused.put(java.util.List.of("--out", file.resolve("below").toString()), "invalid --out '" + file.resolve("below")
        + "': the directory cannot be created");
    for (var e : refused.entrySet()) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("testnet"));
      if (!e.getKey().contains("--out")) {
        args.addAll(java.util.List.of("--out", out.toString()));
      }
      args.addAll(e.getKey());
      CliRun.Result r = CliRun.cairn(args.toArray(String[]::new));
      assertThat(r.exit()).as(e.getKey() + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(e.getKey().toString()).contains(e.getValue());
      assertThat(r.err()).as(e.getKey().toString()).doesNotContain("seeds), outbound target");
    }
    assertThat(out).as("nothing written").doesNotExist();
    assertThat(java.nio.file.Files.readString(file)).isEqualTo("mine");

    // a directory where the run writes a file, and a file of a node's trace name that is not a trace
    Path clash = java.nio.file.Files.createDirectories(dir.resolve("clash").resolve("topology.png"));
    CliRun.Result r = CliRun.cairn("testnet", "--nodes", "4", "--seeds", "1", "--out", clash.getParent().toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(clash + " is a directory, where the run writes a file");
    Path mine = java.nio.file.Files.createDirectories(dir.resolve("mine").resolve("traces")).resolve("node0.trace");
    java.nio.file.Files.writeString(mine, "my own");
    r = CliRun.cairn("testnet", "--nodes", "4", "--seeds", "1", "--trace", "--out", dir.resolve("mine").toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--trace: " + mine + " exists and is not a Cairn trace; not overwriting it")
        .doesNotContain("seeds), outbound target");
    try (var left = java.nio.file.Files.list(mine.getParent())) {
      assertThat(left.map(f -> f.getFileName().toString()).toList()).as("no node started, no manifest")
          .containsExactly("node0.trace");
    }
    assertThat(java.nio.file.Files.readString(mine)).isEqualTo("my own");
    Path tracesAFile = java.nio.file.Files.createDirectories(dir.resolve("file-traces"));
    java.nio.file.Files.writeString(tracesAFile.resolve("traces"), "x");
    r = CliRun.cairn("testnet", "--nodes", "4", "--seeds", "1", "--trace", "--out", tracesAFile.toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--trace: " + tracesAFile.resolve("traces") + " exists and is not a directory");
  }

  /**
   * A run that reaches --duration says why it did not converge, whatever the case: nodes settled
   * but not for --hold, or nodes below target that still had somebody to dial. The last sample is
   * taken as --duration ends, even with a longer --interval.
   */
  @Test
  void aRunThatEndsUnconvergedSaysWhy(@TempDir Path out) throws Exception {
    dev.cairn.shell.node.LocalNetwork.Plan plan = new dev.cairn.shell.node.LocalNetwork.Plan(4, 1, 1, 16, java.time.Duration.ofSeconds(2), 1);
    dev.cairn.core.NodeId a = dev.cairn.core.NodeId.of("a".repeat(40));
    dev.cairn.core.NodeId b = dev.cairn.core.NodeId.of("b".repeat(40));
    dev.cairn.core.NodeId c = dev.cairn.core.NodeId.of("c".repeat(40));
    java.util.List<dev.cairn.shell.node.Node.Status> below = java.util.List.of(
        new dev.cairn.shell.node.Node.Status(a, "node0", false, 1, java.util.List.of(b), java.util.List.of(), 3, 0, 0, 0, 0),
        new dev.cairn.shell.node.Node.Status(b, "node1", false, 1, java.util.List.of(), java.util.List.of(a), 3, 0, 0, 0, 0),
        new dev.cairn.shell.node.Node.Status(c, "node2", false, 1, java.util.List.of(), java.util.List.of(), 3, 0, 0, 0, 0));
    assertThat(TestnetCommand.why(plan, below, false, java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(3)))
        .containsExactly("2 non-seed nodes were below target with somebody left to dial when --duration 3s ended:"
            + " node1, node2");
    assertThat(TestnetCommand.why(plan, below, true, java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(3)))
        .containsExactly("every non-seed node is settled, but not yet for --hold 2s when --duration 3s ended");

    long t0 = System.nanoTime();
    CliRun.Result r = CliRun.cairn("testnet", "--nodes", "4", "--seeds", "1", "--outbound", "1", "--interval", "20s",
        "--duration", "1s", "--hold", "1m", "--out", out.toString());
    long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    assertThat(seconds).as("--duration 1s, not the 20 s interval").isLessThan(15);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("did not converge in time").contains("when --duration 1s ended");
  }

  @Test
  void anEarlierTestnetsNodeTracesAreReplacedAndNothingElse(@TempDir Path dir) throws Exception {
    Path traces = java.nio.file.Files.createDirectories(dir.resolve("traces"));
    byte[] trace = dev.cairn.shell.trace.TraceFormat.MAGIC_TEXT.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.util.List<String> all = java.util.List.of("node0.trace", "seed0.trace", "node12.trace.3",
        "node3.20260101T000000Z.trace", "production-node.trace", "node3.trace.bak", "incident.trace", "node9.trace");
    for (String n : all) {
      java.nio.file.Files.write(traces.resolve(n), trace);
    }
    java.nio.file.Files.writeString(traces.resolve("node1.trace"), "not a trace, named like one");
    StringWriter said = new StringWriter();

    TestnetCommand.clearTraces(traces, new PrintWriter(said, true));
    try (var l = java.nio.file.Files.list(traces)) {
      assertThat(l.count()).as("no testnet wrote here (no manifest): nothing removed").isEqualTo(all.size() + 1);
    }

    java.nio.file.Files.write(traces.resolve(TestnetCommand.MANIFEST),
        java.util.List.of("seed0.trace", "node0.trace", "node1.trace", "node3.trace", "node12.trace"));
    TestnetCommand.clearTraces(traces, new PrintWriter(said, true));

    try (var l = java.nio.file.Files.list(traces)) {
      assertThat(l.map(p -> p.getFileName().toString())).as("node9.trace: a trace no testnet wrote")
          .containsExactlyInAnyOrder("production-node.trace", "node3.trace.bak", "incident.trace", "node1.trace",
              "node9.trace");
    }
    assertThat(said.toString()).contains("replaced the 4 trace files of an earlier testnet");
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
