package dev.cairn.spec.mapping;

/**
 * Verdicts keyed by a fixed number of 64-bit fingerprints, the keys kept whole (two keys are one
 * only when every fingerprint is equal: nothing is folded into fewer bits). Open addressing with
 * linear probing over one flat array of keys, so a lookup reads one stretch of memory and
 * allocates nothing; it doubles at half full. The pair checker's memos are looked up on every
 * step and grow to hundreds of thousands of entries, where a hash map of key objects spends its
 * time on cache misses (the entry, the key, the key's array).
 *
 * <p>A key's fingerprints are read from an array, at the given indexes or all of them, so callers
 * need not copy them out. One thread at a time.
 */
final class FingerprintTable {

  private static final int INITIAL_SLOTS = 1 << 10;
  private static final byte EMPTY = 0;
  private static final byte FALSE = 1;
  private static final byte TRUE = 2;

  private final int width;
  private long[] keys;
  private byte[] verdicts;
  private int mask;
  private int size;

  /** A table of keys of {@code width} fingerprints each. */
  FingerprintTable(int width) {
    if (width < 0) {
      throw new IllegalArgumentException("a key of a negative number of fingerprints: " + width);
    }
    this.width = width;
    allocate(INITIAL_SLOTS);
  }

  int size() {
    return size;
  }

  /** The verdict of the key {@code fps[at[0]], fps[at[1]], ...}; null when there is none. */
  Boolean get(long[] fps, int[] at) {
    int slot = find(fps, at);
    byte v = verdicts[slot];
    return v == EMPTY ? null : v == TRUE;
  }

  /** The verdict of the key {@code fps} (all of it); null when there is none. */
  Boolean get(long... fps) {
    return get(fps, null);
  }

  /** Sets the verdict of the key {@code fps[at[0]], fps[at[1]], ...}. */
  void put(long[] fps, int[] at, boolean verdict) {
    int slot = find(fps, at);
    if (verdicts[slot] == EMPTY) {
      int base = slot * width;
      for (int j = 0; j < width; j++) {
        keys[base + j] = at == null ? fps[j] : fps[at[j]];
      }
      size++;
    }
    verdicts[slot] = verdict ? TRUE : FALSE;
    if (size * 2 > verdicts.length) {
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

  /** The slot holding the key, or the empty slot where it would go. */
  private int find(long[] fps, int[] at) {
    if ((at == null ? fps.length : at.length) != width) {
      throw new IllegalArgumentException("a key of " + width + " fingerprints, not "
          + (at == null ? fps.length : at.length));
    }
    long h = 0x9E3779B97F4A7C15L * (width + 1);
    for (int j = 0; j < width; j++) {
      h = (h ^ (at == null ? fps[j] : fps[at[j]])) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    int slot = (int) (h ^ (h >>> 32)) & mask;
    while (true) {
      if (verdicts[slot] == EMPTY || matches(slot, fps, at)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private boolean matches(int slot, long[] fps, int[] at) {
    int base = slot * width;
    for (int j = 0; j < width; j++) {
      if (keys[base + j] != (at == null ? fps[j] : fps[at[j]])) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    long[] oldKeys = keys;
    byte[] oldVerdicts = verdicts;
    allocate(oldVerdicts.length * 2);
    long[] key = new long[width];
    for (int s = 0; s < oldVerdicts.length; s++) {
      if (oldVerdicts[s] != EMPTY) {
        System.arraycopy(oldKeys, s * width, key, 0, width);
        int slot = find(key, null);
        System.arraycopy(key, 0, keys, slot * width, width);
        verdicts[slot] = oldVerdicts[s];
        size++;
      }
    }
  }

  private void allocate(int slots) {
    keys = new long[Math.multiplyExact(slots, width)];
    verdicts = new byte[slots];
    mask = slots - 1;
    size = 0;
  }

  @Override
  public String toString() {
    return "FingerprintTable[width=" + width + ", size=" + size + ", slots=" + verdicts.length + "]";
  }
}
