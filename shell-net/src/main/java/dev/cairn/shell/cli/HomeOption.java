package dev.cairn.shell.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home DIR}: the node's home, laid out like CometBFT's ({@code config/}, {@code data/}). */
final class HomeOption {

  @Option(names = "--home", paramLabel = "DIR",
      description = "node home directory (default: $CAIRN_HOME, else ~/.cairn)")
  Path home;

  Path resolve() {
    return home != null ? home : defaultHome(System.getenv("CAIRN_HOME"), System.getenv("HOME"),
        System.getProperty("user.home"));
  }

  /**
   * {@code $CAIRN_HOME}, else {@code .cairn} in {@code $HOME} as the shell has it (which is what
   * "~" means to the operator; the JVM's user.home comes from the password database instead), and
   * in user.home only when {@code HOME} is unset.
   */
  static Path defaultHome(String cairnHome, String home, String userHome) {
    if (cairnHome != null && !cairnHome.isBlank()) {
      return Path.of(cairnHome);
    }
    return Path.of(home != null && !home.isBlank() ? home : userHome, ".cairn");
  }

  static Path configDir(Path home) {
    return home.resolve("config");
  }

  static Path nodeKeyFile(Path home) {
    return configDir(home).resolve("node_key.json");
  }
}
