package dev.cairn.core.book;

import static dev.cairn.core.book.Fixtures.CFG;
import static dev.cairn.core.book.Fixtures.DAY;
import static dev.cairn.core.book.Fixtures.HOUR;
import static dev.cairn.core.book.Fixtures.KEY;
import static dev.cairn.core.book.Fixtures.MINUTE;
import static dev.cairn.core.book.Fixtures.SELF;
import static dev.cairn.core.book.Fixtures.T0;
import static dev.cairn.core.book.Fixtures.addr;
import static dev.cairn.core.book.Fixtures.id;
import static dev.cairn.core.book.Fixtures.routable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePSet;

/** Ports of v0.34's addrbook tests where our semantics match, and our differences where they do not. */
class AddressBookTest {

  /** A book filled by adding {@code n} routable addresses, each from its own source. */
  static AddressBook filled(BookConfig cfg, int n, long firstId) {
    AddressBook b = AddressBook.empty(KEY);
    Prng p = Prng.seeded(1);
    for (int i = 0; i < n; i++) {
      AddResult r = b.add(cfg, routable(firstId + i), routable(5_000_000 + i), T0, p);
      b = r.book();
      p = r.prng();
    }
    BookInvariants.check(cfg, b);
    return b;
  }

  // ---------------------------------------------------------------- ports of v0.34 tests

  @Test
  void saveLoad_restoreOfEntriesAndBansGivesAnEqualBook() { // TestAddrBookSaveLoad
    AddressBook b = filled(CFG, 100, 1);
    for (int i = 1; i <= 30; i++) {
      b = b.markAttempt(id(i), T0.plusMillis(i));
    }
    for (int i = 1; i <= 20; i++) {
      b = b.markGood(CFG, id(i), T0.plusMillis(1000 + i));
    }
    b = b.ban(CFG, id(50), T0.plusMillis(DAY));
    b = b.ban(CFG, addr(777_777, "8.8.8.8"), T0.plusMillis(DAY));

    AddressBook loaded = AddressBook.restore(CFG, KEY, b.entries(), b.bannedEntries());

    assertThat(loaded).isEqualTo(b);
    assertThat(loaded.size()).isEqualTo(99);
    assertThat(loaded.oldCount()).isEqualTo(20);
    assertThat(loaded.isBanned(id(50), T0)).isTrue();
    assertThat(loaded.isBanned(id(777_777), T0)).isTrue();
    BookInvariants.check(CFG, loaded);
  }

  @Test
  void promoteToOld_movesHalfToOldBucketsAndClearsFailures() { // TestAddrBookPromoteToOld
    AddressBook b = filled(CFG, 100, 1);
    for (int i = 1; i <= 100; i++) {
      b = b.markAttempt(id(i), T0.plusMillis(MINUTE));
    }
    for (int i = 1; i <= 100; i += 2) {
      b = b.markGood(CFG, id(i), T0.plusMillis(2 * MINUTE));
    }
    BookInvariants.check(CFG, b);
    assertThat(b.oldCount()).isEqualTo(50);
    assertThat(b.newCount()).isEqualTo(50);
    KnownAddress good = b.get(id(1)).orElseThrow();
    assertThat(good.type()).isEqualTo(BucketType.OLD);
    assertThat(good.buckets()).hasSize(1);
    assertThat(good.attempts()).isZero();
    assertThat(good.lastSuccess()).isEqualTo(T0.plusMillis(2 * MINUTE));
    assertThat(b.get(id(2)).orElseThrow().attempts()).isEqualTo(1);
    Selection s = b.selection(CFG, Prng.seeded(3), ka -> true);
    assertThat(s.addresses()).hasSize(32).doesNotHaveDuplicates();
  }

  @Test
  void addDoesNotOverwriteOldIp() { // TestAddrBookAddDoesNotOverwriteOldIP
    NodeAddress original = addr(42, "2.3.4.5");
    AddressBook b = AddressBook.empty(KEY).add(CFG, original, routable(1000), T0, Prng.seeded(1)).book();
    b = b.markGood(CFG, id(42), T0);
    Prng p = Prng.seeded(2);
    for (int i = 0; i < 200; i++) {
      NodeAddress other = addr(42, "9.9." + (i % 200) + ".1");
      AddResult r = b.add(CFG, other, routable(2000 + i), T0, p);
      assertThat(r.outcome()).isEqualTo(AddOutcome.VETTED_ID_KEEPS_IP);
      assertThat(r.book()).isSameAs(b);
      p = r.prng();
    }
    assertThat(b.get(id(42)).orElseThrow().addr()).isEqualTo(original);
    assertThat(b.add(CFG, original, routable(3000), T0, p).outcome()).isEqualTo(AddOutcome.ALREADY_KNOWN);
  }

  @Test
  void banBadPeers_banIsEnforcedThenReinstatedAfterExpiry() { // TestBanBadPeers
    NodeAddress a = routable(7);
    AddressBook b = AddressBook.empty(KEY).add(CFG, a, routable(8), T0, Prng.seeded(1)).book();
    b = b.markAttempt(a.id(), T0);
    WallTime until = T0.plusMillis(HOUR);
    b = b.ban(CFG, a.id(), until);

    assertThat(b.isBanned(a.id(), T0)).isTrue();
    assertThat(b.contains(a.id())).isFalse();
    assertThat(b.size()).isZero();
    assertThat(b.add(CFG, a, routable(9), T0.plusMillis(HOUR - 1), Prng.seeded(2)).outcome())
        .isEqualTo(AddOutcome.BANNED);
    assertThat(b.reinstateExpiredBans(CFG, T0.plusMillis(HOUR - 1))).isSameAs(b);

    AddressBook back = b.reinstateExpiredBans(CFG, until);
    assertThat(back.isBanned(a.id(), until)).isFalse();
    assertThat(back.bannedEntries()).isEmpty();
    KnownAddress ka = back.get(a.id()).orElseThrow();
    assertThat(ka.isNew()).isTrue();
    assertThat(ka.attempts()).as("the failure record survives the ban").isEqualTo(1);
    BookInvariants.check(CFG, back);
  }

  @Test
  void getSelectionWithBias_takesBiasShareOfNewFirst() { // TestAddrBookGetSelectionWithBias
    AddressBook b = filled(CFG, 1000, 1);
    for (int i = 1; i <= 500; i++) {
      b = b.markGood(CFG, id(i), T0);
    }
    BookInvariants.check(CFG, b);
    int k = AddressBook.selectionSize(1000);
    assertThat(k).isEqualTo(230);
    for (int bias : new int[] {0, 30, 50, 90, 100}) {
      Selection s = b.selectionWithBias(CFG, bias, Prng.seeded(bias), ka -> true);
      int expectNew = (int) Math.round(bias / 100.0 * k);
      List<NodeAddress> got = s.addresses();
      assertThat(got).hasSize(k).doesNotHaveDuplicates();
      for (int i = 0; i < k; i++) {
        boolean isNew = b.get(got.get(i).id()).orElseThrow().isNew();
        assertThat(isNew).as("bias %d position %d", bias, i).isEqualTo(i < expectNew);
      }
    }
  }

  @Test
  void getSelectionWithBias_fillsWithNewWhenOldAreShort() {
    AddressBook filled = filled(CFG, 200, 1);
    for (int i = 1; i <= 10; i++) {
      filled = filled.markGood(CFG, id(i), T0);
    }
    AddressBook b = filled;
    // k = 46; bias 0 wants 0 new, but only 10 old: k - nOld = 36 new first
    Selection s = b.selectionWithBias(CFG, 0, Prng.seeded(4), ka -> true);
    assertThat(s.addresses()).hasSize(46).doesNotHaveDuplicates();
    long olds = s.addresses().stream().filter(a -> b.get(a.id()).orElseThrow().isOld()).count();
    assertThat(olds).isEqualTo(10);
  }

  @Test
  void multipleAddressSelection_sizeFollowsCometBftFormula() { // TestMultipleAddrBookAddressSelection
    for (int n : new int[] {0, 1, 5, 31, 32, 33, 100, 139, 140, 500, 1000, 1086, 1087, 1500}) {
      AddressBook b = filled(CFG, n, 1);
      int expected = Math.min(250, Math.max(Math.min(32, n), n * 23 / 100));
      Selection s = b.selection(CFG, Prng.seeded(n), ka -> true);
      assertThat(s.addresses()).as("n=%d", n).hasSize(expected).doesNotHaveDuplicates();
      assertThat(s.addresses()).allMatch(a -> b.contains(a.id()));
    }
  }

  @Test
  void selection_respectsAllowedAndReturnsAllAllowedWhenFew() {
    AddressBook b = filled(CFG, 1000, 1);
    Selection s = b.selection(CFG, Prng.seeded(5), ka -> ka.id().compareTo(id(11)) < 0);
    assertThat(s.addresses()).hasSize(10).doesNotHaveDuplicates()
        .allMatch(a -> a.id().compareTo(id(11)) < 0);
  }

  /** How often each ID was selected, and came first, in a number of selections. */
  private record Tally(Map<NodeId, Integer> taken, Map<NodeId, Integer> first) {}

  /** {@code runs} selections of every entry from {@code b}, each of the full size and distinct. */
  private static Tally tally(AddressBook b, int runs, Prng seed) {
    int k = AddressBook.selectionSize(b.size());
    Map<NodeId, Integer> taken = new HashMap<>();
    Map<NodeId, Integer> first = new HashMap<>();
    Prng p = seed;
    for (int r = 0; r < runs; r++) {
      Selection s = b.selection(CFG, p, ka -> true);
      p = s.prng();
      assertThat(s.addresses()).hasSize(k).doesNotHaveDuplicates();
      for (NodeAddress a : s.addresses()) {
        taken.merge(a.id(), 1, Integer::sum);
      }
      first.merge(s.addresses().get(0).id(), 1, Integer::sum);
    }
    return new Tally(taken, first);
  }

  /**
   * Every entry is equally likely to be selected, and to come first, in a small book (at most
   * twice the selection size: one exact pass) and in a larger one (draws among home slots).
   */
  @Test
  void selection_isUniformOverEntries() {
    for (int n : new int[] {60, 300}) {
      AddressBook b = filled(CFG, n, 1);
      int k = AddressBook.selectionSize(n);
      int runs = 4000;
      Tally t = tally(b, runs, Prng.seeded(n));
      Map<NodeId, Integer> taken = t.taken();
      Map<NodeId, Integer> first = t.first();
      double share = k / (double) n;
      double sd = Math.sqrt(runs * share * (1 - share));
      assertThat(taken).as("n=%d", n).hasSize(n);
      for (var e : taken.entrySet()) {
        assertThat((double) e.getValue()).as("n=%d %s", n, e.getKey())
            .isBetween(runs * share - 5 * sd, runs * share + 5 * sd);
      }
      double firstMean = runs / (double) n;
      double firstSd = Math.sqrt(firstMean * (1 - 1.0 / n));
      assertThat(first).as("n=%d", n).hasSize(n);
      for (var e : first.entrySet()) {
        assertThat((double) e.getValue()).as("n=%d first %s", n, e.getKey())
            .isBetween(firstMean - 5 * firstSd, firstMean + 5 * firstSd);
      }
    }
  }

  /**
   * An entry in four new buckets is no likelier to be selected than one in a single bucket, nor
   * than an old entry: the selection is uniform over entries, not over bucket slots.
   */
  @Test
  void selection_isUniformWhateverTheNumberOfBuckets() {
    int n = 300;
    AddressBook b = filled(CFG, n, 1);
    Prng p = Prng.seeded(9);
    for (int round = 0; round < 12; round++) { // learn each again from other sources: more buckets
      for (int i = 0; i < n; i++) {
        if (i % 3 == 0) { // a third of the entries stay in one bucket
          continue;
        }
        AddResult r = b.add(CFG, routable(1 + i), routable(6_000_000 + 1000L * round + i % 97), T0, p);
        b = r.book();
        p = r.prng();
      }
    }
    for (int i = 0; i < 40; i++) {
      b = b.markGood(CFG, id(1 + 7 * i), T0.plusMillis(i));
    }
    BookInvariants.check(CFG, b);
    Map<Integer, List<NodeId>> byBuckets = new HashMap<>();
    for (KnownAddress ka : b.entries()) {
      byBuckets.computeIfAbsent(ka.isOld() ? 0 : ka.buckets().size(), x -> new ArrayList<>()).add(ka.id());
    }
    assertThat(byBuckets.keySet()).as("old entries and new ones in 1 to 4 buckets").contains(0, 1, 2, 3, 4);
    int k = AddressBook.selectionSize(n);
    int runs = 4000;
    Map<NodeId, Integer> taken = tally(b, runs, p).taken();
    double share = k / (double) n;
    double sd = Math.sqrt(runs * share * (1 - share));
    for (var e : byBuckets.entrySet()) {
      double mean = e.getValue().stream().mapToInt(id -> taken.getOrDefault(id, 0)).average().orElseThrow();
      assertThat(mean).as("mean selections of the %d entries in %d buckets (0: old)", e.getValue().size(), e.getKey())
          .isBetween(runs * share - 5 * sd / Math.sqrt(e.getValue().size()),
              runs * share + 5 * sd / Math.sqrt(e.getValue().size()));
      for (NodeId id : e.getValue()) {
        assertThat((double) taken.getOrDefault(id, 0)).as("%s in %d buckets", id, e.getKey())
            .isBetween(runs * share - 5 * sd, runs * share + 5 * sd);
      }
    }
  }

  @Test
  void privatePeers_areNeitherStoredNorListenedTo() { // TestPrivatePeers
    BookConfig cfg = CFG.withPrivateIds(TreePSet.of(id(1), id(2)));
    AddressBook b = AddressBook.empty(KEY);
    assertThat(b.add(cfg, routable(1), routable(100), T0, Prng.seeded(1)).outcome())
        .isEqualTo(AddOutcome.PRIVATE);
    assertThat(b.add(cfg, routable(100), routable(2), T0, Prng.seeded(1)).outcome())
        .isEqualTo(AddOutcome.PRIVATE_SOURCE);
    assertThat(b.add(cfg, routable(100), routable(3), T0, Prng.seeded(1)).outcome())
        .isEqualTo(AddOutcome.ADDED);
  }

  // ---------------------------------------------------------------- filters

  @Test
  void self_isRefusedByIdAndByAddress() {
    NodeAddress ours = routable(55);
    BookConfig cfg = CFG.withOurAddresses(TreePSet.of(ours));
    AddressBook b = AddressBook.empty(KEY);
    assertThat(b.add(cfg, new NodeAddress(SELF, "8.8.8.8", 1), routable(1), T0, Prng.seeded(1)).outcome())
        .isEqualTo(AddOutcome.SELF);
    assertThat(b.add(cfg, ours, routable(1), T0, Prng.seeded(1)).outcome()).isEqualTo(AddOutcome.SELF);
  }

  @Test
  void strictMode_refusesNonRoutable_nonStrictKeepsThem() {
    AddressBook b = AddressBook.empty(KEY);
    NodeAddress lan = addr(1, "192.168.1.10");
    assertThat(b.add(CFG, lan, routable(2), T0, Prng.seeded(1)).outcome()).isEqualTo(AddOutcome.NON_ROUTABLE);
    AddResult r = b.add(CFG.withStrict(false), lan, addr(2, "10.0.0.2"), T0, Prng.seeded(1));
    assertThat(r.outcome()).isEqualTo(AddOutcome.ADDED);
    assertThat(r.book().contains(lan.id())).isTrue();
  }

  @Test
  void invalidIps_areRefusedBeforeAnythingElse() {
    AddressBook b = AddressBook.empty(KEY).ban(CFG, addr(1, "8.8.8.8"), T0.plusMillis(DAY));
    for (String ip : List.of("0.0.0.0", "::", "255.255.255.255", "2001:db8::1", "example.com")) {
      assertThat(b.add(CFG, addr(1, ip), routable(2), T0, Prng.seeded(1)).outcome())
          .as(ip).isEqualTo(AddOutcome.INVALID);
    }
    assertThat(b.add(CFG, routable(3), addr(4, "not-an-ip"), T0, Prng.seeded(1)).outcome())
        .isEqualTo(AddOutcome.INVALID);
  }

  // ---------------------------------------------------------------- buckets

  @Test
  void knownNewEntry_gainsAtMostFourReferences_andKeepsItsAddress() {
    NodeAddress a = routable(1);
    AddressBook b = AddressBook.empty(KEY).add(CFG, a, routable(100), T0, Prng.seeded(1)).book();
    Prng p = Prng.seeded(9);
    int refsAdded = 0;
    for (int i = 0; i < 2000; i++) {
      // each source in its own /16 so placements differ
      NodeAddress moved = addr(1, (30 + i % 50) + "." + (i % 200) + ".7.7");
      AddResult r = b.add(CFG, moved, addr(10_000 + i, (40 + i % 60) + "." + (i / 60 % 200) + ".1.1"), T0, p);
      if (r.outcome() == AddOutcome.ADDED_BUCKET_REFERENCE) {
        refsAdded++;
      } else {
        assertThat(r.outcome()).isEqualTo(AddOutcome.ALREADY_KNOWN);
        assertThat(r.book()).isSameAs(b);
      }
      b = r.book();
      p = r.prng();
    }
    KnownAddress ka = b.get(a.id()).orElseThrow();
    assertThat(ka.buckets()).hasSize(4);
    assertThat(refsAdded).isEqualTo(3);
    assertThat(ka.addr()).isEqualTo(a);
    assertThat(b.newCount()).isEqualTo(1);
    BookInvariants.check(CFG, b);
  }

  /** v0.34 lets a bucket reach 65 entries (it expires only when it holds more than 64). We hold exactly 64. */
  @Test
  void fullNewBucket_holdsExactly64_andDropsTheOldest() {
    BookConfig one = CFG.withBuckets(1, 64, 1, 64, 1, 1, 1);
    AddressBook b = AddressBook.empty(KEY);
    Prng p = Prng.seeded(1);
    for (int i = 1; i <= 65; i++) {
      AddResult r = b.add(one, routable(i), routable(1000), T0.plusMillis(i), p);
      assertThat(r.outcome()).isEqualTo(AddOutcome.ADDED);
      b = r.book();
      p = r.prng();
    }
    assertThat(b.newBuckets().get(0).size()).isEqualTo(64);
    assertThat(b.size()).isEqualTo(64);
    assertThat(b.contains(id(1))).as("the oldest goes").isFalse();
    assertThat(b.contains(id(65))).isTrue();
    BookInvariants.check(one, b);
  }

  @Test
  void fullNewBucket_dropsABadEntryBeforeTheOldest() {
    BookConfig one = CFG.withBuckets(1, 4, 1, 4, 1, 1, 1);
    AddressBook b = AddressBook.empty(KEY);
    for (int i = 1; i <= 4; i++) {
      b = b.add(one, routable(i), routable(1000), T0.plusMillis(i), Prng.seeded(i)).book();
    }
    WallTime later = T0.plusMillis(HOUR);
    // entry 3: three failures and never a success => bad (v0.34 isBad, numRetries = 3)
    for (int k = 0; k < 3; k++) {
      b = b.markAttempt(id(3), T0.plusMillis(10));
    }
    assertThat(b.get(id(3)).orElseThrow().isBad(later)).isTrue();
    b = b.add(one, routable(5), routable(1000), later, Prng.seeded(5)).book();
    assertThat(b.contains(id(3))).isFalse();
    assertThat(b.contains(id(1))).as("the oldest stays while a bad one exists").isTrue();
  }

  /**
   * v0.34 moveToOld puts the displaced old entry back into a new bucket, but the entry still says
   * "old", the consistency check refuses it and it silently leaves the book. We demote it.
   */
  @Test
  void fullOldBucket_demotesItsOldestToNew_neverDeletes() {
    BookConfig small = CFG.withBuckets(4, 8, 1, 2, 2, 1, 2);
    AddressBook b = AddressBook.empty(KEY);
    for (int i = 1; i <= 3; i++) {
      b = b.add(small, routable(i), routable(1000), T0, Prng.seeded(i)).book();
    }
    b = b.markGood(small, id(1), T0.plusMillis(1));
    b = b.markGood(small, id(2), T0.plusMillis(2));
    b = b.markGood(small, id(3), T0.plusMillis(3));
    assertThat(b.size()).isEqualTo(3);
    assertThat(b.oldCount()).isEqualTo(2);
    KnownAddress demoted = b.get(id(1)).orElseThrow();
    assertThat(demoted.type()).isEqualTo(BucketType.NEW);
    assertThat(demoted.lastSuccess()).as("its record is kept").isEqualTo(T0.plusMillis(1));
    assertThat(b.get(id(3)).orElseThrow().isOld()).isTrue();
    BookInvariants.check(small, b);
  }

  /** CometBFT draws a new HighwayHash key per process, so placements move on restart. Ours depend on the persisted key only. */
  @Test
  void placement_dependsOnlyOnThePersistedKey() {
    AddressBook b = filled(CFG, 50, 1);
    AddressBook restarted = AddressBook.restore(CFG, KEY, b.entries(), b.bannedEntries());
    AddressBook otherKey = AddressBook.empty(BookKey.of("0123456789abcdef01234567"));
    int moved = 0;
    for (int i = 1; i <= 50; i++) {
      NodeAddress a = routable(i);
      NodeAddress s = routable(5_000_000 + i - 1);
      assertThat(restarted.newBucketFor(CFG, a, s)).isEqualTo(b.get(a.id()).orElseThrow().buckets().first());
      if (otherKey.newBucketFor(CFG, a, s) != restarted.newBucketFor(CFG, a, s)) {
        moved++;
      }
    }
    assertThat(moved).as("another key places most addresses elsewhere").isGreaterThan(40);
  }

  // ---------------------------------------------------------------- bans

  /** v0.34 MarkBad ignores IDs not in the book, and the switch lets banned peers in. We record them. */
  @Test
  void ban_ofAnUnknownAddressIsRecorded_andRefusesItsAdd() {
    NodeAddress inbound = addr(77, "8.8.4.4");
    AddressBook b = AddressBook.empty(KEY).ban(CFG, inbound, T0.plusMillis(DAY));
    assertThat(b.isBanned(inbound.id(), T0)).isTrue();
    assertThat(b.size()).isZero();
    assertThat(b.add(CFG, inbound, routable(1), T0, Prng.seeded(1)).outcome()).isEqualTo(AddOutcome.BANNED);
    assertThat(AddressBook.empty(KEY).ban(CFG, id(78), T0.plusMillis(DAY)))
        .as("an ID with no address cannot be recorded").isEqualTo(AddressBook.empty(KEY));
  }

  @Test
  void ban_keepsTheLaterExpiry_andAddAfterExpiryIsRefusedUntilReinstated() {
    NodeAddress a = routable(5);
    AddressBook b = AddressBook.empty(KEY).add(CFG, a, routable(6), T0, Prng.seeded(1)).book();
    b = b.ban(CFG, a.id(), T0.plusMillis(2 * HOUR)).ban(CFG, a.id(), T0.plusMillis(HOUR));
    assertThat(b.bannedEntries().get(0).lastBanTime()).isEqualTo(T0.plusMillis(2 * HOUR));
    // expired, still on record: v0.34's AddAddress refuses an ID in badPeers whatever its expiry
    WallTime later = T0.plusMillis(3 * HOUR);
    assertThat(b.isBanned(a.id(), later)).isFalse();
    AddResult r = b.add(CFG, a, routable(6), later, Prng.seeded(2));
    assertThat(r.outcome()).isEqualTo(AddOutcome.BANNED);
    assertThat(r.book()).isSameAs(b);
    // only reinstating lifts it; then the address is known again
    AddressBook back = b.reinstateExpiredBans(CFG, later);
    assertThat(back.contains(a.id())).isTrue();
    assertThat(back.bannedEntries()).isEmpty();
    assertThat(back.add(CFG, a, routable(6), later, Prng.seeded(2)).outcome()).isEqualTo(AddOutcome.ALREADY_KNOWN);
  }

  /** v0.34 reinstates an old entry into a new bucket while it still says "old", and loses it. */
  @Test
  void reinstatedOldEntry_comesBackAsNew() {
    NodeAddress a = routable(5);
    AddressBook b = AddressBook.empty(KEY).add(CFG, a, routable(6), T0, Prng.seeded(1)).book();
    b = b.markGood(CFG, a.id(), T0).ban(CFG, a.id(), T0.plusMillis(HOUR));
    AddressBook back = b.reinstateExpiredBans(CFG, T0.plusMillis(HOUR));
    assertThat(back.get(a.id()).orElseThrow().isNew()).isTrue();
    assertThat(back.newCount()).isEqualTo(1);
    assertThat(back.oldCount()).isZero();
  }

  @Test
  void bans_areBounded_evictingTheEarliestExpiry() {
    BookConfig cfg = CFG.withMaxBanned(3);
    AddressBook b = AddressBook.empty(KEY);
    b = b.ban(cfg, routable(1), T0.plusMillis(5 * HOUR));
    b = b.ban(cfg, routable(2), T0.plusMillis(1 * HOUR));
    b = b.ban(cfg, routable(3), T0.plusMillis(3 * HOUR));
    b = b.ban(cfg, routable(4), T0.plusMillis(4 * HOUR));
    assertThat(b.bannedEntries()).extracting(KnownAddress::id).containsExactly(id(1), id(3), id(4));
  }

  @Test
  void firstBanExpiry_followsEveryChangeOfTheBans_andSkipsTheLookWhileNoneExpired() {
    BookConfig cfg = CFG.withMaxBanned(3);
    AddressBook b = AddressBook.empty(KEY);
    assertThat(b.firstBanExpiryMillis()).isEqualTo(Long.MAX_VALUE);
    b = b.ban(cfg, routable(1), T0.plusMillis(5 * HOUR));
    b = b.ban(cfg, routable(2), T0.plusMillis(2 * HOUR));
    b = b.ban(cfg, routable(3), T0.plusMillis(3 * HOUR));
    assertThat(b.firstBanExpiryMillis()).isEqualTo(T0.plusMillis(2 * HOUR).epochMillis());
    // the earliest ban extended: the next one is now the earliest
    b = b.ban(cfg, id(2), T0.plusMillis(6 * HOUR));
    assertThat(b.firstBanExpiryMillis()).isEqualTo(T0.plusMillis(3 * HOUR).epochMillis());
    // an attempt on a banned ID leaves the expiries alone
    b = b.markAttempt(id(3), T0);
    assertThat(b.firstBanExpiryMillis()).isEqualTo(T0.plusMillis(3 * HOUR).epochMillis());
    // a fourth ban pushes out the ban expiring first
    b = b.ban(cfg, routable(4), T0.plusMillis(4 * HOUR));
    assertThat(b.bannedEntries()).extracting(KnownAddress::id).containsExactly(id(1), id(2), id(4));
    assertThat(b.firstBanExpiryMillis()).isEqualTo(T0.plusMillis(4 * HOUR).epochMillis());
    BookInvariants.check(cfg, b);
    assertThat(b.reinstateExpiredBans(cfg, T0.plusMillis(4 * HOUR - 1))).isSameAs(b);
    AddressBook lifted = b.reinstateExpiredBans(cfg, T0.plusMillis(5 * HOUR));
    assertThat(lifted.bannedEntries()).extracting(KnownAddress::id).containsExactly(id(2));
    assertThat(lifted.firstBanExpiryMillis()).isEqualTo(T0.plusMillis(6 * HOUR).epochMillis());
    BookInvariants.check(cfg, lifted);
    AddressBook none = lifted.reinstateExpiredBans(cfg, T0.plusMillis(6 * HOUR));
    assertThat(none.bannedEntries()).isEmpty();
    assertThat(none.firstBanExpiryMillis()).isEqualTo(Long.MAX_VALUE);
    // a restored book derives it from its bans
    AddressBook restored = AddressBook.restore(cfg, KEY, b.entries(), b.bannedEntries());
    assertThat(restored).isEqualTo(b);
  }

  // ---------------------------------------------------------------- pick

  @Test
  void pick_biasZeroTakesOld_hundredTakesNew() {
    AddressBook b = filled(CFG, 200, 1);
    for (int i = 1; i <= 20; i++) {
      b = b.markGood(CFG, id(i), T0);
    }
    Prng p = Prng.seeded(1);
    for (int i = 0; i < 100; i++) {
      Pick old = b.pickAddress(0, p, ka -> true, 1);
      assertThat(old.picked().orElseThrow().isOld()).isTrue();
      Pick fresh = b.pickAddress(100, old.prng(), ka -> true, 1);
      assertThat(fresh.picked().orElseThrow().isNew()).isTrue();
      p = fresh.prng();
    }
  }

  @Test
  void pick_followsTheSqrtWeights() {
    AddressBook b = filled(CFG, 1000, 1);
    for (int i = 1; i <= 100; i++) {
      b = b.markGood(CFG, id(i), T0);
    }
    // bias 10, nOld = 100, nNew = 900: P(old) = 10*90 / (10*90 + 30*10) = 0.75
    Prng p = Prng.seeded(2);
    int olds = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      Pick k = b.pickAddress(10, p, ka -> true, 1);
      olds += k.picked().orElseThrow().isOld() ? 1 : 0;
      p = k.prng();
    }
    assertThat(olds / (double) n).isBetween(0.72, 0.78);
  }

  /**
   * v0.34's pick within a table: a uniformly random non-empty bucket, then a uniformly random
   * entry of it. A small book leaves most buckets empty; each entry's frequency must match
   * the sum over its buckets of 1/(non-empty buckets) × 1/(bucket size).
   */
  @Test
  void pick_drawsNonEmptyBucketsAlikeThenEntriesAlike() {
    pickDistribution(filled(CFG, 30, 1), true); // sparse: drawn from the list of non-empty buckets
    pickDistribution(filled(CFG, 600, 1), false); // dense: random indices until a non-empty one
  }

  private static void pickDistribution(AddressBook b, boolean sparse) {
    BucketTable t = b.newBuckets();
    int nonEmpty = 0;
    for (int i = 0; i < t.length(); i++) {
      nonEmpty += t.get(i).isEmpty() ? 0 : 1;
    }
    assertThat(b.newCount() < t.length()).isEqualTo(sparse);
    if (sparse) {
      assertThat(nonEmpty).isLessThan(t.length() / 4); // mostly empty
    }
    Map<NodeId, Double> expected = new HashMap<>();
    for (int i = 0; i < t.length(); i++) {
      Bucket bucket = t.get(i);
      for (int j = 0; j < bucket.size(); j++) {
        expected.merge(bucket.get(j).id(), 1.0 / nonEmpty / bucket.size(), Double::sum);
      }
    }
    int runs = 30_000;
    Map<NodeId, Integer> seen = new HashMap<>();
    Prng p = Prng.seeded(9);
    for (int r = 0; r < runs; r++) {
      Pick k = b.pickAddress(100, p, ka -> true, 1);
      seen.merge(k.picked().orElseThrow().id(), 1, Integer::sum);
      p = k.prng();
    }
    assertThat(seen.keySet()).isEqualTo(expected.keySet());
    for (var e : expected.entrySet()) {
      double mean = runs * e.getValue();
      double sd = Math.sqrt(mean * (1 - e.getValue()));
      assertThat((double) seen.get(e.getKey())).as("%s", e.getKey())
          .isBetween(mean - 5 * sd, mean + 5 * sd);
    }
  }

  @Test
  void pick_stopsAfterMaxTries_andOnAnEmptyBook() {
    AddressBook b = filled(CFG, 100, 1);
    Pick none = b.pickAddress(50, Prng.seeded(1), ka -> false, 25);
    assertThat(none.picked()).isEmpty();
    assertThat(none.prng()).isNotEqualTo(Prng.seeded(1));
    Set<NodeId> seen = new HashSet<>();
    Prng p = Prng.seeded(3);
    for (int i = 0; i < 50; i++) {
      Pick k = b.pickAddress(50, p, ka -> ka.id().compareTo(id(3)) <= 0, 500);
      seen.add(k.picked().orElseThrow().id());
      p = k.prng();
    }
    assertThat(seen).containsExactlyInAnyOrder(id(1), id(2), id(3));
    assertThat(AddressBook.empty(KEY).pickAddress(50, Prng.seeded(1), ka -> true, 10).picked()).isEmpty();
  }

  @Test
  void needsMoreAddresses_belowThreshold() {
    assertThat(filled(CFG, 999, 1).needsMoreAddresses(CFG)).isTrue();
    assertThat(filled(CFG, 1000, 1).needsMoreAddresses(CFG)).isFalse();
  }

  @Test
  void remove_dropsTheEntryButNotItsBan() {
    AddressBook b = filled(CFG, 10, 1);
    AddressBook r = b.remove(id(3));
    assertThat(r.contains(id(3))).isFalse();
    assertThat(r.size()).isEqualTo(9);
    assertThat(r.remove(id(3))).isSameAs(r);
    BookInvariants.check(CFG, r);
  }
}
