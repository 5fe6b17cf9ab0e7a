package dev.cairn.core.book;

import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * One bucket: an immutable list of entries sorted by ID, replaced (copied) on every change. A
 * bucket holds at most 64 entries by default, so a copy is cheaper than a tree, and a uniform
 * pick is one array access. Entries are the same values as in the book's ID lookup; the book
 * replaces them in every bucket that holds them when they change.
 *
 * <p>Beside the entries, columns derived from them: each entry's last attempt and the time
 * from which it may be bad ({@link KnownAddress#badFrom}). Choosing what a full bucket drops
 * reads these contiguous arrays and looks at an entry itself only when it may be bad, instead of
 * following two references per entry for each of its (up to 64) entries. And whether this bucket
 * is the entry's home (the first of its buckets, {@link #isHome}): an entry has exactly one home
 * slot in the book, so a uniform draw among home slots is a uniform draw among entries.
 */
public final class Bucket {

  private static final long[] NO_TIMES = new long[0];

  private static final boolean[] NO_FLAGS = new boolean[0];

  static final Bucket EMPTY = new Bucket(new KnownAddress[0], NO_TIMES, NO_TIMES, NO_TIMES, NO_FLAGS);

  private final KnownAddress[] entries;
  /** {@code entries[i].lastAttempt()} in epoch ms. */
  private final long[] attempted;
  /** {@code entries[i].badFrom()}. */
  private final long[] badFrom;
  /**
   * The first 16 hex digits of {@code entries[i].id()} as an unsigned number ({@link
   * IdTrie#prefix}), ascending: a search by ID compares these and reads an entry's ID only when
   * they are equal.
   */
  private final long[] ids;
  /** {@code isHome(entries[i], index of this bucket)}. */
  private final boolean[] home;
  /** The number of true values of {@link #home}. */
  private final int homes;
  /**
   * The positions of the home slots, ascending, when not every slot is one (else null): the
   * {@code j}-th home entry is one read away, where a scan of the flags cost a mispredicted
   * branch per slot.
   */
  private final char[] homeSlots; // positions fit: a bucket holds at most BookConfig.MAX_BUCKETS

  private Bucket(KnownAddress[] entries, long[] attempted, long[] badFrom, long[] ids, boolean[] home) {
    this.entries = entries;
    this.attempted = attempted;
    this.badFrom = badFrom;
    this.ids = ids;
    this.home = home;
    int n = 0;
    for (int i = 0; i < entries.length; i++) {
      n += home[i] ? 1 : 0;
    }
    this.homes = n;
    char[] slots = null;
    if (n < entries.length) {
      slots = new char[n];
      for (int i = 0, j = 0; j < n; i++) {
        if (home[i]) {
          slots[j++] = (char) i;
        }
      }
    }
    this.homeSlots = slots;
  }

  /**
   * Whether bucket {@code idx} is the home of {@code ka}: the first (lowest) of the buckets it
   * lists. Every entry of a bucket table has one home there, whatever its number of buckets.
   */
  static boolean isHome(KnownAddress ka, int idx) {
    var buckets = ka.buckets();
    return buckets == KnownAddress.singleton(idx) || !buckets.isEmpty() && buckets.first() == idx;
  }

  /**
   * Bucket {@code idx} over {@code sorted} (entries in ID order, owned by the bucket from now on).
   */
  static Bucket of(int idx, KnownAddress[] sorted) {
    if (sorted.length == 0) {
      return EMPTY;
    }
    long[] attempted = new long[sorted.length];
    long[] badFrom = new long[sorted.length];
    long[] ids = new long[sorted.length];
    boolean[] home = new boolean[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      attempted[i] = sorted[i].lastAttempt().epochMillis();
      badFrom[i] = sorted[i].badFrom();
      ids[i] = IdTrie.prefix(sorted[i].id());
      home[i] = isHome(sorted[i], idx);
    }
    return new Bucket(sorted, attempted, badFrom, ids, home);
  }

  /**
   * A bucket over the first {@code size} elements of columns kept by a {@link TableDraft}: the
   * arrays themselves when they are exactly {@code size} long (the caller gives them up), else
   * copies.
   */
  static Bucket copyOf(KnownAddress[] sorted, long[] attempted, long[] badFrom, long[] ids,
      boolean[] home, int size) {
    if (size == 0) {
      return EMPTY;
    }
    if (sorted.length == size) {
      return new Bucket(sorted, attempted, badFrom, ids, home);
    }
    return new Bucket(Arrays.copyOf(sorted, size), Arrays.copyOf(attempted, size),
        Arrays.copyOf(badFrom, size), Arrays.copyOf(ids, size), Arrays.copyOf(home, size));
  }

  /** Copies this bucket's entries and columns into the given arrays (at least {@link #size} long). */
  void copyInto(KnownAddress[] sorted, long[] attemptedOut, long[] badFromOut, long[] idsOut,
      boolean[] homeOut) {
    System.arraycopy(entries, 0, sorted, 0, entries.length);
    System.arraycopy(attempted, 0, attemptedOut, 0, entries.length);
    System.arraycopy(badFrom, 0, badFromOut, 0, entries.length);
    System.arraycopy(ids, 0, idsOut, 0, entries.length);
    System.arraycopy(home, 0, homeOut, 0, entries.length);
  }

  /** The number of entries whose home is this bucket. */
  int homes() {
    return homes;
  }

  /** The position of the {@code j}-th entry (in ID order) whose home is this bucket; {@code 0 <= j < homes()}. */
  int homeSlot(int j) {
    return homeSlots == null ? j : homeSlots[j];
  }

  /** The rank among this bucket's home slots of the home slot at {@code i}: {@link #homeSlot}'s inverse. */
  int homeRank(int i) {
    if (homeSlots == null) {
      return i;
    }
    int j = Arrays.binarySearch(homeSlots, (char) i);
    if (j < 0) {
      throw new IllegalArgumentException("the entry at " + i + " does not have its home in this bucket");
    }
    return j;
  }

  /** The {@link IdTrie#prefix} of the ID of the entry at {@code i}. */
  long prefixAt(int i) {
    return ids[i];
  }

  /** Whether this bucket is the home of its entry at {@code i}. */
  boolean isHomeAt(int i) {
    return home[i];
  }

  /**
   * The position, among the first {@code size} of these columns, of the entry a full new bucket
   * drops at {@code now}: the first bad one in ID order, else the first with the earliest last
   * attempt (v0.34 {@code expireNew}, made deterministic). {@code size} must be at least 1.
   */
  static int expiryIndex(KnownAddress[] sorted, long[] attempted, long[] badFrom, int size,
      WallTime now) {
    long t = now.epochMillis();
    boolean filter = t > KnownAddress.BAD_FROM_SAFE;
    int oldest = 0;
    for (int i = 0; i < size; i++) {
      if ((!filter || badFrom[i] <= t) && sorted[i].isBad(now)) {
        return i;
      }
      if (attempted[i] < attempted[oldest]) {
        oldest = i;
      }
    }
    return oldest;
  }

  /** The position of this bucket's first entry with the earliest last attempt (not empty). */
  int oldestIndex() {
    return oldestIndex(attempted, entries.length);
  }

  /** The position of the first entry with the earliest last attempt among the first {@code size}. */
  static int oldestIndex(long[] attempted, int size) {
    int oldest = 0;
    for (int i = 1; i < size; i++) {
      if (attempted[i] < attempted[oldest]) {
        oldest = i;
      }
    }
    return oldest;
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

  /**
   * This bucket with the entry at {@code i} replaced by {@code ka} (the same ID, so the order
   * holds, and the same buckets, so the home column holds): one copy of each column, no search.
   */
  Bucket withEntryAt(int i, KnownAddress ka) {
    KnownAddress[] e = entries.clone();
    long[] a = attempted.clone();
    long[] f = badFrom.clone();
    e[i] = ka;
    a[i] = ka.lastAttempt().epochMillis();
    f[i] = ka.badFrom();
    return new Bucket(e, a, f, ids, home); // the same IDs and buckets: those columns are shared
  }

  /** This bucket without its entry at {@code i}. */
  Bucket withoutAt(int i) {
    int n = entries.length - 1;
    if (n == 0) {
      return EMPTY;
    }
    KnownAddress[] e = new KnownAddress[n];
    long[] a = new long[n];
    long[] f = new long[n];
    long[] d = new long[n];
    boolean[] h = new boolean[n];
    System.arraycopy(entries, 0, e, 0, i);
    System.arraycopy(entries, i + 1, e, i, n - i);
    System.arraycopy(attempted, 0, a, 0, i);
    System.arraycopy(attempted, i + 1, a, i, n - i);
    System.arraycopy(badFrom, 0, f, 0, i);
    System.arraycopy(badFrom, i + 1, f, i, n - i);
    System.arraycopy(ids, 0, d, 0, i);
    System.arraycopy(ids, i + 1, d, i, n - i);
    System.arraycopy(home, 0, h, 0, i);
    System.arraycopy(home, i + 1, h, i, n - i);
    return new Bucket(e, a, f, d, h);
  }

  /**
   * Bucket {@code idx} (this one) with {@code ka} inserted at {@code i} (its place in ID order,
   * its ID absent); {@code p} is the {@link IdTrie#prefix} of its ID.
   */
  Bucket withInsertedAt(int idx, int i, KnownAddress ka, long p) {
    int n = entries.length;
    KnownAddress[] e = new KnownAddress[n + 1];
    long[] a = new long[n + 1];
    long[] f = new long[n + 1];
    long[] d = new long[n + 1];
    boolean[] h = new boolean[n + 1];
    System.arraycopy(entries, 0, e, 0, i);
    System.arraycopy(entries, i, e, i + 1, n - i);
    System.arraycopy(attempted, 0, a, 0, i);
    System.arraycopy(attempted, i, a, i + 1, n - i);
    System.arraycopy(badFrom, 0, f, 0, i);
    System.arraycopy(badFrom, i, f, i + 1, n - i);
    System.arraycopy(ids, 0, d, 0, i);
    System.arraycopy(ids, i, d, i + 1, n - i);
    System.arraycopy(home, 0, h, 0, i);
    System.arraycopy(home, i, h, i + 1, n - i);
    e[i] = ka;
    a[i] = ka.lastAttempt().epochMillis();
    f[i] = ka.badFrom();
    d[i] = p;
    h[i] = isHome(ka, idx);
    return new Bucket(e, a, f, d, h);
  }

  /** The position of {@code id}, or {@code -(insertion point) - 1}. */
  int indexOf(NodeId id) {
    return indexOf(entries, ids, entries.length, id, IdTrie.prefix(id));
  }

  /** {@link #indexOf(NodeId)} of an ID whose {@link IdTrie#prefix} is {@code p}. */
  int indexOf(NodeId id, long p) {
    return indexOf(entries, ids, entries.length, id, p);
  }

  /**
   * Binary search of {@code id} (whose {@link IdTrie#prefix} is {@code p}) among the first
   * {@code size} entries of sorted columns: by the prefixes, and by the ID itself only where the
   * prefixes are equal. The order is the ID order: the prefix is the ID's first 16 hex digits,
   * and hex digits sort as their values.
   */
  static int indexOf(KnownAddress[] entries, long[] ids, int size, NodeId id, long p) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(ids[mid], p);
      if (c == 0) {
        c = entries[mid].id().compareTo(id);
      }
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
