package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cairn listen} and {@code cairn probe} run in-process against each other on loopback. */
class ProbeListenTest {

  private final StringWriter listenOut = new StringWriter();
  private Thread listen;
  private String listenerAddress;

  static CliRun.Result run(String... args) {
    return CliRun.cairn(args);
  }

  @BeforeEach
  void startListener() throws Exception {
    CommandLine cl = Cairn.commandLine();
    cl.setOut(new PrintWriter(listenOut, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    listen = new Thread(() -> cl.execute("listen", "--laddr", "tcp://127.0.0.1:0",
        "--network", "probe-chain", "--duration", "60s",
        "--addrs", "2d6ea4296e321edc08897614e2a24c4bc3e71d63@203.0.113.10:26656,"
            + "35aeeb5a43ab2064d3e174dbbe76e191d8218423@[2001:4860::8888]:26657"), "listen");
    listen.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (listenerAddress == null && System.nanoTime() < deadline) {
      String first = listenOut.toString().lines().findFirst().orElse("");
      if (!first.isEmpty()) {
        JsonNode n = Json.MAPPER.readTree(first);
        assertThat(n.get("event").asText()).isEqualTo("listening");
        listenerAddress = n.get("node_id").asText() + "@" + n.get("listen_addr").asText();
      } else {
        Thread.sleep(20);
      }
    }
    assertThat(listenerAddress).as("listen printed its ready line").isNotNull();
  }

  @AfterEach
  void stopListener() throws InterruptedException {
    listen.interrupt(); // ends its wait; it closes the server and its event loops
    listen.join(10_000);
  }

  /** The listener's events so far: its complete lines (a line still being written is left out). */
  private List<JsonNode> listenEvents() throws Exception {
    String text = listenOut.toString();
    List<String> lines = text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
    java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
    for (String l : lines) {
      out.add(Json.MAPPER.readTree(l));
    }
    return out;
  }

  /**
   * The listener's events once {@code done} holds of them (its log is written by its own threads,
   * after the probe has returned), polled for up to 10 s; the last ones seen if it never does, for
   * the caller's assertions to report.
   */
  private List<JsonNode> listenEventsOnce(java.util.function.Predicate<List<JsonNode>> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<JsonNode> events = listenEvents();
    while (!done.test(events) && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
      events = listenEvents();
    }
    return events;
  }

  private static long count(List<JsonNode> events, String event) {
    return events.stream().filter(n -> n.get("event").asText().equals(event)).count();
  }

  @Test
  void probePrintsNodeInfoAndTheListenersAddresses() throws Exception {
    CliRun.Result r = run("probe", listenerAddress, "--network", "probe-chain");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode info = Json.MAPPER.readTree(lines.get(0)).get("node_info");
    assertThat(info.get("id").asText() + "@" + info.get("listen_addr").asText()).isEqualTo(listenerAddress);
    assertThat(info.get("network").asText()).isEqualTo("probe-chain");
    assertThat(info.get("channels").asText()).isEqualTo("00");
    JsonNode addrs = Json.MAPPER.readTree(lines.get(1)).get("addresses");
    assertThat(addrs).hasSize(2);
    assertThat(addrs.get(0).get("ip").asText()).isEqualTo("203.0.113.10");
    assertThat(addrs.get(1).get("ip").asText()).isEqualTo("2001:4860::8888");
    assertThat(addrs.get(1).get("port").asInt()).isEqualTo(26657);

    assertThat(listenEventsOnce(e -> count(e, "pex_answered") > 0)).extracting(n -> n.get("event").asText())
        .contains("peer_connected", "message", "pex_answered");
  }

  @Test
  void probeWithAKeyFileUsesThatIdentity(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("node_key.json");
    Path example = dev.cairn.shell.SharedExamples.path("node_key.example.json");
    Files.copy(example, key);
    assertThat(run("probe", listenerAddress, "--network", "probe-chain", "--key", key.toString()).exit()).isZero();
    assertThat(listenEventsOnce(e -> count(e, "peer_connected") > 0))
        .filteredOn(n -> n.get("event").asText().equals("peer_connected"))
        .extracting(n -> n.get("peer").asText()).contains("2d6ea4296e321edc08897614e2a24c4bc3e71d63");
  }

  /** A peer that resets the connection in the handshake: said as the handshake's failure, in words. */
  @Test
  void probeOfAPeerThatResetsTheHandshakeSaysSo() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> resetter = CompletableFuture.runAsync(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().readNBytes(34); // the probe's ephemeral key
          s.setSoLinger(true, 0); // close with a reset
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      CliRun.Result r = run("probe", "2d6ea4296e321edc08897614e2a24c4bc3e71d63@127.0.0.1:" + server.getLocalPort(),
          "--network", "probe-chain");
      resetter.get(10, TimeUnit.SECONDS);
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
      // the reset reaches the probe as it reads (or, writing, as a broken pipe): said in words, with the phase
      assertThat(r.err()).as(r.err()).containsPattern(
          "cairn probe: the handshake failed: the peer (reset the connection|closed the connection \\(broken pipe)");
    }
  }

  @Test
  void probeFailures_exitNonZeroWithOneLineNamingTheReason() throws Exception {
    CliRun.Result wrongNet = run("probe", listenerAddress, "--network", "other-chain");
    assertThat(wrongNet.exit()).as("a peer or network that failed").isEqualTo(1);
    assertThat(wrongNet.err().lines().toList()).hasSize(1);
    assertThat(wrongNet.err()).contains("WRONG_NETWORK").contains("other-chain");

    String wrongId = "2d6ea4296e321edc08897614e2a24c4bc3e71d63@" + listenerAddress.substring(41);
    CliRun.Result mismatch = run("probe", wrongId, "--network", "probe-chain");
    assertThat(mismatch.exit()).as("a peer or network that failed").isEqualTo(1);
    assertThat(mismatch.err()).contains("ID_MISMATCH").contains("2d6ea4296e321edc08897614e2a24c4bc3e71d63");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    CliRun.Result refused = run("probe", "2d6ea4296e321edc08897614e2a24c4bc3e71d63@127.0.0.1:" + closedPort,
        "--network", "probe-chain");
    assertThat(refused.exit()).as("a peer or network that failed").isEqualTo(1);
    assertThat(refused.err()).contains("refused");

    CliRun.Result bad = run("probe", "not-an-address", "--network", "probe-chain");
    assertThat(bad.exit()).as("an argument refused").isEqualTo(2);
    assertThat(bad.err()).contains("invalid address 'not-an-address'");
    assertThat(bad.err().split("invalid address", -1)).as("said once: " + bad.err()).hasSize(2);

    CliRun.Result portZero = run("probe", "2d6ea4296e321edc08897614e2a24c4bc3e71d63@127.0.0.1:0", "--network",
        "probe-chain");
    assertThat(portZero.exit()).as("a usage error, nothing dialed").isEqualTo(2);
    assertThat(portZero.err()).contains("has port 0, which cannot be dialed");
    CliRun.Result unspecified = run("probe", "2d6ea4296e321edc08897614e2a24c4bc3e71d63@0.0.0.0:26656", "--network",
        "probe-chain");
    assertThat(unspecified.exit()).as("a usage error, nothing dialed (it would reach this machine)").isEqualTo(2);
    assertThat(unspecified.err()).contains("has the unspecified address 0.0.0.0, which names no host to dial");

    // a timeout before the dial ends: its one line, not also the dial's failure as the loop stops
    CliRun.Result late = run("probe", "2d6ea4296e321edc08897614e2a24c4bc3e71d63@10.255.255.1:26656",
        "--network", "probe-chain", "--timeout", "1ms");
    assertThat(late.exit()).as("a peer or network that failed").isEqualTo(1);
    assertThat(late.err().lines().toList()).as(late.err()).hasSize(1);
  }

  @Test
  void wrongKeepaliveOrDurationOptionsAreUsageErrorsOfTheCommand() {
    CliRun.Result pong = run("probe", listenerAddress, "--network", "probe-chain", "--ping-interval", "1s",
        "--pong-timeout", "5s");
    CliRun.Result dial = run("probe", listenerAddress, "--network", "probe-chain", "--dial-timeout", "0s");
    CliRun.Result listen = run("listen", "--network", "probe-chain", "--duration", "-1s");

    CliRun.Result moniker = run("probe", listenerAddress, "--network", "probe-chain", "--moniker", "a\u0001");
    CliRun.Result network = run("listen", "--network", "");
    CliRun.Result udp = run("listen", "--network", "probe-chain", "--laddr", "udp://127.0.0.1:0");
    assertThat(moniker.err()).contains("invalid --moniker").contains("printable ASCII");
    assertThat(network.err()).contains("invalid --network ''");
    assertThat(udp.exit()).isEqualTo(2);
    assertThat(udp.err()).contains("invalid --laddr 'udp://127.0.0.1:0': only tcp:// addresses are served");

    assertThat(pong.exit()).isEqualTo(2);
    assertThat(pong.err()).contains("invalid --pong-timeout '5s': must be shorter than --ping-interval '1s'");
    for (CliRun.Result r : List.of(pong, dial, listen, moniker, network)) {
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).as("the usage of the command itself").doesNotContain("<main class>").containsPattern(
          "Usage: cairn (probe|listen)");
    }
  }

  @Test
  void probeOfASilentPeerTimesOutInTheHandshake() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      CompletableFuture<Socket> accepted = new CompletableFuture<>();
      Thread acceptor = new Thread(() -> {
        try {
          accepted.complete(silent.accept());
        } catch (Exception e) {
          accepted.complete(null);
        }
      });
      acceptor.start();
      CliRun.Result r = run("probe", "2d6ea4296e321edc08897614e2a24c4bc3e71d63@127.0.0.1:" + silent.getLocalPort(),
          "--network", "probe-chain", "--handshake-timeout", "300ms");
      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains("HANDSHAKE_TIMEOUT");
      Socket s = accepted.get(5, TimeUnit.SECONDS);
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void listenSaysWhatItServesAsGiven() {
    String a = "2d6ea4296e321edc08897614e2a24c4bc3e71d63@203.0.113.10:26656";
    CliRun.Result r = run("listen", "--laddr", "tcp://127.0.0.1:0", "--network", "probe-chain", "--duration",
        "200ms", "--addrs", a + "," + a + ",35aeeb5a43ab2064d3e174dbbe76e191d8218423@203.0.113.11:0,"
            + "ab".repeat(20) + "@0.0.0.0:26656");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("warning: --addrs lists " + a + " more than once; served as given")
        .contains("203.0.113.11:0 has port 0, which cannot be dialed; served as given")
        .contains("0.0.0.0:26656 has the unspecified address, which names no host to dial; served as given");
  }

  @Test
  void listenBansAPeerThatAsksTooOften() throws Exception {
    // Three PexRequests back to back: two are free, the third breaks the 10 s rule.
    var pipelineProbe = new RepeatedPexRequests(listenerAddress, "probe-chain", 3);
    pipelineProbe.run();
    List<JsonNode> events = listenEventsOnce(e -> count(e, "peer_banned") > 0);
    assertThat(events).filteredOn(n -> n.get("event").asText().equals("pex_answered")).hasSize(2);
    assertThat(events).filteredOn(n -> n.get("event").asText().equals("peer_banned"))
        .singleElement().satisfies(n -> assertThat(n.get("reason").asText()).contains("PexRequest"));
    assertThat(pipelineProbe.closedByPeer()).isTrue();
  }
}
