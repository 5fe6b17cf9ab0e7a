package dev.cairn.shell.proto;

import com.google.protobuf.MessageLite;

/**
 * {@code uvarint(len(body)) || body}, the framing of every top-level message on a CometBFT
 * connection (Go {@code libs/protoio}). Pure functions; {@link DelimitedDecoder} reads a stream.
 */
public final class DelimitedFraming {

  private DelimitedFraming() {}

  /** Prefix and body in one array, so that a writer can send them in a single write as Go does. */
  public static byte[] frame(byte[] body) {
    byte[] out = new byte[Uvarint.size(body.length) + body.length];
    int off = Uvarint.write(body.length, out, 0);
    System.arraycopy(body, 0, out, off, body.length);
    return out;
  }

  /** The delimited encoding of a protobuf message. */
  public static byte[] frame(MessageLite message) {
    return frame(message.toByteArray());
  }

  /**
   * Checks an announced body length against a reader's limit, in the order Go's reader does:
   * first the absolute range, then the caller's maximum. Called before anything is allocated.
   */
  public static int checkLength(long announced, int maxSize) throws FramingException {
    if (announced < 0 || announced == Long.MAX_VALUE) {
      throw new FramingException(
          FramingException.Reason.LENGTH_OUT_OF_RANGE,
          announced,
          "length prefix " + Long.toUnsignedString(announced) + " is 2^63-1 or more");
    }
    if (announced > maxSize) {
      throw new FramingException(
          FramingException.Reason.MESSAGE_TOO_LARGE,
          announced,
          "message exceeds max size: length prefix " + announced + " > " + maxSize);
    }
    return (int) announced;
  }

  /**
   * Reads one whole frame from {@code in[off..limit)}.
   *
   * @return the body, or {@code null} when the input holds only part of the frame
   */
  public static Frame read(byte[] in, int off, int limit, int maxSize) throws FramingException {
    Uvarint.Decoded len = Uvarint.decode(in, off, limit);
    if (len == null) {
      return null;
    }
    int bodyLength = checkLength(len.value(), maxSize);
    int bodyStart = off + len.length();
    if (limit - bodyStart < bodyLength) {
      return null;
    }
    return new Frame(bodyStart, bodyLength, len.length() + bodyLength);
  }

  /** Where a body sits in the input: its start, its length and the frame's total length. */
  public record Frame(int bodyOffset, int bodyLength, int frameLength) {}
}
