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

  /**
   * Whether the metrics server, when on, would take the port {@code laddr} listens on: the same
   * port on the same host, or on every interface on either side. (Only a {@code HOST:PORT} that
   * parses is compared; a malformed one is refused where the server starts.)
   */
  public boolean clashesWith(HostPort laddr) {
    if (!prometheus) {
      return false;
    }
    String text = listenAddress.startsWith("tcp://") ? listenAddress.substring("tcp://".length()) : listenAddress;
    HostPort mine;
    try {
      mine = HostPort.parse(text.startsWith(":") ? "0.0.0.0" + text : text);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (mine.port() != laddr.port()) {
      return false;
    }
    java.util.Set<java.net.InetAddress> a = addresses(mine.host());
    java.util.Set<java.net.InetAddress> b = addresses(laddr.host());
    return a.stream().anyMatch(java.net.InetAddress::isAnyLocalAddress)
        || b.stream().anyMatch(java.net.InetAddress::isAnyLocalAddress)
        || a.stream().anyMatch(b::contains) || mine.host().equals(laddr.host());
  }

  /** The addresses a host names: itself for an IP, what it resolves to for a name (none if it does not). */
  private static java.util.Set<java.net.InetAddress> addresses(String host) {
    try {
      return java.util.Set.of(java.net.InetAddress.getAllByName(host));
    } catch (java.net.UnknownHostException e) {
      return java.util.Set.of();
    }
  }

  /** CometBFT's defaults: off, {@code :26660}, namespace {@code cometbft}. */
  public static MetricsConfig defaults() {
    return new MetricsConfig(false, ":26660", "cometbft");
  }
}
