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
}
