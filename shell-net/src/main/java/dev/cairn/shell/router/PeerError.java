package dev.cairn.shell.router;

import java.util.Locale;
import java.util.Objects;

/**
 * A fatal error of one peer, found by the router or its MConnection. Every one goes to the
 * PeerManager as {@code PeerErrored}, which evicts the peer with reason {@code ERRORED}.
 *
 * @param channelId the channel it happened on, or {@link #NO_CHANNEL} for the connection
 * @param kind what went wrong, from a closed set (a metric label)
 * @param detail a human-readable explanation, for logs
 */
public record PeerError(int channelId, Kind kind, String detail) {

  /** The channel ID of an error of the connection as a whole. */
  public static final int NO_CHANNEL = -1;

  /** What went wrong. */
  public enum Kind {
    /** Bytes on a channel that are not a message of the channel's type (or of none of its known variants). */
    MALFORMED_MESSAGE,
    /** A well-formed message the reactor refused ({@link PeerMisbehavior}). */
    INVALID_MESSAGE,
    /** A message on a channel no reactor registered. */
    UNKNOWN_CHANNEL,
    /** A message larger than the channel's receive capacity. */
    MESSAGE_TOO_LARGE,
    /** Packet-level garbage: an oversized, unparsable or empty MConnection packet. */
    PROTOCOL_VIOLATION;

    /** The metric label, e.g. {@code malformed_message}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public PeerError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    if (channelId < NO_CHANNEL || channelId > 255) {
      throw new IllegalArgumentException("channel " + channelId + " is outside 0..255");
    }
  }

  @Override
  public String toString() {
    return (channelId == NO_CHANNEL ? "connection" : String.format("channel 0x%02x", channelId)) + ": "
        + kind.label() + ": " + detail;
  }
}
