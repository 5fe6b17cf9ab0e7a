package dev.cairn.shell.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home DIR}: the node's home, laid out like CometBFT's ({@code config/}, {@code data/}). */
final class HomeOption {

  @Option(names = "--home", paramLabel = "DIR",
      description = "node home directory (default: $CAIRN_HOME, else ~/.cairn)")
  Path home;

  Path resolve() {
    if (home != null) {
      return home;
    }
    String env = System.getenv("CAIRN_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cairn");
  }

  static Path configDir(Path home) {
    return home.resolve("config");
  }

  static Path nodeKeyFile(Path home) {
    return configDir(home).resolve("node_key.json");
  }
}
