package dev.cairn.shell.router;

import dev.cairn.core.NodeId;

/**
 * A protocol spoken with peers over channels of its own (PEX, and later mempool, consensus...).
 *
 * <p>Threading: every call a reactor receives (registration, peer up/down, {@link Inbox}
 * deliveries) runs on the node's event loop, the thread that also drives the core, so a reactor
 * sees its peers and messages in one consistent order and needs no locks. In return it must
 * not block: work that takes long goes to an executor of the reactor's own, which sends its
 * results back with {@link Router#execute}. Sends ({@link RouterChannel#send},
 * {@link RouterChannel#broadcast}) are made on the loop as well.
 */
public interface Reactor {

  /** A short name for logs, e.g. {@code pex}. */
  String name();

  /**
   * Opens the reactor's channels, once, when the router is built and before any peer is
   * added. The node advertises exactly the channels opened here, in registration order.
   */
  void register(Router.Registrar registrar);

  /** A peer was admitted by the PeerManager; sends to it may start. */
  default void peerAdded(NodeId peer) {}

  /** A peer's connection closed; nothing more is delivered from it and sends to it are refused. */
  default void peerRemoved(NodeId peer) {}
}
