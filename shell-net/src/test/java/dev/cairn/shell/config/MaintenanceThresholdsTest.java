package dev.cairn.shell.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MaintenanceThresholdsTest {

  @Test
  void derive_followsTezosProportionsForUsualLimits() {
    assertThat(MaintenanceThresholds.derive(10)).isEqualTo(new MaintenanceThresholds(4, 5, 8, 9));
    assertThat(MaintenanceThresholds.derive(40)).isEqualTo(new MaintenanceThresholds(17, 21, 32, 36));
    // Tezos' own defaults (min 10 is not our ratio, but max 100 with 1:2:3 gives its shape)
    assertThat(MaintenanceThresholds.derive(100)).isEqualTo(new MaintenanceThresholds(44, 55, 78, 89));
    assertThat(MaintenanceThresholds.derive(4)).isEqualTo(new MaintenanceThresholds(1, 2, 3, 4));
    assertThat(MaintenanceThresholds.derive(0)).isEqualTo(new MaintenanceThresholds(0, 1, 1, 2));
  }

  @Test
  void derive_givesABandTheLoaderAccepts_forEveryOutboundLimit() throws Exception {
    for (int n = 0; n <= ConfigLoader.OUTBOUND_PEERS_MAX; n++) {
      MaintenanceThresholds t = MaintenanceThresholds.derive(n);
      assertThat(t.minThreshold()).isGreaterThanOrEqualTo(0).isLessThan(t.minTarget());
      assertThat(t.minTarget()).isLessThanOrEqualTo(t.maxTarget());
      assertThat(t.maxTarget()).isLessThan(t.maxThreshold()).isLessThanOrEqualTo(Math.max(1, n));
      NodeConfig c = ConfigLoader.parse("[p2p]\nmax_num_outbound_peers = " + n, "config.toml", Optional.of("c"));
      assertThat(c.cairn().thresholds()).isEqualTo(t);
    }
  }
}
