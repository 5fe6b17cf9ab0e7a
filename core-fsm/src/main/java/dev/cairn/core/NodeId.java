package dev.cairn.core;

import java.util.Objects;

/**
 * A node's identity: the lowercase hex of the first 20 bytes of SHA-256 of its Ed25519 public
 * key, 40 characters, exactly as CometBFT prints and compares it. Upper-case hex is refused:
 * Go compares IDs as strings, so an upper-case ID would never match an authenticated one.
 */
public final class NodeId implements Comparable<NodeId> {

  /** Length of an ID in hex characters (20 bytes). */
  public static final int HEX_LENGTH = 40;

  private final String hex;

  /** The first 16 hex digits as an unsigned number: read from {@code hex} once, at construction. */
  private final long prefix;

  public NodeId(String hex) {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != HEX_LENGTH) {
      throw new IllegalArgumentException(
          "node ID must be " + HEX_LENGTH + " hex characters, got " + hex.length() + ": '" + hex + "'");
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "node ID must be lowercase hex, found '" + c + "' at " + i + " in '" + hex + "'");
      }
    }
    this.hex = hex;
    this.prefix = prefixOf(hex);
  }

  /** The 40 lowercase hex characters. */
  public String hex() {
    return hex;
  }

  /** Parses an ID, naming the rule it breaks when it is not one. */
  public static NodeId of(String hex) {
    return new NodeId(hex);
  }

  /** Whether {@code s} is a well-formed ID (40 lowercase hex characters). */
  public static boolean isValid(String s) {
    if (s == null || s.length() != HEX_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The first 16 hex digits as an unsigned number. Two IDs whose prefixes differ compare as their
   * prefixes do ({@link Long#compareUnsigned}): hex digits sort as their values. Sorted
   * structures keep it beside an ID to compare without reading the ID's text; it is computed once
   * per ID because a step reads it many times (each sorted structure the ID is looked up in).
   */
  public long prefix() {
    return prefix;
  }

  private static long prefixOf(String hex) {
    // two independent halves (digits 0-7 and 8-15): half the dependency chain of one loop
    int hi = 0;
    int lo = 0;
    for (int i = 0; i < 8; i++) {
      int a = hex.charAt(i);
      int b = hex.charAt(8 + i);
      // '0'..'9' are 0x30..0x39, 'a'..'f' 0x61..0x66 (the constructor admits no other character)
      hi = hi << 4 | ((a & 0xf) + 9 * (a >>> 6));
      lo = lo << 4 | ((b & 0xf) + 9 * (b >>> 6));
    }
    return (long) hi << 32 | (lo & 0xffffffffL);
  }

  /** The order of the hex text; the prefixes decide it unless they are equal. */
  @Override
  public int compareTo(NodeId other) {
    int c = Long.compareUnsigned(prefix, other.prefix);
    return c != 0 ? c : hex.compareTo(other.hex);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof NodeId other && prefix == other.prefix && hex.equals(other.hex));
  }

  @Override
  public int hashCode() {
    return hex.hashCode();
  }

  @Override
  public String toString() {
    return hex;
  }
}
