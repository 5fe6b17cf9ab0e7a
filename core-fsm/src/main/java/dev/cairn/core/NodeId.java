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

  /**
   * Hex digits 16-31 and 32-39 as unsigned numbers, read once at construction like {@link
   * #prefix}: with it they are the whole ID, so comparing and testing two IDs for equality reads
   * three numbers and never the text (a search of a sorted map ends on an equal prefix whenever it
   * finds its key).
   */
  private final long middle;

  private final int tail;

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
    this.prefix = digits(hex, 0, 16);
    this.middle = digits(hex, 16, 16);
    this.tail = (int) digits(hex, 32, 8);
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

  /** {@code count} (at most 16) hex digits of {@code hex} from {@code from}, as an unsigned number. */
  private static long digits(String hex, int from, int count) {
    long v = 0;
    for (int i = from; i < from + count; i++) {
      int a = hex.charAt(i);
      // '0'..'9' are 0x30..0x39, 'a'..'f' 0x61..0x66 (the constructor admits no other character)
      v = v << 4 | ((a & 0xf) + 9 * (a >>> 6));
    }
    return v;
  }

  /**
   * The order of the hex text: hex digits sort as their values, so the text's order is that of
   * its three numbers (prefix, middle, tail) compared in turn, unsigned.
   */
  @Override
  public int compareTo(NodeId other) {
    if (this == other) {
      return 0;
    }
    int c = Long.compareUnsigned(prefix, other.prefix);
    if (c != 0) {
      return c;
    }
    c = Long.compareUnsigned(middle, other.middle);
    return c != 0 ? c : Integer.compareUnsigned(tail, other.tail);
  }

  /** Equal text: the three numbers are the 40 digits. */
  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof NodeId other && prefix == other.prefix
        && middle == other.middle && tail == other.tail);
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
