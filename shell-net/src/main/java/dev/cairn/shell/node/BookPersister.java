package dev.cairn.shell.node;

import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import org.pcollections.PSortedMap;
import dev.cairn.shell.store.AddrBookFile;
import dev.cairn.shell.store.AddrBookMapping;
import dev.cairn.shell.store.StoreException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the address book off the driver's loop. Requests coalesce: only the newest book
 * waiting is written, at most once a second, so a burst of changes costs one write, and the queue
 * holds at most one book. Writes are atomic and durable (temp file, fsync, rename, fsync of the directory).
 */
public interface BookPersister {

  /** What is written: the book and the bans by ID alone (peers the book keeps no address of). */
  record Snapshot(AddressBook book, PSortedMap<NodeId, WallTime> bannedIds) {}

  /** Asks for {@code snapshot} to be written soon; never blocks. */
  void submit(Snapshot snapshot);

  /** Writes {@code snapshot} now and waits (used on shutdown). */
  void flush(Snapshot snapshot) throws StoreException;

  /** Keeps nothing (tests, simulations, or {@code addr_book_file = ""}). */
  BookPersister NONE = new BookPersister() {
    @Override
    public void submit(Snapshot snapshot) {}

    @Override
    public void flush(Snapshot snapshot) {}
  };

  /** A persister writing CometBFT's addrbook.json at {@code file}. */
  static BookPersister toFile(Path file) {
    return toFile(file, dev.cairn.shell.store.AddrBookMapping.Times.NONE);
  }

  /**
   * A persister writing CometBFT's addrbook.json at {@code file}, the times the node did not change
   * written as {@code loaded}, the file read at start, held them (sub-millisecond digits included).
   */
  static BookPersister toFile(Path file, dev.cairn.shell.store.AddrBookMapping.Times loaded) {
    return new FilePersister(file, loaded);
  }

  /** The file persister. */
  final class FilePersister implements BookPersister {
    private static final Logger log = LoggerFactory.getLogger(FilePersister.class);
    private final Path file;
    private final AtomicReference<Snapshot> waiting = new AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "addrbook-writer");
      t.setDaemon(true);
      return t;
    });

    private final dev.cairn.shell.store.AddrBookMapping.Times loaded;

    FilePersister(Path file, dev.cairn.shell.store.AddrBookMapping.Times loaded) {
      this.file = file;
      this.loaded = loaded;
    }

    /**
     * Set by {@link #flush}: the node is closing and its last book is written there. Steps the
     * loop still takes after that (the disconnects of the connections it closes) are not persisted.
     */
    private volatile boolean flushed;

    @Override
    public void submit(Snapshot snapshot) {
      if (flushed) {
        log.debug("event=persist_skipped file={} reason=\"the book was flushed on close\"", file);
        return;
      }
      if (waiting.getAndSet(snapshot) == null) {
        try {
          writer.execute(() -> {
            awaitGap();
            Snapshot b = waiting.getAndSet(null);
            if (b != null) {
              try {
                write(b);
              } catch (StoreException e) {
                log.error("event=persist_failed file={} reason=\"{}\"", file, e.getMessage());
              }
            }
          });
        } catch (RejectedExecutionException closing) {
          // flush() shut the writer down between the check above and here: it writes the last book
          log.debug("event=persist_skipped file={} reason=\"the book was flushed on close\"", file);
        }
      }
    }

    @Override
    public void flush(Snapshot snapshot) throws StoreException {
      flushed = true;
      waiting.set(null);
      writer.shutdown();
      try {
        writer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      write(snapshot);
    }

    private synchronized void write(Snapshot s) throws StoreException {
      try {
        AddrBookFile.save(file, AddrBookMapping.fromCore(s.book(), s.bannedIds(), loaded));
      } finally {
        lastWrite = System.nanoTime();
      }
    }

    /**
     * Waits, on the writer's thread, until {@link #MIN_GAP} has passed since the last write (or
     * the node is closing): the changes of that time coalesce into one write of the newest book.
     * A busy node, whose book changes with nearly every connection, writes about once a second
     * rather than once per change (each write is two fsyncs), and a failing save is said as often.
     */
    private void awaitGap() {
      long until = lastWrite + MIN_GAP.toNanos();
      while (!flushed && System.nanoTime() - until < 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(until - System.nanoTime(), 50_000_000L));
      }
    }

    /** The shortest time between two writes of the book while the node runs. */
    static final java.time.Duration MIN_GAP = java.time.Duration.ofSeconds(1);

    private volatile long lastWrite = System.nanoTime() - MIN_GAP.toNanos();
  }
}
