package dev.cairn.shell.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The locks a running node holds on what it writes (its home, its trace file): a guard, not a
 * condition. A file system that keeps no locks (some network ones) gives none, and the node runs
 * unguarded as it would without them.
 */
public final class FileLocks {

  private FileLocks() {}

  /**
   * Locks {@code ch}'s file until {@code ch} is closed: false when another process holds a lock
   * on it; true when this one now does, or when the file system keeps no locks. A lock this
   * process holds through another channel throws {@link OverlappingFileLockException}.
   */
  public static boolean lock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock() != null;
    } catch (IOException e) {
      if (!ch.isOpen()) {
        throw e;
      }
      return true;
    }
  }

  /**
   * Whether a process (this one or another) holds a lock on {@code file}. Only a regular file is
   * looked at (a pipe is not opened: that would wait for a reader); one nobody may write is held
   * by no writer.
   */
  public static boolean held(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      return !lock(ch); // closing the channel releases it
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (AccessDeniedException e) {
      return false;
    }
  }
}
