package dev.cairn.shell.cli;

import dev.cairn.core.NodeId;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.mconn.StandardChannels;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.PeerListener;
import dev.cairn.shell.node.PeerPipeline;
import dev.cairn.shell.node.PeerSession;
import dev.cairn.shell.node.PexMessages;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.NodeInfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A test peer that sends {@code n} PexRequests at once and records whether it was cut off. */
final class RepeatedPexRequests {
  private final String target;
  private final String network;
  private final int n;
  private volatile boolean closedByPeer;

  RepeatedPexRequests(String target, String network, int n) {
    this.target = target;
    this.network = network;
    this.n = n;
  }

  boolean closedByPeer() {
    return closedByPeer;
  }

  void run() throws Exception {
    SecureRandom random = new SecureRandom();
    NodeKey key = NodeKey.generate(random);
    NodeInfo info = new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), key.id().hex(), "127.0.0.1:1",
        network, "test", List.of(0), "abuser", new NodeInfo.Other("", ""));
    PeerPipeline.Settings s = new PeerPipeline.Settings(key, info, List.of(StandardChannels.PEX),
        MConnConfig.defaults(), Duration.ofSeconds(3), Duration.ofSeconds(3), HostResolver.none(), random);
    String[] hostPort = target.substring(41).split(":");
    CountDownLatch closed = new CountDownLatch(1);
    EventLoopGroup g = EventLoops.newGroup(1);
    try {
      new Bootstrap().group(g).channel(EventLoops.socketChannel())
          .handler(PeerPipeline.initializer(s, NodeId.of(target.substring(0, 40)), new PeerListener() {
            @Override
            public void onPeerReady(PeerSession session) {
              for (int i = 0; i < n; i++) {
                session.send(PexMessages.CHANNEL, PexMessages.encodeRequest());
              }
            }

            @Override
            public void onMessage(PeerSession session, int channelId, byte[] message) {}

            @Override
            public void onPeerClosed(Channel channel, PeerSession session, Throwable cause) {
              closedByPeer = session != null;
              closed.countDown();
            }
          }))
          .connect(hostPort[0], Integer.parseInt(hostPort[1])).sync();
      closed.await(10, TimeUnit.SECONDS);
    } finally {
      g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
