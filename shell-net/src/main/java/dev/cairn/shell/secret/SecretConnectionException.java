package dev.cairn.shell.secret;

/** A SecretConnection failure: the connection must be closed. {@link #reason()} says which rule broke. */
public final class SecretConnectionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The peer closed or stopped before its 35-byte ephemeral key message was complete. */
    TRUNCATED_EPHEMERAL,
    /** The ephemeral key message is not exactly {@code 22 0a 20 <32 bytes>}. */
    MALFORMED_EPHEMERAL,
    /** X25519 with the peer's ephemeral key gave the all-zero secret. */
    LOW_ORDER_POINT,
    /** The AuthSig message is not a valid delimited protobuf, or is too long. */
    MALFORMED_AUTH_SIG,
    /** The peer authenticated with a key type other than Ed25519, or with none. */
    UNSUPPORTED_KEY_TYPE,
    /** The peer's Ed25519 key has the wrong length. */
    BAD_KEY_LENGTH,
    /** The signature does not verify over the challenge. */
    BAD_SIGNATURE,
    /** A sealed frame failed authentication. */
    BAD_FRAME_TAG,
    /** A decrypted frame announces more than 1024 data bytes. */
    FRAME_LENGTH_TOO_LARGE,
    /** The peer closed the connection in the middle of the handshake or of a frame. */
    TRUNCATED,
    /** The handshake did not finish in time. */
    HANDSHAKE_TIMEOUT,
    /** A frame counter would pass 2^64 - 1. */
    NONCE_EXHAUSTED,
  }

  private final Reason reason;

  public SecretConnectionException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
