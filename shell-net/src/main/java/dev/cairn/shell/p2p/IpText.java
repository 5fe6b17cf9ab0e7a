package dev.cairn.shell.p2p;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP literals parsed and printed exactly as Go's {@code net.ParseIP} and {@code net.IP.String}
 * do, without ever touching DNS: dotted-quad IPv4 without leading zeros, IPv6 with an optional
 * trailing dotted quad and no zone; output in dotted quad for IPv4 and IPv4-mapped addresses and
 * in RFC 5952 form for other IPv6 addresses.
 */
public final class IpText {

  private IpText() {}

  /** The address for a literal, or {@code null} when {@code s} is not an IP literal. */
  public static InetAddress parse(String s) {
    byte[] raw = parseBytes(s);
    if (raw == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte array is always an address", e);
    }
  }

  /** 4 bytes for IPv4, 16 for IPv6 (IPv4-mapped included), or {@code null}. */
  public static byte[] parseBytes(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    if (s.indexOf(':') >= 0) {
      return parseV6(s);
    }
    return s.indexOf('.') >= 0 ? parseV4(s, 0) : null;
  }

  private static byte[] parseV4(String s, int from) {
    byte[] out = new byte[4];
    int pos = from;
    for (int i = 0; i < 4; i++) {
      if (i > 0) {
        if (pos >= s.length() || s.charAt(pos) != '.') {
          return null;
        }
        pos++;
      }
      int value = 0;
      int digits = 0;
      while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
        value = value * 10 + (s.charAt(pos) - '0');
        digits++;
        pos++;
        if (digits > 3 || value > 255) {
          return null;
        }
      }
      if (digits == 0 || (digits > 1 && s.charAt(pos - digits) == '0')) {
        return null; // empty field or a leading zero (Go refuses both since 1.17)
      }
      out[i] = (byte) value;
    }
    return pos == s.length() ? out : null;
  }

  private static byte[] parseV6(String s) {
    byte[] out = new byte[16];
    int ellipsis = -1;
    int pos = 0;
    int n = 0; // bytes written
    if (s.startsWith("::")) {
      ellipsis = 0;
      pos = 2;
      if (pos == s.length()) {
        return out;
      }
    }
    while (n < 16) {
      int value = 0;
      int digits = 0;
      int fieldStart = pos;
      while (pos < s.length() && hexValue(s.charAt(pos)) >= 0) {
        value = (value << 4) | hexValue(s.charAt(pos));
        pos++;
        digits++;
        if (digits > 4) {
          return null;
        }
      }
      if (digits == 0) {
        return null;
      }
      if (pos < s.length() && s.charAt(pos) == '.') {
        // trailing IPv4 in the last 4 bytes
        if (ellipsis < 0 && n != 12) {
          return null;
        }
        if (n + 4 > 16) {
          return null;
        }
        byte[] v4 = parseV4(s, fieldStart);
        if (v4 == null) {
          return null;
        }
        System.arraycopy(v4, 0, out, n, 4);
        n += 4;
        pos = s.length();
        break;
      }
      out[n++] = (byte) (value >> 8);
      out[n++] = (byte) value;
      if (pos == s.length()) {
        break;
      }
      if (s.charAt(pos) != ':' || pos + 1 == s.length()) {
        return null;
      }
      pos++;
      if (s.charAt(pos) == ':') {
        if (ellipsis >= 0) {
          return null;
        }
        ellipsis = n;
        pos++;
        if (pos == s.length()) {
          break;
        }
      }
    }
    if (pos != s.length()) {
      return null;
    }
    if (n < 16) {
      if (ellipsis < 0) {
        return null;
      }
      int tail = n - ellipsis;
      System.arraycopy(out, ellipsis, out, 16 - tail, tail);
      for (int i = ellipsis; i < 16 - tail; i++) {
        out[i] = 0;
      }
    } else if (ellipsis >= 0) {
      return null; // "::" must stand for at least one zero group
    }
    return out;
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Whether the address is IPv4 or IPv4-mapped IPv6 (Go's {@code To4() != nil}). */
  public static boolean isV4(InetAddress ip) {
    return v4Bytes(ip) != null;
  }

  /** The 4 IPv4 bytes of an IPv4 or IPv4-mapped address, else {@code null}. */
  static byte[] v4Bytes(InetAddress ip) {
    byte[] b = ip.getAddress();
    if (b.length == 4) {
      return b;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return null;
      }
    }
    if (b[10] != (byte) 0xFF || b[11] != (byte) 0xFF) {
      return null;
    }
    return new byte[] {b[12], b[13], b[14], b[15]};
  }

  /** Go's {@code net.IP.String()}: dotted quad for IPv4 and IPv4-mapped, RFC 5952 otherwise. */
  public static String format(InetAddress ip) {
    byte[] v4 = v4Bytes(ip);
    if (v4 != null) {
      return (v4[0] & 0xFF) + "." + (v4[1] & 0xFF) + "." + (v4[2] & 0xFF) + "." + (v4[3] & 0xFF);
    }
    byte[] b = ip.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
    }
    // longest run of two or more zero groups; the first one wins a tie
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
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
      if (i > 0 && i != bestStart + bestLen) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
