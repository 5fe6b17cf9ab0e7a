package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.proto.p2p.Message;
import dev.cairn.proto.p2p.NetAddress;
import dev.cairn.proto.p2p.PexAddrs;
import dev.cairn.shell.config.MetricsConfig;
import dev.cairn.shell.metrics.NodeMetrics;
import dev.cairn.shell.metrics.NodeMetricsTest;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code cairn_pex_addresses_dropped_total}: a peer's answer with an entry whose ID is no node ID
 * (left out by the shell) and one on a private network (dropped by the core, with the default
 * {@code addr_book_strict = true}) counts one of each, and the sender is not banned for either.
 */
class PexDropMetricTest {

  private static NetAddress wire(String id, String ip) {
    return NetAddress.newBuilder().setId(id).setIp(ip).setPort(26656).build();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void droppedAnswerEntriesAreCountedByReason() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup peers = EventLoops.newGroup(1);
    NodeMetrics metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "cometbft"));
    int port = TestNodes.freePort();
    WirePeer peer = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:" + port);
    byte[] answer = Message.newBuilder().setPexAddrs(PexAddrs.newBuilder()
        .addAddrs(wire("AB".repeat(20), "8.8.8.8"))
        .addAddrs(wire("cd".repeat(20), "10.1.2.3"))
        .addAddrs(wire("ef".repeat(20), "8.8.4.4"))).build().toByteArray();
    Channel server = peer.listen(peers, port, () -> new WirePeer.Conn(s -> { }, (s, pex) -> {
      if (pex instanceof PexMessages.Request) {
        s.send(PexMessages.CHANNEL, answer);
      }
    }));
    Node node = null;
    try {
      // the node dials the peer (a persistent peer), so it asks it for addresses
      node = TestNodes.startMeasured("persistent_peers = \"" + peer.id().hex() + "@127.0.0.1:" + port + "\"\n", 4,
          metrics, nodeGroup, true);
      String invalidId = "cairn_pex_addresses_dropped_total{reason=\"invalid_id\"}";
      String nonRoutable = "cairn_pex_addresses_dropped_total{reason=\"non_routable\"}";
      assertThat(TestNodes.eventually(Duration.ofSeconds(20),
          () -> NodeMetricsTest.scrape(metrics).value(nonRoutable) >= 1)).as("the answer was taken").isTrue();
      NodeMetricsTest.Scrape s = NodeMetricsTest.scrape(metrics);
      assertThat(s.value(invalidId)).isEqualTo(1.0);
      assertThat(s.value(nonRoutable)).isEqualTo(1.0);
      assertThat(s.value("cairn_bans_total")).as("no ban for either").isZero();
      Node a = node;
      assertThat(TestNodes.status(a).knownAddresses()).as("the good entry learned").isGreaterThanOrEqualTo(1);
    } finally {
      TestNodes.closeAll(List.of(), node, peers, nodeGroup);
      server.close();
      metrics.close();
    }
  }
}
