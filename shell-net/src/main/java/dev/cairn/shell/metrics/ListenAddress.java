package dev.cairn.shell.metrics;

import dev.cairn.shell.config.HostPort;
import java.util.Optional;

/**
 * {@code prometheus_listen_addr} as Go's {@code net/http} reads it: {@code host:port}, or
 * {@code :port} for every interface; an optional {@code tcp://} prefix is accepted as CometBFT's
 * other listen addresses allow it.
 *
 * @param host the interface to bind, empty for all of them
 */
record ListenAddress(Optional<String> host, int port) {

  static final String KEY = "prometheus_listen_addr";

  static ListenAddress parse(String text) {
    String hostPort = text.startsWith("tcp://") ? text.substring("tcp://".length()) : text;
    try {
      if (hostPort.startsWith(":")) {
        return new ListenAddress(Optional.empty(), HostPort.parse("0.0.0.0" + hostPort).port());
      }
      HostPort parsed = HostPort.parse(hostPort);
      return new ListenAddress(Optional.of(parsed.host()), parsed.port());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(KEY + " = \"" + text
          + "\": must be [host]:port such as \":26660\" or \"127.0.0.1:26660\"; it " + e.getMessage(), e);
    }
  }
}
