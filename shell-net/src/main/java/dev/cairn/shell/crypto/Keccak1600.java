package dev.cairn.shell.crypto;

/**
 * The Keccak-f[1600] permutation (24 rounds) over a 200-byte state in the SHA-3 byte order:
 * lane {@code i = x + 5y} is the little-endian 64-bit word at bytes {@code 8i..8i+7}.
 *
 * <p>The JDK exposes no raw permutation, and STROBE needs one, so it lives here.
 */
public final class Keccak1600 {

  /** State size in bytes. */
  public static final int STATE_BYTES = 200;

  private static final long[] ROUND_CONSTANTS = {
    0x0000000000000001L, 0x0000000000008082L, 0x800000000000808aL, 0x8000000080008000L,
    0x000000000000808bL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
    0x000000000000008aL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000aL,
    0x000000008000808bL, 0x800000000000008bL, 0x8000000000008089L, 0x8000000000008003L,
    0x8000000000008002L, 0x8000000000000080L, 0x000000000000800aL, 0x800000008000000aL,
    0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L,
  };

  /** Rotation offsets, indexed by lane {@code x + 5y}. */
  private static final int[] ROTATIONS = {
    0, 1, 62, 28, 27,
    36, 44, 6, 55, 20,
    3, 10, 43, 25, 39,
    41, 45, 15, 21, 8,
    18, 2, 61, 56, 14,
  };

  private Keccak1600() {}

  /** Applies the permutation in place to a 200-byte state. */
  public static void permute(byte[] state) {
    if (state.length != STATE_BYTES) {
      throw new IllegalArgumentException("Keccak-f[1600] state must be 200 bytes, got " + state.length);
    }
    long[] a = new long[25];
    for (int i = 0; i < 25; i++) {
      a[i] = readLongLe(state, 8 * i);
    }
    permute(a);
    for (int i = 0; i < 25; i++) {
      writeLongLe(state, 8 * i, a[i]);
    }
  }

  /** Applies the permutation in place to 25 lanes. */
  public static void permute(long[] a) {
    long[] c = new long[5];
    long[] b = new long[25];
    for (int round = 0; round < 24; round++) {
      // theta
      for (int x = 0; x < 5; x++) {
        c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
      }
      for (int x = 0; x < 5; x++) {
        long d = c[(x + 4) % 5] ^ Long.rotateLeft(c[(x + 1) % 5], 1);
        for (int y = 0; y < 25; y += 5) {
          a[x + y] ^= d;
        }
      }
      // rho and pi: B[y, 2x+3y] = rot(A[x, y], r[x, y])
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 5; y++) {
          int from = x + 5 * y;
          int to = y + 5 * ((2 * x + 3 * y) % 5);
          b[to] = Long.rotateLeft(a[from], ROTATIONS[from]);
        }
      }
      // chi
      for (int y = 0; y < 25; y += 5) {
        for (int x = 0; x < 5; x++) {
          a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        }
      }
      // iota
      a[0] ^= ROUND_CONSTANTS[round];
    }
  }

  static long readLongLe(byte[] src, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (src[off + i] & 0xffL);
    }
    return v;
  }

  static void writeLongLe(byte[] dst, int off, long v) {
    for (int i = 0; i < 8; i++) {
      dst[off + i] = (byte) (v >>> (8 * i));
    }
  }
}
