package dev.cairn.shell.cli;

import dev.cairn.shell.store.FileLocks;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock a running node holds on its home ({@code data/cairn.lock}, locked while the process
 * runs): a second {@code cairn start} of the same home stops before it touches anything the first
 * one writes (its address book, its trace). The file stays; only its lock tells, and the operating
 * system drops it when the process ends, however it ends ({@link FileLocks}: a file system that
 * keeps no locks leaves the home unguarded).
 */
final class HomeLock implements AutoCloseable {

  /** The home is in use by another running node. */
  static final class InUse extends Exception {
    private static final long serialVersionUID = 1L;

    InUse(String message) {
      super(message);
    }
  }

  private final FileChannel channel;

  private HomeLock(FileChannel channel) {
    this.channel = channel;
  }

  static Path file(Path home) {
    return home.resolve("data").resolve("cairn.lock");
  }

  /** Locks {@code home}; {@link InUse} when another node holds it. */
  static HomeLock take(Path home) throws InUse, IOException {
    Path file = file(home);
    Files.createDirectories(file.getParent());
    FileChannel ch = FileLocks.openLocked(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).orElse(null);
    if (ch == null) {
      throw new InUse("the home " + home + " is in use by another running node (" + file
          + " is locked); stop that node first, or start this one with another --home");
    }
    return new HomeLock(ch);
  }

  @Override
  public void close() throws IOException {
    channel.close(); // releases the lock
  }
}
