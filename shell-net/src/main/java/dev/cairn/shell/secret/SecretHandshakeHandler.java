package dev.cairn.shell.secret;

import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.secret.SecretConnectionException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Netty adapter for {@link SecretHandshake}: writes the ephemeral key as soon as the channel is
 * active, feeds inbound bytes to the handshake, and on success replaces itself with a
 * {@link SecretFrameCodec} and fires {@link SecretConnectionEstablished}. On failure (bad input,
 * peer closed, timeout) it fires the {@link SecretConnectionException} once and closes the
 * channel. One instance per channel.
 */
public final class SecretHandshakeHandler extends ChannelDuplexHandler {

  /** CometBFT's hard-coded {@code defaultHandshakeTimeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
  /** Pipeline name of the codec that replaces this handler. */
  public static final String CODEC_NAME = "secret-frame-codec";

  private final NodeKey localKey;
  private final SecureRandom random;
  private final Duration timeout;
  private SecretHandshake handshake;
  private ScheduledFuture<?> timer;
  private boolean finished;

  public SecretHandshakeHandler(NodeKey localKey, SecureRandom random) {
    this(localKey, random, DEFAULT_TIMEOUT);
  }

  public SecretHandshakeHandler(NodeKey localKey, SecureRandom random, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be positive, got " + timeout);
    }
    this.localKey = localKey;
    this.random = random;
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (handshake != null) {
      return;
    }
    handshake = new SecretHandshake(localKey, random);
    timer = ctx.executor().schedule(() -> fail(ctx, new SecretConnectionException(Reason.HANDSHAKE_TIMEOUT,
        "SecretConnection handshake not finished within " + timeout.toMillis() + " ms (state "
            + handshake.state() + ")")), timeout.toNanos(), TimeUnit.NANOSECONDS);
    flushOutbound(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (finished || handshake == null) {
        return;
      }
      byte[] bytes = ByteBufUtil.getBytes(buf);
      int used = handshake.receive(bytes, 0, bytes.length);
      flushOutbound(ctx);
      if (handshake.isDone()) {
        complete(ctx, bytes, used);
      }
    } catch (SecretConnectionException e) {
      fail(ctx, e);
    } finally {
      buf.release();
    }
  }

  private void complete(ChannelHandlerContext ctx, byte[] bytes, int used) {
    finished = true;
    timer.cancel(false);
    HandshakeResult r = handshake.result();
    ChannelPipeline p = ctx.pipeline();
    SecretFrameCodec codec = new SecretFrameCodec(r.sealer(), r.opener());
    p.addAfter(ctx.name(), CODEC_NAME, codec);
    ChannelHandlerContext codecCtx = p.context(codec);
    // Leave the pipeline before anyone hears of the established connection: handlers that answer
    // the event (the NodeInfo exchange) write at once, and those writes must reach the codec and
    // the socket, not this handler's pre-handshake write guard. A removed context still forwards.
    p.remove(this);
    ctx.fireUserEventTriggered(new SecretConnectionEstablished(r.remoteId(), r.remotePubKey()));
    byte[] plain = r.leftoverPlaintext();
    if (plain.length > 0) {
      codecCtx.fireChannelRead(Unpooled.wrappedBuffer(plain));
    }
    if (used < bytes.length) {
      ctx.fireChannelRead(Unpooled.wrappedBuffer(bytes, used, bytes.length - used));
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    io.netty.util.ReferenceCountUtil.release(msg);
    promise.setFailure(new IllegalStateException("cannot write before the SecretConnection handshake completes"));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!finished && handshake != null) {
      fail(ctx, handshake.closedByPeer());
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void flushOutbound(ChannelHandlerContext ctx) {
    byte[] out = handshake.takeOutbound();
    if (out.length > 0) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(out)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }
  }

  private void fail(ChannelHandlerContext ctx, SecretConnectionException e) {
    if (finished) {
      return;
    }
    finished = true;
    if (timer != null) {
      timer.cancel(false);
    }
    ctx.fireExceptionCaught(e);
    ctx.close();
  }
}
