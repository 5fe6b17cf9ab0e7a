package dev.cairn.shell.config;

import java.util.Objects;

/**
 * Prometheus metrics, mirroring CometBFT's {@code [instrumentation]} keys; {@code [cairn]}
 * overrides them when it sets its own.
 *
 * @param prometheus whether to serve metrics
 * @param listenAddress {@code prometheus_listen_addr}, e.g. {@code ":26660"} (all interfaces)
 * @param namespace metric name prefix: {@code cometbft} gives {@code cometbft_p2p_peers}
 */
public record MetricsConfig(boolean prometheus, String listenAddress, String namespace) {

  public MetricsConfig {
    Objects.requireNonNull(listenAddress, "listenAddress");
    Objects.requireNonNull(namespace, "namespace");
  }

  /** CometBFT's defaults: off, {@code :26660}, namespace {@code cometbft}. */
  public static MetricsConfig defaults() {
    return new MetricsConfig(false, ":26660", "cometbft");
  }
}
