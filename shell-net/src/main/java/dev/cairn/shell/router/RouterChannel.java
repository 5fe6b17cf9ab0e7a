package dev.cairn.shell.router;

import dev.cairn.core.NodeId;

/**
 * A typed channel a reactor opened with {@link Router.Registrar#open}: sends messages of one
 * type to one peer or to all, through each peer's bounded send queue of this channel. Use on
 * the node's event loop (see {@link Reactor}).
 *
 * @param <M> the channel's message type
 */
public final class RouterChannel<M> {

  private final Router router;
  private final ChannelSpec<M> spec;
  private final Inbox<M> inbox;
  private final ChannelStats stats = new ChannelStats();

  RouterChannel(Router router, ChannelSpec<M> spec, Inbox<M> inbox) {
    this.router = router;
    this.spec = spec;
    this.inbox = inbox;
  }

  public int id() {
    return spec.id();
  }

  public ChannelSpec<M> spec() {
    return spec;
  }

  public ChannelStats stats() {
    return stats;
  }

  /** Sends {@code message} to {@code peer}; a full queue is handled as the spec's {@link ChannelSpec.Overflow} says. */
  public SendResult send(NodeId peer, M message) {
    router.checkLoop();
    Router.Routed r = router.routed(peer);
    if (r == null) {
      return SendResult.NO_PEER;
    }
    return router.send(r, this, spec.codec().encode(message));
  }

  /**
   * Sends {@code message} to every routed peer that speaks this channel, in the order the peers
   * were added (encoded once). Returns how many peers it was queued for or waits for.
   */
  public int broadcast(M message) {
    router.checkLoop();
    byte[] bytes = spec.codec().encode(message);
    int n = 0;
    for (Router.Routed r : router.routedPeers()) {
      SendResult result = router.send(r, this, bytes);
      if (result == SendResult.QUEUED || result == SendResult.WAITING) {
        n++;
      }
    }
    return n;
  }

  /**
   * Reports a fatal error of {@code peer} found by the reactor outside {@link Inbox#receive}
   * (e.g. a timeout of its protocol): the peer goes to the PeerManager as errored.
   */
  public void reportError(NodeId peer, String detail) {
    router.checkLoop();
    router.report(peer, new PeerError(id(), PeerError.Kind.INVALID_MESSAGE, detail));
  }

  /** Decodes and delivers one message; on the loop, for a routed peer that has not errored. */
  void deliver(NodeId peer, byte[] bytes) {
    stats.received.increment();
    M message;
    try {
      message = spec.codec().decode(bytes);
    } catch (MalformedMessageException e) {
      if (!inbox.malformed(peer, e.getMessage())) {
        router.report(peer, new PeerError(id(), PeerError.Kind.MALFORMED_MESSAGE, e.getMessage()));
      }
      return;
    }
    try {
      inbox.receive(peer, message);
    } catch (PeerMisbehavior e) {
      router.report(peer, new PeerError(id(), PeerError.Kind.INVALID_MESSAGE, e.getMessage()));
    }
  }
}
