package dev.cairn.core.bench;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.Prng;
import dev.cairn.core.book.AddAllResult;
import dev.cairn.core.book.AddResult;
import dev.cairn.core.book.AddressBook;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Taking in one PEX reply: 250 unknown addresses from one source added to a full book of 20 000
 * (so every add first expires an entry of its bucket). The book is immutable, so every
 * invocation starts from the same full book. Budget: part of a 200 µs PEX reply step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BookAddBenchmark {

  AddressBook book;
  List<NodeAddress> reply;
  List<NodeAddress> known;
  NodeAddress source;

  @Setup(Level.Trial)
  public void setUp() {
    book = BookFixture.book(20_000);
    reply = BookFixture.reply(900_000_000L);
    known = book.entries().subList(1000, 1250).stream().map(ka -> ka.addr()).toList();
    source = BookFixture.source(77_777);
  }

  @Benchmark
  public AddressBook add250New() {
    AddressBook b = book;
    Prng p = Prng.seeded(3);
    for (NodeAddress a : reply) {
      AddResult r = b.add(BookFixture.CFG, a, source, BookFixture.T0, p);
      b = r.book();
      p = r.prng();
    }
    return b;
  }

  /** The same reply size, all addresses already known (the common case of repeated gossip). */
  @Benchmark
  public AddressBook add250Known() {
    AddressBook b = book;
    Prng p = Prng.seeded(3);
    for (NodeAddress a : known) {
      AddResult r = b.add(BookFixture.CFG, a, source, BookFixture.T0, p);
      b = r.book();
      p = r.prng();
    }
    return b;
  }

  /** {@link #add250New} as one batch ({@code addAll}), as the PeerManager takes a PEX reply. */
  @Benchmark
  public AddAllResult addAll250New() {
    return book.addAll(BookFixture.CFG, reply, source, BookFixture.T0, Prng.seeded(3));
  }

  /** {@link #add250Known} as one batch ({@code addAll}). */
  @Benchmark
  public AddAllResult addAll250Known() {
    return book.addAll(BookFixture.CFG, known, source, BookFixture.T0, Prng.seeded(3));
  }
}
