package dev.cairn.shell.store;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP literals as Go's {@code net.ParseIP} accepts them and {@code net.IP.String} prints them,
 * without any name lookup: strict dotted-quad IPv4 (no leading zeros, as Go since 1.17), IPv6
 * without zone or brackets; printed as dotted quad for IPv4 and IPv4-mapped IPv6, RFC 5952 for
 * the rest.
 */
public final class IpLiterals {

  private IpLiterals() {}

  /** The canonical text of {@code text}, or empty when it is not an IP literal. */
  public static Optional<String> canonical(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return Optional.empty();
    }
    if (text.indexOf(':') < 0) {
      return isDottedQuad(text) ? Optional.of(text) : Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!(hex || c == ':' || c == '.')) {
        return Optional.empty(); // also rules out zones (%) and brackets
      }
    }
    int lastColon = text.lastIndexOf(':');
    if (text.indexOf('.') >= 0 && !isDottedQuad(text.substring(lastColon + 1))) {
      return Optional.empty();
    }
    InetAddress parsed;
    try {
      // with a ':' in it the JDK parses an IPv6 literal or fails; it never resolves a name
      parsed = InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    return switch (parsed) {
      case Inet4Address v4 -> Optional.of(v4.getHostAddress()); // ::ffff:a.b.c.d
      case Inet6Address v6 -> Optional.of(rfc5952(v6.getAddress()));
      default -> Optional.empty();
    };
  }

  private static boolean isDottedQuad(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Lowercase, no leading zeros, the first longest run of two or more zero groups as "::". */
  static String rfc5952(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
