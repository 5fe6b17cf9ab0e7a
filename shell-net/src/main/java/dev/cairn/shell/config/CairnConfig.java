package dev.cairn.shell.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Cairn's own settings, in the {@code [cairn]} section of config.toml (CometBFT ignores the
 * section). Durations are Go duration strings in the file.
 *
 * @param network {@code network}: the chain ID used when there is no genesis.json
 * @param moniker {@code moniker}; falls back to CometBFT's top-level {@code moniker}
 * @param prngSeed {@code prng_seed}: fixes the core's random choices (tests, replays); absent
 *     means a seed drawn from {@code SecureRandom} at start-up and written to the trace
 * @param thresholds {@code min_threshold}, {@code min_target}, {@code max_target}, {@code
 *     max_threshold}, over all connections; absent keys are derived from {@code
 *     max_num_inbound_peers} and {@code max_num_outbound_peers}
 * @param maxConnectedUpgrade {@code max_connected_upgrade}: extra slots to replace a worse peer
 * @param retryDelayMin {@code retry_delay_min}: the delay added per failed dial (linear)
 * @param retryDelayMax {@code retry_delay_max}: the cap on the retry delay
 * @param retryJitterMax {@code retry_jitter_max}: uniform jitter added to each retry delay
 * @param disconnectCooldown {@code disconnect_cooldown}: no redial of a peer sooner than this
 * @param idleInboundEviction {@code idle_inbound_eviction}: an inbound newcomer that finds inbound
 *     full takes the slot of the inbound peer that has sent nothing PEX accepted for the longest
 *     since its admission, and a silent inbound peer's address is not learned (the cold-start
 *     Sybil flood in SECURITY.md); off by default, as CometBFT behaves
 * @param maxHandshakesPerGroup {@code max_handshakes_per_group}: inbound handshakes run at once
 *     from addresses of one /16 (IPv6 /32) group; more are closed before their handshake, so that
 *     one network cannot hold every handshake slot (CometBFT has no such limit)
 * @param trace {@code trace_file}, {@code trace_max_file_bytes}, {@code trace_max_files}, {@code
 *     trace_checkpoint_interval}: recording of the core's event trace
 * @param metrics {@code prometheus}, {@code prometheus_listen_addr}, {@code namespace}
 */
public record CairnConfig(
    Optional<String> network,
    String moniker,
    OptionalLong prngSeed,
    MaintenanceThresholds thresholds,
    int maxConnectedUpgrade,
    Duration retryDelayMin,
    Duration retryDelayMax,
    Duration retryJitterMax,
    Duration disconnectCooldown,
    boolean idleInboundEviction,
    int maxHandshakesPerGroup,
    TraceConfig trace,
    MetricsConfig metrics) {

  /** {@code max_handshakes_per_group} when absent: a fifth of the 40 slots of CometBFT's default inbound limit. */
  public static final int MAX_HANDSHAKES_PER_GROUP_DEFAULT = 8;

  public CairnConfig {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(moniker, "moniker");
    Objects.requireNonNull(prngSeed, "prngSeed");
    Objects.requireNonNull(thresholds, "thresholds");
    Objects.requireNonNull(retryDelayMin, "retryDelayMin");
    Objects.requireNonNull(retryDelayMax, "retryDelayMax");
    Objects.requireNonNull(retryJitterMax, "retryJitterMax");
    Objects.requireNonNull(disconnectCooldown, "disconnectCooldown");
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Defaults for the peer limits {@code maxInbound} and {@code maxOutbound}: the maintenance
   * band of {@link MaintenanceThresholds#derive}, Tendermint v0.35's node defaults for retries
   * (250 ms per failure, capped at 30 min, up to 5 s jitter), its 2 s disconnect cool-down and 4
   * upgrade slots.
   */
  public static CairnConfig defaults(int maxInbound, int maxOutbound) {
    return new CairnConfig(
        Optional.empty(),
        "cairn",
        OptionalLong.empty(),
        MaintenanceThresholds.derive(maxInbound, maxOutbound),
        4,
        Duration.ofMillis(250),
        Duration.ofMinutes(30),
        Duration.ofSeconds(5),
        Duration.ofSeconds(2),
        false,
        MAX_HANDSHAKES_PER_GROUP_DEFAULT,
        TraceConfig.defaults(),
        MetricsConfig.defaults());
  }
}
