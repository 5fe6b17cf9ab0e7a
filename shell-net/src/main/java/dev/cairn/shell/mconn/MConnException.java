package dev.cairn.shell.mconn;

/**
 * A peer broke the MConnection protocol, or the connection failed a liveness rule. The
 * connection is closed whenever one is raised; {@link #reason()} says why, as data.
 */
public final class MConnException extends Exception {

  /** What went wrong. */
  public enum Reason {
    /** A Packet length prefix larger than the maximum packet size, or a malformed prefix. */
    OVERSIZED_PACKET,
    /** Bytes that are not a valid Packet protobuf. */
    MALFORMED_PACKET,
    /** A Packet with no oneof member set ({@code unknown message type} in Go). */
    EMPTY_PACKET,
    /** A PacketMsg for a channel we did not register, or outside 0..255. */
    UNKNOWN_CHANNEL,
    /** Reassembling a message would exceed the channel's RecvMessageCapacity. */
    MESSAGE_TOO_LARGE,
    /** No Pong arrived within the pong timeout after our Ping. */
    PONG_TIMEOUT,
    /** The connection was used after it failed or closed. */
    CLOSED
  }

  private final Reason reason;

  public MConnException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public MConnException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
