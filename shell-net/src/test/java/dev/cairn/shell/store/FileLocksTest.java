package dev.cairn.shell.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The locks of a node's home and trace as another process sees them: asking, in this process,
 * whether a file is locked, or trying to lock it again, must not drop the lock this process holds
 * (the operating system drops a process's locks on a file when any handle of it is closed).
 */
class FileLocksTest {

  @TempDir Path dir;

  /** Whether another process finds {@code file} locked. */
  private static boolean lockedForAnotherProcess(Path file) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(),
        file.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the probe ends").isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as("probe said: %s", out).isIn(0, 3);
    return p.exitValue() == 3;
  }

  @Test
  void askingAndTryingAgainInThisProcessKeepTheLock() throws Exception {
    Path file = dir.resolve("cairn.lock");
    FileChannel held = FileLocks.openLocked(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).orElseThrow();
    try {
      assertThat(FileLocks.held(file)).isTrue();
      assertThat(FileLocks.openLocked(file, StandardOpenOption.WRITE)).as("a second locker in this process").isEmpty();
      Path link = Files.createSymbolicLink(dir.resolve("link"), file);
      assertThat(FileLocks.held(link)).as("the same file by another name").isTrue();
      assertThat(FileLocks.openLocked(link, StandardOpenOption.WRITE)).isEmpty();
      assertThat(lockedForAnotherProcess(file)).as("still locked after all that").isTrue();
    } finally {
      held.close();
    }
    assertThat(FileLocks.held(file)).as("closing the channel releases it").isFalse();
    assertThat(lockedForAnotherProcess(file)).isFalse();
    FileChannel again = FileLocks.openLocked(file, StandardOpenOption.WRITE).orElseThrow();
    again.close();
  }

  @Test
  void aFileThatIsNotThereOrNotRegularIsHeldByNobody() throws Exception {
    assertThat(FileLocks.held(dir.resolve("absent"))).isFalse();
    assertThat(FileLocks.held(dir)).isFalse();
  }
}
