package dev.cairn.shell.p2p;

/** An address string that is not a valid {@code id@host:port}; names the rule it broke. */
public final class NetAddressException extends Exception {

  /** Which step of {@code NewNetAddressString} refused the input. */
  public enum Reason {
    /** No {@code @}, or more than one. */
    NO_ID,
    /** The ID is empty, not hex, or not 20 bytes. */
    INVALID_ID,
    /** {@code host:port} does not split (missing port, too many colons, bad brackets). */
    INVALID_HOST_PORT,
    /** The host part is empty. */
    EMPTY_HOST,
    /** The host is not an IP literal and could not be resolved. */
    LOOKUP_FAILED,
    /** The port is not a decimal number in 0..65535. */
    INVALID_PORT
  }

  private final Reason reason;
  private final String input;

  public NetAddressException(Reason reason, String input, String detail) {
    super("invalid address " + PeerText.quote(input) + ": " + detail);
    this.reason = reason;
    this.input = input;
  }

  public Reason reason() {
    return reason;
  }

  public String input() {
    return input;
  }
}
