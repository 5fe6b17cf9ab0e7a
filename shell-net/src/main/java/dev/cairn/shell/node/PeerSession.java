package dev.cairn.shell.node;

import dev.cairn.core.NodeId;
import dev.cairn.shell.mconn.MConnection;
import dev.cairn.shell.mconn.MConnectionHandler;
import dev.cairn.shell.p2p.NodeInfo;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;

/**
 * One authenticated, handshaken peer connection: the peer's verified ID and NodeInfo, and the
 * MConnection to send on. Created by {@link PeerPipeline} when both handshakes have succeeded.
 */
public final class PeerSession implements dev.cairn.shell.router.PeerLink {

  private final Channel channel;
  private final NodeId remoteId;
  private final NodeInfo remoteInfo;
  private final boolean outbound;
  private final MConnectionHandler mconn;

  PeerSession(Channel channel, NodeId remoteId, NodeInfo remoteInfo, boolean outbound, MConnectionHandler mconn) {
    this.channel = channel;
    this.remoteId = remoteId;
    this.remoteInfo = remoteInfo;
    this.outbound = outbound;
    this.mconn = mconn;
  }

  public NodeId remoteId() {
    return remoteId;
  }

  public NodeInfo remoteInfo() {
    return remoteInfo;
  }

  public boolean outbound() {
    return outbound;
  }

  public SocketAddress remoteAddress() {
    return channel.remoteAddress();
  }

  public Channel channel() {
    return channel;
  }

  /** Queues a message on a channel the peer advertised, waiting for queue room like Go's {@code Send}. */
  /** Messages queued to this peer, not yet sent (on the connection's event loop). */
  public int queuedMessages() {
    return mconn.queuedMessages();
  }

  public Future<MConnection.Offer> send(int channelId, byte[] message) {
    return mconn.send(channelId, message);
  }

  /** Queues a message if there is room now, like Go's {@code TrySend}. */
  public Future<MConnection.Offer> trySend(int channelId, byte[] message) {
    return mconn.trySend(channelId, message);
  }

  /** Closes the connection. */
  public void close() {
    channel.close();
  }

  /**
   * Closes the connection once everything queued has been written and flushed (Go's
   * {@code FlushStop}), or after {@code maxWait} at the latest.
   */
  public void closeAfterFlush(java.time.Duration maxWait) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    channel.eventLoop().execute(() -> closeWhenDrained(deadline));
  }

  private void closeWhenDrained(long deadline) {
    if (!channel.isActive()) {
      return;
    }
    mconn.flushNow();
    if (!mconn.hasPendingSends() || System.nanoTime() - deadline >= 0) {
      channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      return;
    }
    channel.eventLoop().schedule(() -> closeWhenDrained(deadline), 10, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public String toString() {
    return (outbound ? "out " : "in ") + remoteId + " " + channel.remoteAddress();
  }
}
