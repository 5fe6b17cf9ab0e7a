package dev.cairn.core.book;

import static dev.cairn.core.book.Fixtures.CFG;
import static dev.cairn.core.book.Fixtures.KEY;
import static dev.cairn.core.book.Fixtures.SELF;
import static dev.cairn.core.book.Fixtures.T0;
import static dev.cairn.core.book.Fixtures.addr;
import static dev.cairn.core.book.Fixtures.id;
import static dev.cairn.core.book.Fixtures.routable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.WallTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePSet;

/** {@link AddressBook#restore} refuses corrupt files with a message naming the entry and the rule. */
class RestoreTest {

  static KnownAddress entry(NodeAddress a, BucketType type, Integer... buckets) {
    return new KnownAddress(a, routable(9_000), TreePSet.of(buckets), type, 0, T0, WallTime.NEVER,
        WallTime.NEVER);
  }

  @Test
  void aValidFile_isRestoredIntoItsSavedBuckets() {
    // the two entries of the example addrbook.json (buckets 17, 203 new; 42 old)
    KnownAddress a = entry(addr(1, "203.0.113.10"), BucketType.NEW, 17, 203);
    KnownAddress b = entry(addr(2, "198.51.100.7"), BucketType.OLD, 42);
    AddressBook book = AddressBook.restore(CFG, KEY, List.of(a, b), List.of());
    assertThat(book.newBuckets().get(17).contains(id(1))).isTrue();
    assertThat(book.newBuckets().get(203).contains(id(1))).isTrue();
    assertThat(book.oldBuckets().get(42).contains(id(2))).isTrue();
    assertThat(book.newCount()).isEqualTo(1);
    assertThat(book.oldCount()).isEqualTo(1);
    BookInvariants.check(CFG, book);
  }

  @Test
  void newBucketIndexOutOfRange_isRefused() {
    KnownAddress bad = entry(routable(1), BucketType.NEW, 256);
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(bad), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bad.addr().toString())
        .hasMessageContaining("new bucket index 256 is outside 0..255 (newBucketCount=256)");
  }

  @Test
  void oldBucketIndexOutOfRange_isRefused() {
    KnownAddress bad = entry(routable(1), BucketType.OLD, 64);
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(bad), List.of()))
        .hasMessageContaining(bad.addr().toString())
        .hasMessageContaining("old bucket index 64 is outside 0..63 (oldBucketCount=64)");
    KnownAddress negative = entry(routable(2), BucketType.NEW, -1);
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(negative), List.of()))
        .hasMessageContaining("new bucket index -1 is outside 0..255");
  }

  @Test
  void newEntryInFiveBuckets_isRefused() {
    KnownAddress bad = entry(routable(1), BucketType.NEW, 1, 2, 3, 4, 5);
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(bad), List.of()))
        .hasMessageContaining("addrbook entry " + bad.addr())
        .hasMessageContaining("a new entry must be in 1..4 new buckets (maxNewBucketsPerAddress), found 5");
  }

  @Test
  void newEntryInNoBucket_isRefused() {
    KnownAddress bad = entry(routable(1), BucketType.NEW);
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(bad), List.of()))
        .hasMessageContaining(bad.addr().toString())
        .hasMessageContaining("found 0");
  }

  @Test
  void oldEntryInTwoBuckets_isRefused() {
    KnownAddress bad = entry(routable(1), BucketType.OLD, 3, 7);
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(bad), List.of()))
        .hasMessageContaining("addrbook entry " + bad.addr())
        .hasMessageContaining("an old entry must be in exactly 1 old bucket, found 2");
  }

  @Test
  void overFullBucket_isRefusedNamingTheEntryThatOverflows() {
    List<KnownAddress> entries = new ArrayList<>();
    for (int i = 1; i <= 65; i++) {
      entries.add(entry(routable(i), BucketType.NEW, 17));
    }
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, entries, List.of()))
        .hasMessageContaining("addrbook entry " + entries.get(64).addr())
        .hasMessageContaining("new bucket 17 already holds 64 entries, its capacity (newBucketSize=64)");
    // 64 is fine
    assertThat(AddressBook.restore(CFG, KEY, entries.subList(0, 64), List.of()).size()).isEqualTo(64);
  }

  @Test
  void duplicateId_isRefused() {
    KnownAddress a = entry(addr(1, "8.8.8.8"), BucketType.NEW, 1);
    KnownAddress b = entry(addr(1, "8.8.4.4"), BucketType.NEW, 2);
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(a, b), List.of()))
        .hasMessageContaining("addrbook entry " + b.addr())
        .hasMessageContaining("appears more than once");
  }

  @Test
  void invalidIp_isRefusedSayingWhyAndWhere() {
    KnownAddress good = entry(addr(2, "8.8.8.8"), BucketType.NEW, 1);
    java.util.Map<String, String> why = java.util.Map.of(
        "0.0.0.0", "it is the unspecified address", "::", "it is the unspecified address",
        "255.255.255.255", "it is the broadcast address", "2001:db8::1", "the range kept for documentation (RFC 3849)");
    for (var e : why.entrySet()) {
      KnownAddress bad = entry(addr(1, e.getKey()), BucketType.NEW, 1);
      assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(good, bad), List.of()))
          .isInstanceOfSatisfying(AddressBook.RestoreException.class, x -> {
            org.assertj.core.api.Assertions.assertThat(x.index()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThat(x.banned()).isFalse();
          })
          .hasMessageContaining("addrbook entry " + bad.addr())
          .hasMessageContaining("IP '" + e.getKey() + "' cannot be a peer's address: ")
          .hasMessageContaining(e.getValue());
    }
  }

  @Test
  void bans_inABucketTwiceListedOrTooMany_areRefused() {
    KnownAddress placed = entry(routable(1), BucketType.NEW, 3)
        .withBuckets(TreePSet.of(3));
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(), List.of(placed)))
        .hasMessageContaining("addrbook ban entry " + placed.addr())
        .hasMessageContaining("a banned entry must be in no bucket");
    KnownAddress inBook = entry(routable(2), BucketType.NEW, 3);
    KnownAddress ban = inBook.withBanUntil(T0);
    assertThatThrownBy(() -> AddressBook.restore(CFG, KEY, List.of(inBook), List.of(ban)))
        .hasMessageContaining("addrbook ban entry " + ban.addr())
        .hasMessageContaining("banned and also listed");
    BookConfig two = CFG.withMaxBanned(2);
    List<KnownAddress> three = List.of(entry(routable(4), BucketType.NEW).withBanUntil(T0),
        entry(routable(5), BucketType.NEW).withBanUntil(T0),
        entry(routable(6), BucketType.NEW).withBanUntil(T0));
    assertThatThrownBy(() -> AddressBook.restore(two, KEY, List.of(), three))
        .hasMessageContaining("3 bans, more than maxBanned=2");
  }

  @Test
  void entriesTheConfigNowRefuses_areLeftOut() {
    KnownAddress nowPrivate = entry(routable(1), BucketType.NEW, 1);
    KnownAddress self = entry(new NodeAddress(SELF, "8.8.8.8", 1), BucketType.NEW, 2);
    KnownAddress lan = entry(addr(3, "192.168.0.3"), BucketType.OLD, 3);
    KnownAddress kept = entry(routable(4), BucketType.NEW, 4);
    BookConfig cfg = CFG.withPrivateIds(TreePSet.of(id(1)));
    AddressBook book = AddressBook.restore(cfg, KEY, List.of(nowPrivate, self, lan, kept), List.of());
    assertThat(book.entries()).containsExactly(kept);
    BookInvariants.check(cfg, book);
    AddressBook lax = AddressBook.restore(CFG.withStrict(false), KEY, List.of(lan), List.of());
    assertThat(lax.oldCount()).isEqualTo(1);
  }
}
