package dev.cairn.core.book;

import java.util.Arrays;

/**
 * The new or the old buckets of a book: an immutable table of {@link Bucket}s indexed
 * {@code 0..length-1}, copied on change (a copy of a few hundred references is cheaper than a
 * persistent tree, and lookup by index is one array access). The table grows to the highest
 * index used, so a book does not need its config to be created; indices beyond the table are
 * empty buckets.
 */
public final class BucketTable {

  static final BucketTable EMPTY = new BucketTable(new Bucket[0]);

  private final Bucket[] buckets;

  private BucketTable(Bucket[] buckets) {
    this.buckets = buckets;
  }

  /** One past the highest bucket index that has ever held an entry. */
  public int length() {
    return buckets.length;
  }

  /** The bucket at {@code index} (empty when beyond the table). */
  public Bucket get(int index) {
    return index < buckets.length ? buckets[index] : Bucket.EMPTY;
  }

  /** Number of non-empty buckets. */
  public int nonEmptyCount() {
    int n = 0;
    for (Bucket b : buckets) {
      if (!b.isEmpty()) {
        n++;
      }
    }
    return n;
  }

  /** Sum of bucket sizes: each entry once per bucket that holds it. */
  public int references() {
    int n = 0;
    for (Bucket b : buckets) {
      n += b.size();
    }
    return n;
  }

  BucketTable with(int index, Bucket bucket) {
    Bucket[] copy = Arrays.copyOf(buckets, Math.max(buckets.length, index + 1));
    for (int i = buckets.length; i < copy.length; i++) {
      copy[i] = Bucket.EMPTY;
    }
    copy[index] = bucket;
    return new BucketTable(copy);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BucketTable t)) {
      return false;
    }
    int n = Math.max(buckets.length, t.buckets.length);
    for (int i = 0; i < n; i++) {
      if (!get(i).equals(t.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    int last = buckets.length - 1;
    while (last >= 0 && buckets[last].isEmpty()) {
      last--;
    }
    for (int i = 0; i <= last; i++) {
      h = 31 * h + buckets[i].hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < buckets.length; i++) {
      if (!buckets[i].isEmpty()) {
        sb.append(sb.length() > 1 ? ", " : "").append(i).append('=').append(buckets[i].size());
      }
    }
    return sb.append('}').toString();
  }
}
