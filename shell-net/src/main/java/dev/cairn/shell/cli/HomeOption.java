package dev.cairn.shell.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --home DIR}: the node's home, laid out like CometBFT's ({@code config/}, {@code data/}). */
final class HomeOption {

  @Option(names = "--home", paramLabel = "DIR",
      description = "node home directory (default: $CAIRN_HOME, else ~/.cairn)")
  Path home;

  /** The command this option is mixed into: a bad home is a usage error of it. */
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  Path resolve() {
    if (home != null && home.toString().isEmpty()) {
      throw new CommandLine.ParameterException(command.commandLine(), "invalid --home '': names no directory");
    }
    Path h = home != null ? home : defaultHome(System.getenv("CAIRN_HOME"), System.getenv("HOME"),
        System.getProperty("user.home"));
    if (Files.exists(h) && !Files.isDirectory(h)) {
      String from = home != null ? "--home" : System.getenv("CAIRN_HOME") != null
          && !System.getenv("CAIRN_HOME").isBlank() ? "$CAIRN_HOME" : "the default home";
      throw new CommandLine.ParameterException(command.commandLine(), "the home " + h + " (" + from
          + ") is a file, not a directory");
    }
    return h;
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
  /**
   * The problem of a node key file that is a symbolic link to nothing (a secrets mount that is not
   * mounted), if it is one: such a key is never replaced by a new one, which would be another node.
   */
  static Optional<String> danglingKeyProblem(Path keyFile) {
    if (!Files.isSymbolicLink(keyFile) || Files.exists(keyFile)) {
      return Optional.empty();
    }
    String target;
    try {
      target = Files.readSymbolicLink(keyFile).toString();
    } catch (java.io.IOException e) {
      target = "a file that cannot be read";
    }
    return Optional.of(keyFile + " is a symbolic link to " + target + ", which does not exist (a secrets mount that"
        + " is not mounted?): mount or restore the key it points to; a new key, which would be another node, is"
        + " never put in its place");
  }


  /**
   * What is wrong with the home's {@code data} folder, if anything: there and not a directory
   * (a file, or a symbolic link to nothing). Absent is fine: it is created.
   */
  static java.util.Optional<String> dataProblem(Path home) {
    Path data = home.resolve("data");
    if (!java.nio.file.Files.exists(data, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        || java.nio.file.Files.isDirectory(data)) {
      return java.util.Optional.empty();
    }
    String what = java.nio.file.Files.isSymbolicLink(data) && !java.nio.file.Files.exists(data)
        ? "a symbolic link to nothing" : "not a directory";
    return java.util.Optional.of(data + " is " + what + ": the home's data folder (where a running node keeps its"
        + " lock) must be a directory; move it away");
  }
}
