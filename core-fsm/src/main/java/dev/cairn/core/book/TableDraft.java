package dev.cairn.core.book;

import dev.cairn.core.NodeId;
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
  /** Touched buckets by index (null: unchanged); grown on demand. */
  private Slots[] edited = NONE;
  /** Indices of the touched buckets, in first-touch order (each once). */
  private int[] touched = new int[0];
  private int touchedCount;

  TableDraft(BucketTable base) {
    this.base = base;
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

  /** Inserts {@code ka} into bucket {@code idx}, or replaces the entry of the same ID. */
  void put(int idx, KnownAddress ka) {
    slots(idx).put(ka);
  }

  /** Removes the entry of {@code id} from bucket {@code idx} (the bucket counts as touched even if absent). */
  void remove(int idx, NodeId id) {
    slots(idx).remove(id);
  }

  /** The table with every touched bucket written back; the base itself if none was touched. */
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
      s = new Slots(base.get(idx));
      edited[idx] = s;
      if (touchedCount == touched.length) {
        touched = Arrays.copyOf(touched, Math.max(8, 2 * touched.length));
      }
      touched[touchedCount++] = idx;
    }
    return s;
  }

  /** A mutable bucket: entries sorted by ID in {@code entries[0..size)}. */
  private static final class Slots {
    KnownAddress[] entries;
    int size;

    Slots(Bucket b) {
      size = b.size();
      entries = new KnownAddress[Math.max(4, size + 2)];
      for (int i = 0; i < size; i++) {
        entries[i] = b.get(i);
      }
    }

    int indexOf(NodeId id) {
      int lo = 0;
      int hi = size - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = entries[mid].id().compareTo(id);
        if (c < 0) {
          lo = mid + 1;
        } else if (c > 0) {
          hi = mid - 1;
        } else {
          return mid;
        }
      }
      return -(lo + 1);
    }

    void put(KnownAddress ka) {
      int i = indexOf(ka.id());
      if (i >= 0) {
        entries[i] = ka;
        return;
      }
      int at = -(i + 1);
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, 2 * size);
      }
      System.arraycopy(entries, at, entries, at + 1, size - at);
      entries[at] = ka;
      size++;
    }

    void remove(NodeId id) {
      int i = indexOf(id);
      if (i < 0) {
        return;
      }
      System.arraycopy(entries, i + 1, entries, i, size - i - 1);
      entries[--size] = null;
    }

    Bucket bucket() {
      return Bucket.of(Arrays.copyOf(entries, size));
    }
  }
}
