package dev.cairn.shell.crypto;

import java.io.IOException;

/** A {@code node_key.json} that cannot be used, with a message naming what is wrong. */
public final class NodeKeyException extends IOException {
  private static final long serialVersionUID = 1L;

  public NodeKeyException(String message) {
    super(message);
  }

  public NodeKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
