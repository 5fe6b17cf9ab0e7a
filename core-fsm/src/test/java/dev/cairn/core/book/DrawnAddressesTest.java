package dev.cairn.core.book;

import static dev.cairn.core.book.Fixtures.KEY;
import static dev.cairn.core.book.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.pex.PexEffect;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePSet;

/**
 * A selection whose drawn slots are read when it is read ({@link DrawnAddresses}): the same list
 * as reading each entry while drawing, immutable, kept as it is by the effects that carry it.
 */
class DrawnAddressesTest {

  private static final NodeId REQUESTER = NodeId.of("00000000000000000000000000000000000000aa");

  /** A book of 600 entries, a third of them old, the requester's among them. */
  private static AddressBook book() {
    Random r = new Random(7);
    AddressBook book = AddressBook.empty(KEY);
    Prng p = Prng.seeded(7);
    for (int i = 0; i < 600; i++) {
      NodeId id = i == 0 ? REQUESTER : NodeId.of(String.format("%016x%016x%08x", r.nextLong(), r.nextLong(), r.nextInt()));
      AddResult a = book.add(Fixtures.CFG, new NodeAddress(id, Fixtures.routableIp(i), 26656),
          Fixtures.routable(9_000_000L + r.nextInt(4000)), T0, p);
      book = a.book();
      p = a.prng();
      if (i % 3 == 0) {
        book = book.markGood(Fixtures.CFG, id, T0);
      }
    }
    return book;
  }

  private static final Predicate<KnownAddress> NOT_REQUESTER = ka -> !ka.id().equals(REQUESTER);
  private static final EntryFilter FEW = new EntryFilter(NOT_REQUESTER, Optional.of(TreePSet.singleton(REQUESTER)));

  @Test
  void drawnSlotsReadAsTheEntriesReadWhileDrawing() {
    AddressBook book = book();
    for (long seed = 0; seed < 20; seed++) {
      Selection lazy = book.selection(Fixtures.CFG, Prng.seeded(seed), FEW);
      Selection read = book.selection(Fixtures.CFG, Prng.seeded(seed), NOT_REQUESTER);
      assertThat(lazy.addresses()).isInstanceOf(DrawnAddresses.class);
      assertThat(lazy.addresses()).hasSize(AddressBook.selectionSize(book.size()));
      assertThat(List.copyOf(lazy.addresses())).isEqualTo(List.copyOf(read.addresses()));
      assertThat(lazy.addresses().hashCode()).isEqualTo(List.copyOf(read.addresses()).hashCode());
      assertThat(lazy.prng()).isEqualTo(read.prng());
      assertThat(lazy.addresses()).extracting(NodeAddress::id).doesNotContain(REQUESTER).doesNotHaveDuplicates();
      Selection biased = book.selectionWithBias(Fixtures.CFG, 30, Prng.seeded(seed), FEW);
      assertThat(biased).isEqualTo(book.selectionWithBias(Fixtures.CFG, 30, Prng.seeded(seed), NOT_REQUESTER));
    }
  }

  @Test
  void readByManyThreadsAtOnce_theSameList() throws Exception {
    AddressBook book = book();
    List<NodeAddress> expected = List.copyOf(book.selection(Fixtures.CFG, Prng.seeded(3), NOT_REQUESTER).addresses());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 50; round++) {
        List<NodeAddress> unread = book.selection(Fixtures.CFG, Prng.seeded(3), FEW).addresses();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<NodeAddress>>> reads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          reads.add(pool.submit(() -> {
            go.await();
            List<NodeAddress> seen = new ArrayList<>();
            for (int i = 0; i < unread.size(); i++) {
              seen.add(unread.get(i));
            }
            return seen;
          }));
        }
        go.countDown();
        for (Future<List<NodeAddress>> f : reads) {
          assertThat(f.get()).isEqualTo(expected);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void immutable_andKeptAsItIsByTheEffectsThatCarryIt() {
    List<NodeAddress> drawn = book().selection(Fixtures.CFG, Prng.seeded(1), FEW).addresses();
    NodeAddress first = drawn.get(0);
    assertThatThrownBy(() -> drawn.add(first)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> drawn.set(0, first)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> drawn.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> drawn.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> drawn.get(drawn.size())).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(drawn.toArray()).isExactlyInstanceOf(Object[].class).containsExactlyElementsOf(drawn);

    assertThat(DrawnAddresses.immutable(drawn)).isSameAs(drawn);
    assertThat(new PexEffect.SendPexAddrs(REQUESTER, drawn).addresses()).isSameAs(drawn);
    assertThat(new PexEffect.SendPexAddrsThenDisconnect(REQUESTER, drawn).addresses()).isSameAs(drawn);

    List<NodeAddress> plain = new ArrayList<>(List.of(first));
    List<NodeAddress> copy = DrawnAddresses.immutable(plain);
    plain.clear();
    assertThat(copy).containsExactly(first);
    assertThat(DrawnAddresses.of()).isEmpty();
  }
}
