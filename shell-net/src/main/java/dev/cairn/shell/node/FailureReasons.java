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
    if (root instanceof io.netty.channel.ConnectTimeoutException || root instanceof java.net.SocketTimeoutException) {
      return withoutSlash(message(root)); // "connection timed out after 1000 ms: 127.0.0.1:27041"
    }
    if (root instanceof ConnectException) {
      String m = withoutSlash(message(root)); // Netty's: "Connection refused: /127.0.0.1:26656"
      return m.regionMatches(true, 0, "connection refused", 0, 18) ? "connection refused" + m.substring(18)
          : "connection refused: " + m;
    }
    if (root instanceof java.nio.channels.UnresolvedAddressException) {
      return "the host name does not resolve";
    }
    if (root instanceof ClosedChannelException) {
      return "connection closed by the peer";
    }
    if (root instanceof java.io.IOException && lost(root.getMessage()) != null) {
      return lost(root.getMessage());
    }
    if (root instanceof java.nio.file.FileSystemException f) {
      return fileProblem(f);
    }
    if (root instanceof java.nio.charset.CharacterCodingException) {
      return "not UTF-8 text";
    }
    return message(root);
  }

  /**
   * A file-system failure as "what went wrong: which file", where Java's own message is often the
   * path alone (an {@code AccessDeniedException}'s message is just its file).
   */
  public static String fileProblem(java.nio.file.FileSystemException f) {
    String what = switch (f) {
      case java.nio.file.NoSuchFileException x -> "no such file or directory";
      case java.nio.file.AccessDeniedException x -> "permission denied";
      case java.nio.file.FileAlreadyExistsException x -> "already exists";
      case java.nio.file.NotDirectoryException x -> "not a directory";
      case java.nio.file.DirectoryNotEmptyException x -> "directory not empty";
      default -> f.getReason() != null ? f.getReason() : "file system error";
    };
    String file = f.getFile() == null ? "" : ": " + f.getFile();
    String other = f.getOtherFile() == null ? "" : " -> " + f.getOtherFile();
    return what + file + other;
  }

  /** Java's text of a socket address has a leading slash when it has no host name ({@code /127.0.0.1:1}). */
  private static String withoutSlash(String m) {
    return m.replace(": /", ": ");
  }

  /**
   * The system's words for a connection the peer ended (Java's and Netty's native transport's:
   * "Broken pipe", "Connection reset by peer", "writeAddress(..) failed: Broken pipe"), said as
   * what happened; null for another message.
   */
  private static String lost(String m) {
    if (m == null) {
      return null;
    }
    String lower = m.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("broken pipe")) {
      return "the peer closed the connection (broken pipe: written to after it was closed)";
    }
    if (lower.contains("connection reset")) {
      return "the peer reset the connection";
    }
    return null;
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
