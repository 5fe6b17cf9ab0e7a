package dev.cairn.shell.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * The locks a running node holds on what it writes (its home, its trace file): a guard, not a
 * condition. A file system that keeps no locks (some network ones) gives none, and the node runs
 * unguarded as it would without them.
 *
 * <p>The locks are the operating system's record locks, which belong to the process: closing any
 * handle of a file drops every lock the process holds on it, whichever handle took it. So a file
 * this process has locked is never opened again to ask: the process keeps its own list of the files
 * it locked (by file identity, so a link or another spelling of the path is the same file), and
 * looks there first. Several nodes in one process (tests, a local network) keep each other's locks.
 * (A reader of a locked file in the same process, such as a test following a trace its node
 * writes, still drops the lock when it closes the file: only the lockers go through this list.)
 */
public final class FileLocks {

  /** The files this process locked, by {@link #identity}, each with the channel that holds the lock. */
  private static final Map<Object, FileChannel> HELD_HERE = new HashMap<>();

  private FileLocks() {}

  /**
   * {@code file} opened with {@code options} and locked until the channel is closed; empty when a
   * lock on it is held, by another process or by this one (then the file is not opened at all).
   * Where the file system keeps no locks, the channel comes back unlocked.
   */
  public static java.util.Optional<FileChannel> openLocked(Path file, OpenOption... options) throws IOException {
    synchronized (HELD_HERE) {
      if (heldHere(file)) {
        return java.util.Optional.empty();
      }
      FileChannel ch = FileChannel.open(file, options);
      try {
        if (ch.tryLock() == null) {
          ch.close();
          return java.util.Optional.empty();
        }
        HELD_HERE.put(identity(file), ch);
        return java.util.Optional.of(ch);
      } catch (OverlappingFileLockException e) {
        // locked through a channel this list does not know: not ours to drop, but closing ch did
        ch.close();
        return java.util.Optional.empty();
      } catch (IOException e) {
        if (!ch.isOpen()) {
          throw e;
        }
        return java.util.Optional.of(ch); // no locks on this file system: unguarded
      } catch (RuntimeException e) {
        ch.close();
        throw e;
      }
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
    synchronized (HELD_HERE) {
      if (heldHere(file)) {
        return true;
      }
      // this process holds no lock on it, so closing this handle drops none
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        try {
          return ch.tryLock() == null; // closing the channel releases it
        } catch (OverlappingFileLockException e) {
          return true;
        } catch (IOException e) {
          return false; // no locks on this file system: nothing can be held
        }
      } catch (AccessDeniedException e) {
        return false; // nobody may write it: no writer holds it
      }
    }
  }

  /** Whether this process holds a lock on {@code file} through a channel still open (forgets closed ones). */
  private static boolean heldHere(Path file) throws IOException {
    HELD_HERE.values().removeIf(ch -> !ch.isOpen());
    return Files.exists(file) && HELD_HERE.containsKey(identity(file));
  }

  /** The file itself, whatever path names it: its file key where the file system gives one. */
  private static Object identity(Path file) throws IOException {
    Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    return key != null ? key : file.toRealPath(LinkOption.NOFOLLOW_LINKS).toString();
  }
}
