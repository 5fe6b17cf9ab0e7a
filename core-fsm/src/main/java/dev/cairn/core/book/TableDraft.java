package dev.cairn.core.book;

import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import java.util.Arrays;

/**
 * The edits one book operation makes to one {@link BucketTable}, kept local to that operation: a
 * bucket that is touched becomes a mutable sorted array, edited in place however many times the
 * operation changes it, and {@link #table()} writes every touched bucket back in one copy of
 * each touched chunk. A batch of 250 insertions therefore copies each touched bucket once rather
 * than twice per insertion. Nothing here escapes the operation: the book stays an immutable value.
 */
final class TableDraft {

  private static final Slots[] NONE = new Slots[0];

  private final BucketTable base;
  /**
   * The table's bucket size, or 0 if unknown. A touched bucket's arrays are as long as the bucket,
   * plus one slot when it is below this size: an insertion into a full bucket after its expiry,
   * or one insertion into a bucket with room, needs no second array, and at the end the arrays
   * become the bucket's own instead of being copied.
   */
  private final int bucketSize;
  /** Touched buckets by index (null: unchanged); grown on demand. */
  private Slots[] edited = NONE;
  /** Indices of the touched buckets, in first-touch order (each once). */
  private int[] touched = new int[0];
  private int touchedCount;

  TableDraft(BucketTable base, int bucketSize) {
    this.base = base;
    this.bucketSize = bucketSize;
  }

  /** Whether any bucket was touched, even if its content ended up the same. */
  boolean isTouched() {
    return touchedCount > 0;
  }

  int size(int idx) {
    Slots s = idx < edited.length ? edited[idx] : null;
    return s != null ? s.size : base.get(idx).size();
  }

  /** The entry at {@code i} (in ID order) of bucket {@code idx}. */
  KnownAddress get(int idx, int i) {
    Slots s = idx < edited.length ? edited[idx] : null;
    return s != null ? s.entries[i] : base.get(idx).get(i);
  }

  /**
   * Inserts {@code ka} into bucket {@code idx}, or replaces the entry of the same ID; {@code p} is
   * the {@link IdTrie#prefix} of its ID.
   */
  void put(int idx, KnownAddress ka, long p) {
    slots(idx).put(ka, p);
  }

  /** The {@link IdTrie#prefix} of the ID of the entry at {@code i} of bucket {@code idx}. */
  long prefixAt(int idx, int i) {
    Slots s = idx < edited.length ? edited[idx] : null;
    return s != null ? s.ids[i] : IdTrie.prefix(base.get(idx).get(i).id());
  }

  /** Removes the entry of {@code id} from bucket {@code idx} (the bucket counts as touched even if absent). */
  void remove(int idx, NodeId id) {
    slots(idx).remove(id);
  }

  /** Removes the entry at position {@code i} of bucket {@code idx} (as found by {@link #expiryIndex}). */
  void removeAt(int idx, int i) {
    slots(idx).removeAt(i);
  }

  /**
   * The table with every touched bucket written back; the base itself if none was touched. Ends
   * the draft: the touched buckets' arrays now belong to the table, so no edit may follow.
   */
  BucketTable table() {
    if (touchedCount == 0) {
      return base;
    }
    int[] indices = Arrays.copyOf(touched, touchedCount);
    Bucket[] buckets = new Bucket[touchedCount];
    for (int i = 0; i < touchedCount; i++) {
      buckets[i] = edited[indices[i]].bucket();
    }
    return base.withAll(indices, buckets);
  }

  private Slots slots(int idx) {
    if (idx >= edited.length) {
      edited = Arrays.copyOf(edited, Math.max(idx + 1, Math.min(2 * edited.length + 16, BookConfig.MAX_BUCKETS)));
    }
    Slots s = edited[idx];
    if (s == null) {
      s = new Slots(idx, base.get(idx), bucketSize);
      edited[idx] = s;
      if (touchedCount == touched.length) {
        touched = Arrays.copyOf(touched, Math.max(8, 2 * touched.length));
      }
      touched[touchedCount++] = idx;
    }
    return s;
  }

  /**
   * The position in bucket {@code idx} (full, so not empty) of the entry a full new bucket drops
   * at {@code now} ({@link Bucket#expiryIndex}); the bucket counts as touched.
   */
  int expiryIndex(int idx, WallTime now) {
    Slots s = slots(idx);
    return Bucket.expiryIndex(s.entries, s.attempted, s.badFrom, s.size, now);
  }

  /** The position in bucket {@code idx} (not empty) of its first entry with the earliest last attempt. */
  int oldestIndex(int idx) {
    Slots s = idx < edited.length ? edited[idx] : null;
    if (s != null) {
      return Bucket.oldestIndex(s.attempted, s.size);
    }
    return base.get(idx).oldestIndex();
  }

  /**
   * A mutable bucket (number {@code idx}): entries sorted by ID in {@code entries[0..size)}, with
   * their columns (those of {@link Bucket}).
   */
  private static final class Slots {
    final int idx;
    KnownAddress[] entries;
    long[] attempted;
    long[] badFrom;
    long[] ids;
    boolean[] home;
    int size;

    Slots(int idx, Bucket b, int bucketSize) {
      this.idx = idx;
      size = b.size();
      int capacity = size < bucketSize || size == 0 ? size + 1 : size;
      entries = new KnownAddress[capacity];
      attempted = new long[capacity];
      badFrom = new long[capacity];
      ids = new long[capacity];
      home = new boolean[capacity];
      b.copyInto(entries, attempted, badFrom, ids, home);
    }

    void put(KnownAddress ka, long p) {
      int i = Bucket.indexOf(entries, ids, size, ka.id(), p);
      if (i < 0) {
        i = -(i + 1);
        if (size == entries.length) {
          int grown = Math.max(4, 2 * size);
          entries = Arrays.copyOf(entries, grown);
          attempted = Arrays.copyOf(attempted, grown);
          badFrom = Arrays.copyOf(badFrom, grown);
          ids = Arrays.copyOf(ids, grown);
          home = Arrays.copyOf(home, grown);
        }
        System.arraycopy(entries, i, entries, i + 1, size - i);
        System.arraycopy(attempted, i, attempted, i + 1, size - i);
        System.arraycopy(badFrom, i, badFrom, i + 1, size - i);
        System.arraycopy(ids, i, ids, i + 1, size - i);
        System.arraycopy(home, i, home, i + 1, size - i);
        size++;
      }
      entries[i] = ka;
      attempted[i] = ka.lastAttempt().epochMillis();
      badFrom[i] = ka.badFrom();
      ids[i] = p;
      home[i] = Bucket.isHome(ka, idx);
    }

    void remove(NodeId id) {
      int i = Bucket.indexOf(entries, ids, size, id, IdTrie.prefix(id));
      if (i >= 0) {
        removeAt(i);
      }
    }

    void removeAt(int i) {
      int tail = size - i - 1;
      System.arraycopy(entries, i + 1, entries, i, tail);
      System.arraycopy(attempted, i + 1, attempted, i, tail);
      System.arraycopy(badFrom, i + 1, badFrom, i, tail);
      System.arraycopy(ids, i + 1, ids, i, tail);
      System.arraycopy(home, i + 1, home, i, tail);
      entries[--size] = null;
    }

    /** The bucket; this draft is finished (its arrays may become the bucket's). */
    Bucket bucket() {
      return Bucket.copyOf(entries, attempted, badFrom, ids, home, size);
    }
  }
}
