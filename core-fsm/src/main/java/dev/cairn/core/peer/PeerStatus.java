package dev.cairn.core.peer;

/** Carried by {@link PeerEffect.PublishPeerUpdate}: a peer became usable by reactors, or stopped being. */
public enum PeerStatus {
  UP,
  DOWN
}
