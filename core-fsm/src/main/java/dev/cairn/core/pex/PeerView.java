package dev.cairn.core.pex;

import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerState;
import java.util.Objects;

/**
 * What PEX reads of the PeerManager, never writes: its config (our ID, private IDs, strict mode,
 * persistent peers, limits) and its state (the address book, connections and dials in flight).
 * PEX changes the PeerManager only through {@link PexEffect.HandOff}s, which {@code Core.step}
 * applies in the same step. In {@code Pex.tla} these are the PeerManager's constants and
 * variables, read by the PEX actions.
 */
public record PeerView(PeerConfig config, PeerState state) {
  public PeerView {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(state, "state");
  }
}
