package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;

/** Small builders shared by the address-book tests. */
final class Fixtures {

  private Fixtures() {}

  static final BookKey KEY = BookKey.of("9f0c3b5e8d1a2b4c6e7f8091");
  static final NodeId SELF = id(999_999);
  static final BookConfig CFG = BookConfig.defaults(SELF);
  static final WallTime T0 = new WallTime(1_700_000_000_000L);
  static final long MINUTE = 60_000L;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  /** A distinct valid ID for each {@code n}. */
  static NodeId id(long n) {
    return NodeId.of(String.format("%040x", n));
  }

  static NodeAddress addr(long n, String ip) {
    return new NodeAddress(id(n), ip, 26656);
  }

  /**
   * A routable IPv4 address, distinct for each {@code n} below 50·250³, with consecutive
   * {@code n} in different /16 groups (first octet 21..70 avoids every special range).
   */
  static String routableIp(long n) {
    return (21 + n % 50) + "." + (n / 50) % 250 + "." + (n / 12_500) % 250 + "."
        + (1 + (n / 3_125_000) % 250);
  }

  static NodeAddress routable(long n) {
    return addr(n, routableIp(n));
  }
}
