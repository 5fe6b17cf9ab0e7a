package dev.cairn.shell.cli;

import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.ConfigWriter;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.crypto.NodeKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn init}: creates a home with {@code config/config.toml} (CometBFT's {@code [p2p]}
 * keys and defaults plus Cairn's {@code [cairn]} section), {@code config/node_key.json} and
 * {@code data/}. An existing home is never overwritten unless {@code --force} is given, and
 * even then an existing node key is kept (a node's identity is not something to lose by a flag)
 * and the config as it was is copied beside the new one. On a home whose config is there but
 * whose node key is missing, init without {@code --force} creates the key alone.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Create a node home: config/config.toml, config/node_key.json, data/.")
final class InitCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(names = "--network", paramLabel = "CHAIN_ID",
      description = "chain ID stored in [cairn] network; required unless config/genesis.json names one, "
          + "and then it must be the same")
  String network;

  @Option(names = "--moniker", paramLabel = "NAME", description = "node name advertised in NodeInfo")
  String moniker;

  @Option(names = "--force", description = "rewrite config.toml of an existing home (the node key is kept, the old config copied"
      + " to config.STAMP.toml)")
  boolean force;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = home.resolve();
    Path config = HomeOption.configDir(dir).resolve("config.toml");
    Path keyFile = HomeOption.nodeKeyFile(dir);
    Optional<String> dangling = HomeOption.danglingKeyProblem(keyFile);
    if (dangling.isPresent()) { // with or without --force: the key is never replaced
      err.println("cairn init: " + dangling.get());
      return 1;
    }
    if (!Files.exists(HomeLock.file(dir))) {
      return initHome(dir, config, keyFile, out, err); // no node runs here: a running one holds that file
    }
    // a running node holds its home's lock: its files are not rewritten under it
    HomeLock lock;
    try {
      lock = HomeLock.take(dir);
    } catch (HomeLock.InUse e) {
      err.println("cairn init: the home " + dir + " is in use by a running node (" + HomeLock.file(dir)
          + " is locked); stop it first: init does not rewrite a running node's files");
      return 1;
    } catch (java.io.IOException e) {
      lock = null; // a home this user may not write: initHome says so
    }
    try {
      return initHome(dir, config, keyFile, out, err);
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  private int initHome(Path dir, Path config, Path keyFile, PrintWriter out, PrintWriter err) throws Exception {
    if (Files.exists(config) && !force) {
      if (!Files.exists(keyFile, java.nio.file.LinkOption.NOFOLLOW_LINKS) && network == null && moniker == null) {
        return keyOnly(dir, config, keyFile, out, err);
      }
      err.println("cairn init: " + config + " already exists; not overwriting it (use --force to rewrite"
          + " the config, kept first as a copy beside it; "
          + (Files.exists(keyFile) ? "the node key is always kept)" : "without --network or --moniker, init only"
          + " creates the missing node key)"));
      return 1;
    }
    StringBuilder toml = new StringBuilder();
    if (network != null || moniker != null) {
      toml.append("[cairn]\n");
      if (network != null) {
        toml.append("network = ").append(quote(network)).append('\n');
      }
      if (moniker != null) {
        toml.append("moniker = ").append(quote(moniker)).append('\n');
      }
    }
    // everything is checked before anything is written: a refused init leaves the home as it was
    Path genesisFile = HomeOption.configDir(dir).resolve("genesis.json");
    Optional<String> genesis = ConfigLoader.genesisChainId(genesisFile);
    if (genesis.isPresent() && network != null && !network.equals(genesis.get())) {
      err.println("cairn init: --network '" + network + "' differs from the chain_id '" + genesis.get() + "' of "
          + genesisFile + "; leave --network out to take the genesis's, or give the same");
      return 2;
    }
    NodeConfig cfg;
    try {
      cfg = ConfigLoader.parse(toml.toString(), "the command line (--network, --moniker)", genesis);
    } catch (dev.cairn.shell.config.ConfigException e) {
      // the option that gave the value, not the key it is written to
      String option = e.key().map(k -> k.endsWith("network") ? "--network" : k.endsWith("moniker") ? "--moniker" : null)
          .orElse(null);
      err.println("cairn init: " + (option != null && e.value().isPresent()
          ? option + " " + e.value().get() + ": " + e.rule() : e.getMessage()));
      return 2; // an argument the command cannot take, as --network against genesis.json's chain
    }
    if (Files.exists(keyFile)) {
      NodeKey.load(keyFile); // kept: it must be a key
    }
    Optional<String> dataProblem = HomeOption.dataProblem(dir);
    if (dataProblem.isPresent()) {
      err.println("cairn init: " + dataProblem.get());
      return 1;
    }
    Files.createDirectories(HomeOption.configDir(dir));
    Files.createDirectories(dir.resolve("data"));
    Path kept = null;
    if (Files.exists(config)) { // --force: the config as it was stays beside the new one
      kept = config.resolveSibling("config." + dev.cairn.shell.trace.EarlierTrace.stamp(java.time.Instant.now())
          + ".toml");
      Files.copy(config, kept, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }
    ConfigWriter.write(dir, cfg);
    boolean newKey = !Files.exists(keyFile);
    NodeKey key = NodeKey.loadOrGenerate(keyFile, new SecureRandom());
    out.println(Json.line(Json.object()
        .put("home", dir.toString())
        .put("node_id", key.id().hex())
        .put("network", cfg.network())
        .put("node_key", newKey ? "generated" : "kept")
        .put("config_kept_in", kept == null ? null : kept.toString())));
    return 0;
  }

  /**
   * A home whose config is there and whose node key is not (deleted, or not copied with the
   * config): the key is created and the config kept as it is. The new key is a new node ID, which
   * the peers that list the old one must be given.
   */
  private int keyOnly(Path dir, Path config, Path keyFile, PrintWriter out, PrintWriter err) throws Exception {
    ConfigLoader.load(dir); // the config must still be one: nothing is written for a broken one
    Optional<String> dataProblem = HomeOption.dataProblem(dir);
    if (dataProblem.isPresent()) {
      err.println("cairn init: " + dataProblem.get());
      return 1;
    }
    Files.createDirectories(dir.resolve("data"));
    NodeKey key = NodeKey.loadOrGenerate(keyFile, new SecureRandom());
    err.println("cairn init: " + config + " kept as it is; " + keyFile + " was missing and is generated: this node's"
        + " ID is now " + key.id().hex() + " (peers that list its old ID in persistent_peers, seeds or"
        + " unconditional_peer_ids must be given the new one)");
    out.println(Json.line(Json.object()
        .put("home", dir.toString())
        .put("node_id", key.id().hex())
        .put("node_key", "generated")
        .put("config", "kept")));
    return 0;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7F) {
        b.append(String.format("\\u%04X", (int) c)); // TOML's basic strings take no control character as it is
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
