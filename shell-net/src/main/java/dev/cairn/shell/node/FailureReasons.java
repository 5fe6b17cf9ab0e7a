package dev.cairn.shell.node;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/** Turns an exception into the one-line reason the CLI prints and the node logs. */
public final class FailureReasons {

  private FailureReasons() {}

  public static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root && shouldUnwrap(root)) {
      root = root.getCause();
    }
    if (root instanceof ConnectException) {
      return "connection refused: " + message(root);
    }
    if (root instanceof ClosedChannelException) {
      return "connection closed by the peer";
    }
    return message(root);
  }

  private static boolean shouldUnwrap(Throwable t) {
    return t.getMessage() == null
        || t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.util.concurrent.CompletionException
        || t instanceof java.lang.reflect.InvocationTargetException;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
