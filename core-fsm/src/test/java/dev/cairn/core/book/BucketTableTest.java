package dev.cairn.core.book;

import static dev.cairn.core.book.Fixtures.T0;
import static dev.cairn.core.book.Fixtures.routable;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePSet;

/**
 * A bucket counts the entries whose home (first bucket) it is, a table's cumulative home counts
 * are those of its buckets, and a table changed in one bucket keeps its parent's counts only when
 * that bucket's home count and emptiness are unchanged; otherwise they are counted anew, and
 * either way they are those of a table built directly.
 */
class BucketTableTest {

  /** Bucket {@code idx} holding entries {@code ns}, each listing only this bucket. */
  private static Bucket bucketOf(int idx, long... ns) {
    KnownAddress[] entries = new KnownAddress[ns.length];
    for (int i = 0; i < ns.length; i++) {
      entries[i] = KnownAddress.fresh(routable(ns[i]), routable(ns[i]), T0).plusBucket(idx);
    }
    Arrays.sort(entries, Comparator.comparing(KnownAddress::id));
    return Bucket.of(idx, entries);
  }

  private static void assertPrefixAsCounted(BucketTable t) {
    BucketTable fresh = BucketTable.EMPTY;
    for (int i = 0; i < t.length(); i++) {
      fresh = fresh.with(i, t.get(i));
    }
    assertThat(t.prefix().homeEnds()).containsExactly(fresh.prefix().homeEnds());
    assertThat(t.prefix().nonEmpty()).containsExactly(fresh.prefix().nonEmpty());
    assertThat(t.prefix().homes()).isEqualTo(fresh.prefix().homes());
  }

  @Test
  void aBucketCountsTheEntriesWhoseFirstBucketItIs() {
    KnownAddress a = KnownAddress.fresh(routable(1), routable(1), T0)
        .withBuckets(TreePSet.of(5, 9));
    KnownAddress b = KnownAddress.fresh(routable(2), routable(2), T0).plusBucket(9);
    KnownAddress[] sorted = {a, b};
    Arrays.sort(sorted, Comparator.comparing(KnownAddress::id));
    Bucket nine = Bucket.of(9, sorted.clone());
    Bucket five = Bucket.of(5, new KnownAddress[] {a});
    assertThat(nine.homes()).isEqualTo(1);
    assertThat(nine.get(nine.homeSlot(0))).isEqualTo(b);
    assertThat(five.homes()).isEqualTo(1);
    assertThat(five.get(five.homeSlot(0))).isEqualTo(a);
    BucketTable t = BucketTable.EMPTY.with(5, five).with(9, nine);
    assertThat(t.prefix().homes()).as("two entries, three slots").isEqualTo(2);
    assertThat(t.prefix().homeEnds()[5]).isEqualTo(1);
    assertThat(t.prefix().homeEnds()[8]).isEqualTo(1);
    assertThat(t.prefix().homeEnds()[9]).isEqualTo(2);
    // a leaves bucket 5: bucket 9 becomes its home
    KnownAddress aIn9 = a.minusBucket(5);
    KnownAddress[] after = sorted[0] == a ? new KnownAddress[] {aIn9, b} : new KnownAddress[] {b, aIn9};
    assertThat(Bucket.of(9, after).homes()).isEqualTo(2);
  }

  @Test
  void aChangedBucketKeepsOrRecountsTheCumulativeCounts() {
    BucketTable t = BucketTable.EMPTY.with(3, bucketOf(3, 1, 2)).with(40, bucketOf(40, 3))
        .with(70, bucketOf(70, 4, 5, 6));
    assertThat(t.prefix().homes()).isEqualTo(6);

    BucketTable sameCount = t.with(40, bucketOf(40, 7));
    assertThat(sameCount.prefix()).isSameAs(t.prefix());
    assertPrefixAsCounted(sameCount);

    BucketTable grown = t.with(40, bucketOf(40, 3, 8));
    assertThat(grown.prefix()).isNotSameAs(t.prefix());
    assertThat(grown.prefix().homes()).isEqualTo(7);
    assertPrefixAsCounted(grown);

    KnownAddress homeIn39 = KnownAddress.fresh(routable(3), routable(3), T0).withBuckets(TreePSet.of(39, 40));
    BucketTable notHome = t.with(40, Bucket.of(40, new KnownAddress[] {homeIn39}));
    assertThat(notHome.prefix()).isNotSameAs(t.prefix());
    assertThat(notHome.prefix().homes()).isEqualTo(5);
    assertPrefixAsCounted(notHome);

    BucketTable emptied = t.with(3, Bucket.EMPTY);
    assertThat(emptied.prefix().nonEmpty()).containsExactly(40, 70);
    assertPrefixAsCounted(emptied);

    BucketTable longer = t.with(100, bucketOf(100, 9));
    assertThat(longer.prefix().nonEmpty()).containsExactly(3, 40, 70, 100);
    assertPrefixAsCounted(longer);
  }

  @Test
  void aSlotsBucketIsTheFirstWhoseCumulativeHomeCountExceedsIt() {
    java.util.Random r = new java.util.Random(7);
    long n = 1;
    for (int round = 0; round < 300; round++) {
      // tables of every density: empty buckets (their cumulative count repeats), buckets of one
      // entry and of dozens, and a bucket whose entry's home is another bucket
      int len = 1 + r.nextInt(round < 150 ? 40 : 300);
      int emptyOneIn = 1 + r.nextInt(6);
      int most = 1 + r.nextInt(round % 3 == 0 ? 40 : 4);
      BucketTable t = BucketTable.EMPTY;
      for (int i = 0; i < len; i++) {
        if (r.nextInt(emptyOneIn) == 0) {
          continue;
        }
        long[] ns = new long[1 + r.nextInt(most)];
        for (int e = 0; e < ns.length; e++) {
          ns[e] = n++;
        }
        t = t.with(i, bucketOf(i, ns));
      }
      if (len > 2 && r.nextBoolean()) { // an entry at home in bucket 0 and also in the last bucket
        KnownAddress both = KnownAddress.fresh(routable(n), routable(n), T0).withBuckets(TreePSet.of(0, len - 1));
        n++;
        t = t.with(0, Bucket.of(0, new KnownAddress[] {both})).with(len - 1, Bucket.of(len - 1,
            new KnownAddress[] {both}));
      }
      BucketTable.Prefix p = t.prefix();
      int[] ends = p.homeEnds();
      for (int slot = 0; slot < p.homes(); slot++) {
        int expected = 0;
        while (ends[expected] <= slot) {
          expected++;
        }
        assertThat(p.bucketOf(slot)).as("slot %d of %s", slot, Arrays.toString(ends)).isEqualTo(expected);
      }
    }
  }
}
