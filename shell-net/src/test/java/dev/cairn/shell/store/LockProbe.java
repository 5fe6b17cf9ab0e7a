package dev.cairn.shell.store;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run as another process: exits 0 when it could lock the file named by its argument, 3 when a lock is held. */
public final class LockProbe {

  private LockProbe() {}

  public static void main(String[] args) throws Exception {
    try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
      System.exit(ch.tryLock() == null ? 3 : 0);
    }
  }
}
