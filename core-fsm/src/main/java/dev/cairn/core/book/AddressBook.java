package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * CometBFT v0.34's address book ({@code p2p/pex/addrbook.go}, a port of btcd's addrmgr) as an
 * immutable value: every operation returns a new book, and time and randomness are arguments.
 *
 * <p>Entries are kept by ID in {@code lookup} and, by reference, in {@code newBuckets} (up to
 * {@code maxNewBucketsPerAddress} of them per entry) or {@code oldBuckets} (exactly one).
 * Placement is a keyed hash of the address's group and its source's group ({@link Placement}),
 * with the key persisted in the book. Banned entries leave the buckets and wait in {@code bans}
 * with their expiry, so that a saved book keeps them.
 *
 * <p>Where we differ from v0.34, on purpose:
 *
 * <ul>
 *   <li>the placement key is the persisted {@link BookKey}, not a per-process HighwayHash key,
 *       so placements are stable across restarts;
 *   <li>a bucket holds at most its configured size (v0.34 lets each reach 65);
 *   <li>an entry pushed out of a full old bucket by a promotion is demoted to a new bucket; v0.34
 *       meant to do this, but its consistency check dropped the entry instead;
 *   <li>bans are kept (bounded by {@code maxBanned}), persisted, honoured by {@link #isBanned}
 *       for inbound peers too, and can be recorded for an address not in the book; a ban whose
 *       expiry passed is lifted by {@link #reinstateExpiredBans} or by the next {@link #add} of
 *       the ID, and the entry comes back as new (v0.34 lost reinstated old entries);
 *   <li>a full new bucket drops its first bad entry in ID order, else its oldest (ties: smallest
 *       ID), instead of whatever Go's map iteration met first;
 *   <li>{@link #pickAddress} is bounded: it never spins on empty buckets.
 * </ul>
 *
 * @param key the placement key, persisted
 * @param lookup every entry in a bucket, by ID
 * @param newBuckets the new buckets
 * @param oldBuckets the old buckets
 * @param bans banned entries (in no bucket) by ID; {@code lastBanTime} is the expiry
 * @param firstBanExpiryMillis the earliest expiry in {@code bans} (epoch milliseconds;
 *     {@link Long#MAX_VALUE} when there are none): derived from {@code bans} (the codecs write
 *     the bans, not this), so that the look for expired bans before every dial and admission
 *     reads one number until a ban can have expired
 * @param nNew number of new entries (v0.34 {@code nNew})
 * @param nOld number of old entries (v0.34 {@code nOld})
 */
public record AddressBook(
    BookKey key,
    IdTrie lookup,
    BucketTable newBuckets,
    BucketTable oldBuckets,
    PSortedMap<NodeId, KnownAddress> bans,
    long firstBanExpiryMillis,
    int nNew,
    int nOld) {

  /** v0.34 {@code getSelectionPercent}. */
  public static final int SELECTION_PERCENT = 23;
  /** v0.34 {@code minGetSelection}. */
  public static final int SELECTION_MIN = 32;
  /** v0.34 {@code maxGetSelection}: at most this many addresses in one PEX reply. */
  public static final int SELECTION_MAX = 250;

  public AddressBook {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(newBuckets, "newBuckets");
    Objects.requireNonNull(oldBuckets, "oldBuckets");
    Objects.requireNonNull(bans, "bans");
    if (nNew < 0 || nOld < 0) {
      throw new IllegalArgumentException("entry counts must be >= 0: nNew=" + nNew + " nOld=" + nOld);
    }
  }

  /** A book with no entries and no bans. */
  public static AddressBook empty(BookKey key) {
    return new AddressBook(key, IdTrie.empty(), BucketTable.EMPTY, BucketTable.EMPTY,
        TreePMap.empty(), Long.MAX_VALUE, 0, 0);
  }

  /** The earliest expiry in {@code bans}, epoch milliseconds; {@link Long#MAX_VALUE} when there are none. */
  static long firstExpiry(PSortedMap<NodeId, KnownAddress> bans) {
    long first = Long.MAX_VALUE;
    for (KnownAddress b : bans.values()) {
      first = Math.min(first, b.lastBanTime().epochMillis());
    }
    return first;
  }

  // ---------------------------------------------------------------- loading

  /**
   * Rebuilds a book from saved entries (the shell's reading of {@code addrbook.json}), putting
   * each entry into the bucket indices it was saved with, as v0.34 does, but checking them first:
   * a bucket index in range, a new entry in 1..{@code maxNewBucketsPerAddress} new buckets, an
   * old entry in exactly one old bucket, no bucket over its size, no ID twice, valid IPs, bans in
   * no bucket and at most {@code maxBanned} of them. Entries the current config refuses (now a
   * private ID, our own ID or address, or non-routable in strict mode) are left out: the config
   * changed, the file is not corrupt.
   *
   * @throws RestoreException naming the entry, its position and the rule it breaks
   */
  public static AddressBook restore(
      BookConfig cfg, BookKey key, List<KnownAddress> entries, List<KnownAddress> banned) {
    Draft d = new Draft(empty(key), cfg);
    // One object per distinct address: a file repeats the same few hundred sources thousands of
    // times, and most sources are entries themselves (local to this call, never iterated).
    Map<NodeAddress, NodeAddress> canonical = new TreeMap<>();
    for (KnownAddress ka : entries) {
      canonical.putIfAbsent(ka.addr(), ka.addr());
    }
    for (int i = 0; i < entries.size(); i++) {
      KnownAddress ka = shared(entries.get(i), canonical);
      String where = "addrbook entry " + ka.addr();
      int at = i;
      IpClass.invalidReason(ka.addr().ip()).ifPresent(why -> {
        throw new RestoreException(false, at, where + ": IP '" + ka.addr().ip() + "' cannot be a peer's address: "
            + why);
      });
      if (!IpClass.isIp(ka.src().ip())) {
        throw new RestoreException(false, i, where + ": source IP '" + ka.src().ip() + "' is not an IP");
      }
      if (d.lookup.containsKey(ka.id())) {
        throw new RestoreException(false, i, where + ": ID " + ka.id() + " appears more than once");
      }
      String buckets = bucketProblem(cfg, ka, where);
      if (buckets != null) {
        throw new RestoreException(false, i, buckets);
      }
      if (refusal(cfg, ka.addr(), ka.src()).isPresent()) {
        continue;
      }
      int capacity = ka.isNew() ? cfg.newBucketSize() : cfg.oldBucketSize();
      for (int idx : ka.buckets()) {
        if (d.table(ka.type()).size(idx) >= capacity) {
          throw new RestoreException(false, i, where + ": " + name(ka.type()) + " bucket " + idx
              + " already holds " + capacity + " entries, its capacity ("
              + (ka.isNew() ? "newBucketSize" : "oldBucketSize") + "=" + capacity + ")");
        }
      }
      d.put(ka);
      d.count(ka.type(), +1);
    }
    if (banned.size() > cfg.maxBanned()) {
      throw new IllegalArgumentException("addrbook holds " + banned.size()
          + " bans, more than maxBanned=" + cfg.maxBanned());
    }
    for (int i = 0; i < banned.size(); i++) {
      KnownAddress ka = banned.get(i);
      String where = "addrbook ban entry " + ka.addr();
      if (!ka.buckets().isEmpty()) {
        throw new RestoreException(true, i, where + ": a banned entry must be in no bucket, found "
            + ka.buckets());
      }
      if (d.lookup.containsKey(ka.id()) || d.bans.containsKey(ka.id())) {
        throw new RestoreException(true, i, where + ": ID " + ka.id()
            + " is banned and also listed elsewhere in the file");
      }
      d.bans = d.bans.plus(ka.id(), ka);
    }
    return d.book();
  }

  /**
   * An entry {@link #restore} refuses, with its position: the {@code index}-th of the entries, or of
   * the bans when {@code banned}.
   */
  public static final class RestoreException extends IllegalArgumentException {
    private final boolean banned;
    private final int index;

    RestoreException(boolean banned, int index, String message) {
      super(message);
      this.banned = banned;
      this.index = index;
    }

    public boolean banned() {
      return banned;
    }

    public int index() {
      return index;
    }
  }

  /** {@code ka} with its source and its "never" times replaced by shared equal objects. */
  private static KnownAddress shared(KnownAddress ka, Map<NodeAddress, NodeAddress> canonical) {
    NodeAddress src = canonical.computeIfAbsent(ka.src(), s -> s);
    return new KnownAddress(ka.addr(), src, ka.buckets(), ka.type(), ka.attempts(),
        never(ka.lastAttempt()), never(ka.lastSuccess()), never(ka.lastBanTime()));
  }

  private static WallTime never(WallTime t) {
    return t.isNever() ? WallTime.NEVER : t;
  }

  /** Why {@code ka}'s buckets break the rules of a restored entry (named {@code where}), or null. */
  private static String bucketProblem(BookConfig cfg, KnownAddress ka, String where) {
    int n = ka.buckets().size();
    switch (ka.type()) {
      case NEW -> {
        if (n < 1 || n > cfg.maxNewBucketsPerAddress()) {
          return where + ": a new entry must be in 1.." + cfg.maxNewBucketsPerAddress()
              + " new buckets (maxNewBucketsPerAddress), found " + n + " " + ka.buckets();
        }
      }
      case OLD -> {
        if (n != 1) {
          return where + ": an old entry must be in exactly 1 old bucket, found " + n + " " + ka.buckets();
        }
      }
    }
    int count = ka.isNew() ? cfg.newBucketCount() : cfg.oldBucketCount();
    for (int idx : ka.buckets()) {
      if (idx < 0 || idx >= count) {
        return where + ": " + name(ka.type()) + " bucket index " + idx + " is outside 0.." + (count - 1) + " ("
            + (ka.isNew() ? "newBucketCount" : "oldBucketCount") + "=" + count + ")";
      }
    }
    return null;
  }

  private static String name(BucketType t) {
    return switch (t) {
      case NEW -> "new";
      case OLD -> "old";
    };
  }

  // ---------------------------------------------------------------- adding

  /**
   * v0.34 {@code AddAddress}: learn {@code addr} from {@code src}. Checks in v0.34's order: a
   * valid IP (and a source that is an IP), not banned, not a private ID, not from a private
   * source, not ourselves (by ID or by address), routable in strict mode. A known old (vetted)
   * ID keeps its address. A known new entry gets one more new-bucket reference, computed from
   * this (addr, src) pair, with probability 1/(2n) for n references, up to
   * {@code maxNewBucketsPerAddress}; its stored address is not replaced. A new ID becomes a new
   * entry in the bucket of (group(addr), group(src)), which first drops one entry when full. An ID
   * with a ban on record is refused whether or not the ban has expired, as v0.34 refuses an ID in
   * {@code badPeers}: a ban ends only where bans are lifted ({@link #reinstateExpiredBans}), and
   * the banned entry comes back then.
   */
  public AddResult add(BookConfig cfg, NodeAddress addr, NodeAddress src, WallTime now, Prng prng) {
    Draft d = new Draft(this, cfg);
    Added a = d.add(cfg, addr, new Source(cfg, key, src), now, prng);
    return new AddResult(d.book(), a.prng(), a.outcome());
  }

  /**
   * {@link #add} of every address of {@code addrs} in order, all learned from {@code src} (one
   * PEX reply): the same outcomes, book and generator as that many {@code add} calls, at a
   * fraction of the cost. The source is classified once, each IP parsed once, each new-bucket
   * placement computed once per address group, and every touched bucket copied once for the
   * whole batch.
   *
   * @return the book, the generator, one outcome per address, and the IDs the batch pushed out
   *     of the book (out of full buckets) that are not back in it at the end
   */
  public AddAllResult addAll(
      BookConfig cfg, List<NodeAddress> addrs, NodeAddress src, WallTime now, Prng prng) {
    Draft d = new Draft(this, cfg);
    d.forgotten = new ArrayList<>();
    Source source = new Source(cfg, key, src);
    List<AddOutcome> outcomes = new ArrayList<>(addrs.size());
    Prng p = prng;
    for (NodeAddress addr : addrs) {
      Added a = d.add(cfg, addr, source, now, p);
      p = a.prng();
      outcomes.add(a.outcome());
    }
    AddressBook book = d.book();
    // pushed out and not back (the batch may have added the ID again), sorted, once each
    List<NodeId> gone = new ArrayList<>(d.forgotten.size());
    for (NodeId id : d.forgotten) {
      if (!book.lookup.containsKey(id)) {
        gone.add(id);
      }
    }
    gone.sort(null);
    int distinct = 0;
    for (NodeId id : gone) {
      if (distinct == 0 || !gone.get(distinct - 1).equals(id)) {
        gone.set(distinct++, id);
      }
    }
    return new AddAllResult(book, p, outcomes, List.copyOf(gone.subList(0, distinct)));
  }

  /** One add's outcome and the generator after its draws. */
  private record Added(AddOutcome outcome, Prng prng) {}

  /**
   * The source of one add or of a batch, classified once: whether it is an IP, whether it is a
   * private peer, its group, and the new bucket of each address group learned from it so far
   * (placement of (group(addr), group(src)) depends on nothing else).
   */
  private static final class Source {
    final NodeAddress addr;
    final boolean isIp;
    final boolean isPrivate;
    final String group;
    private final BookConfig cfg;
    private final BookKey key;
    // the tables below are made on first use: most batches of a settled node add no new address
    private Placement.Hasher hasher;
    // lookup only, never iterated; local to one call
    private Map<String, Integer> newBucketByGroup;
    // the same for IPv4 /16 groups, by number: open addressing, key = group + 1 (0 = empty);
    // lookup only, never iterated
    private int[] v4Keys;
    private int[] v4Buckets;
    private int v4Count;
    // the new bucket of each of the source group's slots, 0 = not computed yet (else bucket + 1)
    private int[] newBucketBySlot;

    Source(BookConfig cfg, BookKey key, NodeAddress addr) {
      this.cfg = cfg;
      this.key = key;
      this.addr = addr;
      byte[] ip = IpClass.parse(addr.ip());
      this.isIp = ip != null;
      this.isPrivate = cfg.privateIds().contains(addr.id());
      this.group = ip == null ? IpClass.UNROUTABLE_GROUP : IpClass.groupKey(ip, cfg.strict());
    }

    private Placement.Hasher hasher() {
      if (hasher == null) {
        hasher = new Placement.Hasher(key);
      }
      return hasher;
    }

    /**
     * The new bucket of an address whose IP is the dotted quad {@code v4} ({@link
     * IpClass#parseV4Bits}), or, when {@code v4 < 0}, the parsed {@code addrIp}.
     */
    int newBucket(long v4, byte[] addrIp) {
      if (v4 < 0) {
        return newBucket(addrIp);
      }
      int v = (int) v4;
      boolean strict = cfg.strict();
      if (strict && IpClass.localV4(v)) {
        return newBucket(IpClass.LOCAL_GROUP);
      }
      if (strict && !IpClass.routableV4(v)) {
        return newBucket(IpClass.UNROUTABLE_GROUP);
      }
      return newBucketV4(v >>> 16);
    }

    int newBucket(byte[] addrIp) {
      boolean strict = cfg.strict();
      int v4 = strict && (IpClass.local(addrIp) || !IpClass.routable(addrIp)) ? -1
          : IpClass.v4Group(addrIp);
      return v4 >= 0 ? newBucketV4(v4) : newBucket(IpClass.groupKey(addrIp, strict));
    }

    /** {@link #newBucket(String)} for the IPv4 /16 group {@code v4} (0..65535), memoized by number. */
    private int newBucketV4(int v4) {
      if (v4Keys == null) {
        v4Keys = new int[64];
        v4Buckets = new int[64];
      }
      int mask = v4Keys.length - 1;
      int i = (v4 * 0x9E3779B1) >>> 7 & mask;
      while (v4Keys[i] != 0) {
        if (v4Keys[i] == v4 + 1) {
          return v4Buckets[i];
        }
        i = (i + 1) & mask;
      }
      int idx = bucketOfSlot(Placement.newBucketSlotV4(cfg, hasher(), v4, group));
      v4Keys[i] = v4 + 1;
      v4Buckets[i] = idx;
      if (++v4Count * 2 > v4Keys.length) {
        growV4();
      }
      return idx;
    }

    private void growV4() {
      int[] keys = v4Keys;
      int[] buckets = v4Buckets;
      v4Keys = new int[2 * keys.length];
      v4Buckets = new int[2 * keys.length];
      int mask = v4Keys.length - 1;
      for (int j = 0; j < keys.length; j++) {
        if (keys[j] != 0) {
          int i = ((keys[j] - 1) * 0x9E3779B1) >>> 7 & mask;
          while (v4Keys[i] != 0) {
            i = (i + 1) & mask;
          }
          v4Keys[i] = keys[j];
          v4Buckets[i] = buckets[j];
        }
      }
    }

    private int bucketOfSlot(int slot) {
      if (newBucketBySlot == null) {
        newBucketBySlot = new int[cfg.newBucketsPerGroup()];
      }
      if (newBucketBySlot[slot] == 0) {
        newBucketBySlot[slot] = Placement.newBucket(cfg, hasher(), group, slot) + 1;
      }
      return newBucketBySlot[slot] - 1;
    }

    private int newBucket(String g) {
      if (newBucketByGroup == null) {
        newBucketByGroup = new HashMap<>(512);
      }
      Integer idx = newBucketByGroup.get(g);
      if (idx == null) {
        idx = bucketOfSlot(Placement.newBucketSlot(cfg, hasher(), g, group));
        newBucketByGroup.put(g, idx);
      }
      return idx;
    }
  }

  /**
   * Why {@code cfg} refuses the address {@code addr} learned from {@code src}, whatever the book
   * holds, if it does: {@link
   * AddOutcome#INVALID}, {@link AddOutcome#PRIVATE}, {@link AddOutcome#PRIVATE_SOURCE}, {@link
   * AddOutcome#SELF} or {@link AddOutcome#NON_ROUTABLE}. {@link #restore} leaves such entries out;
   * the shell says which.
   */
  public static Optional<AddOutcome> refusal(BookConfig cfg, NodeAddress addr, NodeAddress src) {
    byte[] ip = IpClass.parse(addr.ip());
    boolean srcIsIp = IpClass.parse(src.ip()) != null;
    return Optional.ofNullable(refusal(cfg, addr, ip, srcIsIp, cfg.privateIds().contains(src.id())));
  }

  /** {@link #refusal(BookConfig, NodeAddress, NodeAddress)} on a parsed IP and a classified source; null if none. */
  private static AddOutcome refusal(
      BookConfig cfg, NodeAddress addr, byte[] ip, boolean srcIsIp, boolean srcIsPrivate) {
    return refusal(cfg, addr, -1, ip, srcIsIp, srcIsPrivate);
  }

  /**
   * {@link #refusal(BookConfig, NodeAddress, byte[], boolean, boolean)} of an address whose IP is
   * the dotted quad {@code v4} ({@link IpClass#parseV4Bits}), or, when {@code v4 < 0}, the parsed
   * {@code ip} (null: not an IP).
   */
  private static AddOutcome refusal(BookConfig cfg, NodeAddress addr, long v4, byte[] ip,
      boolean srcIsIp, boolean srcIsPrivate) {
    boolean valid = v4 >= 0 ? IpClass.validV4((int) v4) : ip != null && IpClass.valid(ip);
    if (!valid || !srcIsIp) {
      return AddOutcome.INVALID;
    }
    if (cfg.privateIds().contains(addr.id())) {
      return AddOutcome.PRIVATE;
    }
    if (srcIsPrivate) {
      return AddOutcome.PRIVATE_SOURCE;
    }
    if (addr.id().equals(cfg.self()) || cfg.ourAddresses().contains(addr)) {
      return AddOutcome.SELF;
    }
    if (cfg.strict() && !(v4 >= 0 ? IpClass.routableV4((int) v4) : IpClass.routable(ip))) {
      return AddOutcome.NON_ROUTABLE;
    }
    return null;
  }

  static String groupOf(BookConfig cfg, String ip) {
    byte[] b = IpClass.parse(ip);
    return b == null ? IpClass.UNROUTABLE_GROUP : IpClass.groupKey(b, cfg.strict());
  }

  int newBucketFor(BookConfig cfg, NodeAddress addr, NodeAddress src) {
    return Placement.newBucket(cfg, key, groupOf(cfg, addr.ip()), groupOf(cfg, src.ip()));
  }

  int oldBucketFor(BookConfig cfg, NodeAddress addr) {
    return Placement.oldBucket(cfg, key, addr, groupOf(cfg, addr.ip()));
  }

  // ---------------------------------------------------------------- marking

  /** v0.34 {@code MarkAttempt}: one more failed dial at {@code now}. Unknown IDs: unchanged. */
  public AddressBook markAttempt(NodeId id, WallTime now) {
    long p = IdTrie.prefix(id);
    KnownAddress ka = lookup.get(id, p);
    if (ka != null) {
      return withEntryReplaced(ka, ka.withAttempt(now), p);
    }
    KnownAddress banned = bans.get(id);
    if (banned != null) {
      // an attempt leaves the ban's expiry as it is
      return new AddressBook(key, lookup, newBuckets, oldBuckets,
          bans.plus(id, banned.withAttempt(now)), firstBanExpiryMillis, nNew, nOld);
    }
    return this;
  }

  /**
   * v0.34 {@code MarkGood}: a good connection at {@code now} clears the failures and promotes a
   * new entry to its old bucket. If that bucket is full, its oldest entry (ties: smallest ID)
   * is demoted to a new bucket (which may drop one of its entries), never deleted. Unknown or
   * banned IDs: unchanged.
   */
  public AddressBook markGood(BookConfig cfg, NodeId id, WallTime now) {
    long p = IdTrie.prefix(id);
    KnownAddress ka = lookup.get(id, p);
    if (ka == null) {
      return this;
    }
    KnownAddress good = ka.withSuccess(now);
    if (good.isOld()) {
      return withEntryReplaced(ka, good, p);
    }
    int oldIdx = Placement.oldBucket(cfg, key, ka.addr());
    Bucket target = oldBuckets.get(oldIdx);
    int at = target.indexOf(id, p);
    if (target.size() < cfg.oldBucketSize() && at < 0) {
      // room in its old bucket (nothing demoted): leave each new bucket, join the old one
      BucketTable nt = newBuckets;
      for (int idx : bucketsOf(ka)) {
        Bucket b = nt.get(idx);
        int i = b.indexOf(id, p);
        if (i < 0) { // not where the entry says (a broken book): the general edit
          nt = null;
          break;
        }
        nt = nt.with(idx, b.withoutAt(i));
      }
      if (nt != null) {
        KnownAddress promoted = new KnownAddress(good.addr(), good.src(),
            KnownAddress.singleton(oldIdx), BucketType.OLD, good.attempts(), good.lastAttempt(),
            good.lastSuccess(), good.lastBanTime());
        return new AddressBook(key, lookup.replaced(ka, promoted, p), nt,
            oldBuckets.with(oldIdx, target.withInsertedAt(oldIdx, -(at + 1), promoted, p)), bans,
            firstBanExpiryMillis, nNew - 1, nOld + 1);
      }
    }
    Draft d = new Draft(this, cfg);
    d.moveToOld(cfg, good, oldIdx, now);
    return d.book();
  }

  /**
   * This book with the entry {@code was} replaced by {@code next}, of the same ID, type and
   * buckets (only its record changed): its slot in each of its buckets is replaced in place of
   * a general edit.
   */
  private AddressBook withEntryReplaced(KnownAddress was, KnownAddress next, long p) {
    BucketTable t = was.isNew() ? newBuckets : oldBuckets;
    for (int idx : bucketsOf(was)) {
      Bucket b = t.get(idx);
      int i = b.indexOf(was.id(), p);
      if (i < 0) { // not where the entry says (a broken book): the general edit
        Draft d = new Draft(this);
        d.put(next);
        return d.book();
      }
      t = t.with(idx, b.withEntryAt(i, next));
    }
    IdTrie l = lookup.replaced(was, next, p);
    return was.isNew()
        ? new AddressBook(key, l, t, oldBuckets, bans, firstBanExpiryMillis, nNew, nOld)
        : new AddressBook(key, l, newBuckets, t, bans, firstBanExpiryMillis, nNew, nOld);
  }

  /**
   * Bans {@code id} until {@code until}: the entry leaves its buckets and is kept in the bans
   * (as a new entry, with its failure record) until it is reinstated. A repeated ban keeps the
   * later expiry. An ID neither in the book nor banned is not recorded (there is no address to
   * keep); use {@link #ban(BookConfig, NodeAddress, WallTime)} for such peers. At
   * {@code cfg.maxBanned()} bans the ban expiring first is forgotten.
   */
  public AddressBook ban(BookConfig cfg, NodeId id, WallTime until) {
    return banBounded(cfg.maxBanned(), id, until);
  }

  /** As {@link #ban(BookConfig, NodeId, WallTime)}, with an address for IDs the book does not know. */
  public AddressBook ban(BookConfig cfg, NodeAddress addr, WallTime until) {
    return banBounded(cfg.maxBanned(), addr, until);
  }

  /**
   * {@link #ban(BookConfig, NodeId, WallTime)} under the largest allowed bound
   * ({@link BookConfig#MAX_BANNED}); prefer the config overload.
   */
  public AddressBook ban(NodeId id, WallTime until) {
    return banBounded(BookConfig.MAX_BANNED, id, until);
  }

  /**
   * {@link #ban(BookConfig, NodeAddress, WallTime)} under the largest allowed bound
   * ({@link BookConfig#MAX_BANNED}); prefer the config overload.
   */
  public AddressBook ban(NodeAddress addr, WallTime until) {
    return banBounded(BookConfig.MAX_BANNED, addr, until);
  }

  private AddressBook banBounded(int maxBanned, NodeId id, WallTime until) {
    KnownAddress banned = bans.get(id);
    KnownAddress ka = lookup.get(id);
    if (banned == null && ka == null) {
      return this;
    }
    Draft d = new Draft(this);
    if (banned != null) {
      WallTime later = banned.lastBanTime().isAfter(until) ? banned.lastBanTime() : until;
      d.bans = d.bans.plus(id, banned.withBanUntil(later));
    } else {
      d.removeEverywhere(ka);
      d.addBan(maxBanned, ka.withBanUntil(until));
    }
    return d.book();
  }

  private AddressBook banBounded(int maxBanned, NodeAddress addr, WallTime until) {
    if (lookup.containsKey(addr.id()) || bans.containsKey(addr.id())) {
      return banBounded(maxBanned, addr.id(), until);
    }
    Draft d = new Draft(this);
    d.addBan(maxBanned, new KnownAddress(addr, addr, TreePSet.empty(), BucketType.NEW, 0,
        WallTime.NEVER, WallTime.NEVER, until));
    return d.book();
  }

  /** Whether {@code id} is banned at {@code now} (an expired ban no longer counts). */
  public boolean isBanned(NodeId id, WallTime now) {
    KnownAddress banned = bans.get(id);
    return banned != null && banned.lastBanTime().isAfter(now);
  }

  /**
   * v0.34 {@code ReinstateBadPeers}: every ban whose expiry is at or before {@code now} is
   * lifted, and its entry goes back into a new bucket with its failure record, unless the
   * current config refuses it (then it is just forgotten).
   */
  public AddressBook reinstateExpiredBans(BookConfig cfg, WallTime now) {
    if (firstBanExpiryMillis > now.epochMillis()) {
      return this; // no ban expires by now
    }
    Draft d = null;
    for (KnownAddress banned : bans.values()) {
      if (!banned.lastBanTime().isAfter(now)) {
        if (d == null) {
          d = new Draft(this);
        }
        d.liftBan(cfg, banned, now);
      }
    }
    return d == null ? this : d.book();
  }

  /** v0.34 {@code RemoveAddress}: the entry leaves the book. A ban of the ID is kept. */
  public AddressBook remove(NodeId id) {
    KnownAddress ka = lookup.get(id);
    if (ka == null) {
      return this;
    }
    Draft d = new Draft(this);
    d.removeEverywhere(ka);
    return d.book();
  }

  // ---------------------------------------------------------------- queries

  public Optional<KnownAddress> get(NodeId id) {
    return Optional.ofNullable(lookup.get(id));
  }

  public boolean contains(NodeId id) {
    return lookup.containsKey(id);
  }

  /** Number of entries in buckets (bans not counted). */
  public int size() {
    return lookup.size();
  }

  public int newCount() {
    return nNew;
  }

  public int oldCount() {
    return nOld;
  }

  /** v0.34 {@code NeedMoreAddrs}: fewer than {@code needAddressThreshold} entries. */
  public boolean needsMoreAddresses(BookConfig cfg) {
    return size() < cfg.needAddressThreshold();
  }

  /** Every entry in a bucket, sorted by ID. */
  public List<KnownAddress> entries() {
    return List.copyOf(lookup.values());
  }

  /** Every ban (expired or not), sorted by ID; {@code lastBanTime} is the expiry. */
  public List<KnownAddress> bannedEntries() {
    return List.copyOf(bans.values());
  }

  // ---------------------------------------------------------------- selection

  /**
   * v0.34 {@code PickAddress}: choose old with probability √nOld·(100−b) / (√nOld·(100−b) +
   * √nNew·b) for bias b clamped to 0..100, then a uniformly random non-empty bucket of that
   * table, then a uniformly random entry of it. An entry that {@code eligible} rejects (or a
   * draw of an empty table) costs one of {@code maxTries} tries; after them the pick is empty.
   * The bucket draws are bounded ({@link #nonEmptyBucket}), so the pick never spins (a fork of
   * v0.34 looped forever here).
   */
  public Pick pickAddress(int biasTowardsNew, Prng prng, Predicate<KnownAddress> eligible, int maxTries) {
    int bias = Math.max(0, Math.min(100, biasTowardsNew));
    if (size() == 0) {
      return new Pick(Optional.empty(), prng);
    }
    Prng.Cursor p = prng.cursor();
    double wOld = Math.sqrt(nOld) * (100 - bias);
    double wNew = Math.sqrt(nNew) * bias;
    for (int t = 0; t < maxTries; t++) {
      double u = (p.nextLong() >>> 11) * 0x1.0p-53;
      boolean old = (wOld + wNew) * u < wOld;
      BucketTable table = old ? oldBuckets : newBuckets;
      if ((old ? nOld : nNew) == 0) {
        continue;
      }
      Bucket bucket = nonEmptyBucket(table, old ? nOld : nNew, p);
      if (bucket.isEmpty()) {
        continue;
      }
      KnownAddress ka = bucket.get((int) p.nextBelow(bucket.size()));
      if (eligible.test(ka)) {
        return new Pick(Optional.of(ka), p.prng());
      }
    }
    return new Pick(Optional.empty(), p.prng());
  }

  /** Random draws of a bucket index in a dense table before the non-empty buckets are listed. */
  private static final int RANDOM_BUCKET_DRAWS = 16;

  /**
   * A uniformly random non-empty bucket of {@code table}, which holds {@code entries} entries
   * (empty only if all buckets are). In a dense table (at least as many entries as buckets) a
   * random index is drawn until it names a non-empty bucket, as v0.34 does, at most {@value
   * #RANDOM_BUCKET_DRAWS} times; in a sparse one (a small book: a few dozen entries in hundreds of
   * buckets, where that cost a dozen draws per pick), and after those draws, the bucket is drawn
   * among the non-empty ones directly (the table lists them once).
   * Each way is the uniform choice of a non-empty bucket, and which way is taken depends on the
   * book alone.
   */
  private static Bucket nonEmptyBucket(BucketTable table, int entries, Prng.Cursor p) {
    int len = table.length();
    if (len == 0) {
      return Bucket.EMPTY;
    }
    if (entries >= len) { // listing the buckets of a new table would cost more than a draw or two
      for (int i = 0; i < RANDOM_BUCKET_DRAWS; i++) {
        Bucket bucket = table.get((int) p.nextBelow(len));
        if (!bucket.isEmpty()) {
          return bucket;
        }
      }
    }
    int[] nonEmpty = table.prefix().nonEmpty();
    if (nonEmpty.length == 0) {
      return Bucket.EMPTY;
    }
    return table.get(nonEmpty[(int) p.nextBelow(nonEmpty.length)]);
  }

  /** v0.34's selection size: min(250, max(min(32, n), n·23/100)). */
  public static int selectionSize(int n) {
    return Math.min(SELECTION_MAX, Math.max(Math.min(SELECTION_MIN, n), n * SELECTION_PERCENT / 100));
  }

  /**
   * v0.34 {@code GetSelection}: {@link #selectionSize} of the book's size, uniformly random
   * distinct entries, new and old mixed, among those {@code allowed} accepts (fewer if not
   * enough are allowed).
   */
  public Selection selection(BookConfig cfg, Prng prng, Predicate<KnownAddress> allowed) {
    return selection(cfg, prng, EntryFilter.testingAll(allowed));
  }

  /** {@link #selection(BookConfig, Prng, Predicate)} of the entries {@code filter} allows. */
  public Selection selection(BookConfig cfg, Prng prng, EntryFilter filter) {
    int k = selectionSize(size());
    List<NodeAddress> out = new ArrayList<>(k);
    Prng p = new Sampler(filter).sample(true, true, k, prng, out);
    return new Selection(out, p);
  }

  /**
   * v0.34 {@code GetSelectionWithBias} (seeds answering inbound peers, b = 30): of the
   * {@link #selectionSize} k, first max(round(b%·k), k − nOld) random new entries, then random
   * old entries for the rest.
   */
  public Selection selectionWithBias(
      BookConfig cfg, int biasTowardsNew, Prng prng, Predicate<KnownAddress> allowed) {
    return selectionWithBias(cfg, biasTowardsNew, prng, EntryFilter.testingAll(allowed));
  }

  /** {@link #selectionWithBias(BookConfig, int, Prng, Predicate)} of the entries {@code filter} allows. */
  public Selection selectionWithBias(
      BookConfig cfg, int biasTowardsNew, Prng prng, EntryFilter filter) {
    int bias = Math.max(0, Math.min(100, biasTowardsNew));
    int k = selectionSize(size());
    int kNew = Math.min(k, Math.max((int) Math.round(bias / 100.0 * k), k - nOld));
    List<NodeAddress> out = new ArrayList<>(k);
    Sampler s = new Sampler(filter);
    Prng p = s.sample(true, false, kNew, prng, out);
    p = s.sample(false, true, k - out.size(), p, out);
    return new Selection(out, p);
  }

  /**
   * Uniform sampling of distinct entries through the buckets. Each entry has one home slot, in the
   * first of its buckets ({@link Bucket#isHome}), so the home slots of the tables, numbered in
   * bucket order, number the entries: a uniformly random number not drawn before is a uniformly
   * random entry not taken before, however many buckets the entries are in. Costs O(k) per call
   * (a slot's bucket is found through the table's radix index of its cumulative home counts,
   * both computed once per table: {@link BucketTable.Prefix#bucketOf}) instead of v0.34's copy
   * and shuffle of every entry, and tests only the drawn entries whose ID the
   * filter may refuse ({@link EntryFilter}). A bounded number of draws is followed, if needed, by
   * an exact pass over the remaining candidates, so the result never falls short of what the
   * filter permits. When the tables hold at most twice as many entries as are wanted (a small
   * book, where v0.34's selection takes about all of them), the exact pass alone is cheaper than
   * drawing (numbers would be drawn again and again): it is used directly, with the same
   * distribution (uniform distinct entries, in random order).
   */
  private final class Sampler {
    /**
     * The most refusable IDs whose refused entries are found in the tables before drawing; with
     * more, each drawn entry's ID prefix is searched among theirs.
     */
    private static final int FEW_REFUSABLE = 8;

    private final Predicate<KnownAddress> allowed;
    /** {@link EntryFilter#refusablePrefixes}: null when every drawn entry is tested. */
    private final long[] refusable;
    /** The refusable IDs when there are few of them, else null. */
    private final PSortedSet<NodeId> few;

    Sampler(EntryFilter filter) {
      this.allowed = filter.test();
      this.refusable = filter.refusablePrefixes();
      this.few = filter.refusable().filter(r -> r.size() <= FEW_REFUSABLE).orElse(null);
    }

    /**
     * Marks in {@code seen} the home slots of the entries of the few refusable IDs that {@code
     * allowed} refuses, as if drawn before: a draw of one is then passed over as a second draw of
     * a slot is, which is what testing it would decide (it is not offered, the draw counts), and
     * every other slot may be offered untested. {@code tables} are sampled in this order, their
     * slots numbered one table after the other.
     */
    private void markRefused(List<BucketTable> tables, BucketTable.Prefix[] prefixes, long[] seen) {
      for (NodeId id : few) {
        KnownAddress ka = lookup.get(id);
        if (ka == null || ka.buckets().isEmpty() || allowed.test(ka)) {
          continue;
        }
        BucketTable table = ka.isNew() ? newBuckets : oldBuckets;
        int offset = 0;
        int t = 0;
        while (t < tables.size() && tables.get(t) != table) {
          offset += prefixes[t].homes();
          t++;
        }
        if (t == tables.size()) {
          continue; // its table is not sampled
        }
        int home = ka.buckets().first();
        Bucket bucket = table.get(home);
        int at = bucket.indexOf(ka.id());
        if (at < 0) {
          throw new IllegalStateException(ka.id() + " is not in its home bucket " + home);
        }
        int slot = offset + (home == 0 ? 0 : prefixes[t].homeEnds()[home - 1]) + bucket.homeRank(at);
        seen[slot >>> 6] |= 1L << slot;
      }
    }

    /** Whether the entry at {@code i} of {@code bucket} may be offered. */
    private boolean allows(Bucket bucket, int i) {
      if (refusable != null && Arrays.binarySearch(refusable, bucket.prefixAt(i)) < 0) {
        return true; // no refusable ID has this prefix: allowed, and the entry is not read
      }
      return allowed.test(bucket.get(i));
    }

    /**
     * Appends up to {@code k} distinct entries of the new table if {@code newIn} and of the old
     * one if {@code oldIn} to {@code out}.
     */
    Prng sample(boolean newIn, boolean oldIn, int k, Prng prng, List<NodeAddress> out) {
      int entries = (newIn ? nNew : 0) + (oldIn ? nOld : 0);
      if (k <= 0 || entries == 0) {
        return prng;
      }
      Prng.Cursor p = prng.cursor(); // the same draws as the chain of nextBelow, no object per draw
      if (entries <= 2 * k) {
        exactPass(newIn, oldIn, out.size() + k, p, out);
        return p.prng();
      }
      List<BucketTable> tables = newIn && oldIn ? List.of(newBuckets, oldBuckets)
          : List.of(newIn ? newBuckets : oldBuckets);
      BucketTable.Prefix[] prefixes = new BucketTable.Prefix[tables.size()];
      long totalLong = 0;
      for (int i = 0; i < prefixes.length; i++) {
        prefixes[i] = tables.get(i).prefix();
        totalLong += prefixes[i].homes();
      }
      int total = (int) totalLong;
      if (total == 0) {
        return prng;
      }
      // a bit per home slot (per entry) tells whether it was drawn before
      long[] seen = new long[(total + 63) >>> 6];
      if (few != null) {
        markRefused(tables, prefixes, seen);
      }
      int target = out.size() + k;
      int budget = 8 * k + 64;
      for (int draw = 0; draw < budget && out.size() < target; draw++) {
        int slot = (int) p.nextBelow(total);
        long bit = 1L << slot;
        if ((seen[slot >>> 6] & bit) != 0) {
          continue;
        }
        seen[slot >>> 6] |= bit;
        int t = 0;
        int inTable = slot;
        while (inTable >= prefixes[t].homes()) {
          inTable -= prefixes[t].homes();
          t++;
        }
        int b = prefixes[t].bucketOf(inTable);
        int[] ends = prefixes[t].homeEnds();
        Bucket bucket = tables.get(t).get(b);
        int i = bucket.homeSlot(inTable - (b == 0 ? 0 : ends[b - 1]));
        if (few != null || allows(bucket, i)) { // with few refusable IDs, the refused slots are marked drawn
          out.add(bucket.get(i).addr());
        }
      }
      if (out.size() < target) {
        exactPass(newIn, oldIn, target, p, out);
      }
      return p.prng();
    }

    /**
     * Partial Fisher–Yates over the entries of these tables not taken yet, in ID order. Entries
     * drawn before and refused by {@code allowed} are refused again here ({@code allowed} is a
     * pure test), so skipping only the taken ones gives the same candidates.
     */
    private void exactPass(boolean newIn, boolean oldIn, int target, Prng.Cursor p, List<NodeAddress> out) {
      Set<NodeId> taken = null; // membership only, never iterated
      if (!out.isEmpty()) {
        taken = new HashSet<>();
        for (NodeAddress a : out) {
          taken.add(a.id());
        }
      }
      List<KnownAddress> rest = new ArrayList<>();
      for (KnownAddress ka : lookup.values()) {
        boolean inTables = ka.isNew() ? newIn : oldIn;
        if (inTables && (taken == null || !taken.contains(ka.id())) && allowed.test(ka)) {
          rest.add(ka);
        }
      }
      for (int i = 0; i < rest.size() && out.size() < target; i++) {
        int pick = i + (int) p.nextBelow(rest.size() - i);
        KnownAddress chosen = rest.get(pick);
        rest.set(pick, rest.get(i));
        rest.set(i, chosen);
        out.add(chosen.addr());
      }
    }
  }

  /**
   * The bucket indices of {@code ka} in ascending order, as an array: most entries are in one
   * bucket, read without an iterator over the set.
   */
  private static int[] bucketsOf(KnownAddress ka) {
    PSortedSet<Integer> b = ka.buckets();
    int n = b.size();
    if (n == 1) {
      return new int[] {b.first()};
    }
    int[] out = new int[n];
    int i = 0;
    for (int idx : b) {
      out[i++] = idx;
    }
    return out;
  }

  // ---------------------------------------------------------------- editing

  /**
   * The working copy of one operation: local mutable references to immutable parts, and local
   * drafts of the bucket tables ({@link TableDraft}), so that a transition reads as v0.34's
   * sequence of edits and still returns a new value. A batch ({@link #addAll}) runs many edits on
   * one draft; {@link #book()} builds the value once at the end.
   */
  private static final class Draft {
    private final AddressBook base;
    private final BookKey key;
    /** The ID lookup, edited in place for the nodes this operation created. */
    private final IdTrie.Editor lookup;
    private final TableDraft newBuckets;
    private final TableDraft oldBuckets;
    private PSortedMap<NodeId, KnownAddress> bans;
    private int nNew;
    private int nOld;
    /** When not null, every ID that left the lookup (bounded by the edits of one batch). */
    private List<NodeId> forgotten;

    Draft(AddressBook b) {
      this(b, null);
    }

    /** A draft of {@code b}; {@code cfg}, when given, sizes the arrays of touched buckets. */
    Draft(AddressBook b, BookConfig cfg) {
      base = b;
      key = b.key;
      lookup = new IdTrie.Editor(b.lookup);
      newBuckets = new TableDraft(b.newBuckets, cfg == null ? 0 : cfg.newBucketSize());
      oldBuckets = new TableDraft(b.oldBuckets, cfg == null ? 0 : cfg.oldBucketSize());
      bans = b.bans;
      nNew = b.nNew;
      nOld = b.nOld;
    }

    /** The edited book; the base book itself when nothing was edited. Ends the draft. */
    AddressBook book() {
      if (!lookup.isChanged() && bans == base.bans && !newBuckets.isTouched()
          && !oldBuckets.isTouched()) {
        return base;
      }
      long firstExpiry = bans == base.bans ? base.firstBanExpiryMillis : firstExpiry(bans);
      return new AddressBook(key, lookup.trie(), newBuckets.table(), oldBuckets.table(), bans, firstExpiry,
          nNew, nOld);
    }

    TableDraft table(BucketType t) {
      return switch (t) {
        case NEW -> newBuckets;
        case OLD -> oldBuckets;
      };
    }

    void count(BucketType t, int delta) {
      switch (t) {
        case NEW -> nNew += delta;
        case OLD -> nOld += delta;
      }
    }

    /** {@link AddressBook#add} on this draft. */
    Added add(BookConfig cfg, NodeAddress addr, Source src, WallTime now, Prng prng) {
      // a dotted quad (almost every address) is read as its four bytes, without an array
      long v4 = IpClass.parseV4Bits(addr.ip());
      byte[] ip = v4 >= 0 ? null : IpClass.parse(addr.ip());
      AddOutcome refused = refusal(cfg, addr, v4, ip, src.isIp, src.isPrivate);
      if (refused == AddOutcome.INVALID) {
        return new Added(refused, prng);
      }
      if (bans.containsKey(addr.id())) {
        // on record, expired or not (v0.34: an ID in badPeers is refused): an expired ban ends
        // only where bans are lifted (reinstateExpiredBans), as PeerManager.tla learns only
        // unknown peers
        return new Added(AddOutcome.BANNED, prng);
      }
      if (refused != null) {
        return new Added(refused, prng);
      }
      long p = IdTrie.prefix(addr.id());
      KnownAddress known = lookup.get(addr.id(), p);
      if (known == null) {
        addToNewBucket(cfg, KnownAddress.fresh(addr, src.addr, now), src.newBucket(v4, ip), now, p);
        return new Added(AddOutcome.ADDED, prng);
      }
      if (known.isOld()) {
        return new Added(known.addr().equals(addr) ? AddOutcome.ALREADY_KNOWN
            : AddOutcome.VETTED_ID_KEEPS_IP, prng);
      }
      int n = known.buckets().size();
      if (n >= cfg.maxNewBucketsPerAddress()) {
        return new Added(AddOutcome.ALREADY_KNOWN, prng);
      }
      Prng.Bounded draw = prng.nextBelow(2L * Math.max(1, n));
      if (draw.value() != 0) {
        return new Added(AddOutcome.ALREADY_KNOWN, draw.next());
      }
      int idx = src.newBucket(v4, ip);
      if (known.buckets().contains(idx)) {
        return new Added(AddOutcome.ALREADY_KNOWN, draw.next());
      }
      addToNewBucket(cfg, known, idx, now, p);
      return new Added(AddOutcome.ADDED_BUCKET_REFERENCE, draw.next());
    }

    /** Stores {@code ka} in the lookup and in every bucket it lists (replacing its old value). */
    void put(KnownAddress ka) {
      put(ka, IdTrie.prefix(ka.id()));
    }

    /** {@link #put(KnownAddress)} of an entry whose ID's {@link IdTrie#prefix} is {@code p}. */
    void put(KnownAddress ka, long p) {
      lookup.plus(ka, p);
      TableDraft t = table(ka.type());
      for (int idx : bucketsOf(ka)) {
        t.put(idx, ka, p);
      }
    }

    /** v0.34 {@code addToNewBucket}, making room first: {@code ka} is new, current or fresh. */
    void addToNewBucket(BookConfig cfg, KnownAddress ka, int idx, WallTime now) {
      addToNewBucket(cfg, ka, idx, now, IdTrie.prefix(ka.id()));
    }

    /** {@link #addToNewBucket(BookConfig, KnownAddress, int, WallTime)}; {@code p}: {@link IdTrie#prefix} of its ID. */
    void addToNewBucket(BookConfig cfg, KnownAddress ka, int idx, WallTime now, long p) {
      if (ka.buckets().contains(idx)) {
        return;
      }
      while (newBuckets.size(idx) >= cfg.newBucketSize()) {
        expireNew(idx, now);
      }
      if (ka.buckets().isEmpty()) {
        nNew++;
      }
      put(ka.plusBucket(idx), p);
    }

    /** v0.34 {@code expireNew}: drop the first bad entry in ID order, else the oldest. */
    void expireNew(int idx, WallTime now) {
      int at = newBuckets.expiryIndex(idx, now);
      KnownAddress ka = newBuckets.get(idx, at);
      long p = newBuckets.prefixAt(idx, at);
      newBuckets.removeAt(idx, at);
      if (ka.buckets().size() == 1) { // its last bucket: the entry leaves the book
        lookup.minus(ka, p);
        nNew--;
        if (forgotten != null) {
          forgotten.add(ka.id());
        }
      } else {
        put(ka.minusBucket(idx), p);
      }
    }

    /** Removes the entry from all its buckets and from the book. */
    void removeEverywhere(KnownAddress ka) {
      removeFromBuckets(ka);
      lookup.minus(ka.id());
    }

    /** Removes the entry from all its buckets; the caller puts it back or drops it from the lookup. */
    private void removeFromBuckets(KnownAddress ka) {
      TableDraft t = table(ka.type());
      for (int idx : bucketsOf(ka)) {
        t.remove(idx, ka.id());
      }
      count(ka.type(), -1);
    }

    /**
     * v0.34 {@code moveToOld} to old bucket {@code idx} (the entry's old-bucket placement), with
     * demotion of the displaced entry instead of its loss.
     */
    void moveToOld(BookConfig cfg, KnownAddress ka, int idx, WallTime now) {
      // ka stays in the lookup (in no bucket) until the put below replaces it: one tree edit
      // fewer; nothing in between reads it, since it is in no bucket that demotion could touch
      removeFromBuckets(ka);
      while (oldBuckets.size(idx) >= cfg.oldBucketSize()) {
        KnownAddress oldest = oldest(oldBuckets, idx);
        removeEverywhere(oldest);
        KnownAddress demoted = oldest.withType(BucketType.NEW).withBuckets(TreePSet.empty());
        addToNewBucket(cfg, demoted, newBucket(cfg, demoted.addr(), demoted.src()), now);
      }
      put(ka.withType(BucketType.OLD).withBuckets(KnownAddress.singleton(idx)));
      nOld++;
    }

    int newBucket(BookConfig cfg, NodeAddress addr, NodeAddress src) {
      return Placement.newBucket(cfg, key, groupOf(cfg, addr.ip()), groupOf(cfg, src.ip()));
    }

    /**
     * Lifts the ban of {@code banned} and puts the entry back into a new bucket if the config
     * still admits it; returns whether it came back.
     */
    boolean liftBan(BookConfig cfg, KnownAddress banned, WallTime now) {
      bans = bans.minus(banned.id());
      if (lookup.containsKey(banned.id()) || refusal(cfg, banned.addr(), banned.src()).isPresent()) {
        return false;
      }
      KnownAddress back = banned.withType(BucketType.NEW).withBuckets(TreePSet.empty());
      addToNewBucket(cfg, back, newBucket(cfg, back.addr(), back.src()), now);
      return true;
    }

    /** Records a ban; at the bound, forgets the ban that expires first (ties: smallest ID). */
    void addBan(int maxBanned, KnownAddress ka) {
      bans = bans.plus(ka.id(), ka);
      while (bans.size() > maxBanned) {
        KnownAddress first = null;
        for (KnownAddress b : bans.values()) {
          if (first == null || b.lastBanTime().isBefore(first.lastBanTime())) {
            first = b;
          }
        }
        bans = bans.minus(first.id());
      }
    }
  }

  /** The entry of bucket {@code idx} with the earliest {@code lastAttempt}; ties go to the smallest ID. */
  private static KnownAddress oldest(TableDraft t, int idx) {
    return t.get(idx, t.oldestIndex(idx));
  }

  @Override
  public String toString() {
    return "AddressBook[size=" + size() + ", nNew=" + nNew + ", nOld=" + nOld + ", bans="
        + bans.size() + ", new=" + newBuckets + ", old=" + oldBuckets + "]";
  }
}
