package dev.cairn.shell.router;

/** Bytes received on a channel that are not a message of the channel's type; the message says why. */
public final class MalformedMessageException extends Exception {

  public MalformedMessageException(String message) {
    super(message);
  }
}
