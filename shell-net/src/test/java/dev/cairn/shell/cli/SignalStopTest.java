package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node stopped by a signal, in a process of its own as an operator runs it: SIGTERM (a service
 * manager), SIGINT (Ctrl-C) and SIGHUP (its terminal closed) each stop it cleanly, exit 0, with its
 * address book saved and its trace closed with its trailer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignalStopTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT", "HUP"})
  void aSignalStopsTheNodeCleanly(String signal) throws Exception {
    Path home = homeOnAFreePort();
    Path trace = dir.resolve("node.trace");
    Process node = new ProcessBuilder(javaCairn("start", "--home", home.toString(), "--trace", trace.toString()))
        .redirectError(dir.resolve("stderr.txt").toFile()).start();
    try {
      BufferedReader out = started(node);
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("the node stops").isTrue();
      assertThat(node.exitValue()).as("exit status after SIG%s", signal).isZero();
      List<String> rest = out.lines().toList();
      assertThat(rest).anyMatch(l -> l.contains("\"stopped\""));
    } finally {
      node.destroyForcibly();
    }
    assertThat(home.resolve("config").resolve("addrbook.json")).as("the book is saved").exists();
    CliRun.Result replay = CliRun.cairn("trace", "replay", trace.toString());
    assertThat(replay.exit()).as(replay.out() + replay.err()).isZero();
    assertThat(replay.out()).as("closed with its trailer").doesNotContain("no trailer");
  }

  /**
   * A testnet stopped by SIGINT before it ended says it was interrupted (not that it ran out of
   * time), in its summary, summary.txt and JSON line, and exits 130, as a shell's interrupted
   * command does.
   */
  @Test
  void anInterruptedTestnetSaysSo() throws Exception {
    Path out = dir.resolve("net");
    Path stderr = dir.resolve("testnet-stderr.txt");
    Process net = new ProcessBuilder(javaCairn("testnet", "--nodes", "6", "--seeds", "1", "--duration", "90s",
        "--hold", "90s", "--out", out.toString())).redirectError(stderr.toFile()).start();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(Files.exists(stderr) && Files.readString(stderr).contains("t=")) && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      assertThat(Files.readString(stderr)).as("a first sample").contains("t=");
      assertThat(new ProcessBuilder("kill", "-INT", Long.toString(net.pid())).start().waitFor(10, TimeUnit.SECONDS))
          .isTrue();
      String said = new String(net.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(net.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(net.exitValue()).as(said + Files.readString(stderr)).isEqualTo(TestnetCommand.INTERRUPTED);
      assertThat(said).contains("interrupted\n  interrupted after ").contains("\"interrupted\":true")
          .doesNotContain("did not converge in time");
      assertThat(Files.readString(out.resolve("summary.txt"))).contains("interrupted after ");
    } finally {
      net.destroyForcibly();
    }
  }

  /** The note names what ignored each signal, and the signals left; with none left, what to do instead. */
  @Test
  void theNoteNamesTheSignalsLeftOrWhatToDoWithoutThem() {
    assertThat(Signals.ignoredNote(List.of())).isEmpty();
    assertThat(Signals.ignoredNote(List.of("INT")).orElseThrow()).isEqualTo("this process was started with SIGINT"
        + " ignored (a script's background job ignores SIGINT), which it cannot undo; stop the node with SIGTERM or"
        + " SIGHUP");
    assertThat(Signals.ignoredNote(List.of("TERM")).orElseThrow()).isEqualTo("this process was started with SIGTERM"
        + " ignored, which it cannot undo; stop the node with SIGINT or SIGHUP");
    assertThat(Signals.ignoredNote(List.of("INT", "TERM", "HUP")).orElseThrow()).contains("with SIGINT and SIGTERM"
        + " and SIGHUP ignored (a script's background job ignores SIGINT; nohup ignores SIGHUP)")
        .contains("no signal stops it gracefully: give --duration").doesNotContain("stop the node with");
  }

  /**
   * A node a script starts in the background ({@code cairn start &}) inherits SIGINT ignored, and
   * cannot handle it: it says so as it starts, naming the signals that still stop it, and SIGTERM
   * does.
   */
  @Test
  void aNodeStartedWithSigintIgnoredSaysWhichSignalsStopIt() throws Exception {
    Path home = homeOnAFreePort();
    List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", "trap '' INT; exec \"$0\" \"$@\""));
    // the shell's trap '' INT is what a non-interactive shell does for its background jobs
    command.addAll(javaCairn("start", "--home", home.toString()));
    Process node = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
    try {
      started(node);
      assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("cairn start: note: this process was started"
          + " with SIGINT ignored").contains("stop the node with SIGTERM or SIGHUP");
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(node.pid())).start().waitFor(10, TimeUnit.SECONDS))
          .isTrue();
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("SIGTERM stops it").isTrue();
      assertThat(node.exitValue()).isZero();
    } finally {
      node.destroyForcibly();
    }
  }

  /** A home made by {@code cairn init} whose laddr is a free loopback port. */
  private Path homeOnAFreePort() throws Exception {
    Path home = dir.resolve("home");
    assertThat(CliRun.cairn("init", "--home", home.toString(), "--network", "test-chain").exit()).isZero();
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path config = home.resolve("config").resolve("config.toml");
    Files.writeString(config, Files.readString(config)
        .replaceFirst("(?m)^laddr = .*$", "laddr = \"tcp://127.0.0.1:" + port + "\""));
    return home;
  }

  /** This JVM's java running cairn with {@code args}, in a process of its own. */
  private static List<String> javaCairn(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), Cairn.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** The node's output, once it printed its started line (within a minute). */
  private BufferedReader started(Process node) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        return null;
      }
    }).get(60, TimeUnit.SECONDS);
    assertThat(first).as("the started line (stderr: %s)", dir.resolve("stderr.txt")).contains("\"started\"");
    return out;
  }
}
