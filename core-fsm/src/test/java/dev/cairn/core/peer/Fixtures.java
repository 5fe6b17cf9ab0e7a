package dev.cairn.core.peer;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import java.time.Duration;
import org.pcollections.TreePSet;

/** Shared values for PeerManager tests: small limits, routable addresses, fixed times and seed. */
final class Fixtures {

  private Fixtures() {}

  static final NodeId SELF = id(0);
  static final MonoTime NOW = MonoTime.ofMillis(1_000);
  static final WallTime WALL = new WallTime(1_700_000_000_000L);
  static final BookKey KEY = BookKey.of("0123456789abcdef01234567");
  static final NodeAddress SOURCE = new NodeAddress(id(999), "2.2.2.2", 26656);

  static NodeId id(int n) {
    return NodeId.of(String.format("%040x", n));
  }

  /** A routable address of peer {@code n}, each in its own /16. */
  static NodeAddress addr(int n) {
    return new NodeAddress(id(n), (1 + n / 200) + "." + (n % 200) + ".0.1", 26656);
  }

  /** The remote socket of an inbound connection of peer {@code n} (ephemeral port). */
  static NodeAddress remote(int n) {
    return new NodeAddress(id(n), (1 + n / 200) + "." + (n % 200) + ".0.1", 40000 + n);
  }

  static BookConfig bookConfig() {
    return BookConfig.defaults(SELF);
  }

  /**
   * maxInbound 2, maxOutbound 2, maxConnected 3, 1 upgrade slot, thresholds 0 < 1 <= 2 < 3,
   * retry 250 ms × n + U[0, 5 s) capped at 30 min (5 min persistent), cool-down 2 s.
   */
  static PeerConfig small() {
    return PeerConfig.defaults(bookConfig()).withLimits(2, 2, 3, 1, 0, 1, 2, 3);
  }

  static AddressBook emptyBook() {
    return AddressBook.empty(KEY);
  }

  static AddressBook bookWith(PeerConfig cfg, int... peers) {
    AddressBook b = emptyBook();
    Prng p = Prng.seeded(7);
    for (int n : peers) {
      var r = b.add(cfg.book(), addr(n), SOURCE, WALL, p);
      b = r.book();
      p = r.prng();
    }
    return b;
  }

  /** A state that has not started: no maintenance runs, so a step's effect is its event's alone. */
  static PeerState idle(AddressBook book) {
    return PeerState.initial(book, Prng.seeded(42));
  }

  static PeerState connect(PeerState s, int n, Direction d) {
    NodeAddress a = d == Direction.OUTBOUND ? addr(n) : remote(n);
    return s.withConnected(s.connected().plus(id(n), new Connection(d, a)));
  }

  static PeerState dialing(PeerState s, int n) {
    return s.withDialing(s.dialing().plus(id(n), addr(n)));
  }

  static PeerState score(PeerState s, int n, int score) {
    return s.withScores(s.scores().plus(id(n), score));
  }

  static PeerConfig persistent(PeerConfig cfg, int... peers) {
    var set = TreePSet.<NodeAddress>empty();
    for (int n : peers) {
      set = set.plus(addr(n));
    }
    return cfg.withPersistentPeers(set);
  }

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
