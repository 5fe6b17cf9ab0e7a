package dev.cairn.core.bench;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddResult;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.book.KnownAddress;
import java.util.ArrayList;
import java.util.List;

/** Builds the books the benchmarks run on: full-size books grown the way PEX grows them. */
final class BookFixture {

  private BookFixture() {}

  static final BookKey KEY = BookKey.of("9f0c3b5e8d1a2b4c6e7f8091");
  static final BookConfig CFG = BookConfig.defaults(id(999_999_999L));
  static final WallTime T0 = new WallTime(1_700_000_000_000L);

  /** A distinct ID for each {@code n}, spread like real IDs (hashes), not sharing a prefix. */
  static NodeId id(long n) {
    StringBuilder sb = new StringBuilder(NodeId.HEX_LENGTH);
    Prng p = Prng.seeded(n);
    while (sb.length() < NodeId.HEX_LENGTH) {
      Prng.Long64 d = p.nextLong();
      sb.append(String.format("%016x", d.value()));
      p = d.next();
    }
    sb.setLength(NodeId.HEX_LENGTH - 8);
    return NodeId.of(sb.append(String.format("%08x", n)).toString()); // suffix keeps them distinct
  }

  /** Distinct routable IPv4 addresses, consecutive {@code n} in different /16 groups. */
  static NodeAddress address(long n) {
    String ip = (21 + n % 50) + "." + (n / 50) % 250 + "." + (n / 12_500) % 250 + "."
        + (1 + (n / 3_125_000) % 250);
    return new NodeAddress(id(n), ip, 26656);
  }

  /** A source: each PEX reply of 250 addresses comes from one peer. */
  static NodeAddress source(long reply) {
    return address(500_000_000L + reply);
  }

  /**
   * A book of at least {@code target} entries (at most 20 480 fit with the default buckets): PEX
   * replies of 250 addresses, one address in five then connected to (promoted to old), one
   * second apart.
   */
  static AddressBook book(int target) {
    AddressBook b = AddressBook.empty(KEY);
    Prng p = Prng.seeded(42);
    WallTime now = T0;
    NodeAddress src = source(0);
    for (long n = 0; b.size() < target && n < 2_000_000; n++) {
      now = now.plusMillis(1000);
      if (n % 250 == 0) {
        src = source(n / 250);
      }
      AddResult r = b.add(CFG, address(n), src, now, p);
      b = r.book();
      p = r.prng();
      if (n % 5 == 0) {
        b = b.markGood(CFG, address(n).id(), now);
      }
    }
    if (b.size() < target) {
      throw new IllegalStateException("could only grow the book to " + b.size());
    }
    return b;
  }

  /**
   * The same entries as freshly parsed from a file: every string, address and time a distinct
   * object, nothing shared between entries (the worst case for memory).
   */
  static AddressBook unshared(AddressBook b) {
    List<KnownAddress> fresh = new ArrayList<>();
    for (KnownAddress ka : b.entries()) {
      fresh.add(new KnownAddress(copy(ka.addr()), copy(ka.src()), ka.buckets(), ka.type(),
          ka.attempts(), new WallTime(ka.lastAttempt().epochMillis()),
          new WallTime(ka.lastSuccess().epochMillis()), new WallTime(ka.lastBanTime().epochMillis())));
    }
    return AddressBook.restore(CFG, KEY, fresh, List.of());
  }

  private static NodeAddress copy(NodeAddress a) {
    return new NodeAddress(new NodeId(new String(a.id().hex().toCharArray())),
        new String(a.ip().toCharArray()), a.port());
  }

  /** A PEX reply: 250 addresses not in the book, from one source. */
  static List<NodeAddress> reply(long first) {
    List<NodeAddress> out = new ArrayList<>();
    for (long i = 0; i < 250; i++) {
      out.add(address(first + i));
    }
    return out;
  }
}
