package dev.cairn.core.book;

import java.util.Objects;

/**
 * The secret that places addresses in buckets: 96 bits written as 24 lowercase hex characters,
 * the {@code key} field of CometBFT's {@code addrbook.json}. It is persisted with the book, so an
 * address lands in the same buckets before and after a restart. The shell generates it once from
 * a {@code SecureRandom}; an attacker who does not know it cannot aim addresses at chosen
 * buckets.
 */
public record BookKey(String hex) {

  /** Length of the key in hex characters (12 bytes). */
  public static final int HEX_LENGTH = 24;

  public BookKey {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != HEX_LENGTH) {
      throw new IllegalArgumentException(
          "address book key must be " + HEX_LENGTH + " hex characters, got " + hex.length());
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "address book key must be lowercase hex, found '" + c + "' at " + i);
      }
    }
  }

  public static BookKey of(String hex) {
    return new BookKey(hex);
  }

  /** The 12 key bytes, a fresh copy each time. */
  byte[] bytes() {
    byte[] out = new byte[HEX_LENGTH / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (nibble(hex.charAt(2 * i)) << 4 | nibble(hex.charAt(2 * i + 1)));
    }
    return out;
  }

  /** The value of one lowercase hex digit (the constructor admits no other character). */
  private static int nibble(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }

  @Override
  public String toString() {
    return "BookKey[" + hex.substring(0, 4) + "…]";
  }
}
