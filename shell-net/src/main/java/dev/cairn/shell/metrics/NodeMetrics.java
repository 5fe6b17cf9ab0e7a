package dev.cairn.shell.metrics;

import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.peer.DisconnectReason;
import dev.cairn.shell.config.MetricsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What a node reports about itself, in its own words. The node calls these methods where the
 * fact happens; whether anything is recorded is decided once, at {@link #start}: with
 * {@code prometheus = false} (CometBFT's default) every call is a no-op and no port is opened.
 *
 * <p>Metric names follow CometBFT where it has one ({@code <namespace>_p2p_peers},
 * {@code <namespace>_p2p_peer_receive_bytes_total{peer_id,chID}}, ...); Cairn's own are under
 * {@code cairn_}. Per-peer series exist only while the peer is connected: {@link
 * #peerDisconnected} removes them, so their number is bounded by the connection limits. Every
 * other label takes values from a closed set or is capped (see {@link BoundedLabel}).
 *
 * <p>All methods are safe to call from any thread and never throw for odd input (an unknown
 * peer, a negative byte count): metrics must not take a node down.
 */
public interface NodeMetrics extends AutoCloseable {

  /**
   * Metrics as configured: a no-op when {@code config.prometheus()} is false, otherwise a
   * registry served over HTTP at {@code config.listenAddress()} under {@code /metrics}.
   *
   * @throws IllegalArgumentException naming {@code prometheus_listen_addr} or
   *     {@code namespace} and the rule the value breaks
   * @throws UncheckedIOException if the port cannot be bound
   */
  static NodeMetrics start(MetricsConfig config) {
    if (!config.prometheus()) {
      return disabled();
    }
    ListenAddress listen = ListenAddress.parse(config.listenAddress());
    String namespace = PrometheusNodeMetrics.checkedNamespace(config.namespace());
    try {
      return PrometheusNodeMetrics.serve(namespace, listen);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "prometheus_listen_addr " + config.listenAddress() + ": cannot listen: " + e.getMessage(), e);
    }
  }

  /** The metrics of a node started with {@code prometheus = false}: records nothing. */
  static NodeMetrics disabled() {
    return NoopNodeMetrics.INSTANCE;
  }

  /** Where the scrape endpoint listens (with the real port when 0 was configured); empty when disabled. */
  Optional<InetSocketAddress> endpoint();

  /** A peer finished its handshakes and was added; {@code <ns>_p2p_peers} goes up by one. */
  void peerConnected(NodeId peer);

  /** A connected peer went away; {@code <ns>_p2p_peers} goes down and its per-peer series are dropped. */
  void peerDisconnected(NodeId peer);

  /** A whole message of {@code bytes} payload bytes arrived from {@code peer} on {@code channelId}. */
  void messageReceived(NodeId peer, int channelId, String messageType, long bytes);

  /** A whole message of {@code bytes} payload bytes was queued to {@code peer} on {@code channelId}. */
  void messageSent(NodeId peer, int channelId, String messageType, long bytes);

  /**
   * A message for a peer was dropped on {@code channelId} because the peer's send queue of the
   * channel was full ({@code cause} from a closed set, e.g. {@code queue_full}).
   */
  void messageDropped(int channelId, String cause);

  /**
   * The router found a fatal error of a peer (reported to the PeerManager), on {@code channelId}
   * or, with -1, on the connection; {@code kind} is from a closed set, e.g. {@code malformed_message}.
   */
  void peerErrored(int channelId, String kind);

  /** Bytes queued to {@code peer} and not yet written (CometBFT samples this every 10 s). */
  void pendingSendBytes(NodeId peer, long bytes);

  /**
   * The core took one event: counts it by type, counts a rejection by reason, and records how
   * long {@code step} took.
   *
   * @param eventType the event record's simple name, e.g. {@code DialFailed}
   * @param nanos wall duration of the step, measured by the shell around the call
   */
  void coreStep(String eventType, Outcome outcome, long nanos);

  /** One outbound dial ended. */
  void dial(DialOutcome outcome);

  /** The core banned a peer. */
  void peerBanned();

  /** The core told the shell to close a connection it had admitted, for {@code reason}. */
  void peerEvicted(DisconnectReason reason);

  /**
   * PEX let a peer go gracefully, without a ban ({@code reason}: a {@link
   * dev.cairn.core.pex.PexDisconnectReason}'s name in lower case, or {@code seed_answered_request}
   * for seed mode's answer-then-disconnect); {@code cairn_pex_disconnects_total{reason}}.
   */
  void pexDisconnected(String reason);

  /**
   * Received PEX addresses not handed to the book, by reason: the core's {@code DropReason}s in
   * lower case, and {@code invalid_id} for entries the shell left out of a PexAddrs for an ID that
   * is no node ID; {@code cairn_pex_addresses_dropped_total{reason}}.
   */
  void pexAddressesDropped(String reason, long count);

  /** An inbound connection the shell closed before the core saw it; {@code cairn_inbound_refused_total{reason}}. */
  void inboundRefused(InboundRefusal reason);

  /** The address book now holds this many addresses in new and old buckets, and this many bans. */
  void addressBook(int newAddresses, int oldAddresses, int bannedPeers);

  /** Stops the endpoint, if any. Later calls record nothing visible. */
  @Override
  void close();
}
