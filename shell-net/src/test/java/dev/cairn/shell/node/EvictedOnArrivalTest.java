package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import dev.cairn.shell.crypto.NodeKey;
import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A newcomer the core admits and evicts in the same step (its arrival takes the node above
 * {@code max_threshold}, and it ranks lowest): the shell closes it and the core hears of the close,
 * so the peer is not left connected in the core's state (a phantom that would refuse the peer as a
 * DUPLICATE until a restart), and it can come back.
 */
class EvictedOnArrivalTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aNewcomerEvictedAsItArrivesIsNotLeftConnectedAndCanComeBack() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(1);
    List<WirePeer.Conn> conns = new ArrayList<>();
    Node node = null;
    try {
      int port = TestNodes.freePort();
      node = Node.start(TestNodes.settings(NodeKey.generate(RANDOM), port,
          "max_num_inbound_peers = 4\nmax_num_outbound_peers = 1\n",
          "min_threshold = 0\nmin_target = 1\nmax_target = 1\nmax_threshold = 2\n",
          TestNodes.emptyBook(), BookPersister.NONE, Duration.ofSeconds(3), 8), nodeGroup, null);
      final Node target = node;
      // the peers in falling ID order: the last to come ranks lowest (equal scores, inbound, the least ID)
      List<WirePeer> peers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        peers.add(WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:" + (40_100 + i)));
      }
      peers.sort(Comparator.comparing(WirePeer::id).reversed());
      for (int i = 0; i < 3; i++) {
        WirePeer peer = peers.get(i);
        WirePeer.Conn conn = peer.dial(clients, node.listenAddress(), s -> { }, (s, pex) -> { });
        conns.add(conn);
        conn.ready.get(10, TimeUnit.SECONDS);
        if (i < 2) {
          assertThat(TestNodes.eventually(Duration.ofSeconds(10),
              () -> TestNodes.status(target).inbound().contains(peer.id()))).as("peer %d admitted", i).isTrue();
        }
      }
      // the third took the node to 3 > max_threshold 2: trimmed to max_target 1, the two lowest go,
      // the newcomer among them
      assertThat(conns.get(2).closed.get(10, TimeUnit.SECONDS)).as("the newcomer was closed").isTrue();
      assertThat(conns.get(1).closed.get(10, TimeUnit.SECONDS)).as("the second was closed").isTrue();
      NodeId first = peers.get(0).id();
      assertThat(TestNodes.eventually(Duration.ofSeconds(10), () -> {
        var st = TestNodes.status(target);
        return st.inbound().equals(List.of(first)) && st.outbound().isEmpty();
      })).as("only the first is connected in the core's state: %s", TestNodes.status(node)).isTrue();
      assertThat(TestNodes.status(node).rejectedEvents()).as("every event the shell sent was one the core expected")
          .isZero();

      // the newcomer comes back, and is admitted: not refused as a duplicate of a phantom
      WirePeer.Conn again = peers.get(2).dial(clients, node.listenAddress(), s -> { }, (s, pex) -> { });
      conns.add(again);
      again.ready.get(10, TimeUnit.SECONDS);
      NodeId third = peers.get(2).id();
      assertThat(TestNodes.eventually(Duration.ofSeconds(10),
          () -> TestNodes.status(target).inbound().contains(third))).as("the newcomer admitted again").isTrue();
    } finally {
      TestNodes.closeAll(conns, node, clients, nodeGroup);
    }
  }
}
