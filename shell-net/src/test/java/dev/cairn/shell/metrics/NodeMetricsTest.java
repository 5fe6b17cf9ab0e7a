package dev.cairn.shell.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.peer.DisconnectReason;
import dev.cairn.shell.config.MetricsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

public class NodeMetricsTest {

  private static final NodeId ALICE = NodeId.of("a".repeat(40));
  private static final NodeId BOB = NodeId.of("b".repeat(40));
  private static final NodeId CAROL = NodeId.of("c".repeat(40));

  private NodeMetrics metrics;

  @AfterEach
  void close() {
    if (metrics != null) {
      metrics.close();
    }
  }

  private NodeMetrics started(String namespace) {
    metrics = NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", namespace));
    return metrics;
  }

  @Test
  void peersGaugeAndPerPeerByteCountersUseCometBftNamesAndLabels() throws Exception {
    NodeMetrics m = started("cometbft");
    m.peerConnected(ALICE);
    m.peerConnected(BOB);
    m.peerConnected(BOB); // a repeated report does not count a second peer
    m.messageReceived(ALICE, 0x20, "consensus_NewRoundStep", 100);
    m.messageReceived(ALICE, 0x20, "consensus_NewRoundStep", 50);
    m.messageReceived(ALICE, 0x00, "p2p_PexRequest", 2);
    m.messageSent(BOB, 0x00, "p2p_PexAddrs", 300);
    m.pendingSendBytes(BOB, 4096);

    Scrape s = scrape(m);
    assertThat(s.type("cometbft_p2p_peers")).isEqualTo("gauge");
    assertThat(s.value("cometbft_p2p_peers")).isEqualTo(2.0);
    assertThat(s.type("cometbft_p2p_peer_receive_bytes_total")).isEqualTo("counter");
    assertThat(s.value("cometbft_p2p_peer_receive_bytes_total{chID=\"0x20\",peer_id=\"" + ALICE.hex() + "\"}"))
        .isEqualTo(150.0);
    assertThat(s.value("cometbft_p2p_peer_receive_bytes_total{chID=\"0x0\",peer_id=\"" + ALICE.hex() + "\"}"))
        .isEqualTo(2.0);
    assertThat(s.value("cometbft_p2p_peer_send_bytes_total{chID=\"0x0\",peer_id=\"" + BOB.hex() + "\"}"))
        .isEqualTo(300.0);
    assertThat(s.value("cometbft_p2p_peer_pending_send_bytes{peer_id=\"" + BOB.hex() + "\"}")).isEqualTo(4096.0);
    assertThat(s.value("cometbft_p2p_message_receive_bytes_total{message_type=\"consensus_NewRoundStep\"}"))
        .isEqualTo(150.0);
    assertThat(s.value("cometbft_p2p_message_receive_bytes_total{message_type=\"p2p_PexRequest\"}")).isEqualTo(2.0);
    assertThat(s.value("cometbft_p2p_message_send_bytes_total{message_type=\"p2p_PexAddrs\"}")).isEqualTo(300.0);
  }

  @Test
  void disconnectRemovesEveryPerPeerSeriesAndLaterTrafficDoesNotBringThemBack() throws Exception {
    NodeMetrics m = started("cometbft");
    m.peerConnected(ALICE);
    m.peerConnected(BOB);
    m.messageReceived(ALICE, 0x20, "consensus_Vote", 10);
    m.messageSent(ALICE, 0x30, "mempool_Txs", 20);
    m.pendingSendBytes(ALICE, 7);
    m.messageReceived(BOB, 0x20, "consensus_Vote", 5);

    m.peerDisconnected(ALICE);
    m.peerDisconnected(ALICE); // a second report changes nothing
    m.messageReceived(ALICE, 0x20, "consensus_Vote", 10); // late message from the closed connection
    m.pendingSendBytes(ALICE, 9);
    m.peerDisconnected(CAROL); // never connected

    Scrape s = scrape(m);
    assertThat(s.text()).doesNotContain(ALICE.hex());
    assertThat(s.value("cometbft_p2p_peers")).isEqualTo(1.0);
    assertThat(s.value("cometbft_p2p_peer_receive_bytes_total{chID=\"0x20\",peer_id=\"" + BOB.hex() + "\"}"))
        .isEqualTo(5.0);
    // per-type totals are not per peer: they keep what the departed peer sent
    assertThat(s.value("cometbft_p2p_message_receive_bytes_total{message_type=\"consensus_Vote\"}")).isEqualTo(25.0);

    m.peerConnected(ALICE); // reconnect starts from zero
    m.messageReceived(ALICE, 0x20, "consensus_Vote", 1);
    assertThat(scrape(m).value("cometbft_p2p_peer_receive_bytes_total{chID=\"0x20\",peer_id=\"" + ALICE.hex() + "\"}"))
        .isEqualTo(1.0);
  }

  @Test
  void namespaceIsConfigurable() throws Exception {
    NodeMetrics m = started("tendermint");
    m.peerConnected(ALICE);
    Scrape s = scrape(m);
    assertThat(s.value("tendermint_p2p_peers")).isEqualTo(1.0);
    assertThat(s.text()).doesNotContain("cometbft_");
  }

  @Test
  void anEmptyNamespaceGivesUnprefixedNamesAsCometBftDoes() throws Exception {
    NodeMetrics m = started("");
    m.peerConnected(ALICE);
    Scrape s = scrape(m);
    assertThat(s.value("p2p_peers")).isEqualTo(1.0);
    assertThat(s.text()).doesNotContain("_p2p_peers").doesNotContain("cometbft_");
  }

  @Test
  void coreStepsCountEventsRejectionsByReasonKindAndLatency() throws Exception {
    NodeMetrics m = started("cometbft");
    m.coreStep("DialFailed", Outcome.ACCEPTED, 3_000);
    m.coreStep("DialFailed", Outcome.ACCEPTED, 40_000);
    m.coreStep("PeerReady", new Outcome.Rejected(ALICE.hex() + " is not connected"), 2_000_000);
    m.coreStep("PeerReady", new Outcome.Rejected(BOB.hex() + " is not connected"), 1_000);

    Scrape s = scrape(m);
    assertThat(s.value("cairn_core_events_total{event=\"DialFailed\"}")).isEqualTo(2.0);
    assertThat(s.value("cairn_core_events_total{event=\"PeerReady\"}")).isEqualTo(2.0);
    assertThat(s.value("cairn_core_rejected_events_total{reason=\"<id> is not connected\"}")).isEqualTo(2.0);
    assertThat(s.type("cairn_core_step_seconds")).isEqualTo("histogram");
    assertThat(s.value("cairn_core_step_seconds_count")).isEqualTo(4.0);
    assertThat(s.value("cairn_core_step_seconds_sum")).isCloseTo(0.002044, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.value("cairn_core_step_seconds_bucket{le=\"5.0E-6\"}")).isEqualTo(2.0); // 1 µs and 3 µs
    assertThat(s.value("cairn_core_step_seconds_bucket{le=\"5.0E-5\"}")).isEqualTo(3.0);
    assertThat(s.value("cairn_core_step_seconds_bucket{le=\"+Inf\"}")).isEqualTo(4.0);
  }

  /**
   * The operators' guide (docs/operations.md) names every family the node serves and every value
   * of the labels whose values are Cairn's own, so a dashboard can be built from it.
   */
  @Test
  void theOperationsGuideNamesEveryFamilyAndOwnLabelValue() throws Exception {
    Path guide = Path.of("..", "docs", "operations.md");
    assertThat(guide).as("run from the shell-net module of the repository").exists();
    String text = Files.readString(guide);
    NodeMetrics m = started("cometbft");
    NodeId peer = NodeId.of("aa".repeat(20));
    m.peerConnected(peer);
    m.messageReceived(peer, 0x20, "PexRequest", 10);
    m.messageSent(peer, 0x20, "PexAddrs", 10);
    m.pendingSendBytes(peer, 5);
    m.messageDropped(0x20, "queue_full");
    m.peerErrored(-1, "malformed");
    m.coreStep("Started", new Outcome.Accepted(), 1000);
    m.coreStep("DialFailed", new Outcome.Rejected("not dialing"), 1000);
    m.dial(DialOutcome.SUCCEEDED);
    m.peerBanned();
    m.peerEvicted(DisconnectReason.FULL);
    m.inboundRefused(InboundRefusal.HANDSHAKE_FAILED);
    m.addressBook(1, 1, 1);
    Scrape s = scrape(m);
    assertThat(s.types().keySet()).hasSizeGreaterThanOrEqualTo(18);
    for (String family : s.types().keySet()) {
      assertThat(text).as("family %s in %s", family, guide).contains("`" + family);
    }
    for (DialOutcome o : DialOutcome.values()) {
      assertThat(text).as("dial outcome %s", o.label()).contains("`" + o.label() + "`");
    }
    for (InboundRefusal r : InboundRefusal.values()) {
      assertThat(text).as("inbound refusal %s", r.label()).contains("`" + r.label() + "`");
    }
    for (DisconnectReason r : DisconnectReason.values()) {
      String label = r.name().toLowerCase(java.util.Locale.ROOT);
      assertThat(text).as("disconnect reason %s", label).contains("`" + label + "`");
    }
    for (String r : PrometheusNodeMetrics.PEX_DROP_REASONS) {
      assertThat(text).as("PEX drop reason %s", r).contains("`" + r + "`");
    }
  }

  @Test
  void dialsBansEvictionsAndAddressBookSizes() throws Exception {
    NodeMetrics m = started("cometbft");
    m.dial(DialOutcome.SUCCEEDED);
    m.dial(DialOutcome.CONNECT_FAILED);
    m.dial(DialOutcome.CONNECT_FAILED);
    m.dial(DialOutcome.HANDSHAKE_FAILED);
    m.peerBanned();
    m.peerEvicted(DisconnectReason.ABOVE_MAX_THRESHOLD);
    m.peerEvicted(DisconnectReason.EVICTED_FOR_UPGRADE);
    m.peerEvicted(DisconnectReason.ABOVE_MAX_THRESHOLD);
    m.inboundRefused(InboundRefusal.TOO_MANY_HANDSHAKES);
    m.inboundRefused(InboundRefusal.TOO_MANY_HANDSHAKES);
    m.inboundRefused(InboundRefusal.SIMULTANEOUS_DIAL);
    m.addressBook(120, 30, 2);
    m.addressBook(118, 31, 3); // a gauge shows the latest report, not a sum
    Scrape before = scrape(m);
    assertThat(before.value("cairn_pex_disconnects_total{reason=\"seed_answered\"}")).as("served at 0 from the start")
        .isEqualTo(0.0);
    assertThat(before.value("cairn_inbound_refused_total{reason=\"duplicate_ip\"}")).isEqualTo(0.0);
    assertThat(before.value("cairn_evictions_total{reason=\"evicted_idle\"}")).isEqualTo(0.0);
    m.pexDisconnected("seed_answered");
    m.pexDisconnected("seed_answered_request");
    m.pexDisconnected("made_up"); // not a reason PEX has: not a series
    assertThat(before.value("cairn_pex_addresses_dropped_total{reason=\"invalid_id\"}")).isEqualTo(0.0);
    m.pexAddressesDropped("invalid_id", 3);
    m.pexAddressesDropped("non_routable", 2);
    m.pexAddressesDropped("non_routable", 1);
    m.pexAddressesDropped("made_up", 5);

    Scrape s = scrape(m);
    assertThat(s.value("cairn_pex_disconnects_total{reason=\"seed_answered\"}")).isEqualTo(1.0);
    assertThat(s.value("cairn_pex_disconnects_total{reason=\"seed_answered_request\"}")).isEqualTo(1.0);
    assertThat(s.text()).doesNotContain("made_up");
    assertThat(s.value("cairn_pex_addresses_dropped_total{reason=\"invalid_id\"}")).isEqualTo(3.0);
    assertThat(s.value("cairn_pex_addresses_dropped_total{reason=\"non_routable\"}")).isEqualTo(3.0);
    assertThat(s.value("cairn_dials_total{outcome=\"succeeded\"}")).isEqualTo(1.0);
    assertThat(s.value("cairn_dials_total{outcome=\"connect_failed\"}")).isEqualTo(2.0);
    assertThat(s.value("cairn_dials_total{outcome=\"handshake_failed\"}")).isEqualTo(1.0);
    assertThat(s.value("cairn_bans_total")).isEqualTo(1.0);
    assertThat(s.value("cairn_evictions_total{reason=\"above_max_threshold\"}")).isEqualTo(2.0);
    assertThat(s.value("cairn_evictions_total{reason=\"evicted_for_upgrade\"}")).isEqualTo(1.0);
    assertThat(s.value("cairn_inbound_refused_total{reason=\"too_many_handshakes\"}")).isEqualTo(2.0);
    assertThat(s.value("cairn_inbound_refused_total{reason=\"simultaneous_dial\"}")).isEqualTo(1.0);
    assertThat(s.value("cairn_address_book_new")).isEqualTo(118.0);
    assertThat(s.value("cairn_address_book_old")).isEqualTo(31.0);
    assertThat(s.value("cairn_address_book_banned")).isEqualTo(3.0);
  }

  @Test
  void routerDropsAndPeerErrorsAreCountedByChannelAndKind() throws Exception {
    NodeMetrics m = started("cometbft");
    m.messageDropped(0x42, "queue_full");
    m.messageDropped(0x42, "queue_full");
    m.peerErrored(0x42, "malformed_message");
    m.peerErrored(-1, "unknown_channel");

    Scrape s = scrape(m);
    assertThat(s.value("cairn_router_dropped_messages_total{cause=\"queue_full\",chID=\"0x42\"}")).isEqualTo(2.0);
    assertThat(s.value("cairn_router_peer_errors_total{chID=\"0x42\",kind=\"malformed_message\"}")).isEqualTo(1.0);
    assertThat(s.value("cairn_router_peer_errors_total{chID=\"none\",kind=\"unknown_channel\"}")).isEqualTo(1.0);
  }

  @Test
  void labelsFedByTextAreCapped() throws Exception {
    NodeMetrics m = started("cometbft");
    int types = PrometheusNodeMetrics.MESSAGE_TYPES_MAX + 10;
    for (int i = 0; i < types; i++) {
      m.messageReceived(ALICE, 0x20, "t" + (char) ('a' + i / 26) + (char) ('a' + i % 26), 1);
    }
    Scrape s = scrape(m);
    long series = s.samples().keySet().stream()
        .filter(k -> k.startsWith("cometbft_p2p_message_receive_bytes_total{")).count();
    assertThat(series).isEqualTo(PrometheusNodeMetrics.MESSAGE_TYPES_MAX + 1);
    assertThat(s.value("cometbft_p2p_message_receive_bytes_total{message_type=\"other\"}")).isEqualTo(10.0);
  }

  @Test
  void channelLabelsAreFormattedLikeGoHashX() {
    assertThat(PrometheusNodeMetrics.channelLabel(0x00)).isEqualTo("0x0");
    assertThat(PrometheusNodeMetrics.channelLabel(0x20)).isEqualTo("0x20");
    assertThat(PrometheusNodeMetrics.channelLabel(0x0f)).isEqualTo("0xf");
    assertThat(PrometheusNodeMetrics.channelLabel(0xff)).isEqualTo("0xff");
  }

  @Test
  void reasonKindDropsIdsAddressesAndNumbers() {
    assertThat(BoundedLabel.reasonKind(ALICE.hex() + " is not being dialed at " + ALICE.hex() + "@10.0.0.1:26656"))
        .isEqualTo("<id> is not being dialed at <id>@<addr>");
    assertThat(BoundedLabel.reasonKind("already 12 peers up, the most maxPeers allows"))
        .isEqualTo("already <n> peers up, the most maxPeers allows");
    assertThat(BoundedLabel.reasonKind("x".repeat(500))).hasSize(96);
  }

  @Test
  void disabledOpensNoPortAndRecordsNothing() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String busy = "127.0.0.1:" + taken.getLocalPort();
      NodeMetrics off = NodeMetrics.start(new MetricsConfig(false, busy, "cometbft"));
      assertThat(off).isSameAs(NodeMetrics.disabled());
      assertThat(off.endpoint()).isEmpty();
      off.peerConnected(ALICE); // no-ops, no exceptions
      off.coreStep("DialFailed", new Outcome.Rejected("x"), 1);
      off.close();
      // the same address with metrics on does try to bind it, which proves the off case did not
      assertThatThrownBy(() -> NodeMetrics.start(new MetricsConfig(true, busy, "cometbft")))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("prometheus_listen_addr");
    }
    assertThat(MetricsConfig.defaults().prometheus()).isFalse();
  }

  @Test
  void badConfigIsRejectedNamingTheKeyAndTheRule() {
    assertThatThrownBy(() -> NodeMetrics.start(new MetricsConfig(true, "localhost", "cometbft")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prometheus_listen_addr")
        .hasMessageContaining("must be [host]:port");
    assertThatThrownBy(() -> NodeMetrics.start(new MetricsConfig(true, ":99999", "cometbft")))
        .hasMessageContaining("prometheus_listen_addr");
    assertThatThrownBy(() -> NodeMetrics.start(new MetricsConfig(true, "127.0.0.1:0", "9lives")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace")
        .hasMessageContaining("must be a Prometheus name");
  }

  @Test
  void listenAddressFollowsGoForms() {
    assertThat(ListenAddress.parse(":26660")).isEqualTo(new ListenAddress(java.util.Optional.empty(), 26660));
    assertThat(ListenAddress.parse("tcp://127.0.0.1:26660"))
        .isEqualTo(new ListenAddress(java.util.Optional.of("127.0.0.1"), 26660));
    assertThat(ListenAddress.parse("[::1]:9")).isEqualTo(new ListenAddress(java.util.Optional.of("::1"), 9));
  }

  // --- scraping -------------------------------------------------------------------------------

  /** One scrape in the text exposition format: samples by {@code name{labels}}, and TYPE lines. */
  public record Scrape(String text, Map<String, Double> samples, Map<String, String> types) {
    public double value(String series) {
      assertThat(samples).as("series %s in%n%s", series, text).containsKey(series);
      return samples.get(series);
    }

    String type(String family) {
      assertThat(types).as("TYPE of %s in%n%s", family, text).containsKey(family);
      return types.get(family);
    }
  }

  /** The samples {@code m} serves at its endpoint (also read by the node package's tests). */
  public static Scrape scrape(NodeMetrics m) throws IOException, InterruptedException {
    var address = m.endpoint().orElseThrow();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain"));
    return parse(response.body());
  }

  static Scrape parse(String text) {
    Map<String, Double> samples = new TreeMap<>();
    Map<String, String> types = new TreeMap<>();
    for (String line : List.of(text.split("\n"))) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return new Scrape(text, samples, types);
  }
}
