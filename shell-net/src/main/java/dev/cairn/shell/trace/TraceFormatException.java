package dev.cairn.shell.trace;

/** A file that is not a well-formed trace; the message names the file, the byte offset and the record. */
public final class TraceFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long record;

  /** A file wrong before its records (its magic or header), or not tied to one record. */
  public TraceFormatException(String message) {
    this(message, -1);
  }

  /** A file wrong at its record {@code record} (0 for the first): the records before it are whole. */
  public TraceFormatException(String message, long record) {
    super(message);
    this.record = record;
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
