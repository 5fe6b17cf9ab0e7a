package dev.cairn.shell.secret;

/** SecretConnection frame sizes (wire-protocol §2.6). */
public final class Frames {
  /** Length prefix inside a plaintext frame. */
  public static final int LENGTH_BYTES = 4;
  /** Maximum data bytes per frame. */
  public static final int DATA_MAX = 1024;
  /** Plaintext frame: LE32 length ‖ data ‖ zero padding. */
  public static final int PLAINTEXT_BYTES = LENGTH_BYTES + DATA_MAX;
  /** Sealed frame on the wire. */
  public static final int SEALED_BYTES = PLAINTEXT_BYTES + 16;

  private Frames() {}

  /** Sealed bytes for one stream write of {@code n} bytes: one frame per started 1024 bytes. */
  public static long sealedLength(long n) {
    return ((n + DATA_MAX - 1) / DATA_MAX) * SEALED_BYTES;
  }
}
