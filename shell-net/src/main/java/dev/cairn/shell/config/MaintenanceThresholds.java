package dev.cairn.shell.config;

/**
 * The hysteresis band of connection-count maintenance over the number of outbound
 * connections, after Tezos' {@code make_maintenance_bounds}: below {@code minThreshold} dial
 * until {@code minTarget}; above {@code maxThreshold} disconnect (lowest score first) until
 * {@code maxTarget}. Valid bands satisfy {@code 0 <= minThreshold < minTarget <= maxTarget <
 * maxThreshold}; {@link ConfigLoader} also requires {@code maxTarget <= max(1,
 * max_num_outbound_peers)}, since no target above the outbound limit can be reached.
 */
public record MaintenanceThresholds(int minThreshold, int minTarget, int maxTarget, int maxThreshold) {

  /**
   * The default band for an outbound limit of {@code maxOutbound}.
   *
   * <p>Tezos derives its band from (min, expected, max) connections in the ratio 1 : 2 : 3
   * ({@code --connections N} gives N/2, N, 3N/2) with {@code step_min = (expected - min) / 3},
   * {@code step_max = (max - expected) / 3} and the band {@code min + step_min, min + 2
   * step_min, max - 2 step_max, max - step_max}. Here the outbound limit is the maximum, so
   * min = max/3 and expected = 2max/3 (10 outbound gives 4/5/8/9, 40 gives 17/21/32/36). Below
   * 9 the steps would be zero, so small limits get the tightest valid band instead: {@code
   * ceil(N/2) - 1, ceil(N/2), N - 1, N}; below 2 there is no band inside the limit and the
   * result, 0/1/1/2, never triggers a disconnect.
   */
  public static MaintenanceThresholds derive(int maxOutbound) {
    if (maxOutbound < 2) {
      return new MaintenanceThresholds(0, 1, 1, 2);
    }
    if (maxOutbound < 9) {
      int half = (maxOutbound + 1) / 2;
      return new MaintenanceThresholds(half - 1, half, maxOutbound - 1, maxOutbound);
    }
    int min = maxOutbound / 3;
    int expected = 2 * maxOutbound / 3;
    int stepMin = (expected - min) / 3;
    int stepMax = (maxOutbound - expected) / 3;
    return new MaintenanceThresholds(
        min + stepMin, min + 2 * stepMin, maxOutbound - 2 * stepMax, maxOutbound - stepMax);
  }
}
