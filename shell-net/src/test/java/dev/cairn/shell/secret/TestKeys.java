package dev.cairn.shell.secret;

import java.security.SecureRandom;

/** Deterministic randomness for handshake tests. */
final class TestKeys {
  private TestKeys() {}

  /** A SecureRandom whose next 32-byte draw is {@code first}, then a counter pattern. */
  static SecureRandom fixed(byte[] first) {
    return new SecureRandom() {
      private boolean used;
      private int n = 1;

      @Override
      public void nextBytes(byte[] bytes) {
        if (!used && bytes.length == first.length) {
          System.arraycopy(first, 0, bytes, 0, bytes.length);
          used = true;
          return;
        }
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) (n * 31 + i * 7);
        }
        n++;
      }
    };
  }

  static byte[] bytes(int seed) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (seed * 131 + i * 17 + 1);
    }
    return b;
  }
}
