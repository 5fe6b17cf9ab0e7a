package dev.cairn.shell.cli;

import dev.cairn.shell.crypto.NodeKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cairn show-node-id}: prints the node's ID, as CometBFT's command of that name. */
@Command(name = "show-node-id", mixinStandardHelpOptions = true,
    description = "Print this node's ID (hex of SHA-256 of its public key, first 20 bytes).")
final class ShowNodeIdCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Override
  public Integer call() throws Exception {
    Path keyFile = HomeOption.nodeKeyFile(home.resolve());
    java.util.Optional<String> dangling = HomeOption.danglingKeyProblem(keyFile);
    if (dangling.isPresent()) {
      spec.commandLine().getErr().println("cairn show-node-id: " + dangling.get());
      return 1;
    }
    if (Files.exists(home.resolve().resolve("config").resolve("config.toml"))) {
      try {
        dev.cairn.shell.config.ConfigLoader.load(home.resolve());
      } catch (dev.cairn.shell.config.ConfigException e) {
        if (e.key().filter("node_key_file"::equals).isPresent()) { // the node would not run as the key this prints
          spec.commandLine().getErr().println("cairn show-node-id: " + e.getMessage());
          return 1;
        }
      }
    }
    if (!Files.exists(keyFile)) {
      spec.commandLine().getErr().println("cairn show-node-id: " + keyFile + " does not exist; run 'cairn init' first");
      return 1;
    }
    spec.commandLine().getOut().println(NodeKey.load(keyFile).id().hex());
    return 0;
  }
}
