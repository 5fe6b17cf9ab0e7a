package dev.cairn.shell.config;

import dev.cairn.core.peer.PeerConfig;

/**
 * The hysteresis band of connection-count maintenance over the <em>total</em> number of
 * connections, inbound and outbound, after Tezos' {@code make_maintenance_bounds}: below {@code
 * minThreshold} dial until {@code minTarget} (as far as the outbound limit allows); above
 * {@code maxThreshold} disconnect (inbound and lowest score first) until {@code maxTarget}. The
 * core ({@link PeerConfig}) requires {@code 0 <= minThreshold < minTarget <= maxTarget <
 * maxThreshold <= maxConnected}, and the node uses {@code max_num_inbound_peers +
 * max_num_outbound_peers} as {@code maxConnected}; {@link ConfigLoader} checks the same rule.
 */
public record MaintenanceThresholds(int minThreshold, int minTarget, int maxTarget, int maxThreshold) {

  /**
   * The default band for the limits {@code maxInbound} and {@code maxOutbound}, with {@code
   * total = maxInbound + maxOutbound}.
   *
   * <p>The core's formula, {@link PeerConfig#defaultThresholds} over (min, expected, max) =
   * ({@code maxOutbound}, {@code (maxOutbound + total) / 2}, {@code total}): CometBFT's 40 in
   * and 10 out give (10, 30, 50), hence 16, 22, 38, 44. Both of its steps depend on the inbound
   * limit only and are zero below 6 inbound peers, so the formula then yields no valid band; the
   * result is instead the tightest valid band inside [0, total], one step wide on each side and
   * placed where the formula would put it as far as the bound allows: {@code m - 1, m, total -
   * 1, total} with {@code m = min(maxOutbound + 1, total - 1)} (6 in and 10 out through the
   * formula and 5 in and 10 out through this rule give 11/12/14/15 and 10/11/14/15).
   *
   * <p>Below a total of 2 no band fits inside the limit. The result is then {@code 0, 1, 1, 2},
   * which never triggers: no count is below 0, and trimming would start only above 2
   * connections, more than the limits admit. {@link ConfigLoader} accepts that band (and only
   * that one) for such limits, but the core refuses it, as it refuses any band, when its
   * {@code maxConnected} is below 2.
   *
   * @throws IllegalArgumentException if a limit is negative
   */
  public static MaintenanceThresholds derive(int maxInbound, int maxOutbound) {
    if (maxInbound < 0 || maxOutbound < 0) {
      throw new IllegalArgumentException(
          "peer limits must not be negative, got " + maxInbound + " in, " + maxOutbound + " out");
    }
    int total = maxInbound + maxOutbound;
    if (total < 2) {
      return new MaintenanceThresholds(0, 1, 1, 2);
    }
    int[] t = PeerConfig.defaultThresholds(maxOutbound, (maxOutbound + total) / 2, total);
    MaintenanceThresholds formula = new MaintenanceThresholds(t[0], t[1], t[2], t[3]);
    if (formula.fitsWithin(total)) {
      return formula;
    }
    int minTarget = Math.min(maxOutbound + 1, total - 1);
    return new MaintenanceThresholds(minTarget - 1, minTarget, total - 1, total);
  }

  /**
   * Whether {@code 0 <= minThreshold < minTarget <= maxTarget < maxThreshold <=
   * maxConnected}, the core's rule.
   */
  public boolean fitsWithin(int maxConnected) {
    return 0 <= minThreshold && minThreshold < minTarget && minTarget <= maxTarget
        && maxTarget < maxThreshold && maxThreshold <= maxConnected;
  }
}
