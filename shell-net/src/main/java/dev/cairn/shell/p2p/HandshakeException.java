package dev.cairn.shell.p2p;

/**
 * The NodeInfo handshake refused a peer. Carries the reason as data so the caller can count and
 * report it; the connection is closed in every case (Go sends no error message either).
 */
public class HandshakeException extends Exception {

  /** Why the peer was refused, in the order the checks run (Go {@code MultiplexTransport.upgrade}). */
  public enum Reason {
    /** The peer's NodeInfo did not arrive within the handshake timeout. */
    TIMEOUT,
    /** The NodeInfo length prefix is larger than 10240 bytes. */
    OVERSIZED,
    /** The NodeInfo bytes are not a valid protobuf, or the length prefix is malformed. */
    MALFORMED,
    /** The NodeInfo decodes but breaks a {@code Validate} rule. */
    INVALID_NODE_INFO,
    /** {@code default_node_id} differs from the ID the SecretConnection authenticated. */
    ID_MISMATCH,
    /** The peer is ourselves. */
    SELF_CONNECTION,
    /** {@code protocol_version.block} differs. */
    INCOMPATIBLE_BLOCK_VERSION,
    /** {@code network} (chain ID) differs. */
    WRONG_NETWORK,
    /** We have channels and the peer shares none of them. */
    NO_COMMON_CHANNEL,
    /** The connection closed before the exchange finished. */
    CONNECTION_CLOSED
  }

  private final Reason reason;

  public HandshakeException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public HandshakeException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
