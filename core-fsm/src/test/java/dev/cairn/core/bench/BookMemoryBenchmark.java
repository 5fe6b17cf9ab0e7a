package dev.cairn.core.bench;

import dev.cairn.core.book.AddressBook;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jol.info.GraphLayout;

/**
 * Memory per known address. {@link #main} measures the retained size of a 20 000-address book
 * with JOL ({@code GraphLayout.parseInstance(book).totalSize()}: every object reachable from the
 * book, counted once) divided by its number of entries, for a book grown by {@code add} and for
 * the same entries with nothing shared (as if every string and time had been parsed from a file).
 * The JMH benchmark times building a book from a saved one ({@code restore}), which is what a
 * start-up costs. Target: under 400 bytes per address.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BookMemoryBenchmark {

  final AddressBook saved = BookFixture.book(20_000);

  @Benchmark
  public AddressBook restore20k() {
    return AddressBook.restore(BookFixture.CFG, BookFixture.KEY, saved.entries(), saved.bannedEntries());
  }

  public static void main(String[] args) {
    AddressBook grown = BookFixture.book(20_000);
    AddressBook unshared = BookFixture.unshared(grown);
    report("grown by add", grown);
    report("nothing shared", unshared);
  }

  private static void report(String what, AddressBook book) {
    GraphLayout layout = GraphLayout.parseInstance(book);
    long total = layout.totalSize();
    System.out.printf("%s: %d entries (%d new, %d old), %d bytes, %.1f bytes per address%n",
        what, book.size(), book.newCount(), book.oldCount(), total, total / (double) book.size());
    System.out.println(layout.toFootprint().lines().limit(18).reduce("", (a, b) -> a + b + "\n"));
  }
}
