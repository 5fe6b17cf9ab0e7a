package dev.cairn.shell.secret;

import dev.cairn.shell.crypto.ChaCha20Poly1305;

/**
 * The receiving half of a SecretConnection's data phase: opens 1044-byte sealed frames with
 * nonces 0, 1, 2, ... Not thread-safe.
 */
public final class FrameOpener {

  private final ChaCha20Poly1305 aead;
  private final byte[] plain = new byte[Frames.PLAINTEXT_BYTES];
  private long counter;

  public FrameOpener(byte[] recvKey) {
    this(recvKey, 0);
  }

  FrameOpener(byte[] recvKey, long firstCounter) {
    this.aead = new ChaCha20Poly1305(recvKey);
    this.counter = firstCounter;
  }

  /** Counter of the next frame (unsigned). */
  public long nextCounter() {
    return counter;
  }

  /**
   * Opens the sealed frame at {@code src[off, off+1044)} and copies its data (padding ignored) to
   * {@code dst} from {@code dstOff}, which must have room for 1024 bytes.
   *
   * @return the number of data bytes, 0..1024
   */
  public int openFrame(byte[] src, int off, byte[] dst, int dstOff) throws SecretConnectionException {
    if (counter == -1L) {
      throw new SecretConnectionException(SecretConnectionException.Reason.NONCE_EXHAUSTED,
          "receive frame counter reached 2^64-1");
    }
    long n = counter;
    if (!aead.open(n, src, off, Frames.SEALED_BYTES, plain, 0)) {
      throw new SecretConnectionException(SecretConnectionException.Reason.BAD_FRAME_TAG,
          "failed to decrypt SecretConnection frame " + Long.toUnsignedString(n) + " (tag mismatch)");
    }
    counter++;
    long len = (plain[0] & 0xffL) | (plain[1] & 0xffL) << 8 | (plain[2] & 0xffL) << 16
        | (plain[3] & 0xffL) << 24;
    if (len > Frames.DATA_MAX) {
      throw new SecretConnectionException(SecretConnectionException.Reason.FRAME_LENGTH_TOO_LARGE,
          "frame " + Long.toUnsignedString(n) + " announces " + len + " data bytes, more than 1024");
    }
    System.arraycopy(plain, Frames.LENGTH_BYTES, dst, dstOff, (int) len);
    return (int) len;
  }

  /**
   * Opens {@code frames} consecutive sealed frames at {@code src[off, off+frames*1044)} and
   * appends their data to {@code dst} from {@code dstOff} (room for {@code frames*1024} bytes
   * needed). When a frame fails, the exception names it and the data written by this call is to
   * be discarded.
   *
   * @return the number of data bytes written
   */
  public int openFrames(byte[] src, int off, int frames, byte[] dst, int dstOff)
      throws SecretConnectionException {
    int w = dstOff;
    for (int i = 0; i < frames; i++) {
      w += openFrame(src, off + i * Frames.SEALED_BYTES, dst, w);
    }
    return w - dstOff;
  }
}
