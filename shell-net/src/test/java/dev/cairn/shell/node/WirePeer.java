package dev.cairn.shell.node;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.mconn.StandardChannels;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.NodeInfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A scripted remote peer for node tests: a real SecretConnection + NodeInfo + MConnection
 * pipeline with its own key, whose reactions to "ready" and to PEX messages the test chooses
 * (e.g. send an unsolicited PexAddrs, or answer a PexRequest with chosen addresses).
 */
final class WirePeer {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final NodeKey key;
  private final PeerPipeline.Settings settings;

  /** @param listenAddr what the peer claims in NodeInfo.listen_addr ("IP:PORT") */
  WirePeer(NodeKey key, String network, String listenAddr, Duration handshakeTimeout) {
    this(key, network, listenAddr, handshakeTimeout, MConnConfig.defaults());
  }

  WirePeer(NodeKey key, String network, String listenAddr, Duration handshakeTimeout, MConnConfig mconn) {
    this(key, network, listenAddr, handshakeTimeout, mconn, StandardChannels.PEX);
  }

  /** With its own PEX channel descriptor (a send queue long enough to flood, say). */
  WirePeer(NodeKey key, String network, String listenAddr, Duration handshakeTimeout, MConnConfig mconn,
      dev.cairn.shell.mconn.ChannelDescriptor pex) {
    this.key = key;
    NodeInfo info = new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), key.id().hex(), listenAddr, network,
        "test", List.of(pex.id()), "wire-peer", new NodeInfo.Other("", ""));
    this.settings = new PeerPipeline.Settings(key, info, List.of(pex), mconn,
        handshakeTimeout, handshakeTimeout, HostResolver.none(), RANDOM);
  }

  static WirePeer fresh(String network, String listenAddr) {
    return new WirePeer(NodeKey.generate(RANDOM), network, listenAddr, Duration.ofSeconds(3));
  }

  NodeId id() {
    return key.id();
  }

  NodeKey key() {
    return key;
  }

  /** One connection of this peer and what happened on it. */
  static final class Conn implements PeerListener {
    final CompletableFuture<PeerSession> ready = new CompletableFuture<>();
    /** Completes with whether the connection had finished its handshakes when it closed. */
    final CompletableFuture<Boolean> closed = new CompletableFuture<>();
    final BlockingQueue<PexMessages.Pex> received = new LinkedBlockingQueue<>();
    private final Consumer<PeerSession> onReady;
    private final BiConsumer<PeerSession, PexMessages.Pex> onPex;

    Conn(Consumer<PeerSession> onReady, BiConsumer<PeerSession, PexMessages.Pex> onPex) {
      this.onReady = onReady;
      this.onPex = onPex;
    }

    @Override
    public void onPeerReady(PeerSession session) {
      ready.complete(session);
      onReady.accept(session);
    }

    @Override
    public void onMessage(PeerSession session, int channelId, byte[] message) {
      if (channelId != PexMessages.CHANNEL) {
        return;
      }
      try {
        PexMessages.Pex pex = PexMessages.decode(message);
        received.add(pex);
        onPex.accept(session, pex);
      } catch (PexMessages.PexProtocolException e) {
        session.close();
      }
    }

    @Override
    public void onPeerClosed(Channel channel, PeerSession session, Throwable cause) {
      ready.completeExceptionally(new IllegalStateException("closed before ready: " + cause));
      closed.complete(session != null);
    }
  }

  /** Dials {@code target} from this peer. */
  Conn dial(EventLoopGroup group, NodeAddress target, Consumer<PeerSession> onReady,
      BiConsumer<PeerSession, PexMessages.Pex> onPex) {
    return dialFrom(group, null, target, onReady, onPex);
  }

  /**
   * Dials {@code target} from this peer, from the local IP {@code localIp} (null: the system's
   * choice): on loopback, 127.1.0.1 is another /16 group than 127.0.0.1.
   */
  Conn dialFrom(EventLoopGroup group, String localIp, NodeAddress target, Consumer<PeerSession> onReady,
      BiConsumer<PeerSession, PexMessages.Pex> onPex) {
    Conn conn = new Conn(onReady, onPex);
    InetSocketAddress remote = new InetSocketAddress(target.ip(), target.port());
    new Bootstrap().group(group).channel(EventLoops.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
        .handler(PeerPipeline.initializer(settings, target.id(), conn))
        .connect(remote, localIp == null ? null : new InetSocketAddress(localIp, 0))
        .addListener(f -> {
          if (!f.isSuccess()) {
            conn.ready.completeExceptionally(f.cause());
            conn.closed.complete(false);
          }
        });
    return conn;
  }

  /** Accepts connections on 127.0.0.1:{@code port} (0 = any); each gets a listener from {@code perConnection}. */
  Channel listen(EventLoopGroup group, int port, java.util.function.Supplier<Conn> perConnection)
      throws InterruptedException {
    return new ServerBootstrap().group(group).channel(EventLoops.serverChannel())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            PeerPipeline.install(ch.pipeline(), settings, null, perConnection.get());
          }
        })
        .bind("127.0.0.1", port).sync().channel();
  }

  static int port(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }
}
