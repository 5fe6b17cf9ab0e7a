package dev.cairn.shell.metrics;

/**
 * Why an inbound connection ended before the core saw it: these never reach the trace, and most
 * are logged at debug level only (a flood would fill the log; failed handshakes get a few info
 * lines a minute), so they are counted. The label value is the lowercase name.
 */
public enum InboundRefusal {
  /** All inbound handshake slots were busy: closed before its handshake. */
  TOO_MANY_HANDSHAKES,
  /**
   * {@code max_handshakes_per_group} handshakes from addresses of the same /16 (IPv6 /32) were
   * under way: closed before its handshake.
   */
  TOO_MANY_HANDSHAKES_FROM_GROUP,
  /**
   * The peer was connected already by a connection it dialed (or one from the same address): the
   * established one is kept, as CometBFT keeps it; closed after its handshake.
   */
  DUPLICATE_CONNECTION,
  /** We dialed the same peer at the same moment and our outbound connection is the one kept. */
  SIMULTANEOUS_DIAL,
  /**
   * The handshake failed: it timed out, or the peer's SecretConnection or NodeInfo was refused
   * (another network, an incompatible version, an ID other than its key's, a malformed frame).
   */
  HANDSHAKE_FAILED,
  /** The peer closed the connection before its handshake ended (a port scan, a health check). */
  CLOSED_IN_HANDSHAKE,
  /** Another inbound connection comes from the same IP and {@code allow_duplicate_ip} is false. */
  DUPLICATE_IP;

  /** The {@code reason} label value, e.g. {@code too_many_handshakes}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
