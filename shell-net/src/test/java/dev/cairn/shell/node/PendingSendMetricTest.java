package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.shell.config.MetricsConfig;
import dev.cairn.shell.metrics.NodeMetrics;
import dev.cairn.shell.metrics.NodeMetricsTest;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code peer_pending_send_bytes}: reported for each admitted peer, as CometBFT reports it every 10 s. */
class PendingSendMetricTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void eachAdmittedPeerHasItsPendingSeries() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(1);
    NodeMetrics metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "cometbft"));
    Node node = null;
    WirePeer.Conn conn = null;
    try {
      node = TestNodes.startMeasured("", 4, metrics, nodeGroup, true);
      Node a = node;
      WirePeer peer = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:27998");
      conn = peer.dial(clients, a.listenAddress(), x -> { }, (x, pex) -> { });
      conn.ready.get(5, TimeUnit.SECONDS);
      assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().contains(peer.id())))
          .isTrue();
      a.reportPendingNow().get(5, TimeUnit.SECONDS);
      String series = "cometbft_p2p_peer_pending_send_bytes{peer_id=\"" + peer.id().hex() + "\"}";
      assertThat(NodeMetricsTest.scrape(metrics).value(series)).isZero();
    } finally {
      TestNodes.closeAll(conn == null ? List.of() : List.of(conn), node, clients, nodeGroup);
      metrics.close();
    }
  }
}
