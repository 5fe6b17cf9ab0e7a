package dev.cairn.shell.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.NodeId;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.peer.PeerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MaintenanceThresholdsTest {

  static final PeerConfig CORE =
      PeerConfig.defaults(BookConfig.defaults(NodeId.of("00112233445566778899aabbccddeeff00112233")));

  @Test
  void derive_ofCometBftLimits_isTheCoresOwnDefault() {
    MaintenanceThresholds t = MaintenanceThresholds.derive(40, 10);
    assertThat(t).isEqualTo(new MaintenanceThresholds(16, 22, 38, 44));
    assertThat(t).isEqualTo(new MaintenanceThresholds(
        CORE.minThreshold(), CORE.minTarget(), CORE.maxTarget(), CORE.maxThreshold()));
    assertThat(CORE.maxConnected()).isEqualTo(40 + 10);
  }

  @Test
  void derive_followsTheCoresFormulaOverTotalConnections() {
    // (min, expected, max) = (out, (out + total) / 2, total)
    assertThat(MaintenanceThresholds.derive(60, 20)).isEqualTo(new MaintenanceThresholds(30, 40, 60, 70));
    assertThat(MaintenanceThresholds.derive(100, 0)).isEqualTo(new MaintenanceThresholds(16, 32, 68, 84));
    assertThat(MaintenanceThresholds.derive(6, 10)).isEqualTo(new MaintenanceThresholds(11, 12, 14, 15));
    // the band may exceed the outbound limit: inbound peers fill it
    assertThat(MaintenanceThresholds.derive(40, 40)).isEqualTo(new MaintenanceThresholds(46, 52, 68, 74));
  }

  @Test
  void derive_belowSixInbound_fallsBackToTheTightestBandInsideTheTotal() {
    assertThat(MaintenanceThresholds.derive(5, 10)).isEqualTo(new MaintenanceThresholds(10, 11, 14, 15));
    assertThat(MaintenanceThresholds.derive(1, 10)).isEqualTo(new MaintenanceThresholds(9, 10, 10, 11));
    assertThat(MaintenanceThresholds.derive(0, 10)).isEqualTo(new MaintenanceThresholds(8, 9, 9, 10));
    assertThat(MaintenanceThresholds.derive(0, 3)).isEqualTo(new MaintenanceThresholds(1, 2, 2, 3));
    assertThat(MaintenanceThresholds.derive(3, 0)).isEqualTo(new MaintenanceThresholds(0, 1, 2, 3));
    assertThat(MaintenanceThresholds.derive(1, 1)).isEqualTo(new MaintenanceThresholds(0, 1, 1, 2));
    assertThat(MaintenanceThresholds.derive(2, 0)).isEqualTo(new MaintenanceThresholds(0, 1, 1, 2));
  }

  @Test
  void derive_belowATotalOfTwo_givesTheInertBand() {
    MaintenanceThresholds inert = new MaintenanceThresholds(0, 1, 1, 2);
    assertThat(MaintenanceThresholds.derive(0, 0)).isEqualTo(inert);
    assertThat(MaintenanceThresholds.derive(1, 0)).isEqualTo(inert);
    assertThat(MaintenanceThresholds.derive(0, 1)).isEqualTo(inert);
  }

  @Test
  void derive_refusesNegativeLimits() {
    assertThatThrownBy(() -> MaintenanceThresholds.derive(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MaintenanceThresholds.derive(40, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Every (in, out) with both up to 40, and the ends and a few points of the loader's ranges. */
  static List<int[]> limits() {
    List<int[]> pairs = new ArrayList<>();
    for (int in = 0; in <= 40; in++) {
      for (int out = 0; out <= 40; out++) {
        pairs.add(new int[] {in, out});
      }
    }
    int[] ins = {0, 1, 5, 6, 7, 41, 99, 100, 1_000, 4_999, 8_999, 9_000, 9_001, ConfigLoader.INBOUND_PEERS_MAX};
    int[] outs = {0, 1, 2, 5, 41, 100, 999, ConfigLoader.OUTBOUND_PEERS_MAX};
    for (int in : ins) {
      for (int out : outs) {
        pairs.add(new int[] {in, out});
      }
    }
    return pairs;
  }

  @Test
  void everyDerivedBand_isAcceptedByTheLoaderAndByTheCore() throws Exception {
    int checkedByCore = 0;
    for (int[] p : limits()) {
      int in = p[0];
      int out = p[1];
      int total = in + out;
      String where = in + " in, " + out + " out";
      MaintenanceThresholds t = MaintenanceThresholds.derive(in, out);

      int[] f = PeerConfig.defaultThresholds(out, (out + total) / 2, total);
      MaintenanceThresholds formula = new MaintenanceThresholds(f[0], f[1], f[2], f[3]);
      if (total >= 2) {
        assertThat(t.fitsWithin(total)).as(where).isTrue();
        // the core's formula is used whenever it gives a valid band, which is from 6 inbound on
        assertThat(formula.fitsWithin(total)).as(where).isEqualTo(in >= 6);
        if (formula.fitsWithin(total)) {
          assertThat(t).as(where).isEqualTo(formula);
        } else {
          assertThat(t.minTarget() - t.minThreshold()).as(where).isEqualTo(1);
          assertThat(t.maxThreshold() - t.maxTarget()).as(where).isEqualTo(1);
          assertThat(t.maxThreshold()).as(where).isEqualTo(total);
        }
      } else {
        assertThat(t).as(where).isEqualTo(new MaintenanceThresholds(0, 1, 1, 2));
        // no band fits fewer than 2 connections: the loader refuses the limits themselves, by name,
        // and the core refuses the inert band, as any other
        assertThatThrownBy(() -> ConfigLoader.parse(
            "[p2p]\nmax_num_inbound_peers = " + in + "\nmax_num_outbound_peers = " + out, "config.toml",
            Optional.of("c"))).as(where).isInstanceOf(ConfigException.class)
            .hasMessageContaining("max_num_outbound_peers").hasMessageContaining("at least 2");
        assertThatThrownBy(() -> core(in, out, t)).as(where)
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxThreshold");
        continue;
      }

      NodeConfig loaded = ConfigLoader.parse(
          "[p2p]\nmax_num_inbound_peers = " + in + "\nmax_num_outbound_peers = " + out,
          "config.toml", Optional.of("c"));
      assertThat(loaded.cairn().thresholds()).as(where).isEqualTo(t);
      // written out explicitly, the band is accepted too
      NodeConfig explicit = ConfigLoader.parse(
          "[p2p]\nmax_num_inbound_peers = " + in + "\nmax_num_outbound_peers = " + out
              + "\n[cairn]\nmin_threshold = " + t.minThreshold() + "\nmin_target = " + t.minTarget()
              + "\nmax_target = " + t.maxTarget() + "\nmax_threshold = " + t.maxThreshold(),
          "config.toml", Optional.of("c"));
      assertThat(explicit.cairn().thresholds()).as(where).isEqualTo(t);

      if (total > PeerConfig.MAX_PEERS_BOUND) {
        continue;
      }
      PeerConfig c = core(in, out, t);
      assertThat(c.maxThreshold()).as(where).isEqualTo(t.maxThreshold());
      checkedByCore++;
    }
    assertThat(checkedByCore).isGreaterThan(1_700);
  }

  @Test
  void aBandOneAboveTheTotal_isRefusedByTheLoaderAndByTheCore() {
    for (int[] p : limits()) {
      int in = p[0];
      int out = p[1];
      int total = in + out;
      if (total < 2 || total > PeerConfig.MAX_PEERS_BOUND) {
        continue;
      }
      MaintenanceThresholds t = MaintenanceThresholds.derive(in, out);
      MaintenanceThresholds tooHigh =
          new MaintenanceThresholds(t.minThreshold(), t.minTarget(), t.maxTarget(), total + 1);
      String toml = "[p2p]\nmax_num_inbound_peers = " + in + "\nmax_num_outbound_peers = " + out
          + "\n[cairn]\nmax_threshold = " + (total + 1);
      assertThatThrownBy(() -> ConfigLoader.parse(toml, "config.toml", Optional.of("c")))
          .as(in + " in, " + out + " out")
          .isInstanceOfSatisfying(ConfigException.class,
              e -> {
                assertThat(e.key()).contains("max_threshold");
                assertThat(e.rule()).contains("max_num_inbound_peers + max_num_outbound_peers = "
                    + in + " + " + out + " = " + total);
              });
      assertThatThrownBy(() -> core(in, out, tooHigh)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static PeerConfig core(int in, int out, MaintenanceThresholds t) {
    return CORE.withLimits(in, out, in + out, CORE.maxConnectedUpgrade(),
        t.minThreshold(), t.minTarget(), t.maxTarget(), t.maxThreshold());
  }
}
