package dev.cairn.shell.config;

import dev.cairn.shell.store.IpLiterals;
import java.util.Objects;

/**
 * A {@code host:port} from the config: the host is an IP literal (kept in canonical form) or a
 * DNS name (kept as written and resolved by the shell when it dials, as CometBFT does for
 * persistent peers). IPv6 literals are written in brackets, as Go's {@code net.SplitHostPort}
 * requires.
 */
public record HostPort(String host, int port) {

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port outside 0..65535: " + port);
    }
  }

  /** Whether the host is an IP literal rather than a name to resolve. */
  public boolean isIpLiteral() {
    return IpLiterals.canonical(host).isPresent();
  }

  /**
   * Parses {@code host:port} or {@code [ipv6]:port}.
   *
   * @throws IllegalArgumentException with the rule broken
   */
  public static HostPort parse(String text) {
    if (text.indexOf(';') >= 0) {
      // "id@a:1;id@b:2": two entries run together
      throw new IllegalArgumentException("holds two addresses run together: entries are separated by commas");
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("must be host:port, the port is missing");
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (host.startsWith("[")) {
      if (!host.endsWith("]")) {
        throw new IllegalArgumentException("has an unclosed '[' around an IPv6 address");
      }
      host = host.substring(1, host.length() - 1);
      if (host.indexOf(':') < 0 || IpLiterals.canonical(host).isEmpty()) {
        throw new IllegalArgumentException("has \"" + host + "\" in brackets, which is not an IPv6 address");
      }
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("must put an IPv6 address in brackets, as in [::1]:26656");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("must name a host before the port");
    }
    String canonical = IpLiterals.canonical(host).orElse(null);
    if (canonical == null && !isDnsName(host)) {
      throw new IllegalArgumentException("has host \"" + host + "\", which is neither an IP address nor a DNS name");
    }
    return new HostPort(canonical != null ? canonical : host, port(portText));
  }

  static int port(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("has port \"" + text + "\", which is not a number in 0..65535");
    }
    int p = Integer.parseInt(text);
    if (p > 65535) {
      throw new IllegalArgumentException("has port " + p + ", outside 0..65535");
    }
    return p;
  }

  /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
  static boolean isDnsName(String s) {
    if (s.length() > 253) {
      return false;
    }
    String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    if (name.isEmpty()) {
      return false;
    }
    boolean allNumeric = true;
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) {
          return false;
        }
        allNumeric &= c >= '0' && c <= '9';
      }
    }
    return !allNumeric; // "1.2.3.256" is a broken IP, not a name
  }

  @Override
  public String toString() {
    return dev.cairn.shell.p2p.NetAddresses.hostPort(host, port);
  }
}
