package dev.cairn.core;

import dev.cairn.core.book.AddressBook;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.pex.PexState;
import java.util.Objects;

/**
 * The composed machine's state: the PeerManager's and PEX's, side by side. In the composed TLA+
 * spec, the union of both modules' variables.
 */
public record CoreState(PeerState peer, PexState pex) {

  public CoreState {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(pex, "pex");
  }

  /**
   * A node that has not started, with {@code book} loaded. Each machine gets its own generator,
   * both derived from {@code seed}, so that one seed reproduces a whole run.
   */
  public static CoreState initial(AddressBook book, long seed) {
    Prng.Long64 pexSeed = Prng.seeded(seed).nextLong();
    return new CoreState(PeerState.initial(book, Prng.seeded(seed)),
        PexState.initial(Prng.seeded(pexSeed.value())));
  }

  public CoreState withPeer(PeerState p) {
    return new CoreState(p, pex);
  }

  public CoreState withPex(PexState p) {
    return new CoreState(peer, p);
  }
}
