package dev.cairn.shell.p2p;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a host name that is not an IP literal into one address, as Go's {@code net.LookupIP}
 * followed by taking the first result. Injected so that tests and simulations never need DNS.
 */
@FunctionalInterface
public interface HostResolver {

  InetAddress resolve(String host) throws UnknownHostException;

  /** The platform resolver; takes the first address it returns. */
  static HostResolver system() {
    return host -> InetAddress.getAllByName(host)[0];
  }

  /**
   * For a peer's NodeInfo: a well-formed host name passes without a look-up, as the unspecified
   * address (the event loop never waits for DNS), and anything else is refused. CometBFT resolves
   * the name and refuses one that does not resolve; a node whose {@code external_address} is a
   * name is a valid peer either way. The name is never dialed or stored: {@code 0.0.0.0} is no
   * address the book keeps.
   */
  static HostResolver namesUnresolved() {
    return host -> {
      if (!isHostName(host)) {
        throw new UnknownHostException("host " + PeerText.quote(host) + " is neither an IP nor a host name");
      }
      return InetAddress.getByAddress(host, new byte[4]);
    };
  }

  /**
   * A DNS name as RFC 1123 writes one: dot-separated labels of letters, digits, hyphens and
   * underscores, 1–63 characters each and none starting or ending with a hyphen, at most 253
   * characters in all, an optional final dot, and a last label that is not all digits.
   */
  static boolean isHostName(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty() || h.length() > 253) {
      return false;
    }
    String[] labels = h.split("\\.", -1);
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      return false; // no top-level label is all digits: "1.2.3.400" is a bad IP, not a name
    }
    for (String label : labels) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /** A resolver that knows no names at all (for nodes that must only see IP literals). */
  static HostResolver none() {
    return host -> {
      throw new UnknownHostException("no resolver configured for host " + PeerText.quote(host));
    };
  }
}
