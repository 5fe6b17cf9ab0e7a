package dev.cairn.shell.proto;

/**
 * Unsigned LEB128 varints as Go's {@code encoding/binary} writes and reads them: seven bits per
 * byte, least significant group first, at most 10 bytes. Pure functions over byte arrays.
 */
public final class Uvarint {

  /** Longest encoding of a 64-bit value. */
  public static final int MAX_LENGTH = 10;

  /** Returned by {@link #decode} when the input ends inside the varint. */
  public static final long INCOMPLETE = -1;

  private Uvarint() {}

  /** Number of bytes {@code value} (taken as unsigned) occupies. */
  public static int size(long value) {
    int n = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  /** Writes {@code value} at {@code out[off..]} and returns the offset after it. */
  public static int write(long value, byte[] out, int off) {
    while ((value & ~0x7FL) != 0) {
      out[off++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[off++] = (byte) value;
    return off;
  }

  /** The encoding of {@code value} as a fresh array. */
  public static byte[] encode(long value) {
    byte[] out = new byte[size(value)];
    write(value, out, 0);
    return out;
  }

  /**
   * Decodes a varint at {@code in[off..limit)}. Returns the value packed with its encoded length
   * through {@link Decoded}, or {@code null} if the input ends before the varint does.
   *
   * @throws FramingException if the varint runs past 10 bytes or overflows 64 bits
   */
  public static Decoded decode(byte[] in, int off, int limit) throws FramingException {
    long value = 0;
    int shift = 0;
    for (int i = 0; i < MAX_LENGTH; i++) {
      if (off + i >= limit) {
        return null;
      }
      int b = in[off + i] & 0xFF;
      if (b < 0x80) {
        if (i == MAX_LENGTH - 1 && b > 1) {
          throw overflow();
        }
        return new Decoded(value | ((long) b << shift), i + 1);
      }
      value |= (long) (b & 0x7F) << shift;
      shift += 7;
    }
    throw overflow();
  }

  private static FramingException overflow() {
    return new FramingException(
        FramingException.Reason.VARINT_OVERFLOW, -1, "uvarint length prefix overflows 64 bits");
  }

  /** A decoded varint: its value (unsigned) and the number of bytes it took. */
  public record Decoded(long value, int length) {}
}
