package dev.cairn.shell.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Atomic, durable whole-file writes and size-bounded reads for the operator files.
 *
 * <p>A write never touches the existing file: the new content goes to a temporary file in the
 * same directory (same file system, so the rename is atomic), which is flushed to the device,
 * given its final mode, and renamed over the target; then the directory itself is flushed so
 * the rename survives a power cut. At every instant the target path names either the complete
 * old content or the complete new content. A crash can leave a temporary file
 * ({@code .NAME.*.tmp}) behind, never a torn or empty target; {@link #removeStaleTemporaries}
 * clears them.
 *
 * <p>This is the sequence of Go's {@code tempfile.WriteFileAtomic} in CometBFT plus the
 * directory flush it omits.
 */
public final class DurableFiles {

  private static final String TEMP_SUFFIX = ".tmp";

  private DurableFiles() {}

  /** {@link #write} of UTF-8 text. */
  public static void writeUtf8(Path target, String text, FileMode mode) throws StoreException {
    write(target, text.getBytes(StandardCharsets.UTF_8), mode);
  }

  /**
   * Replaces {@code target} with {@code content}, atomically and durably.
   *
   * @param mode the POSIX permissions of the file written (ignored without POSIX support)
   * @throws StoreException if the directory is missing or any step fails; the old file is then
   *     untouched and the temporary file removed
   */
  public static void write(Path target, byte[] content, FileMode mode) throws StoreException {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(mode, "mode");
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new StoreException(file, "cannot be written: directory " + dir + " does not exist");
    }
    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new StoreException(file, "cannot be written: it is a directory");
    }
    boolean posix = isPosix(dir);
    Path temp;
    try {
      // createTempFile makes the file 0600 on POSIX, so secrets are never briefly readable
      temp = Files.createTempFile(dir, "." + file.getFileName() + ".", TEMP_SUFFIX);
    } catch (IOException e) {
      throw new StoreException(file, "cannot create a temporary file in " + dir + ": "
          + dev.cairn.shell.node.FailureReasons.describe(e), e);
    }
    boolean renamed = false;
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (posix) {
          // set explicitly: creation modes are masked by the umask, this is not
          Files.setPosixFilePermissions(temp, mode.permissions());
        }
        ch.force(true);
      }
      moveAtomically(temp, file);
      renamed = true;
      if (posix) {
        syncDirectory(dir);
      }
    } catch (IOException e) {
      throw new StoreException(file, "write failed (" + dev.cairn.shell.node.FailureReasons.describe(e) + "); "
          + (Files.exists(file) ? "the file as it was is kept" : "nothing was written"), e);
    } finally {
      if (!renamed) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * Reads a whole file of at most {@code maxBytes} bytes, telling a missing file from an empty
   * one.
   *
   * @throws StoreException if the file cannot be read, is not a regular file, or is larger than
   *     {@code maxBytes} (a hard limit, so a damaged or hostile file cannot exhaust memory)
   */
  public static FileContent read(Path path, int maxBytes) throws StoreException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    if (!Files.exists(path)) {
      return new FileContent.Absent(path);
    }
    if (!Files.isRegularFile(path)) {
      throw new StoreException(path, "is not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (NoSuchFileException e) {
      return new FileContent.Absent(path); // removed between the check and the open
    } catch (IOException e) {
      throw new StoreException(path, "cannot be read: " + dev.cairn.shell.node.FailureReasons.describe(e), e);
    }
    if (bytes.length > maxBytes) {
      throw new StoreException(path, "is larger than the limit of " + maxBytes + " bytes");
    }
    return bytes.length == 0 ? new FileContent.Empty(path) : new FileContent.Present(path, bytes);
  }

  /**
   * Whether {@code a} and {@code b} name one file, whether or not it exists yet: the file itself
   * when both exist (a link, a hard link), else their folders resolved through links where they
   * exist, then the names compared.
   */
  public static boolean sameFile(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isSameFile(a, b);
      }
    } catch (IOException e) {
      // fall back on the names
    }
    return resolvedName(a).equals(resolvedName(b));
  }

  private static Path resolvedName(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      if (Files.isSymbolicLink(abs)) {
        return abs.toRealPath();
      }
      Path parent = abs.getParent();
      return parent != null && Files.isDirectory(parent) ? parent.toRealPath().resolve(abs.getFileName()) : abs;
    } catch (IOException e) {
      return abs;
    }
  }

  /** Temporary files that an interrupted {@link #write} of {@code target} left behind. */
  public static List<Path> staleTemporaries(Path target) throws StoreException {
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    List<Path> found = new ArrayList<>();
    if (dir == null || !Files.isDirectory(dir)) {
      return found;
    }
    String glob = "." + globEscape(file.getFileName().toString()) + ".*" + TEMP_SUFFIX;
    // exactly what write names them (the name, digits, the suffix), and files alone: ".a.json.*.tmp"
    // also matches the temporaries of a book named "a.json.other.json" in the same folder
    java.util.regex.Pattern exact = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(
        "." + file.getFileName() + ".") + "\\d+" + java.util.regex.Pattern.quote(TEMP_SUFFIX));
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      for (Path p : ds) {
        if (exact.matcher(p.getFileName().toString()).matches()
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          found.add(p);
        }
      }
    } catch (IOException e) {
      throw new StoreException(file, "cannot list " + dir + " for temporary files: " + e, e);
    }
    found.sort(null);
    return found;
  }

  /**
   * Deletes the temporaries of {@code target}. Call it only while no write of the same target
   * is running (at start-up, before the first save).
   *
   * @return how many were removed
   */
  public static int removeStaleTemporaries(Path target) throws StoreException {
    int removed = 0;
    for (Path p : staleTemporaries(target)) {
      try {
        if (Files.deleteIfExists(p)) {
          removed++;
        }
      } catch (IOException e) {
        throw new StoreException(p, "cannot remove stale temporary file: " + dev.cairn.shell.node.FailureReasons.describe(e), e);
      }
    }
    return removed;
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // same directory, so this only happens on exotic file systems; refuse rather than tear
      throw new IOException("the file system cannot rename atomically: " + e.getMessage(), e);
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Why no file can be created in {@code dir} (created if missing), in words; empty when one can.
   * Found by creating and deleting a probe file there, never at a name anybody reads: a check made
   * before a file is first written (a trace at the node's first step, a book at its first save)
   * would otherwise come too late to stop a start.
   */
  public static java.util.Optional<String> cannotCreateIn(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".cairn-", ".probe"));
      return java.util.Optional.empty();
    } catch (IOException e) {
      // what went wrong, without the probe's own name
      return java.util.Optional.of(dev.cairn.shell.node.FailureReasons.describe(e)
          .replaceAll(":? ?\\S*\\.cairn-\\d*\\.probe", ""));
    }
  }

  private static boolean isPosix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the write already failed and reports that; a leftover is found by staleTemporaries
    }
  }

  private static String globEscape(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if ("*?[]{}\\".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
