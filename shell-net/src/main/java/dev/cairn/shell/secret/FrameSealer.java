package dev.cairn.shell.secret;

import dev.cairn.shell.crypto.ChaCha20Poly1305;
import java.util.Arrays;

/**
 * The sending half of a SecretConnection's data phase: cuts a byte stream into 1044-byte sealed
 * frames with nonces 0, 1, 2, ... Not thread-safe.
 */
public final class FrameSealer {

  private final ChaCha20Poly1305 aead;
  private final byte[] plain = new byte[Frames.PLAINTEXT_BYTES];
  private long counter;

  public FrameSealer(byte[] sendKey) {
    this(sendKey, 0);
  }

  FrameSealer(byte[] sendKey, long firstCounter) {
    this.aead = new ChaCha20Poly1305(sendKey);
    this.counter = firstCounter;
  }

  /** Counter of the next frame (unsigned). */
  public long nextCounter() {
    return counter;
  }

  /**
   * Seals one frame carrying {@code len <= 1024} bytes into {@code dst[dstOff, dstOff+1044)}.
   * Padding is zero.
   */
  public void sealFrame(byte[] src, int off, int len, byte[] dst, int dstOff)
      throws SecretConnectionException {
    if (len < 0 || len > Frames.DATA_MAX) {
      throw new IllegalArgumentException("frame data must be 0..1024 bytes, got " + len);
    }
    if (counter == -1L) {
      throw new SecretConnectionException(SecretConnectionException.Reason.NONCE_EXHAUSTED,
          "send frame counter reached 2^64-1");
    }
    plain[0] = (byte) len;
    plain[1] = (byte) (len >>> 8);
    plain[2] = 0;
    plain[3] = 0;
    System.arraycopy(src, off, plain, Frames.LENGTH_BYTES, len);
    if (len < Frames.DATA_MAX) {
      Arrays.fill(plain, Frames.LENGTH_BYTES + len, Frames.PLAINTEXT_BYTES, (byte) 0);
    }
    aead.seal(counter, plain, 0, Frames.PLAINTEXT_BYTES, dst, dstOff);
    counter++;
  }

  /**
   * Seals one stream write: {@code ceil(len/1024)} frames into {@code dst} from {@code dstOff};
   * an empty write produces nothing.
   *
   * @return number of bytes written to {@code dst}
   */
  public int seal(byte[] src, int off, int len, byte[] dst, int dstOff)
      throws SecretConnectionException {
    int w = dstOff;
    for (int p = 0; p < len; p += Frames.DATA_MAX) {
      int n = Math.min(Frames.DATA_MAX, len - p);
      sealFrame(src, off + p, n, dst, w);
      w += Frames.SEALED_BYTES;
    }
    return w - dstOff;
  }

  /** Seals one stream write into a new array. */
  public byte[] seal(byte[] data) throws SecretConnectionException {
    byte[] out = new byte[Math.toIntExact(Frames.sealedLength(data.length))];
    seal(data, 0, data.length, out, 0);
    return out;
  }
}
