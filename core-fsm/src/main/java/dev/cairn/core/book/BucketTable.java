package dev.cairn.core.book;

import java.util.Arrays;

/**
 * The new or the old buckets of a book: an immutable table of {@link Bucket}s indexed
 * {@code 0..length-1}. Lookup by index is two array accesses. The table is cut into chunks of
 * {@value #CHUNK} buckets and a change copies the chunk index and one chunk, so its cost does
 * not grow with the number of buckets (a flat copy of 2048 references on every change of a
 * 100k-entry book cost more than the rest of the change). The table grows to the highest index
 * used, so a book does not need its config to be created; indices beyond the table are empty
 * buckets.
 */
public final class BucketTable {

  private static final int SHIFT = 5;
  static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;

  /** The chunk of a region no bucket has used yet; shared, never written. */
  private static final Bucket[] EMPTY_CHUNK = emptyChunk();

  static final BucketTable EMPTY = new BucketTable(new Bucket[0][], 0);

  private final Bucket[][] chunks;
  private final int length;
  /** Cumulative bucket sizes, computed on first use (the table never changes). */
  private Prefix prefix;

  /**
   * Cumulative home counts ({@link Bucket#homes}): {@code homeEnds[i]} is the number of home slots
   * in buckets {@code 0..i}, {@code homes} their number (the table's entries, each counted once).
   * Final fields, so that a table read by another thread sees it whole.
   */
  static final class Prefix {
    private final int[] homeEnds;
    private final int homes;
    /** The indices of the non-empty buckets, ascending. */
    private final int[] nonEmpty;
    /**
     * {@code radix[x]}: the bucket of home slot {@code x << shift} (the first bucket whose {@link
     * #homeEnds} exceeds it), for {@code x} up to {@code (homes - 1) >> shift}, so a slot's bucket
     * is found from the one of its radix entry by a step or two instead of a binary search.
     */
    private final int[] radix;
    private final int shift;

    private Prefix(int[] homeEnds, int homes, int[] nonEmpty) {
      this.homeEnds = homeEnds;
      this.homes = homes;
      this.nonEmpty = nonEmpty;
      // about one radix entry per non-empty bucket: a power of two of slots per entry, at most the
      // average number of home slots per non-empty bucket
      int perEntry = Math.max(1, homes / Math.max(1, nonEmpty.length));
      this.shift = 31 - Integer.numberOfLeadingZeros(perEntry);
      int n = homes == 0 ? 0 : ((homes - 1) >>> shift) + 1;
      int[] r = new int[n];
      int b = 0;
      for (int x = 0; x < n; x++) {
        int slot = x << shift;
        while (homeEnds[b] <= slot) {
          b++;
        }
        r[x] = b;
      }
      this.radix = r;
    }

    /**
     * The bucket of home slot {@code slot} ({@code 0 <= slot < homes}): the first bucket whose
     * cumulative home count exceeds it.
     */
    int bucketOf(int slot) {
      int b = radix[slot >>> shift];
      int[] ends = homeEnds;
      // the slot is less than 2^shift past its radix entry's: its bucket is that entry's or one of
      // the next few (empty ones included); the first two steps are selects, not branches (the
      // draws are random)
      b = ends[b] <= slot ? b + 1 : b;
      b = ends[b] <= slot ? b + 1 : b;
      while (ends[b] <= slot) {
        b++;
      }
      return b;
    }

    /** Read-only by convention: the array is shared by every sampler of this table. */
    int[] homeEnds() {
      return homeEnds;
    }

    int homes() {
      return homes;
    }

    /** Read-only by convention, as {@link #homeEnds}. */
    int[] nonEmpty() {
      return nonEmpty;
    }
  }

  private BucketTable(Bucket[][] chunks, int length) {
    this.chunks = chunks;
    this.length = length;
  }

  /** One past the highest bucket index that has ever held an entry. */
  public int length() {
    return length;
  }

  /** The bucket at {@code index} (empty when beyond the table). */
  public Bucket get(int index) {
    return index < length ? chunks[index >>> SHIFT][index & MASK] : Bucket.EMPTY;
  }

  /** Number of non-empty buckets. */
  public int nonEmptyCount() {
    return prefix().nonEmpty().length;
  }

  /** The cumulative home counts, their radix index and the non-empty buckets, computed once per table. */
  Prefix prefix() {
    Prefix p = prefix;
    if (p == null) {
      int[] homeEnds = new int[length];
      int[] nonEmpty = new int[length];
      int homes = 0;
      int n = 0;
      for (int i = 0; i < length; i++) {
        Bucket b = get(i);
        if (!b.isEmpty()) {
          nonEmpty[n++] = i;
        }
        homes += b.homes();
        homeEnds[i] = homes;
      }
      p = new Prefix(homeEnds, homes, Arrays.copyOf(nonEmpty, n));
      prefix = p;
    }
    return p;
  }

  /** Sum of bucket sizes: each entry once per bucket that holds it. */
  public int references() {
    int n = 0;
    for (int i = 0; i < length; i++) {
      n += get(i).size();
    }
    return n;
  }

  BucketTable with(int index, Bucket bucket) {
    int c = index >>> SHIFT;
    Bucket[][] copy = Arrays.copyOf(chunks, Math.max(chunks.length, c + 1));
    for (int i = chunks.length; i < copy.length; i++) {
      copy[i] = EMPTY_CHUNK;
    }
    Bucket[] chunk = copy[c].clone();
    chunk[index & MASK] = bucket;
    copy[c] = chunk;
    BucketTable t = new BucketTable(copy, Math.max(length, index + 1));
    if (prefix != null && index < length && get(index).isEmpty() == bucket.isEmpty()
        && get(index).homes() == bucket.homes()) {
      t.prefix = prefix; // the same counts (an entry's record replaced in place): the same prefix
    }
    return t;
  }

  /**
   * This table with {@code buckets[i]} at {@code indices[i]} (distinct indices): the same table as
   * that many {@link #with} calls, copying the chunk index and each touched chunk once.
   */
  BucketTable withAll(int[] indices, Bucket[] buckets) {
    int top = length;
    for (int index : indices) {
      top = Math.max(top, index + 1);
    }
    int chunkCount = Math.max(chunks.length, ((top - 1) >>> SHIFT) + 1);
    Bucket[][] copy = Arrays.copyOf(chunks, chunkCount);
    for (int i = chunks.length; i < copy.length; i++) {
      copy[i] = EMPTY_CHUNK;
    }
    boolean[] copied = new boolean[chunkCount];
    for (int i = 0; i < indices.length; i++) {
      int c = indices[i] >>> SHIFT;
      if (!copied[c]) {
        copy[c] = copy[c].clone();
        copied[c] = true;
      }
      copy[c][indices[i] & MASK] = buckets[i];
    }
    return new BucketTable(copy, top);
  }

  private static Bucket[] emptyChunk() {
    Bucket[] chunk = new Bucket[CHUNK];
    Arrays.fill(chunk, Bucket.EMPTY);
    return chunk;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BucketTable t)) {
      return false;
    }
    int n = Math.max(length, t.length);
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
    int last = length - 1;
    while (last >= 0 && get(last).isEmpty()) {
      last--;
    }
    for (int i = 0; i <= last; i++) {
      h = 31 * h + get(i).hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < length; i++) {
      if (!get(i).isEmpty()) {
        sb.append(sb.length() > 1 ? ", " : "").append(i).append('=').append(get(i).size());
      }
    }
    return sb.append('}').toString();
  }
}
