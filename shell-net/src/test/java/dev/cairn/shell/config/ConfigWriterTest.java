package dev.cairn.shell.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWriterTest {

  @TempDir Path home;

  static NodeConfig defaults(String network) {
    CairnConfig d = CairnConfig.defaults(40, 10);
    CairnConfig c = new CairnConfig(Optional.of(network), d.moniker(), d.prngSeed(), d.thresholds(),
        d.maxConnectedUpgrade(), d.retryDelayMin(), d.retryDelayMax(), d.retryJitterMax(), d.disconnectCooldown(),
        d.idleInboundEviction(), d.maxHandshakesPerGroup(), d.trace(), d.metrics());
    return new NodeConfig(network, P2pConfig.defaults(), c, List.of());
  }

  static NodeConfig customised() {
    NodeId a = NodeId.of("2d6ea4296e321edc08897614e2a24c4bc3e71d63");
    NodeId b = NodeId.of("35aeeb5a43ab2064d3e174dbbe76e191d8218423");
    P2pConfig p = new P2pConfig(new HostPort("::", 26656), Optional.of(new HostPort("203.0.113.10", 26656)),
        List.of(new PeerAddress(a, new HostPort("seed.example.org", 26656))),
        List.of(new PeerAddress(b, new HostPort("2001:db8::1", 26656)), new PeerAddress(a, new HostPort("10.0.0.1", 1))),
        "config/book \"quoted\".json", false, 100, 25, List.of(b), Duration.ofSeconds(90), Duration.ofMillis(10),
        // sub-millisecond digits in the dial timeout (under 500 ms it would be warned about)
        2048, 0, 1, true, true, List.of(a, b), true, Duration.ofMillis(1500), Duration.ofSeconds(1).plusNanos(1500));
    CairnConfig c = new CairnConfig(Optional.of("my-chain"), "node \\ one", OptionalLong.of(Long.MIN_VALUE),
        new MaintenanceThresholds(1, 10, 20, 24), 7, Duration.ofMillis(1), Duration.ofHours(2).plusMillis(5),
        Duration.ofSeconds(3), Duration.ZERO, true, 5, new TraceConfig(Optional.of("data/trace.pb"), 1L << 30, 3, 0),
        new MetricsConfig(true, "127.0.0.1:26660", "cairn"));
    return new NodeConfig("my-chain", p, c, List.of());
  }

  @Test
  void defaults_roundTrip() throws Exception {
    NodeConfig written = defaults("cairn-testnet");
    String text = ConfigWriter.render(written);
    assertThat(ConfigLoader.parse(text, "config.toml", Optional.empty())).isEqualTo(written);
  }

  @Test
  void customisedConfig_roundTripsThroughTheFile() throws Exception {
    NodeConfig written = customised();
    Files.createDirectories(home.resolve("config"));
    ConfigWriter.write(home, written);
    assertThat(ConfigLoader.load(home)).isEqualTo(written);
  }

  /**
   * The [p2p] section written is CometBFT's template with its defaults: the same keys and values
   * in the same order, and the same comments but two: one says how Cairn counts persistent peers
   * (CometBFT's says "excluding persistent peers", which neither its code nor Cairn does), the other
   * how it redials them (linearly, where CometBFT's backs off exponentially).
   */
  @Test
  void renderedP2pSection_isCometBftsTemplateWithItsDefaults() throws Exception {
    String text = ConfigWriter.render(defaults("x"));
    int start = text.indexOf("\n[p2p]") + 1;
    String p2p = text.substring(start, text.indexOf("#####", start));
    String example = dev.cairn.shell.SharedExamples.text("config_p2p_defaults_v0.38.toml");
    String exampleP2p = example.substring(example.indexOf("[p2p]"));
    String theirs = "# Maximum number of outbound peers to connect to, excluding persistent peers\n";
    assertThat(exampleP2p).contains(theirs);
    String ours = "# Maximum number of outbound peers to connect to. Persistent peers count toward it (as CometBFT's own\n"
        + "# count does, whatever its comment says), unless listed in unconditional_peer_ids: more persistent peers\n"
        + "# than this are refused at start, as they could never all be connected\n";
    assertThat(p2p).contains(ours);
    String theirsRedial = "# Maximum pause when redialing a persistent peer (if zero, exponential backoff is used)\n";
    assertThat(exampleP2p).contains(theirsRedial);
    String oursRedial = "# Maximum pause when redialing a persistent peer (if zero, [cairn] retry_delay_max). Cairn's"
        + " redial\n# delay grows linearly with the failed dials, as [cairn] says, not exponentially as CometBFT's\n";
    assertThat(p2p).contains(oursRedial);
    assertThat(p2p.replace(ours, theirs).replace(oursRedial, theirsRedial).strip()).isEqualTo(exampleP2p.strip());
  }

  @Test
  void derivedThresholds_areWrittenAsComments_soTheyFollowBothLimits() throws Exception {
    String text = ConfigWriter.render(defaults("x"));
    assertThat(text).contains("# min_threshold = 16\n# min_target = 22\n# max_target = 38\n# max_threshold = 44\n")
        .contains("# prng_seed = 0\n")
        .contains("max_threshold <=\n# max_num_inbound_peers + max_num_outbound_peers.")
        .doesNotContain("over outbound connections");
    String moreOutbound = text.replace("max_num_outbound_peers = 10", "max_num_outbound_peers = 40");
    NodeConfig c = ConfigLoader.parse(moreOutbound, "config.toml", Optional.empty());
    assertThat(c.cairn().thresholds()).isEqualTo(new MaintenanceThresholds(46, 52, 68, 74));
    String moreInbound = text.replace("max_num_inbound_peers = 40", "max_num_inbound_peers = 100");
    c = ConfigLoader.parse(moreInbound, "config.toml", Optional.empty());
    assertThat(c.cairn().thresholds()).isEqualTo(MaintenanceThresholds.derive(100, 10))
        .isEqualTo(new MaintenanceThresholds(26, 42, 78, 94));
  }

  @Test
  void aBandThatIsNotTheDerivedOne_isWrittenAsKeys() throws Exception {
    NodeConfig d = defaults("x");
    CairnConfig dc = d.cairn();
    // the old outbound-only band for 10 out: valid, but no longer what 40 + 10 derive
    CairnConfig c = new CairnConfig(dc.network(), dc.moniker(), dc.prngSeed(), new MaintenanceThresholds(4, 5, 8, 9),
        dc.maxConnectedUpgrade(), dc.retryDelayMin(), dc.retryDelayMax(), dc.retryJitterMax(),
        dc.disconnectCooldown(), dc.idleInboundEviction(), dc.maxHandshakesPerGroup(), dc.trace(), dc.metrics());
    NodeConfig written = new NodeConfig(d.network(), d.p2p(), c, List.of());
    String text = ConfigWriter.render(written);
    assertThat(text).contains("\nmin_threshold = 4\nmin_target = 5\nmax_target = 8\nmax_threshold = 9\n");
    assertThat(ConfigLoader.parse(text, "config.toml", Optional.empty())).isEqualTo(written);
  }
}
