package dev.cairn.shell.p2p;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A parsed peer address (Go {@code p2p.NetAddress}): the ID as written (hex, possibly upper
 * case, which Go accepts here but never matches later), a resolved IP and a port. Build one with
 * {@link NetAddresses#parse}; the classification methods follow {@code p2p/netaddress.go}.
 */
public record NetAddress(String id, InetAddress ip, int port) {

  public NetAddress {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ip, "ip");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
  }

  /** Reachability levels returned by {@link #reachabilityTo}, with Go's numbering. */
  public static final int UNREACHABLE = 0;
  public static final int DEFAULT = 1;
  public static final int TEREDO = 2;
  public static final int IPV6_WEAK = 3;
  public static final int IPV4 = 4;
  public static final int IPV6_STRONG = 5;

  /** Canonical IP text: dotted quad for IPv4 (mapped too), RFC 5952 for IPv6. */
  public String ipText() {
    return IpText.format(ip);
  }

  /** {@code id@ip:port}, IPv6 in brackets, as Go's {@code String()}. */
  @Override
  public String toString() {
    String host = ipText();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return id + "@" + host + ":" + port;
  }

  /**
   * The core's value type. Refuses IDs that are not lowercase, since the core compares IDs as
   * Go does, by exact string.
   */
  public NodeAddress toNodeAddress() {
    return new NodeAddress(NodeId.of(id), ipText(), port);
  }

  /** Go {@code Valid()}: a well-formed ID and an IP that is specified, not documentation, not broadcast. */
  public boolean valid() {
    if (!NetAddresses.isHexId(id)) {
      return false;
    }
    return !ip.isAnyLocalAddress() && !rfc3849() && !isV4(255, 255, 255, 255);
  }

  /** Go {@code Local()}: loopback or in 0.0.0.0/8. */
  public boolean local() {
    return ip.isLoopbackAddress() || inV4(0, 0, 0, 0, 8) || isV4MappedLoopback();
  }

  /** Go {@code Routable()}: valid and not private, link-local, ULA, ORCHID or local. */
  public boolean routable() {
    return valid()
        && !(rfc1918() || rfc3927() || rfc4862() || rfc4193() || rfc4843() || local());
  }

  /**
   * Go {@code ReachabilityTo}: how well we could reach {@code other} from this address, from
   * {@link #UNREACHABLE} to {@link #IPV6_STRONG}.
   */
  public int reachabilityTo(NetAddress other) {
    if (!routable()) {
      return UNREACHABLE;
    }
    if (rfc4380()) {
      if (!other.routable()) {
        return DEFAULT;
      }
      if (other.rfc4380()) {
        return TEREDO;
      }
      return other.isV4() ? IPV4 : IPV6_WEAK;
    }
    if (isV4()) {
      return other.routable() && other.isV4() ? IPV4 : DEFAULT;
    }
    boolean tunneled = other.rfc3964() || other.rfc6052() || other.rfc6145();
    if (!other.routable()) {
      return DEFAULT;
    }
    if (other.rfc4380()) {
      return TEREDO;
    }
    if (other.isV4()) {
      return IPV4;
    }
    return tunneled ? IPV6_WEAK : IPV6_STRONG;
  }

  boolean isV4() {
    return IpText.isV4(ip);
  }

  private boolean isV4MappedLoopback() {
    byte[] v4 = IpText.v4Bytes(ip);
    return v4 != null && (v4[0] & 0xFF) == 127;
  }

  private boolean isV4(int a, int b, int c, int d) {
    return inV4(a, b, c, d, 32);
  }

  /** Whether the IPv4 (or IPv4-mapped) address lies in a.b.c.d/bits. IPv6 never does. */
  private boolean inV4(int a, int b, int c, int d, int bits) {
    byte[] v4 = IpText.v4Bytes(ip);
    return v4 != null && prefixMatches(v4, new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, bits);
  }

  /** Whether a non-IPv4 address lies in the IPv6 prefix given in hex. */
  private boolean inV6(String prefixHex, int bits) {
    if (isV4()) {
      return false;
    }
    byte[] net = new byte[16];
    byte[] p = HexFormat.of().parseHex(prefixHex);
    System.arraycopy(p, 0, net, 0, p.length);
    return prefixMatches(ip.getAddress(), net, bits);
  }

  private static boolean prefixMatches(byte[] addr, byte[] net, int bits) {
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((addr[i / 8] & mask) != (net[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  boolean rfc1918() {
    return inV4(10, 0, 0, 0, 8) || inV4(192, 168, 0, 0, 16) || inV4(172, 16, 0, 0, 12);
  }

  boolean rfc3927() {
    return inV4(169, 254, 0, 0, 16);
  }

  boolean rfc3849() {
    return inV6("20010db8", 32);
  }

  boolean rfc3964() {
    return inV6("2002", 16);
  }

  boolean rfc4193() {
    return inV6("fc", 7);
  }

  boolean rfc4380() {
    return inV6("20010000", 32);
  }

  boolean rfc4843() {
    return inV6("20010010", 28);
  }

  boolean rfc4862() {
    return inV6("fe80000000000000", 64);
  }

  boolean rfc6052() {
    return inV6("0064ff9b0000000000000000", 96);
  }

  /** ::ffff:0:0:0/96 (IPv4-translated); note IPv4-mapped addresses are ::ffff:0:0/96 instead. */
  boolean rfc6145() {
    return inV6("0000000000000000ffff0000", 96);
  }
}
