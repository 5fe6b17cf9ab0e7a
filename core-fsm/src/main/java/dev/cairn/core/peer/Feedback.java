package dev.cairn.core.peer;

/**
 * A reactor's judgement of a peer, carried by {@link PeerEvent.PeerReported}: {@code GOOD} raises
 * the peer's mutable score by one, {@code BAD} lowers it by one (saturating), as Tendermint
 * v0.35's {@code processPeerEvent}.
 */
public enum Feedback {
  GOOD,
  BAD
}
