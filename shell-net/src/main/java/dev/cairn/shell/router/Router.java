package dev.cairn.shell.router;

import dev.cairn.core.NodeId;
import dev.cairn.shell.mconn.ChannelDescriptor;
import dev.cairn.shell.mconn.MConnException;
import dev.cairn.shell.mconn.MConnection;
import dev.cairn.shell.metrics.NodeMetrics;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes messages between peers and reactors (DESIGN.md §5). Reactors open typed channels when
 * the router is built; the node advertises exactly those channels in its NodeInfo and gives
 * their descriptors to every peer's MConnection, in registration order.
 *
 * <p><b>Queues.</b> Sending goes straight into the peer's MConnection, whose per-channel send
 * queue (capacity from the descriptor) is the one bounded queue per peer and channel; the
 * MConnection drains the channels by priority (least recently sent bytes over priority, as Go),
 * so a flood on a low-priority channel does not starve a higher one. What a full queue does is
 * declared per channel ({@link ChannelSpec.Overflow}) and every dropped message is counted.
 * Receiving has no queue: whole messages are decoded and handed to the inbox as the MConnection
 * reassembles them, and the MConnection's receive rate limit pauses reading when a peer sends
 * too fast.
 *
 * <p><b>Peer errors.</b> Bytes that do not decode, a message the reactor refuses, a message on a
 * channel nobody registered or larger than the channel allows, and packet-level violations the
 * MConnection finds ({@link #connectionFailed}) are {@link PeerError}s: the router stops
 * delivering from the peer, counts the error and tells the {@link PeerErrorSink} once, which
 * reports the peer to the PeerManager; the PeerManager decides the disconnect.
 *
 * <p>Everything runs on the node's event loop; only {@link #execute} and the statistics may be
 * used from other threads.
 */
public final class Router {

  private static final Logger log = LoggerFactory.getLogger(Router.class);

  /** Where reactors open their channels, during {@link Reactor#register} only. */
  public interface Registrar {
    <M> RouterChannel<M> open(ChannelSpec<M> spec, Inbox<M> inbox);
  }

  /** Hears of each peer error once per connection (on the loop); the node reports it to the PeerManager. */
  @FunctionalInterface
  public interface PeerErrorSink {
    void peerErrored(NodeId peer, PeerError error);
  }

  /** A routed peer. */
  static final class Routed {
    final PeerLink link;
    boolean errored;

    Routed(PeerLink link) {
      this.link = link;
    }
  }

  private final EventExecutor loop;
  private final NodeMetrics metrics;
  private final PeerErrorSink errorSink;
  private final List<Reactor> reactors;
  private final RouterChannel<?>[] byId = new RouterChannel<?>[256];
  private final List<RouterChannel<?>> channels = new ArrayList<>();
  /** Insertion-ordered, so broadcasts go out in a defined order; bounded by the PeerManager's limits. */
  private final Map<NodeId, Routed> peers = new LinkedHashMap<>();
  private final EnumMap<PeerError.Kind, LongAdder> errorCounts = new EnumMap<>(PeerError.Kind.class);
  private volatile PeerError lastError;
  private boolean registering = true;

  /**
   * Builds the router and registers {@code reactors}, in order.
   *
   * @throws IllegalArgumentException if two channels share an ID or no channel is opened
   */
  public Router(List<Reactor> reactors, EventExecutor loop, NodeMetrics metrics, PeerErrorSink errorSink) {
    this.reactors = List.copyOf(reactors);
    this.loop = Objects.requireNonNull(loop, "loop");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.errorSink = Objects.requireNonNull(errorSink, "errorSink");
    for (PeerError.Kind k : PeerError.Kind.values()) {
      errorCounts.put(k, new LongAdder());
    }
    Registrar registrar = new Registrar() {
      @Override
      public <M> RouterChannel<M> open(ChannelSpec<M> spec, Inbox<M> inbox) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(inbox, "inbox");
        if (!registering) {
          throw new IllegalStateException("channels are opened during Reactor.register only");
        }
        if (byId[spec.id()] != null) {
          throw new IllegalArgumentException(String.format("channel 0x%02x is opened twice", spec.id()));
        }
        RouterChannel<M> ch = new RouterChannel<>(Router.this, spec, inbox);
        byId[spec.id()] = ch;
        channels.add(ch);
        return ch;
      }
    };
    for (Reactor r : this.reactors) {
      r.register(registrar);
    }
    registering = false;
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("no reactor opened a channel");
    }
  }

  /** The descriptors of all channels, in registration order (the MConnection's tie-break order). */
  public List<ChannelDescriptor> descriptors() {
    return channels.stream().map(c -> c.spec().descriptor()).toList();
  }

  /** The IDs to advertise in NodeInfo: exactly the registered channels, in registration order. */
  public List<Integer> channelIds() {
    return channels.stream().map(RouterChannel::id).toList();
  }

  /** The channel with this ID, or null. */
  public RouterChannel<?> channel(int channelId) {
    return channelId >= 0 && channelId < 256 ? byId[channelId] : null;
  }

  /** Counters of a registered channel. */
  public ChannelStats stats(int channelId) {
    RouterChannel<?> ch = channel(channelId);
    if (ch == null) {
      throw new IllegalArgumentException(String.format("no channel 0x%02x", channelId));
    }
    return ch.stats();
  }

  /** Peer errors of one kind, over all peers and channels. */
  public long errors(PeerError.Kind kind) {
    return errorCounts.get(kind).sum();
  }

  /** The latest peer error, for diagnostics; null if none. */
  public PeerError lastError() {
    return lastError;
  }

  /** Runs {@code task} on the router's loop (how a reactor's own executor hands results back). */
  public void execute(Runnable task) {
    loop.execute(task);
  }

  // ------------------------------------------------------------------ peers

  /** Starts routing a peer the PeerManager admitted; reactors hear of it in registration order. */
  public void addPeer(PeerLink link) {
    checkLoop();
    NodeId id = link.remoteId();
    if (peers.putIfAbsent(id, new Routed(link)) != null) {
      throw new IllegalStateException(id + " is routed already");
    }
    for (Reactor r : reactors) {
      r.peerAdded(id);
    }
  }

  /** Stops routing a peer whose connection closed. */
  public void removePeer(NodeId id) {
    checkLoop();
    if (peers.remove(id) != null) {
      for (Reactor r : reactors) {
        r.peerRemoved(id);
      }
    }
  }

  public boolean isRouted(NodeId id) {
    return peers.containsKey(id);
  }

  /** Closes a routed peer's connection now. Returns whether there was one. */
  public boolean close(NodeId id) {
    checkLoop();
    Routed r = peers.get(id);
    if (r != null) {
      r.link.close();
    }
    return r != null;
  }

  /** Closes a routed peer's connection once its queues are flushed, or after {@code maxWait}. */
  public boolean closeAfterFlush(NodeId id, Duration maxWait) {
    checkLoop();
    Routed r = peers.get(id);
    if (r != null) {
      r.link.closeAfterFlush(maxWait);
    }
    return r != null;
  }

  // ------------------------------------------------------------------ receiving

  /**
   * One whole message from a routed peer (from its MConnection). Returns whether it went to a
   * channel; messages of an unrouted or errored peer are ignored.
   */
  public boolean receive(NodeId from, int channelId, byte[] bytes) {
    checkLoop();
    Routed r = peers.get(from);
    if (r == null || r.errored) {
      return false;
    }
    RouterChannel<?> ch = channel(channelId);
    if (ch == null) {
      report(from, new PeerError(channelId >= 0 && channelId < 256 ? channelId : PeerError.NO_CHANNEL,
          PeerError.Kind.UNKNOWN_CHANNEL, "no reactor registered channel " + channelId));
      return false;
    }
    ChannelDescriptor d = ch.spec().descriptor();
    metrics.messageReceived(from, channelId, ch.spec().codec().typeNameOf(bytes), bytes.length);
    if (bytes.length > d.recvMessageCapacity()) {
      report(from, new PeerError(channelId, PeerError.Kind.MESSAGE_TOO_LARGE,
          bytes.length + " bytes, more than the channel's " + d.recvMessageCapacity()));
      return false;
    }
    ch.deliver(from, bytes);
    return true;
  }

  /**
   * The connection of a routed peer failed. A protocol violation found by the MConnection
   * (unknown channel, a message over the channel's capacity, a bad packet) or by the
   * SecretConnection beneath it (a frame that fails authentication or announces more than 1024
   * data bytes: CometBFT stops the peer for error on either) is a peer error like those the
   * router finds itself; liveness failures (pong timeout) and plain closes are not. Returns
   * whether it was reported as a peer error. Call before {@link #removePeer}.
   */
  public boolean connectionFailed(NodeId id, Throwable cause) {
    checkLoop();
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof dev.cairn.shell.secret.SecretConnectionException s) {
        return switch (s.reason()) {
          case BAD_FRAME_TAG, FRAME_LENGTH_TOO_LARGE ->
              report(id, new PeerError(PeerError.NO_CHANNEL, PeerError.Kind.PROTOCOL_VIOLATION, s.getMessage()));
          default -> false;
        };
      }
      if (t instanceof MConnException) {
        break;
      }
    }
    Throwable m = cause;
    while (m != null && !(m instanceof MConnException) && m.getCause() != m) {
      m = m.getCause();
    }
    if (!(m instanceof MConnException e)) {
      return false;
    }
    PeerError.Kind kind = switch (e.reason()) {
      case UNKNOWN_CHANNEL -> PeerError.Kind.UNKNOWN_CHANNEL;
      case MESSAGE_TOO_LARGE -> PeerError.Kind.MESSAGE_TOO_LARGE;
      case OVERSIZED_PACKET, MALFORMED_PACKET, EMPTY_PACKET -> PeerError.Kind.PROTOCOL_VIOLATION;
      case PONG_TIMEOUT, CLOSED -> null;
    };
    if (kind == null) {
      return false;
    }
    return report(id, new PeerError(PeerError.NO_CHANNEL, kind, e.getMessage()));
  }

  /** Records a peer error and tells the sink, once per peer; returns whether it was reported. */
  boolean report(NodeId peer, PeerError error) {
    Routed r = peers.get(peer);
    if (r == null || r.errored) {
      return false;
    }
    r.errored = true;
    errorCounts.get(error.kind()).increment();
    if (error.channelId() != PeerError.NO_CHANNEL && byId[error.channelId()] != null) {
      byId[error.channelId()].stats().errors.increment();
    }
    lastError = error;
    metrics.peerErrored(error.channelId(), error.kind().label());
    log.debug("event=peer_error peer={} error=\"{}\"", peer, error);
    errorSink.peerErrored(peer, error);
    return true;
  }

  // ------------------------------------------------------------------ sending

  Routed routed(NodeId id) {
    Routed r = peers.get(id);
    return r == null || r.errored ? null : r;
  }

  Collection<Routed> routedPeers() {
    return peers.values().stream().filter(r -> !r.errored).toList();
  }

  SendResult send(Routed r, RouterChannel<?> ch, byte[] bytes) {
    NodeId peer = r.link.remoteId();
    Future<MConnection.Offer> f = ch.spec().overflow() == ChannelSpec.Overflow.DROP
        ? r.link.trySend(ch.id(), bytes)
        : r.link.send(ch.id(), bytes);
    String type = ch.spec().codec().typeNameOf(bytes);
    if (f.isDone()) {
      return counted(peer, ch, type, bytes.length, f.getNow());
    }
    f.addListener(done -> counted(peer, ch, type, bytes.length, f.getNow()));
    return SendResult.WAITING;
  }

  private SendResult counted(NodeId peer, RouterChannel<?> ch, String type, int length, MConnection.Offer offer) {
    return switch (offer == null ? MConnection.Offer.CLOSED : offer) {
      case QUEUED -> {
        ch.stats().sent.increment();
        metrics.messageSent(peer, ch.id(), type, length);
        yield SendResult.QUEUED;
      }
      case QUEUE_FULL -> {
        ch.stats().dropped.increment();
        metrics.messageDropped(ch.id(), "queue_full");
        log.debug("event=send_dropped peer={} channel={} reason=queue_full", peer, ch.id());
        yield SendResult.DROPPED;
      }
      case NOT_ADVERTISED -> {
        ch.stats().notAdvertised.increment();
        yield SendResult.NOT_ADVERTISED;
      }
      case UNKNOWN_CHANNEL, CLOSED -> SendResult.NO_PEER;
    };
  }

  void checkLoop() {
    if (!loop.inEventLoop()) {
      throw new IllegalStateException("the router is used on its event loop only (see Reactor)");
    }
  }
}
