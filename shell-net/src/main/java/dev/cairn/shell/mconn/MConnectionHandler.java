package dev.cairn.shell.mconn;

import dev.cairn.core.MonoTime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives an {@link MConnection} on a channel carrying the decrypted stream (or a plaintext one in
 * tests). Everything runs on the channel's event loop: inbound bytes go to the core, whole
 * messages go to the {@link MessageListener}, transmits are written and flushed while the channel
 * is writable, and one timer is kept at the core's next deadline. The receive rate limit turns
 * auto-read off until the core allows reading again. Any {@link MConnException} closes the
 * channel and is passed down the pipeline with {@code fireExceptionCaught}.
 */
public final class MConnectionHandler extends ChannelDuplexHandler {

  /** How long {@link #send} waits for room in a full queue ({@code defaultSendTimeout}). */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(10);

  /** Sends that may wait for queue room at once, over all channels. */
  public static final int MAX_WAITING_SENDS = 1024;

  /** Receives each message reassembled on a channel, on the event loop. */
  @FunctionalInterface
  public interface MessageListener {
    void onMessage(int channelId, byte[] message);
  }

  private final MConnConfig config;
  private final List<ChannelDescriptor> channels;
  private final List<Integer> peerChannels;
  private final MessageListener listener;
  private final Duration sendTimeout;
  private final ArrayDeque<WaitingSend> waiting = new ArrayDeque<>();

  private ChannelHandlerContext ctx;
  private MConnection core;
  private ScheduledFuture<?> timer;
  private long timerAt = Long.MAX_VALUE;
  private boolean readPaused;
  private MConnException failure;

  public MConnectionHandler(MConnConfig config, List<ChannelDescriptor> channels,
      Collection<Integer> peerChannels, MessageListener listener) {
    this(config, channels, peerChannels, listener, DEFAULT_SEND_TIMEOUT);
  }

  public MConnectionHandler(MConnConfig config, List<ChannelDescriptor> channels,
      Collection<Integer> peerChannels, MessageListener listener, Duration sendTimeout) {
    this.config = config;
    this.channels = List.copyOf(channels);
    this.peerChannels = List.copyOf(peerChannels);
    this.listener = listener;
    this.sendTimeout = sendTimeout;
  }

  private MonoTime now() {
    return new MonoTime(ctx.executor().ticker().nanoTime());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start();
    super.channelActive(ctx);
  }

  private void start() {
    if (core == null) {
      core = new MConnection(config, channels, peerChannels, now());
      pump();
    }
  }

  /** The error that closed the connection, or {@code null}. */
  public MConnException failure() {
    return failure;
  }

  /**
   * Whether anything is still to be written: messages queued or waiting for queue room, or
   * packets held back by the flush throttle (on the event loop).
   */
  public boolean hasPendingSends() {
    return core != null && (core.hasPendingSends() || core.hasUnflushed() || !waiting.isEmpty());
  }

  /** Messages queued to send, on every channel, and those waiting for room in a queue (on the event loop). */
  public int queuedMessages() {
    return (core == null ? 0 : core.queuedTotal()) + waiting.size();
  }

  /** Writes and flushes what is packed now, without waiting for the flush throttle (on the event loop). */
  public void flushNow() {
    if (core != null) {
      core.requestFlush();
      pump();
    }
  }

  /** Bytes counted by the core's monitors (on the event loop). */
  public long bytesSent() {
    return core == null ? 0 : core.bytesSent();
  }

  /**
   * Queues a message if its channel's queue has room right now. Callable from any thread; the
   * future completes on the event loop with the outcome.
   */
  public Future<MConnection.Offer> trySend(int channelId, byte[] message) {
    EventExecutor loop = ctx.executor();
    Promise<MConnection.Offer> p = loop.newPromise();
    if (loop.inEventLoop()) {
      p.setSuccess(offer(channelId, message));
    } else {
      loop.execute(() -> p.setSuccess(offer(channelId, message)));
    }
    return p;
  }

  /**
   * Queues a message, waiting up to the send timeout for room as Go's {@code Send} does, but
   * without blocking the event loop: the future completes with {@code QUEUED}, or
   * {@code QUEUE_FULL} when the time is up (or too many sends already wait).
   */
  public Future<MConnection.Offer> send(int channelId, byte[] message) {
    EventExecutor loop = ctx.executor();
    Promise<MConnection.Offer> p = loop.newPromise();
    Runnable r = () -> {
      MConnection.Offer o = waiting.isEmpty() ? offer(channelId, message) : MConnection.Offer.QUEUE_FULL;
      if (o != MConnection.Offer.QUEUE_FULL || waiting.size() >= MAX_WAITING_SENDS) {
        p.setSuccess(o);
        return;
      }
      WaitingSend w = new WaitingSend(channelId, message, p);
      waiting.add(w);
      w.expiry = loop.schedule(() -> {
        if (waiting.remove(w)) {
          p.trySuccess(MConnection.Offer.QUEUE_FULL);
        }
      }, sendTimeout.toNanos(), TimeUnit.NANOSECONDS);
    };
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
    return p;
  }

  private MConnection.Offer offer(int channelId, byte[] message) {
    if (core == null) {
      return MConnection.Offer.CLOSED;
    }
    MConnection.Offer o = core.send(channelId, message);
    if (o == MConnection.Offer.QUEUED) {
      pump();
    }
    return o;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (core == null || failure != null) {
        return;
      }
      MonoTime now = now();
      if (buf.hasArray()) {
        core.receive(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes(), now);
      } else {
        byte[] copy = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), copy);
        core.receive(copy, 0, copy.length, now);
      }
      for (MConnection.ReceivedMessage m = core.pollMessage(); m != null; m = core.pollMessage()) {
        listener.onMessage(m.channelId(), m.message());
      }
      MonoTime resume = core.readResumeAt(now);
      if (resume.isAfter(now) && !readPaused) {
        readPaused = true;
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(this::resumeReading, resume.nanosSince(now), TimeUnit.NANOSECONDS);
      }
      pump();
    } catch (MConnException e) {
      fail(e);
    } finally {
      buf.release();
    }
  }

  private void resumeReading() {
    readPaused = false;
    if (failure == null && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
      ctx.read();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      pump();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    shutdown();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    shutdown();
  }

  private void shutdown() {
    if (core != null) {
      core.close();
    }
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    for (WaitingSend w : waiting) {
      w.promise.trySuccess(MConnection.Offer.CLOSED);
      if (w.expiry != null) {
        w.expiry.cancel(false);
      }
    }
    waiting.clear();
  }

  private void onTimer() {
    timer = null;
    timerAt = Long.MAX_VALUE;
    if (core == null || failure != null) {
      return;
    }
    try {
      core.handleTimeout(now());
      pump();
    } catch (MConnException e) {
      fail(e);
    }
  }

  /** Moves waiting sends into free queue room, writes what the core wants flushed, re-arms the timer. */
  private void pump() {
    if (failure != null || core == null) {
      return;
    }
    try {
      MonoTime now = now();
      boolean wrote = false;
      while (true) {
        admitWaiting();
        if (!ctx.channel().isWritable()) {
          break;
        }
        MConnection.Transmit tx = core.pollTransmit(now);
        if (tx == null) {
          break;
        }
        ctx.write(Unpooled.wrappedBuffer(tx.bytes(), 0, tx.length()));
        wrote = true;
      }
      if (wrote) {
        ctx.flush();
      }
      // while the transport is full only keepalive needs a timer; writability brings us back
      arm(ctx.channel().isWritable() ? core.nextDeadline(now) : core.keepaliveDeadline(), now);
    } catch (MConnException e) {
      fail(e);
    }
  }

  private void admitWaiting() {
    while (!waiting.isEmpty() && core.canQueue(waiting.peek().channelId)) {
      WaitingSend w = waiting.poll();
      w.expiry.cancel(false);
      w.promise.trySuccess(core.send(w.channelId, w.message));
    }
  }

  private void arm(MonoTime deadline, MonoTime now) {
    long at = deadline.nanos();
    if (timer != null && timerAt <= at) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = at;
    // a deadline that is already due still goes through the loop, so pump never recurses
    timer = ctx.executor().schedule(this::onTimer, Math.max(0, at - now.nanos()), TimeUnit.NANOSECONDS);
  }

  private void fail(MConnException e) {
    if (failure != null) {
      return;
    }
    failure = e;
    shutdown();
    ctx.fireExceptionCaught(e);
    ctx.close();
  }

  private static final class WaitingSend {
    final int channelId;
    final byte[] message;
    final Promise<MConnection.Offer> promise;
    ScheduledFuture<?> expiry;

    WaitingSend(int channelId, byte[] message, Promise<MConnection.Offer> promise) {
      this.channelId = channelId;
      this.message = message;
      this.promise = promise;
    }
  }
}
