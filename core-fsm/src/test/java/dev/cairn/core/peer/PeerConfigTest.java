package dev.cairn.core.peer;

import static dev.cairn.core.peer.Fixtures.addr;
import static dev.cairn.core.peer.Fixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.NodeAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePSet;

/** Bad config is refused with a message naming the key and the rule (TestPeerManagerOptions_Validate). */
class PeerConfigTest {

  private static final PeerConfig DEFAULTS = PeerConfig.defaults(Fixtures.bookConfig());

  @Test
  void defaults_areCometBftsLimits_andTezosBounds() {
    assertThat(DEFAULTS.maxInbound()).isEqualTo(40);
    assertThat(DEFAULTS.maxOutbound()).isEqualTo(10);
    assertThat(DEFAULTS.maxConnected()).isEqualTo(50);
    assertThat(DEFAULTS.maxConnectedUpgrade()).isEqualTo(4);
    assertThat(new int[] {DEFAULTS.minThreshold(), DEFAULTS.minTarget(), DEFAULTS.maxTarget(),
        DEFAULTS.maxThreshold()}).containsExactly(16, 22, 38, 44);
    // Tezos' own defaults (10/50/100) give 23/36/68/84, and --connections 50 gives 33/41/59/67
    assertThat(PeerConfig.defaultThresholds(10, 50, 100)).containsExactly(23, 36, 68, 84);
    assertThat(PeerConfig.defaultThresholds(25, 50, 75)).containsExactly(33, 41, 59, 67);
  }

  @Test
  void thresholdsOutOfOrder_areRefused() {
    assertThatThrownBy(() -> DEFAULTS.withLimits(40, 10, 50, 4, 20, 20, 30, 40))
        .hasMessageContaining("minThreshold < minTarget");
    assertThatThrownBy(() -> DEFAULTS.withLimits(40, 10, 50, 4, 10, 20, 30, 30))
        .hasMessageContaining("maxTarget < maxThreshold");
    assertThatThrownBy(() -> DEFAULTS.withLimits(40, 10, 50, 4, 10, 30, 20, 40))
        .hasMessageContaining("minTarget <= maxTarget");
    assertThatThrownBy(() -> DEFAULTS.withLimits(40, 10, 50, 4, 10, 20, 30, 51))
        .hasMessageContaining("maxThreshold <= maxConnected");
    // equality where allowed
    assertThat(DEFAULTS.withLimits(40, 10, 50, 4, 0, 20, 20, 50).minTarget()).isEqualTo(20);
  }

  @Test
  void limitsThatContradictEachOther_areRefused() {
    assertThatThrownBy(() -> DEFAULTS.withLimits(40, 60, 50, 4, 16, 22, 38, 44))
        .hasMessageContaining("maxOutbound (max_num_outbound_peers) = 60 must be at most maxConnected = 50");
    assertThatThrownBy(() -> DEFAULTS.withLimits(60, 10, 50, 4, 16, 22, 38, 44))
        .hasMessageContaining("maxInbound (max_num_inbound_peers) = 60 must be at most maxConnected");
    assertThatThrownBy(() -> DEFAULTS.withLimits(10, 10, 30, 4, 1, 2, 3, 4))
        .hasMessageContaining("maxConnected = 30 must be at most maxInbound + maxOutbound = 20");
    assertThatThrownBy(() -> DEFAULTS.withLimits(-1, 10, 10, 4, 1, 2, 3, 4))
        .hasMessageContaining("maxInbound (max_num_inbound_peers) = -1 must not be negative");
    assertThatThrownBy(() -> DEFAULTS.withLimits(40, 10, 50, -2, 16, 22, 38, 44))
        .hasMessageContaining("maxConnectedUpgrade = -2 must not be negative");
  }

  @Test
  void negativeOrInconsistentDurations_areRefused() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> DEFAULTS.withRetry(Duration.ofMillis(-1), s, s, s, s))
        .hasMessageContaining("minRetryTime = PT-0.001S must be positive");
    assertThatThrownBy(() -> DEFAULTS.withRetry(s, Duration.ofMillis(500), s, s, s))
        .hasMessageContaining("maxRetryTime = PT0.5S must be at least minRetryTime = PT1S");
    assertThatThrownBy(() -> DEFAULTS.withRetry(s, s, Duration.ofMillis(10), s, s))
        .hasMessageContaining("maxRetryTimePersistent (persistent_peers_max_dial_period)");
    assertThatThrownBy(() -> DEFAULTS.withRetry(s, s, s, Duration.ofMillis(-5), s))
        .hasMessageContaining("retryTimeJitter = PT-0.005S must not be negative");
    assertThatThrownBy(() -> DEFAULTS.withRetry(s, s, s, s, Duration.ofMillis(-5)))
        .hasMessageContaining("disconnectCooldown = PT-0.005S must not be negative");
  }

  @Test
  void morePersistentPeersThanOutboundSlots_areRefused_unlessUnconditional() {
    var peers = TreePSet.<NodeAddress>empty();
    for (int n = 1; n <= 11; n++) {
      peers = peers.plus(addr(n));
    }
    var tooMany = peers;
    assertThatThrownBy(() -> DEFAULTS.withPersistentPeers(tooMany))
        .hasMessageContaining("persistentPeers (persistent_peers) has 11 peers that are not unconditional,"
            + " more than maxOutbound (max_num_outbound_peers) = 10");
    PeerConfig ok = DEFAULTS.withUnconditionalPeerIds(TreePSet.singleton(id(1))).withPersistentPeers(tooMany);
    assertThat(ok.persistentPeers()).hasSize(11);
  }

  @Test
  void ourselvesOrTwoAddressesOfOnePeer_asPersistent_areRefused() {
    assertThatThrownBy(() -> DEFAULTS.withPersistentPeers(TreePSet.singleton(addr(0))))
        .hasMessageContaining("persistentPeers (persistent_peers) lists our own ID");
    var twice = TreePSet.singleton(addr(1)).plus(new NodeAddress(id(1), "9.9.9.9", 1));
    assertThatThrownBy(() -> DEFAULTS.withPersistentPeers(twice))
        .hasMessageContaining("lists " + id(1) + " twice");
    assertThatThrownBy(() -> DEFAULTS.withUnconditionalPeerIds(TreePSet.singleton(id(0))))
        .hasMessageContaining("unconditionalPeerIds (unconditional_peer_ids) lists our own ID");
  }
}
