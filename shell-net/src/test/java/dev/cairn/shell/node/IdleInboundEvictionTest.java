package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import dev.cairn.shell.crypto.NodeKey;
import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code [cairn] idle_inbound_eviction} on a real node: with inbound full of peers that completed
 * their handshakes and then sent nothing, a newcomer takes the slot of the one admitted first
 * (SECURITY.md, the cold-start Sybil flood); with the key off (the default) the newcomer is
 * refused and the silent peers stay, as in CometBFT.
 */
class IdleInboundEvictionTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void onANewcomerTakesTheSlotOfTheSilentPeerAdmittedFirst() throws Exception {
    List<WirePeer.Conn> conns = new ArrayList<>();
    List<NodeId> ids = new ArrayList<>();
    fillThenKnock("idle_inbound_eviction = true\n", conns, ids, node -> {
      assertThat(conns.get(0).closed.get(10, TimeUnit.SECONDS)).as("the first silent peer was closed by the node after its handshake").isTrue();
      assertThat(TestNodes.eventually(Duration.ofSeconds(10),
          () -> {
            List<NodeId> in = TestNodes.status(node).inbound();
            return in.size() == 2 && in.containsAll(ids.subList(1, 3));
          })).as("inbound: the second peer and the newcomer")
          .isTrue();
      assertThat(conns.get(1).closed).as("the second silent peer keeps its slot").isNotDone();
      assertThat(conns.get(2).closed).as("the newcomer was admitted").isNotDone();
    });
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void offTheNewcomerIsRefusedAndTheSilentPeersStay() throws Exception {
    List<WirePeer.Conn> conns = new ArrayList<>();
    List<NodeId> ids = new ArrayList<>();
    fillThenKnock("", conns, ids, node -> {
      assertThat(conns.get(2).closed.get(10, TimeUnit.SECONDS)).as("the newcomer was refused by the node after its handshake (within 10 s)").isTrue();
      assertThat(TestNodes.status(node).inbound()).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
      assertThat(conns.get(0).closed).isNotDone();
      assertThat(conns.get(1).closed).isNotDone();
    });
  }

  interface Check {
    void after(Node node) throws Exception;
  }

  /**
   * A node with {@code max_num_inbound_peers = 2} and {@code cairnToml}; two silent peers connect
   * one after the other (each admitted before the next), then a third; {@code check} runs while
   * all connections are still open.
   */
  private static void fillThenKnock(String cairnToml, List<WirePeer.Conn> conns, List<NodeId> ids, Check check)
      throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(1);
    Node node = null;
    try {
      int port = TestNodes.freePort();
      node = Node.start(TestNodes.settings(NodeKey.generate(RANDOM), port, "max_num_inbound_peers = 2\n", cairnToml,
          TestNodes.emptyBook(), BookPersister.NONE, Duration.ofSeconds(3), 8), nodeGroup, null);
      final Node target = node;
      for (int i = 0; i < 3; i++) {
        WirePeer peer = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:" + (40_000 + i));
        WirePeer.Conn conn = peer.dial(clients, node.listenAddress(), s -> { }, (s, pex) -> { });
        conns.add(conn);
        ids.add(peer.id());
        conn.ready.get(10, TimeUnit.SECONDS);
        if (i < 2) {
          assertThat(TestNodes.eventually(Duration.ofSeconds(10),
              () -> TestNodes.status(target).inbound().contains(peer.id()))).as("silent peer %d admitted", i).isTrue();
        }
      }
      check.after(node);
    } finally {
      TestNodes.closeAll(conns, node, clients, nodeGroup);
    }
  }
}
