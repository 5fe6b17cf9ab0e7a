package dev.cairn.shell.proto;

/**
 * A length-delimited frame that cannot be accepted: its uvarint length prefix is malformed or
 * announces a body larger than the reader allows. The peer that sent it is disconnected.
 */
public final class FramingException extends Exception {

  /** What was wrong with the length prefix. */
  public enum Reason {
    /** More than 10 varint bytes, or a 10th byte above 1 (Go {@code binary.ReadUvarint} overflow). */
    VARINT_OVERFLOW,
    /** The announced length is 2^63-1 or more, which Go's reader refuses outright. */
    LENGTH_OUT_OF_RANGE,
    /** The announced length is larger than the reader's maximum body size. */
    MESSAGE_TOO_LARGE
  }

  private final Reason reason;
  private final long announcedLength;

  public FramingException(Reason reason, long announcedLength, String message) {
    super(message);
    this.reason = reason;
    this.announcedLength = announcedLength;
  }

  public Reason reason() {
    return reason;
  }

  /** The announced body length (unsigned), or -1 when the varint itself was malformed. */
  public long announcedLength() {
    return announcedLength;
  }
}
