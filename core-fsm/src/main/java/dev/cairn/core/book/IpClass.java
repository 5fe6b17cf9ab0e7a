package dev.cairn.core.book;

/**
 * Classification of IP addresses as CometBFT's {@code p2p/netaddress.go} does it, as pure
 * functions over the IP text: no {@code InetAddress}, no DNS. An IPv4 address, or an IPv6
 * address that maps one ({@code ::ffff:a.b.c.d}), is IPv4, as Go's {@code To4} decides; IPv4
 * ranges never match IPv6 addresses and the other way round, as in Go's {@code IPNet.Contains}.
 *
 * <p>Text that is not an IP literal (a host name, a zone {@code %eth0}, an IPv4 octet with a
 * leading zero, which Go refuses too) is not valid.
 */
public final class IpClass {

  private IpClass() {}

  /** Group key of a local address in strict mode. */
  public static final String LOCAL_GROUP = "local";
  /** Group key of a non-routable address in strict mode. */
  public static final String UNROUTABLE_GROUP = "unroutable";

  /** Whether {@code ip} is an IP literal at all. */
  public static boolean isIp(String ip) {
    return parse(ip) != null;
  }

  /**
   * Go {@code NetAddress.Valid} (the ID part is checked by {@code NodeId}): an IP, not
   * unspecified ({@code 0.0.0.0}, {@code ::}), not RFC 3849 documentation
   * ({@code 2001:db8::/32}), not the IPv4 broadcast address.
   */
  public static boolean isValid(String ip) {
    byte[] b = parse(ip);
    return b != null && valid(b);
  }

  /**
   * Why {@code ip} is not {@link #isValid valid} (Go's {@code NetAddress.Valid}) as a peer's
   * address, in words; empty when it is.
   */
  public static java.util.Optional<String> invalidReason(String ip) {
    byte[] b = parse(ip);
    if (b == null) {
      return java.util.Optional.of("it is not an IPv4 or IPv6 address");
    }
    if (valid(b)) {
      return java.util.Optional.empty();
    }
    if (isV4(b) && v4Bits(b) == -1) {
      return java.util.Optional.of("it is the broadcast address");
    }
    return java.util.Optional.of(unspecified(b) || isV4(b) ? "it is the unspecified address, which names no host"
        : "it is in 2001:db8::/32, the range kept for documentation (RFC 3849)");
  }

  /** Go {@code Local}: loopback, or {@code 0.0.0.0/8}. */
  public static boolean isLocal(String ip) {
    byte[] b = parse(ip);
    return b != null && local(b);
  }

  /**
   * Go {@code Routable}: valid, and not RFC 1918, RFC 3927, RFC 4862, RFC 4193, RFC 4843, nor
   * local.
   */
  public static boolean isRoutable(String ip) {
    long v4 = parseV4Bits(ip);
    if (v4 >= 0) { // a dotted quad (almost every address): no 16-byte form needed
      return routableV4((int) v4);
    }
    byte[] b = parse(ip);
    return b != null && routable(b);
  }

  /**
   * The group an address belongs to for bucket placement, as v0.34's {@code groupKeyFor}
   * (with the tendermint#4846 fix: the masked prefix, not the raw IP). In strict mode local
   * addresses are {@code "local"} and other non-routable ones {@code "unroutable"}. IPv4 → its
   * /16 ({@code "a.b.0.0"}); IPv6 carrying IPv4 (RFC 6145, RFC 6052, RFC 3964 6to4, RFC 4380
   * Teredo) → the /16 of that IPv4; OnionCat Tor → {@code "tor:<n>"}; Hurricane Electric's
   * {@code 2001:470::/32} → its /36; other IPv6 → its /32, written as Go writes IPs.
   *
   * @throws IllegalArgumentException if {@code ip} is not an IP literal
   */
  public static String groupKey(String ip, boolean strict) {
    byte[] b = parse(ip);
    if (b == null) {
      throw new IllegalArgumentException("not an IP literal: '" + ip + "'");
    }
    return groupKey(b, strict);
  }

  // ---- on parsed addresses (16 bytes, IPv4 as ::ffff:a.b.c.d) ----

  static boolean valid(byte[] b) {
    if (isV4(b)) {
      return validV4(v4Bits(b));
    }
    return !unspecified(b) && !inV6(b, RFC3849, 32);
  }

  /** {@link #valid} of the IPv4 address {@code v} (four bytes, big-endian): neither 0.0.0.0 nor 255.255.255.255. */
  static boolean validV4(int v) {
    return v != 0 && v != -1;
  }

  /**
   * {@link #routable} of the IPv4 address {@code v} (its four bytes, big-endian): the IPv6
   * ranges never hold an IPv4 address, so this is the same test on the four bytes alone.
   */
  static boolean routableV4(int v) {
    int a0 = v >>> 24;
    return validV4(v)
        && a0 != 10 // 10/8
        && (v >>> 16) != (192 << 8 | 168) // 192.168/16
        && (v >>> 20) != (172 << 4 | 1) // 172.16/12
        && (v >>> 16) != (169 << 8 | 254) // 169.254/16
        && !localV4(v);
  }

  /** {@link #local} of the IPv4 address {@code v}: 127/8 or 0/8. */
  static boolean localV4(int v) {
    int a0 = v >>> 24;
    return a0 == 127 || a0 == 0;
  }

  /**
   * The IPv4 address {@code s} as its four bytes (big-endian) in the low 32 bits, when {@code s}
   * is a dotted quad that {@link #parse} accepts as IPv4 (no ':'); -1 otherwise (then use
   * {@link #parse}).
   */
  static long parseV4Bits(String s) {
    int n = s.length();
    if (n < 7 || n > 15) {
      return -1;
    }
    long v = 0;
    int i = 0;
    for (int part = 0; part < 4; part++) {
      int start = i;
      int x = 0;
      char c;
      while (i < n && (c = s.charAt(i)) >= '0' && c <= '9') {
        x = x * 10 + (c - '0');
        i++;
        if (i - start > 3) {
          return -1;
        }
      }
      int len = i - start;
      if (len == 0 || x > 255 || (len > 1 && s.charAt(start) == '0')) {
        return -1;
      }
      v = v << 8 | x;
      if (part < 3) {
        if (i >= n || s.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
    }
    return i == n ? v : -1;
  }

  /** The four bytes of an IPv4 address ({@link #isV4}) as a big-endian int. */
  private static int v4Bits(byte[] b) {
    return (b[12] & 0xff) << 24 | (b[13] & 0xff) << 16 | (b[14] & 0xff) << 8 | (b[15] & 0xff);
  }

  static boolean local(byte[] b) {
    if (isV4(b)) {
      return (b[12] & 0xff) == 127 || b[12] == 0;
    }
    return inV6(b, LOOPBACK6, 128);
  }

  static boolean routable(byte[] b) {
    if (isV4(b)) {
      return routableV4(v4Bits(b));
    }
    return valid(b)
        && !inV4(b, 10, 0, 8)
        && !inV4(b, 192, 168, 16)
        && !inV4(b, 172, 16, 12)
        && !inV4(b, 169, 254, 16)
        && !inV6(b, RFC4862, 64)
        && !inV6(b, RFC4193, 7)
        && !inV6(b, RFC4843, 28)
        && !local(b);
  }

  static String groupKey(byte[] b, boolean strict) {
    if (strict && local(b)) {
      return LOCAL_GROUP;
    }
    if (strict && !routable(b)) {
      return UNROUTABLE_GROUP;
    }
    int v4 = v4Group(b);
    if (v4 >= 0) {
      return v4Slash16((byte) (v4 >>> 8), (byte) v4);
    }
    if (inV6(b, ONION_CAT, 48)) {
      return "tor:" + (b[6] & 0x0f);
    }
    int bits = inV6(b, HE_NET, 32) ? 36 : 32;
    return formatV6(mask(b, bits));
  }

  /**
   * When the group of {@code b} (strict checks aside) is an IPv4 /16 "a.b.0.0": {@code a << 8 | b};
   * else -1. IPv4, and IPv6 carrying IPv4 (RFC 6145, RFC 6052, RFC 3964 6to4, RFC 4380 Teredo).
   */
  static int v4Group(byte[] b) {
    if (isV4(b) || inV6(b, RFC6145, 96) || inV6(b, RFC6052, 96)) {
      return (b[12] & 0xff) << 8 | (b[13] & 0xff);
    }
    if (inV6(b, RFC3964, 16)) {
      return (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
    if (inV6(b, RFC4380, 32)) {
      return (~b[12] & 0xff) << 8 | (~b[13] & 0xff);
    }
    return -1;
  }

  // ---- ranges ----

  private static final byte[] LOOPBACK6 = v6("::1");
  private static final byte[] RFC3849 = v6("2001:db8::");
  private static final byte[] RFC3964 = v6("2002::");
  private static final byte[] RFC4193 = v6("fc00::");
  private static final byte[] RFC4380 = v6("2001::");
  private static final byte[] RFC4843 = v6("2001:10::");
  private static final byte[] RFC4862 = v6("fe80::");
  private static final byte[] RFC6052 = v6("64:ff9b::");
  private static final byte[] RFC6145 = v6("::ffff:0:0:0");
  private static final byte[] ONION_CAT = v6("fd87:d87e:eb43::");
  private static final byte[] HE_NET = v6("2001:470::");

  private static byte[] v6(String text) {
    byte[] b = parse(text);
    if (b == null || isV4(b)) {
      throw new IllegalStateException("bad range constant " + text);
    }
    return b;
  }

  static boolean isV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static boolean unspecified(byte[] b) {
    if (isV4(b)) {
      return b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 0;
    }
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean allOnes(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] != (byte) 0xff) {
        return false;
      }
    }
    return true;
  }

  /** IPv4 {@code a.b.0.0/bits} (bits ≤ 16) contains {@code b}; never true for IPv6. */
  private static boolean inV4(byte[] b, int a0, int a1, int bits) {
    if (!isV4(b)) {
      return false;
    }
    int prefix = ((b[12] & 0xff) << 8) | (b[13] & 0xff);
    int net = (a0 << 8) | a1;
    int shift = 16 - bits;
    return (prefix >>> shift) == (net >>> shift);
  }

  /** IPv6 {@code net/bits} contains {@code b}; never true for IPv4. */
  private static boolean inV6(byte[] b, byte[] net, int bits) {
    if (isV4(b)) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (b[i] != net[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int m = (0xff << (8 - rest)) & 0xff;
    return (b[full] & m) == (net[full] & m);
  }

  private static byte[] mask(byte[] b, int bits) {
    byte[] out = new byte[16];
    for (int i = 0; i < 16; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      out[i] = (byte) (b[i] & ((0xff << (8 - keep)) & 0xff));
    }
    return out;
  }

  private static String v4Slash16(byte a, byte b) {
    return (a & 0xff) + "." + (b & 0xff) + ".0.0";
  }

  /** Go's {@code IP.String} for a non-IPv4 address: "::" replaces the first longest run of ≥ 2 zero groups. */
  static String formatV6(byte[] b) {
    int bestStart = -1;
    int bestLen = 0;
    for (int g = 0; g < 8; ) {
      if (group(b, g) == 0) {
        int start = g;
        while (g < 8 && group(b, g) == 0) {
          g++;
        }
        if (g - start > bestLen) {
          bestStart = start;
          bestLen = g - start;
        }
      } else {
        g++;
      }
    }
    if (bestLen < 2) {
      bestStart = -1;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        sb.append("::");
        g += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(group(b, g)));
    }
    return sb.toString();
  }

  private static int group(byte[] b, int g) {
    return ((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff);
  }

  // ---- parsing ----

  /** 16 bytes (IPv4 mapped into IPv6), or null if {@code s} is not an IP literal. */
  static byte[] parse(String s) {
    if (s == null || s.isEmpty() || s.length() > 45) {
      return null;
    }
    if (s.indexOf(':') < 0) {
      byte[] out = new byte[16];
      out[10] = (byte) 0xff;
      out[11] = (byte) 0xff;
      return parseV4(s, 0, out, 12) ? out : null;
    }
    return parseV6(s);
  }

  private static boolean parseV4(String s, int from, byte[] out, int at) {
    int n = s.length();
    int i = from;
    for (int part = 0; part < 4; part++) {
      int start = i;
      int v = 0;
      char c;
      while (i < n && (c = s.charAt(i)) >= '0' && c <= '9') {
        v = v * 10 + (c - '0');
        i++;
        if (i - start > 3) {
          return false;
        }
      }
      int len = i - start;
      if (len == 0 || v > 255 || (len > 1 && s.charAt(start) == '0')) {
        return false;
      }
      out[at + part] = (byte) v;
      if (part < 3) {
        if (i >= n || s.charAt(i) != '.') {
          return false;
        }
        i++;
      }
    }
    return i == n;
  }

  private static byte[] parseV6(String s) {
    byte[] out = new byte[16];
    int gap = -1; // byte index where "::" sits
    int at = 0;
    int i = 0;
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
      if (i == s.length()) {
        return out;
      }
    } else if (s.charAt(0) == ':') {
      return null;
    }
    while (i < s.length()) {
      if (at >= 16) {
        return null;
      }
      int start = i;
      int v = 0;
      while (i < s.length() && hex(s.charAt(i)) >= 0 && i - start < 5) {
        v = (v << 4) | hex(s.charAt(i));
        i++;
      }
      int len = i - start;
      if (i < s.length() && s.charAt(i) == '.') {
        // trailing embedded IPv4
        if (at > 12 || len == 0) {
          return null;
        }
        if (!parseV4(s, start, out, at)) {
          return null;
        }
        at += 4;
        break;
      }
      if (len == 0 || len > 4) {
        return null;
      }
      out[at++] = (byte) (v >>> 8);
      out[at++] = (byte) v;
      if (i == s.length()) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < s.length() && s.charAt(i) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = at;
        i++;
        if (i == s.length()) {
          break;
        }
      } else if (i == s.length()) {
        return null; // trailing single ':'
      }
    }
    if (gap < 0) {
      return at == 16 ? out : null;
    }
    if (at == 16) {
      return null; // "::" must stand for at least one group
    }
    int n = at - gap;
    System.arraycopy(out, gap, out, 16 - n, n);
    java.util.Arrays.fill(out, gap, 16 - n, (byte) 0);
    return out;
  }

  private static int hex(char c) {
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
}
