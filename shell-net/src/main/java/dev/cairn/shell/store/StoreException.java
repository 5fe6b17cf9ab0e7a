package dev.cairn.shell.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A stored file that cannot be used: unreadable, corrupt, or not writable. The message always
 * starts with the file's path and says what was wrong and where (entry index or byte offset),
 * because the operator has to repair or remove the file by hand: Cairn stops instead of
 * replacing it with an empty one.
 */
public final class StoreException extends Exception {

  private final Path file;
  private final String problem;

  public StoreException(Path file, String problem) {
    super(Objects.requireNonNull(file, "file") + ": " + problem);
    this.file = file;
    this.problem = problem;
  }

  public StoreException(Path file, String problem, Throwable cause) {
    super(Objects.requireNonNull(file, "file") + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  /** What is wrong with the file, without its name (for a message that names it already). */
  public String problem() {
    return problem;
  }

  /** The file the problem is in. */
  public Path file() {
    return file;
  }
}
