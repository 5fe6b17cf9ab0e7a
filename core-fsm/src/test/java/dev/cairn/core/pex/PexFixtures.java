package dev.cairn.core.pex;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddResult;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerState;
import java.util.ArrayList;
import java.util.List;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

/** Shared values for PEX tests: our ID, routable addresses, fixed times, small views of the PeerManager. */
final class PexFixtures {

  private PexFixtures() {}

  static final NodeId SELF = id(0);
  static final MonoTime T0 = MonoTime.ofMillis(1_000_000);
  static final WallTime WALL = new WallTime(1_700_000_000_000L);
  static final BookKey KEY = BookKey.of("0123456789abcdef01234567");
  static final NodeAddress SOURCE = new NodeAddress(id(9999), "2.2.2.2", 26656);

  static NodeId id(int n) {
    return NodeId.of(String.format("%040x", n));
  }

  /** A routable address of peer {@code n}, each in its own /16: also its self-reported listen address. */
  static NodeAddress addr(int n) {
    return new NodeAddress(id(n), (1 + n / 200) + "." + (n % 200) + ".0.1", 26656);
  }

  static BookConfig bookConfig() {
    return BookConfig.defaults(SELF);
  }

  static PeerConfig peerConfig() {
    return PeerConfig.defaults(bookConfig());
  }

  static AddressBook book(BookConfig cfg, int from, int to) {
    AddressBook b = AddressBook.empty(KEY);
    Prng p = Prng.seeded(7);
    for (int n = from; n < to; n++) {
      AddResult r = b.add(cfg, addr(n), SOURCE, WALL, p);
      b = r.book();
      p = r.prng();
    }
    return b;
  }

  /** A view of a PeerManager with {@code book}, no connections and no dials. */
  static PeerView view(PeerConfig cfg, AddressBook book) {
    return new PeerView(cfg, PeerState.initial(book, Prng.seeded(1)));
  }

  /** The same view with peers {@code n} connected in {@code d}. */
  static PeerView connected(PeerView v, Direction d, int... peers) {
    PeerState s = v.state();
    PSortedMap<NodeId, Connection> c = s.connected();
    for (int n : peers) {
      c = c.plus(id(n), new Connection(d, addr(n)));
    }
    return new PeerView(v.config(), new PeerState(s.book(), s.dialing(), c, s.ready(), s.evicting(),
        s.upgrading(), s.scores(), s.persistentDialFailures(), s.timers(), s.prng(), s.started()));
  }

  /** The same view with a dial to peer {@code n} in flight. */
  static PeerView dialing(PeerView v, int n) {
    PeerState s = v.state();
    return new PeerView(v.config(), new PeerState(s.book(), s.dialing().plus(id(n), addr(n)),
        s.connected(), s.ready(), s.evicting(), s.upgrading(), s.scores(), s.persistentDialFailures(),
        s.timers(), s.prng(), s.started()));
  }

  static PexState initial() {
    return PexState.initial(Prng.seeded(42));
  }

  /** {@code s} with peer {@code n} up in {@code d} since {@code at}. */
  static PexState up(PexState s, int n, Direction d, MonoTime at) {
    return s.withPeers(s.peers().plus(id(n), new PexPeer(d, addr(n), at)));
  }

  /** Runs one step and checks every {@link PexInvariants} over it. */
  static Step<PexState, PexEffect> step(
      PexConfig cfg, PexState s, PeerView v, MonoTime now, PexEvent e) {
    Step<PexState, PexEffect> out = Pex.step(cfg, s, v, now, WALL, e);
    PexInvariants.check(new PexTransition(cfg, v, s, now, WALL, e, out));
    return out;
  }

  static List<NodeAddress> addrs(int from, int to) {
    List<NodeAddress> out = new ArrayList<>();
    for (int n = from; n < to; n++) {
      out.add(addr(n));
    }
    return out;
  }

  static PSortedMap<NodeId, MonoTime> at(int n, MonoTime t) {
    return TreePMap.singleton(id(n), t);
  }
}
