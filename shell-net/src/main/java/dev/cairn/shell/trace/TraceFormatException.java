package dev.cairn.shell.trace;

/** A file that is not a well-formed trace; the message names the file, the byte offset and the record. */
public final class TraceFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public TraceFormatException(String message) {
    super(message);
  }
}
