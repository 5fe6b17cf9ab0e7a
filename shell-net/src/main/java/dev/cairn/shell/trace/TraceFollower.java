package dev.cairn.shell.trace;

import dev.cairn.proto.trace.TraceHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Follows the trace a running node is writing, as {@code tail -F} follows a log: a file is read
 * as its writer adds to it ({@link #tail}), and once it ends, the file after it is waited for
 * ({@link #next}): the writer's next segment ({@code FILE.1}, {@code FILE.2}, …) after a rotation,
 * or, when the node was started again, the first file of its new run. A start sets the earlier
 * run's files aside under other names ({@link EarlierTrace}), so a file whose name no longer
 * names it will not grow: its run has ended.
 *
 * <p>It stops when {@code stop} says so (the command's SIGINT or SIGTERM), checked at every wait,
 * or when its thread is interrupted.
 * The files it has read are told apart by their file key, of which it keeps the last
 * {@value #KEYS_KEPT}.
 */
public final class TraceFollower {

  /** File keys of the files followed that are kept to tell a new file from one already read. */
  static final int KEYS_KEPT = 64;

  /** What follows a file that ended. */
  public record Move(Path file, boolean newRun) {}

  private final Duration poll;
  private final BooleanSupplier stop;
  private final ArrayDeque<Object> seen = new ArrayDeque<>();
  private Path current;
  private Object currentKey;
  private boolean stopped;
  private boolean setAside;

  /**
   * @param poll how long to wait before looking at the files again
   * @param stop whether to stop following (looked at before each wait)
   */
  public TraceFollower(Duration poll, BooleanSupplier stop) {
    if (poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("poll must be positive, not " + poll);
    }
    this.poll = poll;
    this.stop = stop;
  }

  /**
   * The tail of a reader of {@code file}, opened now: it waits while the file still has its name and
   * nobody asked to stop.
   */
  public TraceReader.Tail tail(Path file) throws IOException {
    current = file;
    currentKey = key(file);
    setAside = false;
    remember(currentKey);
    Object key = currentKey;
    return () -> {
      if (!await()) {
        return false;
      }
      if (key != null && !key.equals(key(file))) {
        setAside = true; // set aside by a new run's start, or removed: nothing more will be written to it
        return false;
      }
      return true;
    };
  }

  /** Whether following stopped because {@code stop} said so. */
  public boolean stopped() {
    return stopped;
  }

  /**
   * Whether the file being followed was set aside (renamed or removed) before its trailer: its
   * run ended there, and a record cut at its end will never be completed.
   */
  public boolean setAside() {
    return setAside;
  }

  /**
   * Waits for the file after {@code file} (the one {@link #tail} was last given), whose header is
   * {@code header}: the next segment once {@code file} was closed with its trailer, or a new run's
   * first file once its run ended. Empty when asked to stop, or when {@code file} is not named as a
   * node writes its trace (a file set aside: no file follows it).
   */
  public Optional<Move> next(Path file, TraceHeader header, boolean closed) throws IOException {
    Path base = base(file, header.getSegment());
    if (base == null) {
      return Optional.empty();
    }
    Path nextSegment = TraceWriter.segmentPath(base, header.getSegment() + 1);
    boolean ended = !closed || setAside;
    while (true) {
      if (!ended) {
        if (isNew(nextSegment)) {
          return Optional.of(new Move(nextSegment, false));
        }
        ended = file.equals(current) && currentKey != null && !currentKey.equals(key(file));
      }
      if (ended && isNew(base)) {
        return Optional.of(new Move(base, true));
      }
      if (!await()) {
        return Optional.empty();
      }
    }
  }

  /**
   * Waits until {@code file} exists (a node started with it may not have written its first step
   * yet); false when asked to stop first. {@code waiting} is told once, when it has to wait.
   */
  public boolean awaitFile(Path file, Runnable waiting) throws IOException {
    boolean told = false;
    while (key(file) == null) {
      if (!told) {
        waiting.run();
        told = true;
      }
      if (!await()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The name a node's trace was started with, from that of its segment {@code segment}
   * ({@code FILE.3} for segment 3); null when the file is not named so.
   */
  static Path base(Path file, int segment) {
    if (segment == 0) {
      return file;
    }
    String name = file.getFileName().toString();
    String suffix = "." + segment;
    if (!name.endsWith(suffix) || name.length() == suffix.length()) {
      return null;
    }
    return file.resolveSibling(name.substring(0, name.length() - suffix.length()));
  }

  /** The segment a file's name gives it: {@code N} for {@code FILE.N}, else 0. */
  public static int segmentOf(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1 || name.length() - dot > 10) {
      return 0;
    }
    for (int i = dot + 1; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return 0;
      }
    }
    return Integer.parseInt(name, dot + 1, name.length(), 10);
  }

  private boolean isNew(Path file) throws IOException {
    Object k = key(file);
    return k != null && !seen.contains(k);
  }

  private void remember(Object key) {
    if (key == null) {
      return;
    }
    seen.remove(key);
    seen.addLast(key);
    while (seen.size() > KEYS_KEPT) {
      seen.removeFirst();
    }
  }

  /** False when asked to stop (or interrupted: the same); else waits one poll and returns true. */
  private boolean await() {
    if (stopped || stop.getAsBoolean()) {
      stopped = true;
      return false;
    }
    try {
      Thread.sleep(poll);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
      return false;
    }
    return true;
  }

  /**
   * What tells this file from another at the same path (its device and inode where the platform
   * gives them, else its path); null when no regular file is there.
   */
  private static Object key(Path file) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        return null;
      }
      return a.fileKey() != null ? a.fileKey() : file.toAbsolutePath();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
