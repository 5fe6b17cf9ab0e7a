package dev.cairn.shell.router;

import dev.cairn.core.NodeId;

/**
 * Where a channel's decoded messages go. Called on the node's event loop (the driver's thread),
 * one message at a time, in the order the peer sent them; it must not block.
 *
 * @param <M> the channel's message type
 */
@FunctionalInterface
public interface Inbox<M> {

  /**
   * One message from {@code from}.
   *
   * @throws PeerMisbehavior when the message breaks the reactor's protocol; the peer is then
   *     reported to the PeerManager and evicted, and its later messages are not delivered
   */
  void receive(NodeId from, M message) throws PeerMisbehavior;

  /**
   * Bytes from {@code from} that did not decode. Returns whether the reactor took care of it;
   * by default it does not, and the router reports a {@link PeerError.Kind#MALFORMED_MESSAGE}.
   * A reactor whose protocol already names a penalty for malformed input (PEX: a ban decided by
   * the core) answers true after applying it.
   */
  default boolean malformed(NodeId from, String reason) {
    return false;
  }
}
