package dev.cairn.core.book;

import static dev.cairn.core.book.AddressBookProperties.poolId;
import static dev.cairn.core.book.AddressBookProperties.poolIp;
import static dev.cairn.core.book.Fixtures.KEY;
import static dev.cairn.core.book.Fixtures.T0;
import static dev.cairn.core.book.Fixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link AddressBook#addAll} is {@link AddressBook#add} applied in order: the same outcomes, the
 * same book (entries, buckets, table lengths, bans, counts), the same generator, the same book
 * instance when nothing changed, and {@code forgotten} is exactly the IDs that some add of the
 * sequence pushed out and that are not back at the end.
 */
class AddAllProperties {

  /** One address of a batch: pool indices, so that IDs repeat, collide with the book and get banned. */
  record Learned(int id, int ip) {}

  @Provide
  Arbitrary<List<AddressBookProperties.Op>> ops() {
    return new AddressBookProperties().ops();
  }

  @Provide
  Arbitrary<BookConfig> configs() {
    return new AddressBookProperties().configs();
  }

  @Provide
  Arbitrary<List<Learned>> batches() {
    Arbitrary<Integer> ids = Arbitraries.integers().between(0, AddressBookProperties.IDS);
    Arbitrary<Integer> ips = Arbitraries.integers().between(0, 99);
    return Combinators.combine(ids, ips).as(Learned::new).list().ofMaxSize(250);
  }

  @Property(tries = 300)
  void addAll_isSequentialAdd(@ForAll("configs") BookConfig cfg,
      @ForAll("ops") List<AddressBookProperties.Op> history, @ForAll("batches") List<Learned> batch,
      @ForAll @LongRange(min = 0, max = AddressBookProperties.IDS) long srcId,
      @ForAll @LongRange(min = 0, max = 99) long srcIp,
      @ForAll @LongRange(min = 0, max = 30 * Fixtures.DAY) long dtMs, @ForAll long seed) {
    AddressBookProperties.Run run = new AddressBookProperties.Run(cfg, seed);
    history.forEach(run::apply);
    NodeAddress src = new NodeAddress(poolId((int) srcId), poolIp((int) srcIp), 26656);
    List<NodeAddress> addrs = new ArrayList<>();
    for (Learned l : batch) {
      addrs.add(new NodeAddress(poolId(l.id()), poolIp(l.ip()), 26656));
    }
    checkEquivalent(cfg, run.book, addrs, src, run.now.plusMillis(dtMs), Prng.seeded(~seed));
  }

  /** Default bucket sizes, a book of thousands, full buckets: the PEX reply as the bench runs it. */
  @Property(tries = 15)
  void addAll_isSequentialAdd_inLargeBooks(@ForAll long seed,
      @ForAll @LongRange(min = 0, max = 3) long overlapQuarter) {
    BookConfig cfg = AddressBookProperties.DEFAULTS;
    AddressBook b = AddressBook.empty(KEY);
    Prng p = Prng.seeded(seed);
    WallTime now = T0;
    for (int i = 0; i < 3000; i++) {
      now = now.plusMillis(1000);
      NodeAddress src = new NodeAddress(id(900_000 + i / 250), "77.77." + (i / 250) + ".1", 26656);
      AddResult r = b.add(cfg, Fixtures.routable(100 + i), src, now, p);
      b = r.book();
      p = r.prng();
      if (i % 5 == 0) {
        b = b.markGood(cfg, Fixtures.routable(100 + i).id(), now);
      }
    }
    // a reply that partly repeats what the book knows and partly brings new addresses
    List<NodeAddress> reply = new ArrayList<>();
    long first = 100 + 3000 - overlapQuarter * 60;
    for (long n = first; n < first + 250; n++) {
      reply.add(Fixtures.routable(n));
    }
    NodeAddress src = new NodeAddress(id(901_000), "77.77.200.1", 26656);
    checkEquivalent(cfg, b, reply, src, now.plusMillis(Fixtures.DAY * 8), Prng.seeded(seed + 1));
  }

  private static void checkEquivalent(BookConfig cfg, AddressBook start, List<NodeAddress> addrs,
      NodeAddress src, WallTime now, Prng prng) {
    AddressBook seqBook = start;
    Prng seqPrng = prng;
    List<AddOutcome> seqOutcomes = new ArrayList<>();
    TreeSet<NodeId> pushedOut = new TreeSet<>();
    for (NodeAddress a : addrs) {
      AddResult r = seqBook.add(cfg, a, src, now, seqPrng);
      for (NodeId id : seqBook.lookup().keySet()) {
        if (!r.book().contains(id)) {
          pushedOut.add(id);
        }
      }
      seqBook = r.book();
      seqPrng = r.prng();
      seqOutcomes.add(r.outcome());
    }
    List<KnownAddress> startEntries = List.copyOf(start.entries());
    AddAllResult all = start.addAll(cfg, addrs, src, now, prng);
    // the book it started from is untouched: the batch edits its own nodes in place, never those
    // it shares with the book before (whose lookups must still find every entry)
    BookInvariants.check(cfg, start);
    assertThat(start.entries()).isEqualTo(startEntries);
    for (KnownAddress ka : startEntries) {
      assertThat(start.get(ka.id())).containsSame(ka);
    }

    assertThat(all.outcomes()).isEqualTo(seqOutcomes);
    assertThat(all.prng()).isEqualTo(seqPrng);
    assertThat(all.book()).isEqualTo(seqBook);
    assertThat(all.book().entries()).isEqualTo(seqBook.entries());
    assertThat(all.book().bannedEntries()).isEqualTo(seqBook.bannedEntries());
    assertThat(all.book().newBuckets().length()).isEqualTo(seqBook.newBuckets().length());
    assertThat(all.book().oldBuckets().length()).isEqualTo(seqBook.oldBuckets().length());
    if (seqBook == start) {
      assertThat(all.book()).isSameAs(start);
    }
    BookInvariants.check(cfg, all.book());

    final AddressBook end = seqBook;
    List<NodeId> expectedForgotten = pushedOut.stream().filter(id -> !end.contains(id)).toList();
    assertThat(all.forgotten()).isEqualTo(expectedForgotten);

    // what reads the book afterwards sees the same thing (table lengths drive the pick's draws)
    Prng q = Prng.seeded(now.epochMillis());
    assertThat(all.book().selection(cfg, q, ka -> true))
        .isEqualTo(seqBook.selection(cfg, q, ka -> true));
    for (int bias : new int[] {0, 30, 100}) {
      assertThat(all.book().pickAddress(bias, q, ka -> true, 5))
          .isEqualTo(seqBook.pickAddress(bias, q, ka -> true, 5));
    }
  }
}
