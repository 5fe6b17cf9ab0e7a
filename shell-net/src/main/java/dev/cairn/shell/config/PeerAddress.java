package dev.cairn.shell.config;

import dev.cairn.core.NodeId;
import java.util.Objects;

/**
 * A peer named in {@code seeds} or {@code persistent_peers}: {@code id@host:port}, optionally
 * prefixed by {@code tcp://} (CometBFT strips any protocol). The ID is mandatory, as in
 * CometBFT's {@code NewNetAddressString}; the host may be a DNS name, resolved at dial time.
 */
public record PeerAddress(NodeId id, HostPort hostPort) {

  public PeerAddress {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hostPort, "hostPort");
  }

  /**
   * Parses {@code id@host:port}: a peer to dial, so port 0 is refused.
   *
   * @throws IllegalArgumentException with the rule broken
   */
  public static PeerAddress parse(String text) {
    String s = text;
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      if (!s.substring(0, scheme).equals("tcp")) {
        throw new IllegalArgumentException("peer \"" + text + "\" must use tcp://, if any protocol");
      }
      s = s.substring(scheme + 3);
    }
    int at = s.indexOf('@');
    if (at < 0) {
      String missing = NodeId.isValid(s) ? "the address is missing" : s.contains(":") ? "the node ID is missing"
          : "no '@' separates a node ID from an address";
      throw new IllegalArgumentException("peer \"" + text + "\" must be id@host:port, " + missing);
    }
    String id = s.substring(0, at);
    if (!NodeId.isValid(id)) {
      throw new IllegalArgumentException("peer \"" + text + "\" has ID \"" + id
          + "\", which is not 40 lowercase hex characters");
    }
    HostPort hostPort;
    try {
      hostPort = HostPort.parse(s.substring(at + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("peer \"" + text + "\" " + e.getMessage(), e);
    }
    if (hostPort.port() == 0) {
      throw new IllegalArgumentException("peer \"" + text + "\" has port 0, which cannot be dialed");
    }
    if (hostPort.host().equals("0.0.0.0") || hostPort.host().equals("::")) {
      // a dial of it reaches this machine itself on Linux, not the peer
      throw new IllegalArgumentException("peer \"" + text + "\" has the unspecified address " + hostPort.host()
          + ", which names no host to dial");
    }
    return new PeerAddress(NodeId.of(id), hostPort);
  }

  @Override
  public String toString() {
    return id + "@" + hostPort;
  }
}
