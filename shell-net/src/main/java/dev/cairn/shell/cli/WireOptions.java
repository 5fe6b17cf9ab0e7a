package dev.cairn.shell.cli;

import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.mconn.StandardChannels;
import dev.cairn.shell.node.PeerPipeline;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.NodeInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options shared by {@code probe} and {@code listen}. */
final class WireOptions {

  /** CometBFT's {@code version.BlockProtocol}; NodeInfo compatibility requires equality. */
  static final long BLOCK_PROTOCOL = 11;
  /** CometBFT's {@code version.P2PProtocol} before v1.0 (never compared). */
  static final long P2P_PROTOCOL = 8;

  /** The command these options are mixed into ({@code probe}, {@code listen}): usage errors name it. */
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Option(names = "--key", paramLabel = "FILE",
      description = "node_key.json in CometBFT's format; an ephemeral key is generated when absent")
  Path keyFile;

  @Option(names = "--network", paramLabel = "CHAIN_ID", required = true,
      description = "chain ID the peer must be on")
  String network;

  @Option(names = "--moniker", defaultValue = "cairn", description = "moniker advertised in NodeInfo (default: ${DEFAULT-VALUE})")
  String moniker;

  @Option(names = "--handshake-timeout", defaultValue = "3s", paramLabel = "DURATION",
      description = "deadline of each handshake phase (SecretConnection, NodeInfo) "
          + "(default: ${DEFAULT-VALUE}, as CometBFT)")
  String handshakeTimeout;

  @Option(names = "--ping-interval", defaultValue = "60s", paramLabel = "DURATION",
      description = "MConnection keepalive: a Ping after this long without one "
          + "(default: ${DEFAULT-VALUE}, as CometBFT)")
  String pingInterval;

  @Option(names = "--pong-timeout", defaultValue = "45s", paramLabel = "DURATION",
      description = "close the connection when a Ping is not answered within this; shorter than --ping-interval "
          + "(default: ${DEFAULT-VALUE}, as CometBFT)")
  String pongTimeout;

  /** Usage errors for a moniker or network a peer would refuse in our NodeInfo. */
  void check() {
    if (!dev.cairn.shell.config.ConfigLoader.monikerValid(moniker)) {
      throw new CommandLine.ParameterException(command.commandLine(), "invalid --moniker '" + moniker + "': "
          + dev.cairn.shell.config.ConfigLoader.MONIKER_RULE);
    }
    if (!dev.cairn.shell.config.ConfigLoader.networkValid(network)) {
      throw new CommandLine.ParameterException(command.commandLine(), "invalid --network '" + network + "': "
          + dev.cairn.shell.config.ConfigLoader.NETWORK_RULE);
    }
  }

  NodeKey loadKey(SecureRandom random) throws IOException {
    if (keyFile == null) {
      return NodeKey.generate(random);
    }
    if (!Files.exists(keyFile)) {
      throw new IOException("key file " + keyFile + " does not exist");
    }
    return NodeKey.load(keyFile);
  }

  Duration duration(String name, String value) {
    return CliDurations.parse(command.commandLine(), name, value, false);
  }

  PeerPipeline.Settings settings(NodeKey key, String listenAddr, SecureRandom random) {
    NodeInfo ours = new NodeInfo(
        new NodeInfo.ProtocolVersion(P2P_PROTOCOL, BLOCK_PROTOCOL, 0),
        key.id().hex(),
        listenAddr,
        network,
        Cairn.VERSION,
        List.of(StandardChannels.PEX.id()),
        moniker,
        new NodeInfo.Other("off", ""));
    Duration hs = duration("--handshake-timeout", handshakeTimeout);
    Duration ping = duration("--ping-interval", pingInterval);
    Duration pong = duration("--pong-timeout", pongTimeout);
    if (pong.compareTo(ping) >= 0) {
      throw new CommandLine.ParameterException(command.commandLine(), "invalid --pong-timeout '" + pongTimeout
          + "': must be shorter than --ping-interval '" + pingInterval + "'");
    }
    MConnConfig mconn = MConnConfig.defaults().withKeepalive(ping, pong);
    return new PeerPipeline.Settings(key, ours, List.of(StandardChannels.PEX), mconn, hs, hs,
        HostResolver.system(), random);
  }
}
