package dev.cairn.shell.config;

import dev.cairn.core.NodeId;
import dev.cairn.shell.store.DurableFiles;
import dev.cairn.shell.store.FileMode;
import dev.cairn.shell.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders a fresh config.toml, as {@code cairn init} writes it: CometBFT's {@code [p2p]} section
 * with its keys, comments and order (v0.38's template), then Cairn's {@code [cairn]} section.
 * Settings left at a derived or absent default are written as comments, so a later change of
 * {@code max_num_inbound_peers} or {@code max_num_outbound_peers} still moves the maintenance
 * band. {@link ConfigLoader} reads the result back to an equal {@link NodeConfig}.
 */
public final class ConfigWriter {

  private ConfigWriter() {}

  /** Writes {@code <home>/config/config.toml} atomically, mode 0644. */
  public static void write(Path home, NodeConfig config) throws StoreException {
    DurableFiles.writeUtf8(home.resolve("config").resolve("config.toml"), render(config),
        FileMode.WORLD_READABLE);
  }

  public static String render(NodeConfig config) {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("# This is a TOML config file.\n")
        .append("# For more information, see https://github.com/toml-lang/toml\n\n")
        .append("# Written by 'cairn init'. CometBFT reads the [p2p] section; the [cairn] section holds\n")
        .append("# Cairn's own settings and is ignored by CometBFT. Durations are Go durations (\"100ms\",\n")
        .append("# \"3s\", \"1m30s\").\n\n");
    p2p(sb, config.p2p());
    cairn(sb, config);
    return sb.toString();
  }

  private static void p2p(StringBuilder sb, P2pConfig p) {
    sb.append("#######################################################\n")
        .append("###           P2P Configuration Options             ###\n")
        .append("#######################################################\n")
        .append("[p2p]\n\n");
    line(sb, "Address to listen for incoming connections",
        "laddr", tomlString("tcp://" + p.listenAddress()));
    line(sb, "Address to advertise to peers for them to dial. If empty, will use the same\n"
            + "port as the laddr, and will introspect on the listener to figure out the\n"
            + "address. IP and port are required. Example: 159.89.10.97:26656",
        "external_address", tomlString(p.externalAddress().map(HostPort::toString).orElse("")));
    line(sb, "Comma separated list of seed nodes to connect to", "seeds", peers(p.seeds()));
    line(sb, "Comma separated list of nodes to keep persistent connections to",
        "persistent_peers", peers(p.persistentPeers()));
    line(sb, "Path to address book", "addr_book_file", tomlString(p.addrBookFile()));
    line(sb, "Set true for strict address routability rules\nSet false for private or local networks",
        "addr_book_strict", Boolean.toString(p.addrBookStrict()));
    line(sb, "Maximum number of inbound peers", "max_num_inbound_peers",
        Integer.toString(p.maxNumInboundPeers()));
    line(sb, "Maximum number of outbound peers to connect to. Persistent peers count toward it (as CometBFT's own\n"
        + "count does, whatever its comment says), unless listed in unconditional_peer_ids: more persistent peers\n"
        + "than this are refused at start, as they could never all be connected",
        "max_num_outbound_peers", Integer.toString(p.maxNumOutboundPeers()));
    line(sb, "List of node IDs, to which a connection will be (re)established ignoring any existing limits",
        "unconditional_peer_ids", ids(p.unconditionalPeerIds()));
    line(sb, "Maximum pause when redialing a persistent peer (if zero, [cairn] retry_delay_max). Cairn's redial\n"
        + "delay grows linearly with the failed dials, as [cairn] says, not exponentially as CometBFT's",
        "persistent_peers_max_dial_period", duration(p.persistentPeersMaxDialPeriod()));
    line(sb, "Time to wait before flushing messages out on the connection",
        "flush_throttle_timeout", duration(p.flushThrottleTimeout()));
    line(sb, "Maximum size of a message packet payload, in bytes", "max_packet_msg_payload_size",
        Integer.toString(p.maxPacketMsgPayloadSize()));
    line(sb, "Rate at which packets can be sent, in bytes/second", "send_rate", Long.toString(p.sendRate()));
    line(sb, "Rate at which packets can be received, in bytes/second", "recv_rate",
        Long.toString(p.recvRate()));
    line(sb, "Set true to enable the peer-exchange reactor", "pex", Boolean.toString(p.pex()));
    line(sb, "Seed mode, in which node constantly crawls the network and looks for\n"
            + "peers. If another node asks it for addresses, it responds and disconnects.\n\n"
            + "Does not work if the peer-exchange reactor is disabled.",
        "seed_mode", Boolean.toString(p.seedMode()));
    line(sb, "Comma separated list of peer IDs to keep private (will not be gossiped to other peers)",
        "private_peer_ids", ids(p.privatePeerIds()));
    line(sb, "Toggle to disable guard against peers connecting from the same ip.",
        "allow_duplicate_ip", Boolean.toString(p.allowDuplicateIp()));
    sb.append("# Peer connection configuration.\n")
        .append("handshake_timeout = ").append(duration(p.handshakeTimeout())).append('\n')
        .append("dial_timeout = ").append(duration(p.dialTimeout())).append("\n\n");
  }

  private static void cairn(StringBuilder sb, NodeConfig config) {
    CairnConfig c = config.cairn();
    sb.append("#######################################################\n")
        .append("###           Cairn Options (ignored by CometBFT)   ###\n")
        .append("#######################################################\n")
        .append("[cairn]\n\n");
    line(sb, "Chain ID of the network. config/genesis.json's chain_id is used when that file\n"
        + "exists, and this key must then be equal to it or empty.", "network", tomlString(config.network()));
    line(sb, "Name of this node, sent to peers in NodeInfo (printable ASCII).", "moniker",
        tomlString(c.moniker()));
    sb.append("# Seed of the core's random choices. When absent, a seed is drawn at start-up and\n")
        .append("# recorded in the trace, so a run can still be replayed.\n")
        .append(c.prngSeed().isPresent() ? "" : "# ")
        .append("prng_seed = ").append(c.prngSeed().orElse(0)).append("\n\n");
    MaintenanceThresholds t = c.thresholds();
    boolean derived = t.equals(MaintenanceThresholds.derive(
        config.p2p().maxNumInboundPeers(), config.p2p().maxNumOutboundPeers()));
    String prefix = derived ? "# " : "";
    sb.append("# Connection-count maintenance over all connections, inbound and outbound (Tezos-style\n")
        .append("# hysteresis): below min_threshold, dial (as far as max_num_outbound_peers allows) until\n")
        .append("# min_target; above max_threshold, disconnect peers, inbound and lowest-scored first, until\n")
        .append("# max_target. Needs min_threshold < min_target <= max_target < max_threshold <=\n")
        .append("# max_num_inbound_peers + max_num_outbound_peers. When absent, derived from those two\n")
        .append("# limits (40 inbound and 10 outbound give 16, 22, 38, 44).\n")
        .append(prefix).append("min_threshold = ").append(t.minThreshold()).append('\n')
        .append(prefix).append("min_target = ").append(t.minTarget()).append('\n')
        .append(prefix).append("max_target = ").append(t.maxTarget()).append('\n')
        .append(prefix).append("max_threshold = ").append(t.maxThreshold()).append("\n\n");
    line(sb, "Extra connection slots used to replace a connected peer by a better-scored one.",
        "max_connected_upgrade", Integer.toString(c.maxConnectedUpgrade()));
    sb.append("# Redial delay after n failed dials: n * retry_delay_min plus a uniform jitter below\n")
        .append("# retry_jitter_max, capped at retry_delay_max. Persistent peers are retried forever;\n")
        .append("# another address, after 16 failed dials in a row, is next tried retry_delay_max later.\n")
        .append("retry_delay_min = ").append(duration(c.retryDelayMin())).append('\n')
        .append("retry_delay_max = ").append(duration(c.retryDelayMax())).append('\n')
        .append("retry_jitter_max = ").append(duration(c.retryJitterMax())).append("\n\n");
    line(sb, "No redial of a peer sooner than this after it disconnected.", "disconnect_cooldown",
        duration(c.disconnectCooldown()));
    line(sb, "When inbound is full, a new inbound peer takes the slot of the one admitted longest ago\n"
        + "that has sent nothing PEX accepted, and a silent inbound peer's address is not learned:\n"
        + "protection against a Sybil flood of idle connections. Off: CometBFT's behaviour. An\n"
        + "honest peer that never speaks PEX (pex = false) can lose its slot when it is on.",
        "idle_inbound_eviction", Boolean.toString(c.idleInboundEviction()));
    line(sb, "Inbound handshakes run at once from addresses of one /16 (IPv6 /32) network; more are\n"
        + "closed before their handshake, so that one network cannot hold every handshake slot.",
        "max_handshakes_per_group", Integer.toString(c.maxHandshakesPerGroup()));
    TraceConfig tc = c.trace();
    sb.append("# File to record every core event in, for 'cairn trace show|replay|validate', relative\n")
        .append("# to the home. Empty: no trace. After trace_max_file_bytes the recording goes on in a new\n")
        .append("# file (trace_file, then trace_file.1, .2, ...: the highest number is the newest), and the\n")
        .append("# trace_max_files newest are kept. Every\n")
        .append("# trace_checkpoint_interval steps a record carries a digest of the whole core state (0: only\n")
        .append("# at the end of each file), so a replay names the window where it diverged.\n")
        .append("trace_file = ").append(tomlString(tc.file().orElse(""))).append('\n')
        .append("trace_max_file_bytes = ").append(tc.maxFileBytes()).append('\n')
        .append("trace_max_files = ").append(tc.maxFiles()).append('\n')
        .append("trace_checkpoint_interval = ").append(tc.checkpointInterval()).append("\n\n");
    MetricsConfig m = c.metrics();
    sb.append("# Prometheus metrics, with CometBFT's p2p metric names. These override CometBFT's\n")
        .append("# [instrumentation] prometheus, prometheus_listen_addr and namespace.\n")
        .append("prometheus = ").append(m.prometheus()).append('\n')
        .append("prometheus_listen_addr = ").append(tomlString(m.listenAddress())).append('\n')
        .append("namespace = ").append(tomlString(m.namespace())).append('\n');
  }

  private static void line(StringBuilder sb, String comment, String key, String value) {
    for (String c : comment.split("\n", -1)) {
      sb.append(c.isEmpty() ? "#" : "# " + c).append('\n');
    }
    sb.append(key).append(" = ").append(value).append("\n\n");
  }

  private static String peers(List<PeerAddress> peers) {
    return tomlString(peers.stream().map(PeerAddress::toString).collect(Collectors.joining(",")));
  }

  private static String ids(List<NodeId> ids) {
    return tomlString(ids.stream().map(NodeId::toString).collect(Collectors.joining(",")));
  }

  private static String duration(Duration d) {
    return tomlString(GoDuration.format(d));
  }

  /** A TOML basic string: quotes, backslashes and control characters escaped. */
  static String tomlString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
