package dev.cairn.shell.node;

import dev.cairn.core.NodeId;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.ChannelDescriptor;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.mconn.MConnectionHandler;
import dev.cairn.shell.p2p.HandshakeException;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.NodeInfo;
import dev.cairn.shell.p2p.NodeInfoHandshakeHandler;
import dev.cairn.shell.p2p.PeerHandshakeCompleted;
import dev.cairn.shell.secret.SecretConnectionEstablished;
import dev.cairn.shell.secret.SecretHandshakeHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Builds the per-connection pipeline of DESIGN.md §5: SecretConnection handshake (replaced by
 * the frame codec when done) → dialed-ID check (outbound) → NodeInfo exchange → MConnection →
 * the session handler that reports to a {@link PeerListener}. The same pipeline runs over TCP
 * and over Netty's in-memory {@code LocalChannel}.
 */
public final class PeerPipeline {

  /** What every connection of a node shares. */
  public record Settings(
      NodeKey key,
      NodeInfo ourInfo,
      List<ChannelDescriptor> channels,
      MConnConfig mconn,
      Duration secretHandshakeTimeout,
      Duration nodeInfoTimeout,
      HostResolver resolver,
      SecureRandom random) {

    public Settings {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(ourInfo, "ourInfo");
      channels = List.copyOf(channels);
      Objects.requireNonNull(mconn, "mconn");
      Objects.requireNonNull(secretHandshakeTimeout, "secretHandshakeTimeout");
      Objects.requireNonNull(nodeInfoTimeout, "nodeInfoTimeout");
      Objects.requireNonNull(resolver, "resolver");
      Objects.requireNonNull(random, "random");
    }
  }

  private PeerPipeline() {}

  /**
   * The initializer for one connection. {@code dialedId} is the ID we dialed (outbound; the
   * authenticated key must hash to it) or null for an inbound connection.
   */
  public static ChannelInitializer<Channel> initializer(Settings settings, NodeId dialedId, PeerListener listener) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(listener, "listener");
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        install(ch.pipeline(), settings, dialedId, listener);
      }
    };
  }

  /** Adds the handlers to a pipeline (also used directly by tests on embedded channels). */
  public static void install(ChannelPipeline p, Settings settings, NodeId dialedId, PeerListener listener) {
    p.addLast("secret", new SecretHandshakeHandler(settings.key(), settings.random(),
        settings.secretHandshakeTimeout()));
    if (dialedId != null) {
      p.addLast("dialed-id", new DialedIdCheck(dialedId));
    }
    p.addLast("node-info", NodeInfoHandshakeHandler.afterEvent(settings.ourInfo(), settings.resolver(),
        settings.nodeInfoTimeout(), ev -> ev instanceof SecretConnectionEstablished e ? e.remoteId() : null));
    p.addLast("session", new SessionHandler(settings, dialedId != null, listener));
  }

  /** Closes an outbound connection whose authenticated key does not hash to the ID we dialed. */
  static final class DialedIdCheck extends ChannelInboundHandlerAdapter {
    private final NodeId dialed;

    DialedIdCheck(NodeId dialed) {
      this.dialed = dialed;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SecretConnectionEstablished e) {
        ctx.pipeline().remove(this);
        if (!e.remoteId().equals(dialed)) {
          ctx.fireExceptionCaught(new HandshakeException(HandshakeException.Reason.ID_MISMATCH,
              "dialed " + dialed + " but the peer authenticated as " + e.remoteId()));
          ctx.close();
          return;
        }
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  /** Installs the MConnection when the NodeInfo exchange succeeds and reports to the listener. */
  static final class SessionHandler extends ChannelInboundHandlerAdapter {
    private final Settings settings;
    private final boolean outbound;
    private final PeerListener listener;
    private NodeId authenticated;
    private PeerSession session;
    private Throwable cause;

    SessionHandler(Settings settings, boolean outbound, PeerListener listener) {
      this.settings = settings;
      this.outbound = outbound;
      this.listener = listener;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SecretConnectionEstablished e) {
        authenticated = e.remoteId();
      } else if (evt instanceof PeerHandshakeCompleted done) {
        NodeInfo remote = done.remote();
        MConnectionHandler[] holder = new MConnectionHandler[1];
        holder[0] = new MConnectionHandler(settings.mconn(), settings.channels(), remote.channels(),
            (channelId, message) -> listener.onMessage(session, channelId, message));
        // Before this handler, so that bytes following the NodeInfo reach the MConnection.
        ctx.pipeline().addBefore(ctx.name(), "mconn", holder[0]);
        session = new PeerSession(ctx.channel(), authenticated, remote, outbound, holder[0]);
        listener.onPeerReady(session);
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
      if (cause == null) {
        cause = t;
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      listener.onPeerClosed(ctx.channel(), session, cause);
      super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      // Nothing should reach here: the MConnection consumes the stream. Drop and release.
      io.netty.util.ReferenceCountUtil.release(msg);
    }
  }
}
