package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.shell.config.MetricsConfig;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.metrics.NodeMetrics;
import dev.cairn.shell.metrics.NodeMetricsTest;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two connections of one peer at once: which one the node keeps, and that the peer never ends
 * with none (the node closing one and the core refusing the other as a duplicate).
 */
class DuplicateConnectionTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A peer whose ID sorts below {@code node}'s ({@code lower}) or above it. */
  private static WirePeer peerSorting(Node node, boolean lower, String listenAddr) {
    while (true) {
      NodeKey key = NodeKey.generate(RANDOM);
      if (key.id().compareTo(node.id()) < 0 == lower) {
        return new WirePeer(key, TestNodes.NETWORK, listenAddr, Duration.ofSeconds(3));
      }
    }
  }

  /**
   * A connected peer dials again (it restarted, and the node still holds its old connection): the
   * established connection is kept and the new one refused, as CometBFT's switch does, whichever
   * ID sorts first; once the old one ends, the peer is admitted again.
   */
  @ParameterizedTest(name = "peer ID below the node's: {0}")
  @ValueSource(booleans = {true, false})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aConnectedPeerDialingAgainKeepsItsEstablishedConnection(boolean lower) throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(2);
    NodeMetrics metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "cometbft"));
    Node node = null;
    List<WirePeer.Conn> conns = new ArrayList<>();
    try {
      node = TestNodes.startMeasured("", 16, metrics, nodeGroup, true);
      Node a = node;
      WirePeer p = peerSorting(a, lower, "127.0.0.1:1");
      conns.add(p.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { }));
      conns.get(0).ready.get(5, TimeUnit.SECONDS);
      assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().contains(p.id())))
          .isTrue();

      conns.add(p.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { }));
      assertThat(conns.get(1).closed.get(10, TimeUnit.SECONDS)).as("the second closed after its handshake").isTrue();
      Thread.sleep(300); // what the node would do to the first, it has done by now
      assertThat(conns.get(0).closed).as("the established connection stays").isNotDone();
      assertThat(TestNodes.status(a).inbound()).containsExactly(p.id());
      assertThat(NodeMetricsTest.scrape(metrics)
          .value("cairn_inbound_refused_total{reason=\"duplicate_connection\"}")).isEqualTo(1.0);

      conns.get(0).ready.get().close();
      assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().isEmpty())).isTrue();
      conns.add(p.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { }));
      conns.get(2).ready.get(5, TimeUnit.SECONDS);
      assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().contains(p.id())))
          .as("admitted again once the old connection ended").isTrue();
    } finally {
      TestNodes.closeAll(conns, node, clients, nodeGroup);
      metrics.close();
    }
  }

  /**
   * A node (its ID drawn to sort above its peer's) whose persistent peer is a wire peer listening
   * on loopback; the connections the peer accepted from the node and those it dialed are closed
   * with the node.
   */
  private static final class LowerPersistentPeer implements AutoCloseable {
    final EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    final EventLoopGroup clients = EventLoops.newGroup(2);
    final List<WirePeer.Conn> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<WirePeer.Conn> dialed = new java.util.concurrent.CopyOnWriteArrayList<>();
    final WirePeer peer;
    final Channel server;
    final Node node;

    LowerPersistentPeer() throws Exception {
      NodeKey nodeKey = NodeKey.generate(RANDOM);
      NodeKey peerKey;
      do {
        peerKey = NodeKey.generate(RANDOM);
      } while (peerKey.id().compareTo(nodeKey.id()) >= 0);
      int peerPort = TestNodes.freePort();
      peer = new WirePeer(peerKey, TestNodes.NETWORK, "127.0.0.1:" + peerPort, Duration.ofSeconds(3));
      server = peer.listen(clients, peerPort, () -> {
        WirePeer.Conn c = new WirePeer.Conn(x -> { }, (x, pex) -> { });
        accepted.add(c);
        return c;
      });
      node = Node.start(TestNodes.settings(nodeKey, TestNodes.freePort(),
          "persistent_peers = \"" + peerKey.id().hex() + "@127.0.0.1:" + peerPort + "\"\n",
          TestNodes.emptyBook(), BookPersister.NONE, Duration.ofSeconds(3), 16), nodeGroup, null);
    }

    /** Waits until the node's dial of its peer is admitted. */
    void awaitOwnDial(String as) throws Exception {
      assertThat(TestNodes.eventually(Duration.ofSeconds(10), () -> TestNodes.status(node).outbound().contains(peer.id())))
          .as(as).isTrue();
    }

    /** The peer dials the node. */
    WirePeer.Conn dial() {
      WirePeer.Conn c = peer.dial(clients, node.listenAddress(), x -> { }, (x, pex) -> { });
      dialed.add(c);
      return c;
    }

    @Override
    public void close() throws Exception {
      server.close().sync();
      for (WirePeer.Conn c : accepted) {
        c.ready.thenAccept(x -> x.close());
      }
      TestNodes.closeAll(dialed, node, clients, nodeGroup);
    }
  }

  /**
   * The node is connected to a persistent peer it dialed, and that peer, whose ID sorts first,
   * dials the node too: by the simultaneous-dial rule both sides keep the peer's dial, so the node
   * closes its own connection and admits the inbound one, telling the core of it only after the
   * core has heard that its own connection ended. The peer ends connected, inbound.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theRivalsEndReachesTheCoreBeforeTheConnectionKeptInItsPlace() throws Exception {
    try (LowerPersistentPeer t = new LowerPersistentPeer()) {
      t.awaitOwnDial("the node dialed its persistent peer");
      WirePeer.Conn in = t.dial();
      in.ready.get(5, TimeUnit.SECONDS);
      assertThat(t.accepted.get(0).closed.get(5, TimeUnit.SECONDS)).as("the node closed its own dial").isTrue();
      assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(t.node).inbound()
          .contains(t.peer.id()))).as("the peer's dial is admitted in its place").isTrue();
      Thread.sleep(300);
      assertThat(in.closed).as("and stays").isNotDone();
      assertThat(TestNodes.status(t.node).outbound()).isEmpty();
    }
  }

  /**
   * The node is connected to a persistent peer it dialed, whose ID sorts first, and that peer
   * opens five connections at once: however their handshakes interleave with the close of the
   * node's own connection, exactly one connection of the peer stays open and the node counts the
   * peer connected once. (Two that finished together once both waited for the end of the node's
   * dial: one was then neither told to the core nor closed, and shut the peer out later.)
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void manyConnectionsOfAPeerAtOnceLeaveExactlyOne() throws Exception {
    try (LowerPersistentPeer t = new LowerPersistentPeer()) {
      for (int round = 0; round < 6; round++) {
        t.awaitOwnDial("round " + round + ": the node dialed its persistent peer");
        for (int i = 0; i < 5; i++) {
          t.dial();
        }
        Thread.sleep(1_500); // every handshake ended, every refusal and close done
        long open = java.util.stream.Stream.concat(t.accepted.stream(), t.dialed.stream())
            .filter(c -> c.ready.isDone() && !c.ready.isCompletedExceptionally() && !c.closed.isDone()).count();
        assertThat(open).as("round %d: connections of the peer left open", round).isEqualTo(1);
        var status = TestNodes.status(t.node);
        assertThat(java.util.stream.Stream.concat(status.inbound().stream(), status.outbound().stream()))
            .as("round %d", round).containsExactly(t.peer.id());
        List<WirePeer.Conn> old = java.util.stream.Stream.concat(t.accepted.stream(), t.dialed.stream()).toList();
        old.forEach(c -> c.ready.thenAccept(x -> x.close()));
        assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> old.stream().allMatch(c -> c.closed.isDone())))
            .as("round %d: all closed before the next", round).isTrue();
      }
    }
  }
}
