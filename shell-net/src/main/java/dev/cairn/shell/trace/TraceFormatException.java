package dev.cairn.shell.trace;

/** A file that is not a well-formed trace; the message names the file, the byte offset and the record. */
public final class TraceFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** How the file went wrong, as the commands say it. */
  public enum Kind {
    /** The file ends inside a frame: a node that stopped while writing, or a length damaged inside. */
    CUT_SHORT,
    /** A record or the trailer reads, but a digest it holds contradicts what replaying verified. */
    DIGEST_DAMAGED,
    /** Anything else: bytes that are not what the format says. */
    CORRUPT
  }

  private final long record;
  private final Kind kind;

  /** A file wrong before its records (its magic or header), or not tied to one record. */
  public TraceFormatException(String message) {
    this(message, -1);
  }

  /** A file wrong at its record {@code record} (0 for the first): the records before it are whole. */
  public TraceFormatException(String message, long record) {
    this(message, record, Kind.CORRUPT);
  }

  /** A file wrong at its record {@code record} in the way {@code kind} says. */
  public TraceFormatException(String message, long record, Kind kind) {
    super(message);
    this.record = record;
    this.kind = kind;
  }

  /** How the file went wrong. */
  public Kind kind() {
    return kind;
  }

  /** The index of the record where the file went wrong; -1 before the records. */
  public long record() {
    return record;
  }

  /** Whether whole records come before the place where the file went wrong. */
  public boolean hasRecordsBefore() {
    return record > 0;
  }
}
