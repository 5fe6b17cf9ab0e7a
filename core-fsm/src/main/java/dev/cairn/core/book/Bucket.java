package dev.cairn.core.book;

import dev.cairn.core.NodeId;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * One bucket: an immutable list of entries sorted by ID, replaced (copied) on every change. A
 * bucket holds at most 64 entries by default, so a copy is cheaper than a tree, and a uniform
 * pick is one array access. Entries are the same values as in the book's ID lookup; the book
 * replaces them in every bucket that holds them when they change.
 */
public final class Bucket {

  static final Bucket EMPTY = new Bucket(new KnownAddress[0]);

  private final KnownAddress[] entries;

  private Bucket(KnownAddress[] entries) {
    this.entries = entries;
  }

  /** A bucket over {@code sorted} (entries in ID order, owned by the bucket from now on). */
  static Bucket of(KnownAddress[] sorted) {
    return sorted.length == 0 ? EMPTY : new Bucket(sorted);
  }

  public int size() {
    return entries.length;
  }

  public boolean isEmpty() {
    return entries.length == 0;
  }

  /** The entry at {@code i} in ID order. */
  public KnownAddress get(int i) {
    return entries[i];
  }

  public boolean contains(NodeId id) {
    return indexOf(id) >= 0;
  }

  /** The entries in ID order, as a read-only view. */
  public List<KnownAddress> entries() {
    return new AbstractList<>() {
      @Override
      public KnownAddress get(int i) {
        return entries[i];
      }

      @Override
      public int size() {
        return entries.length;
      }
    };
  }

  int indexOf(NodeId id) {
    int lo = 0;
    int hi = entries.length - 1;
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

  /** This bucket with {@code ka} inserted, or replacing the entry of the same ID. */
  Bucket with(KnownAddress ka) {
    int i = indexOf(ka.id());
    if (i >= 0) {
      KnownAddress[] copy = entries.clone();
      copy[i] = ka;
      return new Bucket(copy);
    }
    int at = -(i + 1);
    KnownAddress[] copy = new KnownAddress[entries.length + 1];
    System.arraycopy(entries, 0, copy, 0, at);
    copy[at] = ka;
    System.arraycopy(entries, at, copy, at + 1, entries.length - at);
    return new Bucket(copy);
  }

  /** This bucket without the entry of {@code id} (itself if absent). */
  Bucket without(NodeId id) {
    int i = indexOf(id);
    if (i < 0) {
      return this;
    }
    if (entries.length == 1) {
      return EMPTY;
    }
    KnownAddress[] copy = new KnownAddress[entries.length - 1];
    System.arraycopy(entries, 0, copy, 0, i);
    System.arraycopy(entries, i + 1, copy, i, entries.length - i - 1);
    return new Bucket(copy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bucket b && Arrays.equals(entries, b.entries);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(entries);
  }

  @Override
  public String toString() {
    return entries().toString();
  }
}
