package dev.cairn.shell.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.NodeId;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  static final Optional<String> GENESIS = Optional.of("test-chain");

  @TempDir Path home;

  static String resource(String name) throws Exception {
    try (InputStream in = ConfigLoaderTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void cometBftDefaultsFile_parsesToTheDefaults() throws Exception {
    NodeConfig c = ConfigLoader.parse(dev.cairn.shell.SharedExamples.text("config_p2p_defaults_v0.38.toml"), "config.toml", GENESIS);
    assertThat(c.p2p()).isEqualTo(P2pConfig.defaults());
    assertThat(c.cairn()).isEqualTo(CairnConfig.defaults(40, 10));
    assertThat(c.network()).isEqualTo("test-chain");
    assertThat(c.warnings()).isEmpty();
    // spot-check the defaults themselves against CometBFT's table
    assertThat(c.p2p().flushThrottleTimeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.p2p().handshakeTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.p2p().maxNumInboundPeers()).isEqualTo(40);
    // the core's default band over 40 + 10 connections
    assertThat(c.cairn().thresholds()).isEqualTo(new MaintenanceThresholds(16, 22, 38, 44));
  }

  @Test
  void emptyFile_givesTheDefaultsToo() throws Exception {
    NodeConfig c = ConfigLoader.parse("", "config.toml", GENESIS);
    assertThat(c.p2p()).isEqualTo(P2pConfig.defaults());
    assertThat(c.cairn()).isEqualTo(CairnConfig.defaults(40, 10));
  }

  @Test
  void fullCometBftConfig_loads_ignoringOtherSectionsSilently() throws Exception {
    NodeConfig c = ConfigLoader.parse(resource("full_cometbft_config.toml"), "config.toml", GENESIS);
    assertThat(c.warnings()).isEmpty();
    P2pConfig p = c.p2p();
    assertThat(p.externalAddress()).contains(new HostPort("203.0.113.10", 26656));
    assertThat(p.seeds()).containsExactly(
        new PeerAddress(NodeId.of("2d6ea4296e321edc08897614e2a24c4bc3e71d63"),
            new HostPort("seed-1.example.org", 26656)),
        new PeerAddress(NodeId.of("35aeeb5a43ab2064d3e174dbbe76e191d8218423"),
            new HostPort("198.51.100.7", 26656)));
    assertThat(p.persistentPeers()).containsExactly(
        new PeerAddress(NodeId.of("00112233445566778899aabbccddeeff00112233"), new HostPort("2001:db8::7", 26656)));
    assertThat(p.maxNumInboundPeers()).isEqualTo(60);
    assertThat(p.maxNumOutboundPeers()).isEqualTo(20);
    assertThat(p.persistentPeersMaxDialPeriod()).isEqualTo(Duration.ofSeconds(90));
    assertThat(p.sendRate()).isEqualTo(20_000_000);
    assertThat(p.unconditionalPeerIds()).containsExactly(NodeId.of("00112233445566778899aabbccddeeff00112233"));
    assertThat(p.privatePeerIds()).containsExactly(NodeId.of("ffeeddccbbaa99887766554433221100ffeeddcc"));
    // Cairn falls back to CometBFT's own keys
    assertThat(c.cairn().moniker()).isEqualTo("sentry-eu-1");
    assertThat(c.cairn().metrics()).isEqualTo(new MetricsConfig(true, ":26660", "cometbft"));
    // derived from 60 in + 20 out: (20, 50, 80) in the core's formula
    assertThat(c.cairn().thresholds()).isEqualTo(new MaintenanceThresholds(30, 40, 60, 70));
  }

  @Test
  void cairnSection_overridesAndSetsItsOwnKeys() throws Exception {
    String toml = """
        moniker = "from-comet"
        [instrumentation]
        prometheus = true
        [p2p]
        max_num_outbound_peers = 30
        [cairn]
        network = "cairn-net"
        moniker = "from-cairn"
        prng_seed = -42
        min_threshold = 2
        min_target = 3
        max_target = 45
        max_threshold = 70
        max_connected_upgrade = 0
        retry_delay_min = "1s"
        retry_delay_max = "1h"
        retry_jitter_max = "0s"
        disconnect_cooldown = "10s"
        idle_inbound_eviction = true
        max_handshakes_per_group = 3
        trace_file = "data/trace.bin"
        trace_max_file_bytes = 4096
        trace_max_files = 2
        trace_checkpoint_interval = 64
        prometheus = false
        prometheus_listen_addr = "127.0.0.1:9100"
        namespace = "tendermint"
        """;
    NodeConfig c = ConfigLoader.parse(toml, "config.toml", Optional.empty());
    assertThat(c.network()).isEqualTo("cairn-net");
    assertThat(c.cairn()).isEqualTo(new CairnConfig(Optional.of("cairn-net"), "from-cairn", OptionalLong.of(-42),
        new MaintenanceThresholds(2, 3, 45, 70), 0, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ZERO,
        Duration.ofSeconds(10), true, 3, new TraceConfig(Optional.of("data/trace.bin"), 4096, 2, 64),
        new MetricsConfig(false, "127.0.0.1:9100", "tendermint")));
  }

  @Test
  void thresholds_countAllConnections_soTheBandMayExceedTheOutboundLimit() throws Exception {
    // max_target far above max_num_outbound_peers, max_threshold exactly the sum of both limits
    String toml = """
        [p2p]
        max_num_inbound_peers = 40
        max_num_outbound_peers = 10
        [cairn]
        min_threshold = 11
        min_target = 12
        max_target = 49
        max_threshold = 50
        """;
    NodeConfig c = ConfigLoader.parse(toml, "config.toml", GENESIS);
    assertThat(c.cairn().thresholds()).isEqualTo(new MaintenanceThresholds(11, 12, 49, 50));
  }

  @Test
  void limitsBelowATotalOfTwo_areRefusedNamingBothKeys() {
    for (String limits : new String[] {"max_num_inbound_peers = 0\nmax_num_outbound_peers = 0",
        "max_num_inbound_peers = 1\nmax_num_outbound_peers = 0", "max_num_inbound_peers = 0\nmax_num_outbound_peers = 1"}) {
      assertThatThrownBy(() -> ConfigLoader.parse("[p2p]\n" + limits + "\n", "config.toml", GENESIS))
          .as(limits).isInstanceOf(ConfigException.class)
          .hasMessageContaining("[p2p] max_num_outbound_peers").hasMessageContaining("max_num_inbound_peers")
          .hasMessageContaining("at least 2");
    }
  }

  @Test
  void aTotalOfTwo_loadsAndMakesAPeerConfig() throws Exception {
    NodeConfig c = ConfigLoader.parse(
        "[p2p]\nmax_num_inbound_peers = 1\nmax_num_outbound_peers = 1\n", "config.toml", GENESIS);
    MaintenanceThresholds t = c.cairn().thresholds();
    assertThat(t.minThreshold()).isLessThan(t.minTarget());
    assertThat(t.maxThreshold()).isLessThanOrEqualTo(2);
  }

  /**
   * A [p2p] or [cairn] key before any header (the header left out, or moved below it) would be
   * ignored, every setting of the section left at its default: the listen address on every
   * interface. It is refused, naming the key and its section. CometBFT's own top-level keys are not.
   */
  @Test
  void aSectionsKeyBeforeAnyHeader_isRefusedNamingItsSection() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.parse("moniker = \"n\"\nladdr = \"tcp://127.0.0.1:32001\"\n"
        + "persistent_peers = \"\"\n[cairn]\nnetwork = \"test-chain\"\n", "config.toml", GENESIS))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config.toml laddr = \"tcp://127.0.0.1:32001\": is written before any [section] header, where it"
            + " is ignored, but it is a key of [p2p]: write it under its section (is the [p2p] header missing or"
            + " misplaced?)");
    assertThatThrownBy(() -> ConfigLoader.parse("network = \"test-chain\"\n[p2p]\npex = true\n", "config.toml",
        GENESIS)).isInstanceOf(ConfigException.class).hasMessageContaining("network").hasMessageContaining(
            "it is a key of [cairn]: write it under its section");
    assertThatThrownBy(() -> ConfigLoader.parse("prometheus = true\n", "config.toml", GENESIS))
        .isInstanceOf(ConfigException.class).hasMessageContaining("it is a key of [instrumentation] or [cairn]");
    NodeConfig c = ConfigLoader.parse("version = \"1.0.0\"\nproxy_app = \"tcp://127.0.0.1:26658\"\nmoniker = \"n\"\n"
        + "db_backend = \"goleveldb\"\nlog_level = \"info\"\nfilter_peers = false\n[p2p]\n"
        + "laddr = \"tcp://127.0.0.1:32001\"\n", "config.toml", GENESIS);
    assertThat(c.p2p().listenAddress().toString()).contains("127.0.0.1:32001");
  }

  @Test
  void cometBftsTestSettings_areNamedAsIgnoredNotAsMisspelt() throws Exception {
    NodeConfig c = ConfigLoader.parse("[p2p]\ntest_dial_fail = false\ntest_fuzz = false\n"
        + "[p2p.test_fuzz_config]\nmode = 0\nmax_delay = \"3s\"\nprob_drop_rw = 0.2\n", "config.toml", GENESIS);
    assertThat(c.p2p()).isEqualTo(P2pConfig.defaults());
    assertThat(c.warnings()).hasSize(3).allSatisfy(w -> assertThat(w).contains("is a CometBFT setting for its own"
        + " tests").doesNotContain("misspelt"));
  }

  @Test
  void aPeerListedTwiceAlike_isKeptOnceWithAWarning() throws Exception {
    String a = "aa".repeat(20) + "@10.0.0.1:26656";
    NodeConfig c = ConfigLoader.parse("[p2p]\npersistent_peers = \"" + a + "," + a + "\"\nseeds = \"" + a + "\"\n",
        "config.toml", GENESIS);
    assertThat(c.p2p().persistentPeers()).hasSize(1);
    assertThat(c.warnings()).containsExactly("config.toml [p2p] persistent_peers lists " + a + " twice; the repeat"
        + " is ignored");
  }

  @Test
  void aMisspeltSection_isNamedInAWarningWhileCometBftsOwnAreNot() throws Exception {
    NodeConfig c = ConfigLoader.parse("[p2pp]\nmax_num_inbound_peers = 3\n[consensus]\ntimeout_commit = \"1s\"\n"
        + "[mempool]\nsize = 5000\n", "config.toml", GENESIS);
    assertThat(c.warnings()).singleElement().asString().contains("[p2pp]").contains("misspelt");
    assertThat(c.p2p()).isEqualTo(P2pConfig.defaults());
  }

  @Test
  void anInstrumentationKeyTheCairnSectionOverridesIsNamed() throws Exception {
    NodeConfig c = ConfigLoader.parse("[instrumentation]\nprometheus = true\n[cairn]\nprometheus = false\n",
        "config.toml", GENESIS);
    assertThat(c.cairn().metrics().prometheus()).as("the [cairn] key wins").isFalse();
    assertThat(c.warnings()).singleElement().asString()
        .contains("[instrumentation] prometheus = true is overridden by [cairn] prometheus = false");
    assertThat(ConfigLoader.parse("[instrumentation]\nprometheus = true\n[cairn]\nprometheus = true\n",
        "config.toml", GENESIS).warnings()).as("the same value: nothing to say").isEmpty();
    assertThat(ConfigLoader.parse("[instrumentation]\nprometheus = true\n", "config.toml", GENESIS).cairn()
        .metrics().prometheus()).isTrue();
  }

  @Test
  void upnpOfV034_isAcceptedWithAWarning() throws Exception {
    NodeConfig c = ConfigLoader.parse("[p2p]\nupnp = false\n", "config.toml", GENESIS);
    assertThat(c.p2p()).isEqualTo(P2pConfig.defaults());
    assertThat(c.warnings()).singleElement().asString()
        .contains("[p2p] upnp").contains("v0.34").contains("ignores");
  }

  @Test
  void unknownKeysInP2p_areWarnedAboutByName_otherSectionsNot() throws Exception {
    String toml = "[p2p]\nmax_num_inbund_peers = 3\n[rpc]\nwhatever = 1\n"
        + "[instrumentation]\nmax_open_connections = 3\n";
    NodeConfig c = ConfigLoader.parse(toml, "config.toml", GENESIS);
    assertThat(c.warnings()).singleElement().asString().contains("[p2p] max_num_inbund_peers")
        .contains("not a known key");
  }

  /** Cairn's own section refuses a key it does not know, naming the key it likely misspells. */
  @Test
  void unknownKeysInCairn_areRefusedWithTheNearestKnownKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("[cairn]\nidle_inbound_evicton = true\n", "config.toml", GENESIS))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config.toml [cairn] idle_inbound_evicton = true: is not a key of this section (did you mean"
            + " idle_inbound_eviction?); this section is Cairn's own, so a key it does not know is refused, not ignored");
    assertThatThrownBy(() -> ConfigLoader.parse("[cairn]\nIDLE_INBOUND_EVICTION = true\n", "config.toml", GENESIS))
        .hasMessageContaining("(did you mean idle_inbound_eviction?)");
    assertThatThrownBy(() -> ConfigLoader.parse("[p2p]\n[cairn]\nallow_duplicate_ip = true\n", "config.toml", GENESIS))
        .hasMessage("config.toml [cairn] allow_duplicate_ip = true: is a key of [p2p], not of this section: a key"
            + " belongs to the table whose header comes last above it, so move it above [cairn] (under [p2p])");
    assertThatThrownBy(() -> ConfigLoader.parse("[cairn]\nwhatever = 1\n", "config.toml", GENESIS))
        .hasMessage("config.toml [cairn] whatever = 1: is not a key of this section; this section is Cairn's own,"
            + " so a key it does not know is refused, not ignored");
  }

  @Test
  void editDistanceCountsOneCharacterEdits() {
    assertThat(Section.editDistance("netwrok", "network")).isEqualTo(2);
    assertThat(Section.editDistance("", "abc")).isEqualTo(3);
    assertThat(Section.editDistance("trace_file", "trace_file")).isZero();
  }

  @Test
  void network_comesFromGenesisFirst_andMustAgreeWithCairnNetwork() throws Exception {
    assertThat(ConfigLoader.parse("[cairn]\nnetwork = \"test-chain\"\n", "config.toml", GENESIS).network())
        .isEqualTo("test-chain");
    assertThatThrownBy(() -> ConfigLoader.parse("[cairn]\nnetwork = \"other\"\n", "config.toml", GENESIS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("[cairn] network = \"other\"")
        .hasMessageContaining("differs from genesis.json chain_id \"test-chain\"");
    assertThatThrownBy(() -> ConfigLoader.parse("", "config.toml", Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("[cairn] network")
        .hasMessageContaining("no config/genesis.json");
    assertThatThrownBy(() -> ConfigLoader.parse("", "config.toml", Optional.of("x".repeat(51))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chain_id").hasMessageContaining("1..50 characters");
  }

  @Test
  void load_readsConfigAndGenesisFromTheHomeDirectory() throws Exception {
    Path config = Files.createDirectories(home.resolve("config"));
    assertThatThrownBy(() -> ConfigLoader.load(home)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("config.toml").hasMessageContaining("cairn init");
    Files.writeString(config.resolve("config.toml"), resource("full_cometbft_config.toml"));
    // a genesis with a large app_state before chain_id is streamed, not held whole
    String genesis = "{\"genesis_time\":\"2024-01-01T00:00:00Z\",\"app_state\":{\"accounts\":["
        + "{\"a\":[1,2,3]},".repeat(20_000) + "{}]},\"chain_id\":\"cosmoshub-4\",\"initial_height\":\"1\"}";
    Files.writeString(config.resolve("genesis.json"), genesis);
    NodeConfig c = ConfigLoader.load(home);
    assertThat(c.network()).isEqualTo("cosmoshub-4");
    // a byte-order mark before the TOML, as some editors write one, is not a token of it
    Files.writeString(config.resolve("config.toml"), "\uFEFF" + resource("full_cometbft_config.toml"));
    assertThat(ConfigLoader.load(home).p2p()).isEqualTo(c.p2p());
    Files.writeString(config.resolve("config.toml"), resource("full_cometbft_config.toml"));
    Files.writeString(config.resolve("genesis.json"), "{\"chain_id\": 7}");
    assertThatThrownBy(() -> ConfigLoader.load(home)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("genesis.json chain_id = 7: must be a string");
    Files.writeString(config.resolve("genesis.json"), "{\"app_state\": {\"a\": [");
    assertThatThrownBy(() -> ConfigLoader.load(home)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("genesis.json").hasMessageContaining("not valid JSON at line 1")
        .hasMessageNotContaining("Source:").hasMessageNotContaining("StreamReadFeature");
    Files.writeString(config.resolve("genesis.json"), "{\"app_hash\": \"\"}");
    assertThatThrownBy(() -> ConfigLoader.load(home)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("genesis.json").hasMessageContaining("no top-level chain_id");
    // the whole file is read: cut short after its chain_id, followed by more text, or naming two chains
    Files.writeString(config.resolve("genesis.json"), "{\"chain_id\":\"test-chain\", \"validators\": [ {\"addr");
    assertThatThrownBy(() -> ConfigLoader.load(home)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("genesis.json").hasMessageContaining("not valid JSON at line 1");
    Files.writeString(config.resolve("genesis.json"), "{\"chain_id\":\"test-chain\"} garbage {");
    assertThatThrownBy(() -> ConfigLoader.load(home)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("genesis.json").hasMessageContaining("not valid JSON");
    Files.writeString(config.resolve("genesis.json"), "{\"chain_id\":\"test-chain\"}\n{\"chain_id\":\"b\"}");
    assertThatThrownBy(() -> ConfigLoader.load(home)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("genesis.json: is not valid JSON at line 2, column ")
        .hasMessageContaining("more text follows the genesis object");
    Files.writeString(config.resolve("genesis.json"), "{\"chain_id\":\"first\",\n\"chain_id\":\"second\"}");
    assertThatThrownBy(() -> ConfigLoader.load(home)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("genesis.json chain_id = \"second\": is the second chain_id of the file at line 2")
        .hasMessageContaining("after \"first\"");
    // a chain_id inside another object is not the genesis's
    Files.writeString(config.resolve("genesis.json"), "{\"app_state\":{\"chain_id\":\"inner\"},\"chain_id\":\"c\"}\n");
    assertThat(ConfigLoader.load(home).network()).isEqualTo("c");
  }

  @Test
  void nineteenDigitIntegers_areReadExactly() throws Exception {
    NodeConfig c = ConfigLoader.parse("[p2p]\nsend_rate = 1_000_000_000_000_000_000 # 1e18\n"
        + "[cairn]\nprng_seed = -9223372036854775808\n", "config.toml", GENESIS);
    assertThat(c.p2p().sendRate()).isEqualTo(1_000_000_000_000_000_000L);
    assertThat(c.cairn().prngSeed()).hasValue(Long.MIN_VALUE);
    c = ConfigLoader.parse("[cairn]\nprng_seed = 9223372036854775807\n", "config.toml", GENESIS);
    assertThat(c.cairn().prngSeed()).hasValue(Long.MAX_VALUE);
    assertThatThrownBy(() -> ConfigLoader.parse("[cairn]\nprng_seed = 9223372036854775808\n", "config.toml",
        GENESIS)).isInstanceOf(ConfigException.class).hasMessageContaining("prng_seed")
        .hasMessageContaining("signed 64-bit range");
  }

  @Test
  void tomlSyntaxError_namesTheFileAndLine() {
    assertThatThrownBy(() -> ConfigLoader.parse("[p2p]\npex = \n", "config.toml", GENESIS))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config.toml: is not valid TOML at line 2");
  }

  /** Each rule: the TOML, the key the exception must name, and a part of the rule text. */
  static Stream<Arguments> invalid() {
    String id = "2d6ea4296e321edc08897614e2a24c4bc3e71d63";
    return Stream.of(
        Arguments.of("[p2p]\nladdr = \"unix://cairn.sock\"", "laddr", "tcp://"),
        Arguments.of("[p2p]\nladdr = \"tcp://0.0.0.0\"", "laddr", "port is missing"),
        Arguments.of("[p2p]\nladdr = \"tcp://0.0.0.0:70000\"", "laddr", "outside 0..65535"),
        Arguments.of("[p2p]\nladdr = 26656", "laddr", "must be a quoted string"),
        Arguments.of("[p2p]\nexternal_address = \"::1:26656\"", "external_address", "in brackets"),
        Arguments.of("[p2p]\nexternal_address = \"bad host!:1\"", "external_address", "neither an IP address nor a DNS name"),
        Arguments.of("[p2p]\nseeds = \"1.2.3.4:26656\"", "seeds", "node ID is missing"),
        Arguments.of("[p2p]\nseeds = \"abc@1.2.3.4:26656\"", "seeds", "not 40 lowercase hex"),
        Arguments.of("[p2p]\npersistent_peers = \"" + id + "@1.2.3.4:26656;" + id + "@1.2.3.5:26656\"",
            "persistent_peers", "entries are separated by commas"),
        Arguments.of("[p2p]\npersistent_peers = \"" + id + "@1.2.3.4\"", "persistent_peers", "port is missing"),
        Arguments.of("[p2p]\npersistent_peers = \"" + id + "@1.2.3.4:x\"", "persistent_peers", "not a number"),
        Arguments.of("[p2p]\npersistent_peers = \"" + id + "@1.2.3.4:0\"", "persistent_peers", "port 0, which cannot"),
        Arguments.of("[p2p]\nseeds = \"" + id + "@0.0.0.0:26656\"", "seeds", "unspecified address 0.0.0.0"),
        Arguments.of("[p2p]\npersistent_peers = \"" + id + "@[::]:26656\"", "persistent_peers",
            "unspecified address ::"),
        Arguments.of("[p2p]\npersistent_peers = \"" + id + "\"", "persistent_peers", "id@host:port, the address is missing"),
        Arguments.of("[p2p]\nseeds = \"" + id + "@seed.example:0\"", "seeds", "port 0, which cannot"),
        Arguments.of("[p2p]\npersistent_peers = \"" + id.toUpperCase() + "@1.2.3.4:1\"", "persistent_peers",
            "lowercase"),
        Arguments.of("[p2p]\nunconditional_peer_ids = \"" + id + ",zz\"", "unconditional_peer_ids", "\"zz\""),
        Arguments.of("[p2p]\nprivate_peer_ids = \"nope\"", "private_peer_ids", "not a node ID"),
        Arguments.of("[p2p]\naddr_book_file = \"\"", "addr_book_file", "must name a file"),
        Arguments.of("[p2p]\naddr_book_strict = \"yes\"", "addr_book_strict", "true or false"),
        Arguments.of("[p2p]\nmax_num_inbound_peers = -1", "max_num_inbound_peers", "must not be negative"),
        Arguments.of("[p2p]\nmax_num_inbound_peers = 10001", "max_num_inbound_peers", "at most 10000"),
        Arguments.of("[p2p]\nmax_num_inbound_peers = 4.5", "max_num_inbound_peers", "whole number"),
        Arguments.of("[p2p]\nmax_num_inbound_peers = 1e3", "max_num_inbound_peers", "as a float (write 1000)"),
        Arguments.of("[p2p]\nmax_num_outbound_peers = 10.0", "max_num_outbound_peers", "as a float (write 10)"),
        Arguments.of("[p2p]\nmax_num_outbound_peers = -3", "max_num_outbound_peers", "must not be negative"),
        Arguments.of("[p2p]\nmax_num_outbound_peers = 1001", "max_num_outbound_peers", "at most 1000"),
        Arguments.of("[p2p]\npersistent_peers_max_dial_period = \"-1s\"", "persistent_peers_max_dial_period",
            "must not be negative"),
        Arguments.of("[p2p]\nflush_throttle_timeout = \"100\"", "flush_throttle_timeout", "without a unit"),
        Arguments.of("[p2p]\nflush_throttle_timeout = \"10 ms\"", "flush_throttle_timeout", "unknown unit"),
        Arguments.of("[p2p]\nflush_throttle_timeout = 100", "flush_throttle_timeout",
            "must be a quoted string (\"…\" or '…')"),
        Arguments.of("[p2p]\nmax_packet_msg_payload_size = 0", "max_packet_msg_payload_size", "at least 1"),
        Arguments.of("[p2p]\nsend_rate = -1", "send_rate", "must not be negative"),
        Arguments.of("[p2p]\nrecv_rate = -5120000", "recv_rate", "must not be negative"),
        Arguments.of("[p2p]\npex = 1", "pex", "true or false"),
        Arguments.of("[p2p]\npex = false\nseed_mode = true", "seed_mode", "needs pex = true"),
        Arguments.of("[p2p]\nhandshake_timeout = \"0s\"", "handshake_timeout", "greater than zero"),
        Arguments.of("[p2p]\ndial_timeout = \"-3s\"", "dial_timeout", "must not be negative"),
        Arguments.of("[p2p]\nupnp = \"no\"", "upnp", "true or false"),
        Arguments.of("p2p = 3", "p2p", "must be a table"),
        Arguments.of("[cairn]\nnetwork = \"" + "n".repeat(51) + "\"", "network", "at most 50"),
        Arguments.of("[cairn]\nmoniker = \"\"", "moniker", "printable ASCII"),
        Arguments.of("[cairn]\nmoniker = \"caf\u00e9\"", "moniker", "printable ASCII"),
        Arguments.of("[cairn]\nprng_seed = \"42\"", "prng_seed", "whole number"),
        Arguments.of("[cairn]\nmin_threshold = 22", "min_target", "greater than min_threshold = 22"),
        Arguments.of("[cairn]\nmax_target = 21", "max_target", "not be less than min_target = 22"),
        Arguments.of("[cairn]\nmax_threshold = 38", "max_threshold", "greater than max_target = 38"),
        Arguments.of("[cairn]\nmax_threshold = 51", "max_threshold",
            "must be at most [p2p] max_num_inbound_peers + max_num_outbound_peers = 40 + 10 = 50"),
        Arguments.of("[p2p]\nmax_num_inbound_peers = 0\nmax_num_outbound_peers = 30\n[cairn]\nmin_threshold = 1"
            + "\nmin_target = 2\nmax_target = 30\nmax_threshold = 31", "max_threshold",
            "max_num_inbound_peers + max_num_outbound_peers = 0 + 30 = 30"),
        Arguments.of("[p2p]\nmax_num_inbound_peers = 1\nmax_num_outbound_peers = 1\n[cairn]\nmax_target = 2"
            + "\nmax_threshold = 3", "max_threshold", "must be at most [p2p] max_num_inbound_peers"),
        Arguments.of("[cairn]\nmax_threshold = 11001", "max_threshold", "at most 11000"),
        Arguments.of("[cairn]\nmin_threshold = -1", "min_threshold", "must not be negative"),
        Arguments.of("[cairn]\nmax_connected_upgrade = 101", "max_connected_upgrade", "at most 100"),
        Arguments.of("[cairn]\nretry_delay_min = \"0s\"", "retry_delay_min", "greater than zero"),
        Arguments.of("[cairn]\nretry_delay_max = \"100ms\"", "retry_delay_max",
            "not be less than retry_delay_min = \"250ms\""),
        Arguments.of("[cairn]\nretry_jitter_max = \"-1ms\"", "retry_jitter_max", "must not be negative"),
        Arguments.of("[cairn]\ndisconnect_cooldown = \"2 s\"", "disconnect_cooldown", "unknown unit \" s\""),
        Arguments.of("[cairn]\nidle_inbound_eviction = \"yes\"", "idle_inbound_eviction", "must be true or false"),
        Arguments.of("[cairn]\nmax_handshakes_per_group = 0", "max_handshakes_per_group", "must be at least 1"),
        Arguments.of("[cairn]\nmax_handshakes_per_group = \"8\"", "max_handshakes_per_group", "must be a whole number"),
        Arguments.of("[cairn]\ntrace_file = false", "trace_file", "must be a quoted string"),
        Arguments.of("[cairn]\ntrace_max_file_bytes = 100", "trace_max_file_bytes", "must be at least 1024"),
        Arguments.of("[cairn]\ntrace_max_files = 0", "trace_max_files", "must be at least 1"),
        Arguments.of("[cairn]\ntrace_checkpoint_interval = -1", "trace_checkpoint_interval", "must not be negative"),
        Arguments.of("[cairn]\ntrace_max_files = 10001", "trace_max_files", "must be at most 10000"),
        Arguments.of("[cairn]\nprometheus_listen_addr = \"26660\"", "prometheus_listen_addr", "[host]:port"),
        Arguments.of("[instrumentation]\nprometheus_listen_addr = \":abc\"", "prometheus_listen_addr",
            "[host]:port"),
        Arguments.of("[cairn]\nnamespace = \"9lives\"", "namespace", "Prometheus name"),
        Arguments.of("[instrumentation]\nprometheus = \"true\"", "prometheus", "true or false"),
        // CometBFT's own files elsewhere: Cairn would run as another node, or on another chain
        Arguments.of("node_key_file = \"secrets/nk.json\"", "node_key_file", "Cairn reads config/node_key.json"),
        Arguments.of("genesis_file = \"other/genesis.json\"", "genesis_file", "Cairn reads config/genesis.json"),
        // CometBFT's top-level moniker is named as itself, not as [cairn] moniker
        Arguments.of("moniker = \"n\u0153ud\"", "moniker", "must"));
  }

  @Test
  void cometBftsOwnFileKeysAtTheirDefaultsAreRead() throws Exception {
    NodeConfig c = ConfigLoader.parse("node_key_file = \"config/node_key.json\"\ngenesis_file = \"./config/genesis.json\"\n"
        + "moniker = \"ok\"\n[p2p]\n", "config.toml", GENESIS);
    assertThat(c.cairn().moniker()).isEqualTo("ok");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void aTopLevelMonikerIsBlamedAsItself() {
    assertThatThrownBy(() -> ConfigLoader.parse("moniker = \"\"\n[p2p]\n", "config.toml", GENESIS))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config.toml moniker = \"\": ")
        .hasMessageNotContaining("[cairn]");
  }

  /** A key or table written twice is named with both lines (the parser names neither, and a wrong line). */
  @Test
  void aKeyOrTableWrittenTwiceIsNamedWithBothLines() {
    String toml = "moniker = \"m\"\n[p2p]\npex = true\npersistent_peers = [\n  \"pex = 1\",\n]\n"
        + "laddr = \"tcp://127.0.0.1:1\"\n[cairn]\npex = 3\n[p2p]\n";
    assertThatThrownBy(() -> ConfigLoader.parse(toml, "config.toml", GENESIS)).isInstanceOf(ConfigException.class)
        .hasMessage("config.toml: is not valid TOML: [p2p] is written twice (lines 2 and 10)");
    String key = "[p2p]\npex = true\nseed_mode = false\n\n# again\npex = false\n";
    assertThatThrownBy(() -> ConfigLoader.parse(key, "config.toml", GENESIS)).isInstanceOf(ConfigException.class)
        .hasMessage("config.toml: is not valid TOML: [p2p] pex is set twice (lines 2 and 6)");
    assertThat(ConfigLoader.writtenTwice("a = \"\"\"\nb = 1\nb = 2\n\"\"\"\nb = 3\n")).as("inside a string").isEmpty();
    assertThat(ConfigLoader.writtenTwice("[p2p]\npex = true\n\"pex\" = false\n")).as("a quoted key is the same key")
        .contains("[p2p] pex is set twice (lines 2 and 3)");
  }

  /** A float is quoted back in plain digits, as written, not in exponent form. */
  @Test
  void aFloatIsQuotedInPlainDigits() {
    assertThatThrownBy(() -> ConfigLoader.parse("[p2p]\nmax_num_outbound_peers = 40.0\n", "config.toml", GENESIS))
        .isInstanceOf(ConfigException.class).hasMessageContaining("max_num_outbound_peers = 40")
        .hasMessageNotContaining("E+");
  }

  /** CometBFT reads keys whatever their case; Cairn refuses a section it would read nothing of. */
  @Test
  void aKnownSectionInAnotherCaseIsRefused() {
    assertThatThrownBy(() -> ConfigLoader.parse("[P2P]\nladdr = \"tcp://127.0.0.1:1\"\n", "config.toml", GENESIS))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config.toml: [P2P] is written in another case than [p2p]: write [p2p], or none of its keys is"
            + " read (the listen address and the peers among them)");
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("invalid")
  void invalidValue_isRejectedNamingKeyValueAndRule(String toml, String key, String rule) {
    assertThatThrownBy(() -> ConfigLoader.parse(toml, "config.toml", GENESIS))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).contains(key);
          assertThat(e.getMessage()).startsWith("config.toml").contains(" " + key + " = ").contains(rule);
          assertThat(e.value()).isPresent();
        });
  }

  @Test
  void aNetworkWithAControlCharacterIsRejected() {
    assertThatThrownBy(() -> ConfigLoader.parse("[cairn]\nnetwork = \"x\\u0001\"", "config.toml",
        java.util.Optional.empty())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("[cairn] network = \"x\\u0001\": must not be empty nor hold a control character");
  }

  @Test
  void lists_areSplitLikeCometBft_trimmedAndEmptiesDropped() throws Exception {
    String id1 = "2d6ea4296e321edc08897614e2a24c4bc3e71d63";
    String id2 = "35aeeb5a43ab2064d3e174dbbe76e191d8218423";
    NodeConfig c = ConfigLoader.parse("[p2p]\nprivate_peer_ids = \" " + id1 + " ,, " + id2 + ", \"\n"
        + "persistent_peers = \"tcp://" + id1 + "@node.example:26656\"\n", "config.toml", GENESIS);
    assertThat(c.p2p().privatePeerIds()).containsExactly(NodeId.of(id1), NodeId.of(id2));
    assertThat(c.p2p().persistentPeers()).containsExactly(
        new PeerAddress(NodeId.of(id1), new HostPort("node.example", 26656)));
  }
}
