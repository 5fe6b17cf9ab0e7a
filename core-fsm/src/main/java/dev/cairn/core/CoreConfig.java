package dev.cairn.core;

import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.pex.PexConfig;
import java.util.Objects;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

/**
 * The composed machine's configuration: the PeerManager's and PEX's, checked against each other.
 * A message names the key and the rule broken.
 *
 * @param peer the PeerManager's configuration (also the address book's: our ID, private IDs, strict mode)
 * @param pex  PEX's configuration
 */
public record CoreConfig(PeerConfig peer, PexConfig pex) {

  /**
   * Checks both configs against each other. {@code seed_mode} is one key for both machines: it is
   * read from {@code pex.seedMode} and copied into {@code peer.seedMode} (so a PeerConfig built
   * without it needs no change); a {@code peer.seedMode} set without {@code pex.seedMode} is refused.
   * {@code seeds} likewise: the IDs of {@code pex.seeds} are copied into {@code peer.seedIds}; other
   * {@code peer.seedIds} are refused.
   */
  public CoreConfig {
    Objects.requireNonNull(peer, "core config peer must not be null");
    Objects.requireNonNull(pex, "core config pex must not be null");
    if (peer.seedMode() && !pex.seedMode()) {
      throw new IllegalArgumentException("invalid core config: peer.seedMode = true but pex.seedMode"
          + " (seed_mode) = false; seed mode is set by pex.seedMode, which the peer config follows");
    }
    peer = peer.withSeedMode(pex.seedMode());
    PSortedSet<NodeId> seedIds = TreePSet.empty();
    for (NodeAddress a : pex.seeds()) {
      seedIds = seedIds.plus(a.id());
    }
    if (!peer.seedIds().isEmpty() && !peer.seedIds().equals(seedIds)) {
      throw new IllegalArgumentException("invalid core config: peer.seedIds = " + peer.seedIds()
          + " but pex.seeds (seeds) has the IDs " + seedIds + "; the seeds are set by pex.seeds, which the peer"
          + " config follows");
    }
    peer = peer.withSeedIds(seedIds);
    long connectionBound = (long) peer.maxConnected() + peer.maxConnectedUpgrade()
        + peer.unconditionalPeerIds().size();
    if (pex.maxPeers() < connectionBound) {
      throw new IllegalArgumentException("invalid core config: pex.maxPeers = " + pex.maxPeers()
          + " must be at least peer.maxConnected + peer.maxConnectedUpgrade + the number of"
          + " peer.unconditionalPeerIds = " + connectionBound
          + " (every peer the PeerManager can route must fit)");
    }
    if (pex.isSeed(peer.self())) {
      throw new IllegalArgumentException(
          "invalid core config: pex.seeds (seeds) lists our own ID " + peer.self());
    }
  }

  /** CometBFT's defaults for both machines. */
  public static CoreConfig defaults(PeerConfig peer) {
    return new CoreConfig(peer, PexConfig.defaults());
  }
}
