package dev.cairn.spec.mapping;

/**
 * Verdicts keyed by a fixed number of 64-bit fingerprints, the keys kept whole (two keys are one
 * only when every fingerprint is equal: nothing is folded into fewer bits). Open addressing with
 * linear probing over one flat array, each slot its verdict and its key side by side, so a lookup
 * reads one stretch of memory and allocates nothing; it doubles at half full. The pair checker's memos are looked up on every
 * step and grow to hundreds of thousands of entries, where a hash map of key objects spends its
 * time on cache misses (the entry, the key, the key's array).
 *
 * <p>A key's fingerprints are read from an array, at the given indexes or all of them, so callers
 * need not copy them out. One thread at a time.
 */
final class FingerprintTable {

  private static final int INITIAL_SLOTS = 1 << 10;
  // a slot's first long: its verdict, or empty
  private static final long EMPTY = 0;
  private static final long FALSE = 1;
  private static final long TRUE = 2;

  private final int width;
  private final int stride; // longs per slot: the verdict, then the key's fingerprints
  private long[] slots;
  private int mask;
  private int size;

  /** Where a combination of fingerprints by {@link #mix} starts. */
  static final long SEED = 0x9E3779B97F4A7C15L;

  /**
   * {@code h} extended by the fingerprint {@code f}: a multiplication and a shift, where TLC's
   * FP64 reads a long byte by byte through a table. The memo keys and this table's slots combine
   * fingerprints with it (in one JVM only: nothing it makes is stored).
   */
  static long mix(long h, long f) {
    long x = (h ^ f) * 0xBF58476D1CE4E5B9L;
    return x ^ (x >>> 31);
  }

  /** A table of keys of {@code width} fingerprints each. */
  FingerprintTable(int width) {
    if (width < 0) {
      throw new IllegalArgumentException("a key of a negative number of fingerprints: " + width);
    }
    this.width = width;
    this.stride = width + 1;
    allocate(INITIAL_SLOTS);
  }

  int size() {
    return size;
  }

  /** The verdict of the key {@code fps[at[0]], fps[at[1]], ...}; null when there is none. */
  Boolean get(long[] fps, int[] at) {
    long v = slots[find(fps, at)];
    return v == EMPTY ? null : v == TRUE;
  }

  /** The verdict of the key {@code fps} (all of it); null when there is none. */
  Boolean get(long... fps) {
    return get(fps, null);
  }

  /** Sets the verdict of the key {@code fps[at[0]], fps[at[1]], ...}. */
  void put(long[] fps, int[] at, boolean verdict) {
    int base = find(fps, at);
    if (slots[base] == EMPTY) {
      for (int j = 0; j < width; j++) {
        slots[base + 1 + j] = at == null ? fps[j] : fps[at[j]];
      }
      size++;
    }
    slots[base] = verdict ? TRUE : FALSE;
    if (size * 2 > mask + 1) {
      grow();
    }
  }

  /** Sets the verdict of the key {@code fps} (all of it). */
  void put(boolean verdict, long... fps) {
    put(fps, null, verdict);
  }

  void clear() {
    allocate(INITIAL_SLOTS);
  }

  /** Where the slot holding the key starts, or the empty slot where it would go. */
  private int find(long[] fps, int[] at) {
    if ((at == null ? fps.length : at.length) != width) {
      throw new IllegalArgumentException("a key of " + width + " fingerprints, not "
          + (at == null ? fps.length : at.length));
    }
    long h = SEED * (width + 1);
    for (int j = 0; j < width; j++) {
      h = mix(h, at == null ? fps[j] : fps[at[j]]);
    }
    int slot = (int) (h ^ (h >>> 32)) & mask;
    while (true) {
      int base = slot * stride;
      if (slots[base] == EMPTY || matches(base, fps, at)) {
        return base;
      }
      slot = (slot + 1) & mask;
    }
  }

  private boolean matches(int base, long[] fps, int[] at) {
    for (int j = 0; j < width; j++) {
      if (slots[base + 1 + j] != (at == null ? fps[j] : fps[at[j]])) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    long[] old = slots;
    allocate((mask + 1) * 2);
    long[] key = new long[width];
    for (int base = 0; base < old.length; base += stride) {
      if (old[base] != EMPTY) {
        System.arraycopy(old, base + 1, key, 0, width);
        int to = find(key, null);
        System.arraycopy(old, base, slots, to, stride);
        size++;
      }
    }
  }

  private void allocate(int n) {
    slots = new long[Math.multiplyExact(n, stride)];
    mask = n - 1;
    size = 0;
  }

  @Override
  public String toString() {
    return "FingerprintTable[width=" + width + ", size=" + size + ", slots=" + (mask + 1) + "]";
  }
}
