package dev.cairn.shell.proto;

import java.util.Arrays;

/**
 * Incremental reader of length-delimited frames from a byte stream that arrives in arbitrary
 * pieces. Bytes are appended with {@link #feed}; complete bodies are pulled with {@link #next}.
 * The length prefix is checked against the maximum as soon as it is complete, before any room
 * is made for the body, so a hostile prefix never causes a large allocation. The internal buffer
 * never holds more than one maximal frame plus the bytes of one {@code feed}.
 *
 * <p>Not thread-safe; one instance per connection direction.
 */
public final class DelimitedDecoder {

  private final int maxSize;
  private byte[] buf;
  private int start;
  private int end;
  private FramingException failure;

  /** @param maxSize largest body accepted, in bytes (the varint value, prefix not counted) */
  public DelimitedDecoder(int maxSize) {
    if (maxSize < 0) {
      throw new IllegalArgumentException("maxSize must be >= 0, got " + maxSize);
    }
    this.maxSize = maxSize;
    this.buf = new byte[(int) Math.min((long) maxSize + Uvarint.MAX_LENGTH, 4096)];
  }

  public int maxSize() {
    return maxSize;
  }

  /** Bytes received but not yet returned as part of a frame. */
  public int buffered() {
    return end - start;
  }

  /** Appends {@code data[off..off+len)} to the stream. */
  public void feed(byte[] data, int off, int len) {
    if (len == 0) {
      return;
    }
    ensureRoom(len);
    System.arraycopy(data, off, buf, end, len);
    end += len;
  }

  public void feed(byte[] data) {
    feed(data, 0, data.length);
  }

  /**
   * The next complete body, or {@code null} if more input is needed. The returned view aliases
   * the internal buffer and is valid only until the next call to {@code feed}.
   *
   * @throws FramingException if the next length prefix is malformed or too large; the decoder
   *     stays failed and rethrows on every later call
   */
  public Body next() throws FramingException {
    if (failure != null) {
      throw failure;
    }
    DelimitedFraming.Frame frame;
    try {
      frame = DelimitedFraming.read(buf, start, end, maxSize);
    } catch (FramingException e) {
      failure = e;
      throw e;
    }
    if (frame == null) {
      return null;
    }
    start += frame.frameLength();
    return new Body(buf, frame.bodyOffset(), frame.bodyLength());
  }

  /** Removes and returns every byte not yet consumed (for handing a stream over). */
  public byte[] drainRemaining() {
    byte[] rest = Arrays.copyOfRange(buf, start, end);
    start = 0;
    end = 0;
    return rest;
  }

  private void ensureRoom(int len) {
    if (buf.length - end >= len) {
      return;
    }
    int live = end - start;
    if (start > 0 && buf.length - live >= len) {
      System.arraycopy(buf, start, buf, 0, live);
    } else {
      long frameBound = (long) maxSize + Uvarint.MAX_LENGTH + len;
      long want = Math.max((long) live + len, Math.min((long) buf.length * 2, frameBound));
      byte[] bigger = new byte[(int) Math.min(want, Integer.MAX_VALUE - 8)];
      System.arraycopy(buf, start, bigger, 0, live);
      buf = bigger;
    }
    start = 0;
    end = live;
  }

  /** A view of one body inside a buffer (not a record: it aliases a mutable array). */
  public static final class Body {
    private final byte[] array;
    private final int offset;
    private final int length;

    Body(byte[] array, int offset, int length) {
      this.array = array;
      this.offset = offset;
      this.length = length;
    }

    public byte[] array() {
      return array;
    }

    public int offset() {
      return offset;
    }

    public int length() {
      return length;
    }

    public byte[] toByteArray() {
      return Arrays.copyOfRange(array, offset, offset + length);
    }
  }
}
