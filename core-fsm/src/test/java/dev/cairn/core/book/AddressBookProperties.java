package dev.cairn.core.book;

import static dev.cairn.core.book.Fixtures.KEY;
import static dev.cairn.core.book.Fixtures.SELF;
import static dev.cairn.core.book.Fixtures.T0;
import static dev.cairn.core.book.Fixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.pcollections.TreePSet;

/**
 * Properties of the Java address book after random operation sequences. The TLA+ model abstracts
 * the book away, so what it leaves out is held here: counts equal bucket contents, bucket
 * ranges and capacities, the group spreads, vetted IPs, bans, private IDs and determinism.
 */
class AddressBookProperties {

  /** Small buckets so that capacity, expiry and demotion happen within a few dozen operations. */
  static final BookConfig SMALL = Fixtures.CFG
      .withBuckets(16, 4, 8, 3, 4, 2, 3)
      .withPrivateIds(TreePSet.of(id(0), id(1)))
      .withMaxBanned(6);
  static final BookConfig DEFAULTS = Fixtures.CFG.withPrivateIds(TreePSet.of(id(0), id(1)));

  /** One operation of a random sequence; indices pick from small pools so that they collide. */
  sealed interface Op {}

  record Add(int id, int ip, int src, int srcIp, long dtMs) implements Op {}

  record MarkAttempt(int id) implements Op {}

  record MarkGood(int id) implements Op {}

  record Ban(int id, long forMs) implements Op {}

  record BanAddress(int id, int ip, long forMs) implements Op {}

  record Reinstate(long dtMs) implements Op {}

  record Remove(int id) implements Op {}

  static final int IDS = 60;

  static NodeId poolId(int i) {
    return i == IDS ? SELF : id(i);
  }

  /** IPs from few /16 groups, some non-routable, one invalid. */
  static String poolIp(int i) {
    return switch (i % 10) {
      case 0 -> "10.0." + i + ".1";
      case 1 -> "0.0.0.0";
      case 2 -> "2602:100:" + Integer.toHexString(i) + "::1";
      default -> (21 + i % 5) + "." + (i % 3) + "." + i + ".9";
    };
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> ids = Arbitraries.integers().between(0, IDS);
    Arbitrary<Integer> ips = Arbitraries.integers().between(0, 99);
    Arbitrary<Long> dt = Arbitraries.longs().between(0, 3 * Fixtures.HOUR);
    Arbitrary<Op> add = Combinators.combine(ids, ips, ids, ips, dt).as(Add::new);
    Arbitrary<Op> attempt = ids.map(MarkAttempt::new);
    Arbitrary<Op> good = ids.map(MarkGood::new);
    Arbitrary<Op> ban = Combinators.combine(ids, dt).as(Ban::new);
    Arbitrary<Op> banAddress = Combinators.combine(ids, ips, dt).as(BanAddress::new);
    Arbitrary<Op> reinstate = dt.map(Reinstate::new);
    Arbitrary<Op> remove = ids.map(Remove::new);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, add), net.jqwik.api.Tuple.of(3, attempt),
        net.jqwik.api.Tuple.of(4, good), net.jqwik.api.Tuple.of(1, ban),
        net.jqwik.api.Tuple.of(1, banAddress), net.jqwik.api.Tuple.of(1, reinstate),
        net.jqwik.api.Tuple.of(1, remove));
    return op.list().ofMaxSize(300);
  }

  @Provide
  Arbitrary<BookConfig> configs() {
    return Arbitraries.of(SMALL, SMALL.withStrict(false), DEFAULTS, DEFAULTS.withStrict(false));
  }

  /** What a run saw, for the properties that span the whole sequence. */
  static final class Run {
    final BookConfig cfg;
    AddressBook book = AddressBook.empty(KEY);
    Prng prng;
    WallTime now = T0;
    final Map<String, Set<Integer>> newBucketsBySrcGroup = new TreeMap<>();
    final Map<String, Set<Integer>> oldBucketsByGroup = new TreeMap<>();

    Run(BookConfig cfg, long seed) {
      this.cfg = cfg;
      this.prng = Prng.seeded(seed);
    }

    void apply(Op op) {
      AddressBook before = book;
      String placedBy = null; // source group of a fresh placement by this op
      switch (op) {
        case Add a -> {
          now = now.plusMillis(a.dtMs());
          NodeAddress addr = new NodeAddress(poolId(a.id()), poolIp(a.ip()), 26656);
          NodeAddress src = new NodeAddress(poolId(a.src()), poolIp(a.srcIp()), 26656);
          AddResult r = book.add(cfg, addr, src, now, prng);
          checkAdd(before, addr, r);
          book = r.book();
          prng = r.prng();
          if (r.changed() && !before.bans().containsKey(addr.id())) {
            placedBy = AddressBook.groupOf(cfg, src.ip());
          }
        }
        case MarkAttempt m -> book = book.markAttempt(poolId(m.id()), now);
        case MarkGood g -> book = book.markGood(cfg, poolId(g.id()), now);
        case Ban b -> book = book.ban(cfg, poolId(b.id()), now.plusMillis(b.forMs()));
        case BanAddress b -> book = book.ban(cfg,
            new NodeAddress(poolId(b.id()), poolIp(b.ip()), 26656), now.plusMillis(b.forMs()));
        case Reinstate r -> {
          now = now.plusMillis(r.dtMs());
          book = book.reinstateExpiredBans(cfg, now);
        }
        case Remove r -> book = book.remove(poolId(r.id()));
      }
      BookInvariants.check(cfg, book);
      checkVettedKeepIp(before);
      track(before, placedBy);
    }

    private void checkAdd(AddressBook before, NodeAddress addr, AddResult r) {
      if (r.outcome() != AddOutcome.INVALID && before.isBanned(addr.id(), now)) {
        assertThat(r.outcome()).isEqualTo(AddOutcome.BANNED);
      }
      if (!r.changed()) {
        assertThat(r.book()).isSameAs(before);
      }
      KnownAddress was = before.lookup().get(addr.id());
      if (was != null && was.isOld()) {
        assertThat(r.changed()).as("a vetted entry is not changed by add").isFalse();
      }
      if (cfg.privateIds().contains(addr.id())) {
        assertThat(r.book().contains(addr.id())).isFalse();
      }
    }

    private void checkVettedKeepIp(AddressBook before) {
      for (KnownAddress was : before.lookup().values()) {
        KnownAddress now = book.lookup().get(was.id());
        if (was.isOld() && now != null && now.isOld()) {
          assertThat(now.addr()).as("vetted %s keeps its address", was.id()).isEqualTo(was.addr());
        }
      }
    }

    /** Attributes every new-bucket reference the op created to the source group that placed it. */
    private void track(AddressBook before, String placedBy) {
      for (KnownAddress ka : book.lookup().values()) {
        switch (ka.type()) {
          case OLD -> oldBucketsByGroup
              .computeIfAbsent(AddressBook.groupOf(cfg, ka.addr().ip()), g -> new TreeSet<>())
              .addAll(ka.buckets());
          case NEW -> {
            KnownAddress was = before.lookup().get(ka.id());
            Set<Integer> fresh = new TreeSet<>(ka.buckets());
            if (was != null && was.isNew()) {
              fresh.removeAll(was.buckets());
            }
            if (fresh.isEmpty()) {
              continue;
            }
            // a fresh add or extra reference is placed by the add's source; a demotion or a
            // reinstatement by the entry's own source
            boolean byOp = placedBy != null && (was == null || was.isNew());
            String g = byOp ? placedBy : AddressBook.groupOf(cfg, ka.src().ip());
            newBucketsBySrcGroup.computeIfAbsent(g, x -> new TreeSet<>()).addAll(fresh);
          }
        }
      }
    }
  }

  @Property(tries = 200)
  void invariantsHoldAfterEveryOperation(
      @ForAll("configs") BookConfig cfg, @ForAll("ops") List<Op> ops, @ForAll long seed) {
    Run run = new Run(cfg, seed);
    ops.forEach(run::apply); // checks invariants, bans, vetted IPs after each step
    run.newBucketsBySrcGroup.forEach((g, buckets) ->
        assertThat(buckets).as("new buckets reached from source group %s", g)
            .hasSizeLessThanOrEqualTo(cfg.newBucketsPerGroup()));
    run.oldBucketsByGroup.forEach((g, buckets) ->
        assertThat(buckets).as("old buckets reached by group %s", g)
            .hasSizeLessThanOrEqualTo(cfg.oldBucketsPerGroup()));
  }

  @Property(tries = 100)
  void sameSeedSameOperations_equalBooks(
      @ForAll("configs") BookConfig cfg, @ForAll("ops") List<Op> ops, @ForAll long seed) {
    Run a = new Run(cfg, seed);
    Run b = new Run(cfg, seed);
    ops.forEach(a::apply);
    ops.forEach(b::apply);
    assertThat(b.book).isEqualTo(a.book);
    assertThat(b.prng).isEqualTo(a.prng);
    assertThat(b.book.entries()).isEqualTo(a.book.entries());
    Selection sa = a.book.selection(cfg, Prng.seeded(seed), ka -> true);
    Selection sb = b.book.selection(cfg, Prng.seeded(seed), ka -> true);
    assertThat(sb).isEqualTo(sa);
  }

  @Property(tries = 100)
  void restoreOfASavedBook_isTheSameBook(
      @ForAll("configs") BookConfig cfg, @ForAll("ops") List<Op> ops, @ForAll long seed) {
    Run run = new Run(cfg, seed);
    ops.forEach(run::apply);
    AddressBook loaded = AddressBook.restore(cfg, KEY, run.book.entries(), run.book.bannedEntries());
    assertThat(loaded).isEqualTo(run.book);
  }

  @Property(tries = 100)
  void selectionAndPick_returnAllowedDistinctEntriesOfTheBook(
      @ForAll("configs") BookConfig cfg, @ForAll("ops") List<Op> ops, @ForAll long seed,
      @ForAll int bias) {
    Run run = new Run(cfg, seed);
    ops.forEach(run::apply);
    AddressBook book = run.book;
    int k = AddressBook.selectionSize(book.size());
    long allowedCount = book.entries().stream().filter(ka -> ka.id().hex().endsWith("1") == false).count();
    Selection s = book.selection(cfg, Prng.seeded(seed), ka -> !ka.id().hex().endsWith("1"));
    assertThat(s.addresses()).doesNotHaveDuplicates().hasSize((int) Math.min(k, allowedCount));
    for (NodeAddress a : s.addresses()) {
      assertThat(book.get(a.id()).orElseThrow().addr()).isEqualTo(a);
      assertThat(a.id().hex()).doesNotEndWith("1");
    }
    Selection biased = book.selectionWithBias(cfg, bias % 101, Prng.seeded(seed), ka -> true);
    assertThat(biased.addresses()).doesNotHaveDuplicates().hasSize(k);
    Pick p = book.pickAddress(bias % 101, Prng.seeded(seed), ka -> ka.attempts() == 0, 20);
    p.picked().ifPresent(ka -> {
      assertThat(book.get(ka.id())).contains(ka);
      assertThat(ka.attempts()).isZero();
    });
  }

  @Property(tries = 300)
  void oneSourceGroupReachesAtMostNewBucketsPerGroup(@ForAll("groupLists") List<String> addrGroups,
      @ForAll("groups") String srcGroup) {
    Set<Integer> reached = new TreeSet<>();
    for (String g : addrGroups) {
      reached.add(Placement.newBucket(DEFAULTS, KEY, g, srcGroup));
    }
    assertThat(reached).hasSizeLessThanOrEqualTo(DEFAULTS.newBucketsPerGroup())
        .allMatch(b -> b >= 0 && b < DEFAULTS.newBucketCount());
  }

  @Provide
  Arbitrary<List<String>> groupLists() {
    return groups().list().ofMinSize(100).ofMaxSize(400);
  }

  @Provide
  Arbitrary<String> groups() {
    return Arbitraries.integers().between(1, 250).list().ofSize(2)
        .map(l -> l.get(0) + "." + l.get(1) + ".0.0");
  }

  @Property(tries = 50)
  void bigBooksKeepInvariants_withDefaultBuckets(@ForAll long seed) {
    // many sources in one /16 and addresses over many groups: the source group bound bites
    AddressBook b = AddressBook.empty(KEY);
    Prng p = Prng.seeded(seed);
    Set<Integer> fromOneGroup = new TreeSet<>();
    List<NodeAddress> added = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      NodeAddress a = Fixtures.routable(100 + i);
      NodeAddress src = new NodeAddress(id(900_000 + i % 7), "77.77." + (i % 250) + ".1", 26656);
      AddResult r = b.add(DEFAULTS, a, src, T0, p);
      if (r.outcome() == AddOutcome.ADDED) {
        fromOneGroup.addAll(r.book().get(a.id()).orElseThrow().buckets());
        added.add(a);
      }
      b = r.book();
      p = r.prng();
    }
    BookInvariants.check(DEFAULTS, b);
    assertThat(fromOneGroup).hasSizeLessThanOrEqualTo(32);
    assertThat(b.size()).isLessThanOrEqualTo(32 * 64);
    assertThat(added).hasSize(3000);
  }
  /**
   * A filter that names the only IDs it may refuse gives the same selections as the same test of
   * every drawn entry, with IDs drawn over the whole ID space (so that the sampler's prefix screen
   * lets most entries through untested) and some pairs of IDs sharing their first 16 hex digits
   * (a refusable ID and an allowed one the screen cannot tell apart).
   */
  @Property(tries = 60)
  void selectionWithRefusableIds_isTheSelectionTestingEveryEntry(@ForAll long seed,
      @ForAll @IntRange(min = 40, max = 700) int n,
      @ForAll @IntRange(min = 0, max = 100) int bias) {
    Random r = new Random(seed);
    AddressBook book = AddressBook.empty(KEY);
    Prng p = Prng.seeded(seed);
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String hex = String.format("%016x%016x%08x", r.nextLong(), r.nextLong(), r.nextInt());
      if (i > 0 && r.nextInt(5) == 0) { // the previous ID's first 16 digits, another tail
        hex = ids.get(ids.size() - 1).hex().substring(0, 16) + hex.substring(16);
      }
      NodeId id = NodeId.of(hex);
      ids.add(id);
      AddResult a = book.add(Fixtures.CFG, new NodeAddress(id, Fixtures.routableIp(i), 26656),
          Fixtures.routable(9_000_000L + r.nextInt(40)), T0, p);
      book = a.book();
      p = a.prng();
    }
    TreePSet<NodeId> refused = TreePSet.empty();
    for (NodeId id : ids) {
      if (r.nextInt(4) == 0) {
        refused = refused.plus(id);
      }
    }
    refused = refused.plus(NodeId.of(String.format("%040x", r.nextLong() & Long.MAX_VALUE))); // not in the book
    assertFilterSelectsAsTestingEveryEntry(book, seed, bias, refused, refused);
  }

  /**
   * Selections (plain and biased) through a filter refusing {@code refusedIds} and naming {@code
   * named} as the IDs it may refuse are those of the same test applied to every drawn entry, and
   * offer no refused ID.
   */
  private static void assertFilterSelectsAsTestingEveryEntry(AddressBook book, long seed, int bias,
      TreePSet<NodeId> refusedIds, TreePSet<NodeId> named) {
    Predicate<KnownAddress> test = ka -> !refusedIds.contains(ka.id());
    EntryFilter filter = new EntryFilter(test, Optional.of(named));
    Selection all = book.selection(Fixtures.CFG, Prng.seeded(seed), test);
    assertThat(book.selection(Fixtures.CFG, Prng.seeded(seed), filter)).isEqualTo(all);
    assertThat(all.addresses()).noneMatch(a -> refusedIds.contains(a.id()));
    Selection biased = book.selectionWithBias(Fixtures.CFG, bias, Prng.seeded(seed), test);
    assertThat(book.selectionWithBias(Fixtures.CFG, bias, Prng.seeded(seed), filter)).isEqualTo(biased);
  }

  /**
   * With few refusable IDs (the requester, ourselves, a private peer or two) the sampler marks the
   * refused entries' slots as drawn before drawing instead of screening each drawn entry: the same
   * selections as testing every drawn entry, with refused entries in the new and the old table, in
   * several new buckets (a home and others), refused IDs not in the book, and refusable IDs the
   * test lets through.
   */
  @Property(tries = 80)
  void selectionWithFewRefusableIds_isTheSelectionTestingEveryEntry(@ForAll long seed,
      @ForAll @IntRange(min = 40, max = 700) int n,
      @ForAll @IntRange(min = 1, max = 10) int refusable,
      @ForAll @IntRange(min = 0, max = 100) int bias) {
    Random r = new Random(seed);
    AddressBook book = AddressBook.empty(KEY);
    Prng p = Prng.seeded(seed);
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeId id = NodeId.of(String.format("%016x%016x%08x", r.nextLong(), r.nextLong(), r.nextInt()));
      ids.add(id);
      NodeAddress addr = new NodeAddress(id, Fixtures.routableIp(i), 26656);
      for (int told = 1 + (r.nextInt(3) == 0 ? r.nextInt(4) : 0); told > 0; told--) { // from several sources
        AddResult a = book.add(Fixtures.CFG, addr, Fixtures.routable(9_000_000L + r.nextInt(4000)), T0, p);
        book = a.book();
        p = a.prng();
      }
      if (r.nextInt(3) == 0) {
        book = book.markGood(Fixtures.CFG, id, T0);
      }
    }
    TreePSet<NodeId> named = TreePSet.empty();
    while (named.size() < refusable) {
      named = named.plus(r.nextInt(6) == 0
          ? NodeId.of(String.format("%040x", r.nextLong() & Long.MAX_VALUE)) // not in the book
          : ids.get(r.nextInt(ids.size())));
    }
    NodeId letThrough = named.first(); // refusable, but this test accepts it
    assertThat(book.nOld()).as("old entries").isPositive();
    assertFilterSelectsAsTestingEveryEntry(book, seed, bias, named.minus(letThrough), named);
  }
}
