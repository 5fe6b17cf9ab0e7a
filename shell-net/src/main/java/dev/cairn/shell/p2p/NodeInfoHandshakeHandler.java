package dev.cairn.shell.p2p;

import dev.cairn.core.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the {@link NodeInfoExchange} on a decrypted (or, in tests, plaintext) stream. It starts
 * either when a user event names the authenticated peer (the SecretConnection's "established"
 * event, recognised by {@code authenticatedIdOf}) or, when built with a known peer ID, as soon as
 * the channel is active. On success it fires {@link PeerHandshakeCompleted}, passes on any bytes
 * that followed the NodeInfo and removes itself. On failure or timeout it fires the {@link
 * HandshakeException} and closes the channel. Started by an event, its deadline counts from the
 * connection's start (the channel active with this handler in its pipeline), so the SecretConnection and the NodeInfo
 * exchange share one deadline: a peer that stalls the first almost to its end and then the second
 * holds a handshake slot once, not twice (Go gives each its own 3 s). Started on a known peer, it
 * counts from the start.
 * Inbound bytes that arrive before the start are held back (at most 10240 + 10 of them).
 */
public final class NodeInfoHandshakeHandler extends ChannelInboundHandlerAdapter {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  private final NodeInfo ours;
  private final HostResolver resolver;
  private final Duration timeout;
  private final Function<Object, NodeId> authenticatedIdOf;
  private final NodeId knownPeer;

  private NodeInfoExchange exchange;
  private ByteBuf early;
  private ScheduledFuture<?> deadline;
  private boolean finished;
  private long addedNanos; // when the connection was up with the handler in its pipeline

  private NodeInfoHandshakeHandler(NodeInfo ours, HostResolver resolver, Duration timeout,
      Function<Object, NodeId> authenticatedIdOf, NodeId knownPeer) {
    this.ours = Objects.requireNonNull(ours, "ours");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.authenticatedIdOf = authenticatedIdOf;
    this.knownPeer = knownPeer;
  }

  /**
   * Starts on the user event for which {@code authenticatedIdOf} returns a non-null ID (e.g.
   * {@code ev -> ev instanceof SecretConnectionEstablished e ? e.remoteId() : null}).
   */
  public static NodeInfoHandshakeHandler afterEvent(NodeInfo ours, HostResolver resolver, Duration timeout,
      Function<Object, NodeId> authenticatedIdOf) {
    return new NodeInfoHandshakeHandler(ours, resolver, timeout, Objects.requireNonNull(authenticatedIdOf), null);
  }

  /** Starts when the channel is active, for a peer whose ID is already known (plaintext tests). */
  public static NodeInfoHandshakeHandler onActive(NodeInfo ours, HostResolver resolver, Duration timeout,
      NodeId peer) {
    return new NodeInfoHandshakeHandler(ours, resolver, timeout, null, Objects.requireNonNull(peer));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    addedNanos = ctx.executor().ticker().nanoTime();
    if (knownPeer != null && ctx.channel().isActive()) {
      start(ctx, knownPeer);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    addedNanos = ctx.executor().ticker().nanoTime(); // a dial's connect time is dial_timeout's, not the handshake's
    if (knownPeer != null) {
      start(ctx, knownPeer);
    }
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    NodeId id = authenticatedIdOf == null ? null : authenticatedIdOf.apply(evt);
    ctx.fireUserEventTriggered(evt);
    if (id != null) {
      start(ctx, id);
    }
  }

  private void start(ChannelHandlerContext ctx, NodeId peer) {
    if (exchange != null || finished) {
      return;
    }
    exchange = new NodeInfoExchange(ours, peer, resolver);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(exchange.outbound()));
    long left = knownPeer != null ? timeout.toNanos()
        : Math.max(0, timeout.toNanos() - (ctx.executor().ticker().nanoTime() - addedNanos));
    deadline = ctx.executor().schedule(() -> fail(ctx, new HandshakeException(HandshakeException.Reason.TIMEOUT,
        "no NodeInfo from peer within " + timeout.toMillis() + " ms"
            + (knownPeer != null ? "" : " of the connection's start (both handshakes share the deadline)"))),
        left, TimeUnit.NANOSECONDS);
    if (early != null) {
      ByteBuf held = early;
      early = null;
      consume(ctx, held);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (finished) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (exchange == null) {
      if (early == null) {
        early = ctx.alloc().buffer();
      }
      early.writeBytes(buf);
      buf.release();
      if (early.readableBytes() > NodeInfo.MAX_SIZE + 10) {
        fail(ctx, new HandshakeException(HandshakeException.Reason.OVERSIZED,
            early.readableBytes() + " bytes arrived before the handshake started"));
      }
      return;
    }
    consume(ctx, buf);
  }

  private void consume(ChannelHandlerContext ctx, ByteBuf buf) {
    NodeInfoExchange.Result result;
    try {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      result = exchange.receive(bytes, 0, bytes.length);
    } catch (HandshakeException e) {
      fail(ctx, e);
      return;
    } finally {
      buf.release();
    }
    if (result == null) {
      return;
    }
    finished = true;
    deadline.cancel(false);
    ctx.fireUserEventTriggered(new PeerHandshakeCompleted(result.remote()));
    byte[] rest = result.leftover();
    if (rest.length > 0) {
      ctx.fireChannelRead(Unpooled.wrappedBuffer(rest));
    }
    ctx.pipeline().remove(this);
  }

  private void fail(ChannelHandlerContext ctx, HandshakeException e) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadline != null) {
      deadline.cancel(false);
    }
    release();
    ctx.fireExceptionCaught(e);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!finished) {
      fail(ctx, new HandshakeException(HandshakeException.Reason.CONNECTION_CLOSED,
          "connection closed during the NodeInfo exchange (a peer that refuses the connection closes it here:"
              + " one already connected to us, as when two nodes dial each other at once and keep the other"
              + " connection, or one that expected another node or chain)"));
    }
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  private void release() {
    if (early != null) {
      early.release();
      early = null;
    }
  }
}
