package dev.cairn.core.bench;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.Timers;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.core.pex.PexPeer;
import dev.cairn.core.pex.PexState;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * A started node whose book holds 20 000 addresses (grown as PEX grows it, {@link BookFixture}),
 * with 8 outbound and 30 inbound peers connected and ready; outbound peer {@link #ASKED} has our
 * request outstanding, inbound peer {@link #ASKING} has sent us nothing yet.
 */
final class PexFixture {

  private PexFixture() {}

  static final MonoTime NOW = MonoTime.ofMillis(100_000);
  static final NodeId ASKED = BookFixture.id(800_000_001L);
  static final NodeId ASKING = BookFixture.id(800_000_101L); // the first inbound peer

  static CoreConfig config(boolean seedMode) {
    return new CoreConfig(PeerConfig.defaults(BookFixture.CFG), PexConfig.defaults().withSeedMode(seedMode));
  }

  static CoreState state(AddressBook book) {
    PSortedMap<NodeId, Connection> connected = TreePMap.empty();
    PSortedSet<NodeId> ready = TreePSet.empty();
    PSortedMap<NodeId, PexPeer> pexPeers = TreePMap.empty();
    for (long n = 0; n < 38; n++) {
      Direction d = n < 8 ? Direction.OUTBOUND : Direction.INBOUND;
      NodeAddress a = BookFixture.address(800_000_001L + (n < 8 ? n : 92 + n));
      connected = connected.plus(a.id(), new Connection(d, a));
      ready = ready.plus(a.id());
      pexPeers = pexPeers.plus(a.id(), new PexPeer(d, a, MonoTime.ofMillis(1)));
    }
    PeerState peer = new PeerState(book, TreePMap.empty(), connected, ready, TreePMap.empty(),
        TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), Timers.empty(), Prng.seeded(1), true);
    PexState pex = new PexState(pexPeers, TreePMap.singleton(ASKED, NOW.plusMillis(-200)), TreePMap.empty(),
        TreePMap.empty(), TreePSet.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty(),
        Prng.seeded(2), true);
    return new CoreState(peer, pex);
  }
}
