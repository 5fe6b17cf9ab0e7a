package dev.cairn.shell.router;

/**
 * Thrown by an {@link Inbox} for a well-formed message that breaks the reactor's protocol (an
 * invalid field, a message out of turn). The router turns it into a {@link PeerError} of kind
 * {@link PeerError.Kind#INVALID_MESSAGE}, which evicts the peer.
 */
public final class PeerMisbehavior extends Exception {

  public PeerMisbehavior(String message) {
    super(message);
  }
}
