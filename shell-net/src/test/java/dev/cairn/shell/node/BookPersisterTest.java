package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcollections.TreePMap;

/** The address-book file writer's life: snapshots written while running, the last one on close. */
class BookPersisterTest {

  private static final NodeId BANNED = NodeId.of("0123456789abcdef0123456789abcdef01234567");

  @Test
  void aSnapshotSubmittedAfterTheCloseFlushIsDroppedQuietlyAndTheFlushedFileStays(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("addrbook.json");
    BookPersister p = BookPersister.toFile(file);
    BookPersister.Snapshot last = new BookPersister.Snapshot(TestNodes.emptyBook(),
        TreePMap.singleton(BANNED, new WallTime(1_700_000_000_000L)));
    p.flush(last);
    byte[] flushed = Files.readAllBytes(file);
    assertThat(new String(flushed, java.nio.charset.StandardCharsets.UTF_8)).contains(BANNED.hex());

    // the closing node's loop still steps the disconnects of the connections it closed
    assertThatCode(() -> p.submit(new BookPersister.Snapshot(TestNodes.emptyBook(), TreePMap.empty())))
        .doesNotThrowAnyException();
    assertThat(Files.readAllBytes(file)).as("the book written on close").isEqualTo(flushed);
  }

  /**
   * Changes within a second of a write coalesce: the next write comes no sooner than {@link
   * BookPersister.FilePersister#MIN_GAP} after it, and holds the newest book submitted meanwhile.
   */
  @Test
  void writesAreAtLeastASecondApartAndTheNewestBookIsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("addrbook.json");
    BookPersister p = BookPersister.toFile(file);
    dev.cairn.core.NodeId second = dev.cairn.core.NodeId.of("2".repeat(40));
    dev.cairn.core.NodeId third = dev.cairn.core.NodeId.of("3".repeat(40));
    p.submit(new BookPersister.Snapshot(TestNodes.emptyBook(), TreePMap.singleton(BANNED, new WallTime(1_700_000_000_000L))));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(file) && Files.readString(file).contains(BANNED.hex())) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    long firstWritten = System.nanoTime();
    assertThat(Files.readString(file)).contains(BANNED.hex());
    p.submit(new BookPersister.Snapshot(TestNodes.emptyBook(), TreePMap.singleton(second, new WallTime(1_700_000_000_000L))));
    p.submit(new BookPersister.Snapshot(TestNodes.emptyBook(), TreePMap.singleton(third, new WallTime(1_700_000_000_000L))));
    while (!Files.readString(file).contains(third.hex()) && System.nanoTime() < deadline) {
      assertThat(Files.readString(file)).as("the book in between is never written").doesNotContain(second.hex());
      Thread.sleep(5);
    }
    long gap = System.nanoTime() - firstWritten;
    assertThat(Files.readString(file)).contains(third.hex()).doesNotContain(BANNED.hex());
    assertThat(gap).as("the second write waited for the gap").isGreaterThanOrEqualTo(
        BookPersister.FilePersister.MIN_GAP.toNanos() - java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
    p.flush(new BookPersister.Snapshot(TestNodes.emptyBook(), TreePMap.empty()));
  }
}
