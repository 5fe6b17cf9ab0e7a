package dev.cairn.core.book;

import static dev.cairn.core.book.Fixtures.T0;
import static dev.cairn.core.book.Fixtures.routable;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A table changed in one bucket keeps its parent's cumulative sizes only when that bucket's size
 * is unchanged; otherwise they are counted anew, and either way they are those of a table built
 * directly.
 */
class BucketTableTest {

  private static Bucket bucketOf(long... ns) {
    KnownAddress[] entries = new KnownAddress[ns.length];
    for (int i = 0; i < ns.length; i++) {
      entries[i] = KnownAddress.fresh(routable(ns[i]), routable(ns[i]), T0);
    }
    java.util.Arrays.sort(entries, (a, b) -> a.id().compareTo(b.id()));
    return Bucket.of(entries);
  }

  private static void assertPrefixAsCounted(BucketTable t) {
    BucketTable fresh = BucketTable.EMPTY;
    for (int i = 0; i < t.length(); i++) {
      fresh = fresh.with(i, t.get(i));
    }
    assertThat(t.prefix().ends()).containsExactly(fresh.prefix().ends());
    assertThat(t.prefix().nonEmpty()).containsExactly(fresh.prefix().nonEmpty());
    assertThat(t.prefix().total()).isEqualTo(fresh.prefix().total());
  }

  @Test
  void aChangedBucketKeepsOrRecountsTheCumulativeSizes() {
    BucketTable t = BucketTable.EMPTY.with(3, bucketOf(1, 2)).with(40, bucketOf(3)).with(70, bucketOf(4, 5, 6));
    assertThat(t.prefix().total()).isEqualTo(6);

    BucketTable sameSize = t.with(40, bucketOf(7));
    assertThat(sameSize.prefix()).isSameAs(t.prefix());
    assertPrefixAsCounted(sameSize);

    BucketTable grown = t.with(40, bucketOf(3, 8));
    assertThat(grown.prefix()).isNotSameAs(t.prefix());
    assertThat(grown.prefix().total()).isEqualTo(7);
    assertPrefixAsCounted(grown);

    BucketTable emptied = t.with(3, Bucket.EMPTY);
    assertThat(emptied.prefix().nonEmpty()).containsExactly(40, 70);
    assertPrefixAsCounted(emptied);

    BucketTable longer = t.with(100, bucketOf(9));
    assertThat(longer.prefix().nonEmpty()).containsExactly(3, 40, 70, 100);
    assertPrefixAsCounted(longer);
  }
}
