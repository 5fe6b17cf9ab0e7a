package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.shell.config.MetricsConfig;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.metrics.NodeMetrics;
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

/** How many inbound handshakes a node runs at once, and what a peer over its inbound limit sees. */
class HandshakeSlotsTest {

  @Test
  void slotsFollowTheListenerLimitAboveAFloor() {
    assertThat(Node.handshakeSlots(40, 0)).isEqualTo(40);
    assertThat(Node.handshakeSlots(40, 3)).isEqualTo(43);
    assertThat(Node.handshakeSlots(1, 0)).isEqualTo(Node.HANDSHAKE_SLOTS_MIN);
    assertThat(Node.handshakeSlots(0, 0)).isEqualTo(Node.HANDSHAKE_SLOTS_MIN);
  }

  /** {@link TestNodes#startMeasured} with duplicate IPs admitted. */
  private static Node startMeasured(String p2p, int slots, NodeMetrics metrics, EventLoopGroup group) throws Exception {
    return TestNodes.startMeasured(p2p, slots, metrics, group, true);
  }

  /**
   * With {@code allow_duplicate_ip = false} (CometBFT's default), a second inbound connection from
   * an IP already connected is closed before its handshake and counted; once the first is gone,
   * that IP is welcome again.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aSecondInboundConnectionFromOneIpIsRefusedWhenDuplicatesAreNotAllowed() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(2);
    NodeMetrics metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "cometbft"));
    Node node = null;
    List<WirePeer.Conn> conns = new ArrayList<>();
    try {
      node = TestNodes.startMeasured("", 4, metrics, nodeGroup, false);
      Node a = node;
      WirePeer first = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:27990");
      conns.add(first.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { }));
      conns.get(0).ready.get(5, TimeUnit.SECONDS);
      WirePeer second = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:27991");
      conns.add(second.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { }));
      assertThat(conns.get(1).closed.get(10, TimeUnit.SECONDS)).as("closed before its handshake").isFalse();
      assertThat(dev.cairn.shell.metrics.NodeMetricsTest.scrape(metrics)
          .value("cairn_inbound_refused_total{reason=\"duplicate_ip\"}")).isEqualTo(1.0);
      assertThat(conns.get(0).closed).as("the first stays").isNotDone();

      conns.get(0).ready.get().close();
      conns.get(0).closed.get(10, TimeUnit.SECONDS);
      assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().isEmpty())).isTrue();
      WirePeer third = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:27992");
      conns.add(third.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { }));
      conns.get(2).ready.get(5, TimeUnit.SECONDS); // throws if refused: the IP is welcome again
    } finally {
      TestNodes.closeAll(conns, node, clients, nodeGroup);
      metrics.close();
    }
  }

  /**
   * With {@code max_handshakes_per_group = 2}, a third connection from the same /16 (here
   * 127.0.0.0/16) while two of its handshakes are under way is closed before its handshake and
   * counted; a group's slot is given back when its handshake ends, whether the peer was admitted
   * or the connection closed.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void handshakesFromOneGroupAreLimitedAndTheirSlotsGivenBack() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(2);
    NodeMetrics metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "cometbft"));
    Node node = null;
    List<WirePeer.Conn> conns = new ArrayList<>();
    List<java.net.Socket> silent = new ArrayList<>();
    String refused = "cairn_inbound_refused_total{reason=\"too_many_handshakes_from_group\"}";
    try {
      node = TestNodes.startMeasured("", 16, metrics, nodeGroup, true, 2);
      Node a = node;
      holdTwoHandshakes(a, silent);
      WirePeer third = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:27993");
      conns.add(third.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { }));
      assertThat(conns.get(0).closed.get(10, TimeUnit.SECONDS)).as("closed before its handshake").isFalse();
      assertThat(dev.cairn.shell.metrics.NodeMetricsTest.scrape(metrics).value(refused)).isEqualTo(1.0);

      for (java.net.Socket s : silent) {
        s.close(); // the handshakes end: the group's slots come back
      }
      silent.clear();
      for (int i = 0; i < 3; i++) { // one at a time: each admitted peer gives its slot back
        WirePeer honest = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:" + (27994 + i));
        WirePeer.Conn c = honest.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { });
        conns.add(c);
        c.ready.get(10, TimeUnit.SECONDS); // throws if refused
      }
      assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().size() == 3)).isTrue();

      holdTwoHandshakes(a, silent);
      WirePeer last = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:27999");
      conns.add(last.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { }));
      assertThat(conns.get(4).closed.get(10, TimeUnit.SECONDS)).as("the limit holds again").isFalse();
      assertThat(dev.cairn.shell.metrics.NodeMetricsTest.scrape(metrics).value(refused)).isEqualTo(2.0);
      assertThat(dev.cairn.shell.metrics.NodeMetricsTest.scrape(metrics)
          .value("cairn_inbound_refused_total{reason=\"too_many_handshakes\"}")).as("the node's slots were not full")
          .isEqualTo(0.0);
    } finally {
      for (java.net.Socket s : silent) {
        s.close();
      }
      TestNodes.closeAll(conns, node, clients, nodeGroup);
      metrics.close();
    }
  }

  /**
   * Sixteen silent connections from 127.0.0.1 hold every one of a node's 16 handshake slots and
   * keep a peer of another network (127.1.0.1, another /16) out; with {@code
   * max_handshakes_per_group = 8} they hold eight, and that peer is admitted.
   */
  @ParameterizedTest(name = "max_handshakes_per_group = {0}")
  @ValueSource(ints = {Integer.MAX_VALUE, 8})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void oneNetworkCannotHoldEverySlotWhenGroupsAreLimited(int perGroup) throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(2);
    NodeMetrics metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "cometbft"));
    Node node = null;
    List<WirePeer.Conn> conns = new ArrayList<>();
    List<java.net.Socket> silent = new ArrayList<>();
    try {
      node = TestNodes.startMeasured("", 16, metrics, nodeGroup, true, perGroup);
      for (int i = 0; i < 16; i++) {
        silent.add(new java.net.Socket(node.listenAddress().ip(), node.listenAddress().port()));
      }
      String fromGroup = "cairn_inbound_refused_total{reason=\"too_many_handshakes_from_group\"}";
      Node a = node;
      // the node has taken or refused every silent connection before the peer knocks
      assertThat(TestNodes.eventually(Duration.ofSeconds(2), () -> dev.cairn.shell.metrics.NodeMetricsTest
          .scrape(metrics).value(fromGroup) == (perGroup == 8 ? 8.0 : 0.0))).isTrue();
      WirePeer other = WirePeer.fresh(TestNodes.NETWORK, "127.1.0.1:27990");
      conns.add(other.dialFrom(clients, "127.1.0.1", a.listenAddress(), x -> { }, (x, pex) -> { }));
      if (perGroup == 8) {
        conns.get(0).ready.get(2, TimeUnit.SECONDS); // throws if refused
        assertThat(TestNodes.eventually(Duration.ofSeconds(2), () -> TestNodes.status(a).inbound().size() == 1))
            .isTrue();
      } else {
        assertThat(conns.get(0).closed.get(2, TimeUnit.SECONDS)).as("closed before its handshake").isFalse();
        assertThat(dev.cairn.shell.metrics.NodeMetricsTest.scrape(metrics)
            .value("cairn_inbound_refused_total{reason=\"too_many_handshakes\"}")).isEqualTo(1.0);
      }
    } finally {
      for (java.net.Socket s : silent) {
        s.close();
      }
      TestNodes.closeAll(conns, node, clients, nodeGroup);
      metrics.close();
    }
  }

  /** Opens two connections to {@code node} that never start their handshake, once the node has taken both. */
  private static void holdTwoHandshakes(Node node, List<java.net.Socket> out) throws Exception {
    for (int i = 0; i < 2; i++) {
      java.net.Socket s = new java.net.Socket(node.listenAddress().ip(), node.listenAddress().port());
      out.add(s);
      // the node speaks first in a SecretConnection: its ephemeral key shows the handshake began
      s.setSoTimeout(5_000);
      assertThat(s.getInputStream().read()).as("the node began the handshake").isGreaterThanOrEqualTo(0);
    }
  }

  /**
   * A connection closed for want of a handshake slot never reaches the core or its trace, and is
   * logged at debug level only: it is counted in {@code cairn_inbound_refused_total}.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aKnockWithNoHandshakeSlotIsCounted() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(2);
    NodeMetrics metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "cometbft"));
    Node node = null;
    List<WirePeer.Conn> conns = new ArrayList<>();
    java.net.Socket silent = null;
    try {
      node = startMeasured("max_num_inbound_peers = 1\n", 1, metrics, nodeGroup);
      // a connection that never starts its handshake holds the one slot (for the 3 s handshake timeout)
      silent = new java.net.Socket(node.listenAddress().ip(), node.listenAddress().port());
      WirePeer peer = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:42000");
      conns.add(peer.dial(clients, node.listenAddress(), x -> { }, (x, pex) -> { }));
      // the node counts the refusal before it closes the connection
      conns.get(0).closed.get(10, TimeUnit.SECONDS);
      assertThat(dev.cairn.shell.metrics.NodeMetricsTest.scrape(metrics)
          .value("cairn_inbound_refused_total{reason=\"too_many_handshakes\"}")).isEqualTo(1.0);
    } finally {
      if (silent != null) {
        silent.close();
      }
      TestNodes.closeAll(conns, node, clients, nodeGroup);
      metrics.close();
    }
  }

  /**
   * A handshake that fails (here: bytes that are no SecretConnection key exchange) and a
   * connection closed before its handshake (a port scan) are counted apart: the first is what an
   * operator looks for, logged at info within {@link Node#HANDSHAKE_FAILURE_LINES_PER_MINUTE}.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFailedHandshakeAndAHangUpAreCountedApart() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    NodeMetrics metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "cometbft"));
    Node node = null;
    try {
      node = startMeasured("", 4, metrics, nodeGroup);
      try (java.net.Socket junk = new java.net.Socket(node.listenAddress().ip(), node.listenAddress().port())) {
        byte[] notAKey = new byte[64];
        java.util.Arrays.fill(notAKey, (byte) 0xff); // a varint that never ends
        junk.getOutputStream().write(notAKey);
        junk.getOutputStream().flush();
        junk.setSoTimeout(10_000);
        java.io.InputStream in = junk.getInputStream();
        // the node may have sent its own key first; it closes the connection after reading ours
        while (in.read() >= 0) {
          // drain until closed
        }
      }
      new java.net.Socket(node.listenAddress().ip(), node.listenAddress().port()).close();
      String hangUp = "cairn_inbound_refused_total{reason=\"closed_in_handshake\"}";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!dev.cairn.shell.metrics.NodeMetricsTest.scrape(metrics).samples().containsKey(hangUp)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      var after = dev.cairn.shell.metrics.NodeMetricsTest.scrape(metrics);
      assertThat(after.value("cairn_inbound_refused_total{reason=\"handshake_failed\"}")).isEqualTo(1.0);
      assertThat(after.value("cairn_inbound_refused_total{reason=\"closed_in_handshake\"}")).isEqualTo(1.0);
      assertThat(TestNodes.status(node).inbound()).isEmpty();
    } finally {
      TestNodes.closeAll(List.of(), node, nodeGroup);
      metrics.close();
    }
  }

  /**
   * Two peers knock at once on a node that admits one: both finish their handshakes (neither is
   * cut off before it, with no reason given), the node admits one and refuses the other after
   * its handshake, as FULL.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void twoPeersKnockingAtOnceOnAOneSlotNodeBothHandshake() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(2);
    Node node = null;
    List<WirePeer.Conn> conns = new ArrayList<>();
    try {
      int port = TestNodes.freePort();
      node = Node.start(TestNodes.settings(NodeKey.generate(new SecureRandom()), port, "max_num_inbound_peers = 1\n",
          TestNodes.emptyBook(), BookPersister.NONE, Duration.ofSeconds(3), Node.handshakeSlots(1, 0)), nodeGroup, null);
      for (int i = 0; i < 2; i++) {
        WirePeer peer = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:" + (41_000 + i));
        conns.add(peer.dial(clients, node.listenAddress(), s -> { }, (s, pex) -> { }));
      }
      for (WirePeer.Conn c : conns) {
        c.ready.get(10, TimeUnit.SECONDS); // throws if the node closed it before the handshake ended
      }
      java.util.concurrent.CompletableFuture.anyOf(conns.get(0).closed, conns.get(1).closed).get(10, TimeUnit.SECONDS);
      WirePeer.Conn refused = conns.get(0).closed.isDone() ? conns.get(0) : conns.get(1);
      assertThat(refused.closed.get()).as("one is refused after its handshake").isTrue();
      WirePeer.Conn kept = refused == conns.get(0) ? conns.get(1) : conns.get(0);
      assertThat(kept.closed).as("the other is admitted and stays").isNotDone();
      assertThat(TestNodes.status(node).inbound()).hasSize(1);
    } finally {
      TestNodes.closeAll(conns, node, clients, nodeGroup);
    }
  }
}
