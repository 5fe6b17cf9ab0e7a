package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A log level the environment names wrongly is said, and logging stays at INFO, not Logback's DEBUG. */
class LogLevelsTest {

  @TempDir Path dir;

  private static Logger logger(String name) {
    return (Logger) LoggerFactory.getLogger(name);
  }

  @Test
  void anUnknownLevelIsNamedAndItsLoggersLogAtInfo() {
    Logger root = logger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger node = logger("dev.cairn.shell.node");
    Level rootBefore = root.getLevel();
    Level nodeBefore = node.getLevel();
    try {
      root.setLevel(Level.DEBUG); // what Logback made of the unknown value
      node.setLevel(Level.DEBUG);
      assertThat(LogLevels.correct(Map.of("CAIRN_LOG_LEVEL", "verbose")))
          .containsExactly("cairn: CAIRN_LOG_LEVEL=verbose is not a log level (one of TRACE, DEBUG, INFO, WARN,"
              + " ERROR, OFF); logging at INFO");
      assertThat(root.getLevel()).isEqualTo(Level.INFO);
      assertThat(node.getLevel()).as("the node's logger follows the root's").isEqualTo(Level.INFO);

      node.setLevel(Level.DEBUG);
      assertThat(LogLevels.correct(Map.of("CAIRN_LOG_LEVEL", "warn", "CAIRN_NODE_LOG_LEVEL", "lots")))
          .singleElement().asString().startsWith("cairn: CAIRN_NODE_LOG_LEVEL=lots is not a log level");
      assertThat(node.getLevel()).isEqualTo(Level.INFO);

      root.setLevel(Level.WARN);
      node.setLevel(Level.DEBUG);
      assertThat(LogLevels.correct(Map.of("CAIRN_LOG_LEVEL", "bad", "CAIRN_NODE_LOG_LEVEL", "debug")))
          .as("a node level that is known").hasSize(1);
      assertThat(node.getLevel()).as("kept as named").isEqualTo(Level.DEBUG);
      assertThat(LogLevels.correct(Map.of("CAIRN_LOG_LEVEL", " Error ", "CAIRN_NODE_LOG_LEVEL", "off"))).isEmpty();
    } finally {
      root.setLevel(rootBefore);
      node.setLevel(nodeBefore);
    }
  }

  /** The command line itself says it, before it runs the command. */
  @Test
  void theCommandLineSaysIt() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Cairn.class.getName(),
        "init", "--home", dir.resolve("home").toString(), "--network", "test-chain")
        .redirectError(dir.resolve("stderr.txt").toFile()).redirectOutput(dir.resolve("stdout.txt").toFile());
    pb.environment().put("CAIRN_LOG_LEVEL", "chatty");
    pb.environment().remove("CAIRN_NODE_LOG_LEVEL");
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(dir.resolve("stderr.txt"));
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(err).contains("cairn: CAIRN_LOG_LEVEL=chatty is not a log level");
  }
}
