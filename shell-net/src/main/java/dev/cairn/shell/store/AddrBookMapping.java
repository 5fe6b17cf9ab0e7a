package dev.cairn.shell.store;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.book.BucketType;
import dev.cairn.core.book.KnownAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pcollections.TreePSet;

/**
 * Between the file's {@link AddrBookDocument} and the core's {@link AddressBook}.
 *
 * <p>Two things change on the way: IPs are put in canonical form (the core compares IP text),
 * and timestamps become the core's {@link WallTime}, whole milliseconds in UTC (Go's zero time is
 * {@link WallTime#NEVER}). Entries are written back sorted by ID, each with its buckets in
 * ascending order, and each time as the file read at start held it ({@link Times}: CometBFT's
 * nanoseconds and offset) while the core still has that millisecond, else in UTC milliseconds.
 */
public final class AddrBookMapping {

  private AddrBookMapping() {}

  /**
   * Rebuilds the core's book from a parsed file.
   *
   * @throws StoreException naming {@code file} and the entry when the core refuses it (e.g. a
   *     bucket beyond the configured bucket count, more bans than {@code maxBanned})
   */
  public static AddressBook toCore(Path file, BookConfig cfg, AddrBookDocument doc) throws StoreException {
    Map<Integer, Set<Integer>> dropped = droppedBuckets(cfg, doc.addrs());
    List<KnownAddressJson> kept = new ArrayList<>(doc.addrs().size());
    List<Integer> at = new ArrayList<>(doc.addrs().size()); // each kept entry's position in the file
    for (int i = 0; i < doc.addrs().size(); i++) {
      KnownAddressJson e = doc.addrs().get(i);
      Set<Integer> out = dropped.get(i);
      if (out != null) {
        List<Integer> left = e.bucketList().stream().filter(b -> !out.contains(b)).toList();
        if (left.isEmpty()) {
          continue;
        }
        e = new KnownAddressJson(e.addr(), e.src(), Optional.of(left), e.attempts(), e.bucketType(), e.lastAttempt(),
            e.lastSuccess(), e.lastBanTime());
      }
      kept.add(e);
      at.add(i);
    }
    try {
      return AddressBook.restore(cfg, BookKey.of(doc.key()), entries(kept), entries(doc.banned()));
    } catch (AddressBook.RestoreException e) { // named where the file holds it, as the reader's own errors are
      throw new StoreException(file, (e.banned() ? AddrBookFile.BANNED_FIELD : "addrs") + "["
          + (e.banned() ? e.index() : at.get(e.index())) + "]: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new StoreException(file, e.getMessage(), e);
    }
  }

  /**
   * The entries of a parsed file that {@link #toCore} leaves out because {@code cfg} refuses them
   * now (a private ID, a private source, our own ID or address, a non-routable address in strict
   * mode), by reason in {@link AddOutcome}'s order, each in the file's order. They are not corrupt:
   * the config changed since they were stored. They are not saved back.
   */
  public static java.util.SortedMap<dev.cairn.core.book.AddOutcome, List<NodeAddress>> leftOut(BookConfig cfg,
      AddrBookDocument doc) {
    java.util.SortedMap<dev.cairn.core.book.AddOutcome, List<NodeAddress>> out = new java.util.TreeMap<>();
    for (KnownAddressJson e : doc.addrs()) {
      NodeAddress addr = address(e.addr());
      AddressBook.refusal(cfg, addr, address(e.src()))
          .ifPresent(why -> out.computeIfAbsent(why, w -> new ArrayList<>()).add(addr));
    }
    return out;
  }

  /**
   * A bucket of a stored entry that the entry was not loaded into because the file put more
   * entries in that bucket than the book's bucket size ({@code newBucketSize}, {@code
   * oldBucketSize}: 64). CometBFT's book tests a bucket's size before it makes room in it ({@code
   * len(bucket) > size}), so the books it writes hold up to 65 addresses in a bucket; Cairn's keeps
   * 64. Of such a bucket's entries, those with the earliest last attempt (then the lowest ID) leave
   * it, as a full bucket's oldest entry leaves it for a new one; {@code leftOut} when that was the
   * entry's only bucket: it is not loaded, and not saved back.
   */
  public record Overflow(NodeAddress address, BucketType type, int bucket, boolean leftOut) {}

  /** The {@link Overflow}s of a parsed file under {@code cfg}, in the file's order of entries. */
  public static List<Overflow> overflows(BookConfig cfg, AddrBookDocument doc) {
    Map<Integer, Set<Integer>> dropped = droppedBuckets(cfg, doc.addrs());
    List<Overflow> out = new ArrayList<>();
    for (var d : dropped.entrySet()) {
      KnownAddressJson e = doc.addrs().get(d.getKey());
      boolean leftOut = d.getValue().containsAll(e.bucketList());
      for (int b : d.getValue()) {
        out.add(new Overflow(address(e.addr()), type(e), b, leftOut));
      }
    }
    return out;
  }

  /**
   * By position in {@code addrs}, the buckets each entry leaves ({@link Overflow}); entries the
   * config refuses ({@link #leftOut}) are not loaded and take no room, and entries in a number of
   * buckets the book refuses are left as they are, for it to name.
   */
  private static Map<Integer, Set<Integer>> droppedBuckets(BookConfig cfg, List<KnownAddressJson> addrs) {
    // kind -> bucket -> the positions of its entries
    Map<BucketKind, Map<Integer, List<Integer>>> byBucket = new java.util.EnumMap<>(BucketKind.class);
    for (int i = 0; i < addrs.size(); i++) {
      KnownAddressJson e = addrs.get(i);
      if (AddressBook.refusal(cfg, address(e.addr()), address(e.src())).isPresent()) {
        continue;
      }
      int n = e.bucketList().size();
      if (e.bucketType() == BucketKind.OLD ? n != 1 : n < 1 || n > cfg.maxNewBucketsPerAddress()) {
        continue; // not an entry the book restores: it refuses it, as it is, by its position
      }
      for (int b : e.bucketList()) {
        byBucket.computeIfAbsent(e.bucketType(), k -> new java.util.TreeMap<>())
            .computeIfAbsent(b, k -> new ArrayList<>()).add(i);
      }
    }
    Map<Integer, Set<Integer>> dropped = new java.util.TreeMap<>();
    byBucket.forEach((kind, buckets) -> buckets.forEach((b, in) -> {
      int size = kind == BucketKind.NEW ? cfg.newBucketSize() : cfg.oldBucketSize();
      in.stream()
          .sorted(java.util.Comparator.<Integer, WallTime>comparing(i -> wall(addrs.get(i).lastAttempt()))
              .thenComparing(i -> addrs.get(i).addr().id()))
          .limit(Math.max(0, in.size() - size))
          .forEach(i -> dropped.computeIfAbsent(i, k -> new java.util.TreeSet<>()).add(b));
    }));
    return dropped;
  }

  private static BucketType type(KnownAddressJson e) {
    return e.bucketType() == BucketKind.NEW ? BucketType.NEW : BucketType.OLD;
  }

  /** The file content for the core's book: entries and bans, each sorted by ID. */
  public static AddrBookDocument fromCore(AddressBook book) {
    return fromCore(book, org.pcollections.TreePMap.empty());
  }

  /** The file content for the core's book and its bans by ID alone, each sorted by ID. */
  public static AddrBookDocument fromCore(AddressBook book,
      org.pcollections.PSortedMap<dev.cairn.core.NodeId, WallTime> bannedIds) {
    return fromCore(book, bannedIds, Times.NONE);
  }

  /**
   * {@link #fromCore(AddressBook, org.pcollections.PSortedMap)}, each time written as {@code
   * loaded} read it where the core's millisecond is that time's: the sub-millisecond digits and the
   * offset CometBFT wrote (Go's times carry nanoseconds) are kept for what the node did not change.
   */
  public static AddrBookDocument fromCore(AddressBook book,
      org.pcollections.PSortedMap<dev.cairn.core.NodeId, WallTime> bannedIds, Times loaded) {
    List<AddrBookDocument.BannedId> ids = new ArrayList<>(bannedIds.size());
    for (var e : bannedIds.entrySet()) {
      ids.add(new AddrBookDocument.BannedId(e.getKey().hex(), loaded.time(e.getKey().hex() + " until", e.getValue())));
    }
    return new AddrBookDocument(book.key().hex(), json(book.entries(), loaded), json(book.bannedEntries(), loaded),
        ids);
  }

  /**
   * The times a file held, as written (with their sub-millisecond digits and offsets), by entry
   * ID and field: at most three per entry of the file, which is bounded ({@link AddrBookFile}).
   */
  public static final class Times {
    /** No file read: every time written from the core's milliseconds, in UTC. */
    public static final Times NONE = new Times(java.util.Map.of());
    private final java.util.Map<String, OffsetDateTime> written;

    private Times(java.util.Map<String, OffsetDateTime> written) {
      this.written = written;
    }

    /** The times of {@code doc}, the file as read. */
    public static Times of(AddrBookDocument doc) {
      java.util.Map<String, OffsetDateTime> m = new java.util.HashMap<>();
      for (List<KnownAddressJson> list : List.of(doc.addrs(), doc.banned())) {
        for (KnownAddressJson e : list) {
          m.put(e.addr().id() + " last_attempt", e.lastAttempt());
          m.put(e.addr().id() + " last_success", e.lastSuccess());
          m.put(e.addr().id() + " last_ban_time", e.lastBanTime());
        }
      }
      for (AddrBookDocument.BannedId b : doc.bannedIds()) {
        m.put(b.id() + " until", b.until());
      }
      return new Times(m);
    }

    /** The time {@code key} was written as, if the core's {@code t} is still that time; else {@code t} in UTC. */
    OffsetDateTime time(String key, WallTime t) {
      OffsetDateTime was = written.get(key);
      return was != null && wall(was).equals(t) ? was : AddrBookMapping.time(t);
    }
  }

  /** The bans by ID alone a file holds. */
  public static org.pcollections.PSortedMap<dev.cairn.core.NodeId, WallTime> bannedIds(AddrBookDocument doc) {
    org.pcollections.PSortedMap<dev.cairn.core.NodeId, WallTime> out = org.pcollections.TreePMap.empty();
    for (AddrBookDocument.BannedId b : doc.bannedIds()) {
      out = out.plus(dev.cairn.core.NodeId.of(b.id()), wall(b.until()));
    }
    return out;
  }

  private static List<KnownAddress> entries(List<KnownAddressJson> in) {
    List<KnownAddress> out = new ArrayList<>(in.size());
    for (KnownAddressJson e : in) {
      out.add(new KnownAddress(address(e.addr()), address(e.src()), TreePSet.from(e.bucketList()),
          e.bucketType() == BucketKind.NEW ? BucketType.NEW : BucketType.OLD, e.attempts(),
          wall(e.lastAttempt()), wall(e.lastSuccess()), wall(e.lastBanTime())));
    }
    return out;
  }

  private static List<KnownAddressJson> json(List<KnownAddress> in, Times loaded) {
    List<KnownAddressJson> out = new ArrayList<>(in.size());
    for (KnownAddress k : in) {
      String id = k.addr().id().hex();
      out.add(new KnownAddressJson(json(k.addr()), json(k.src()), Optional.of(List.copyOf(k.buckets())),
          k.attempts(), switch (k.type()) {
            case NEW -> BucketKind.NEW;
            case OLD -> BucketKind.OLD;
          }, loaded.time(id + " last_attempt", k.lastAttempt()), loaded.time(id + " last_success", k.lastSuccess()),
          loaded.time(id + " last_ban_time", k.lastBanTime())));
    }
    return out;
  }

  private static NodeAddress address(NetAddressJson a) {
    // AddrBookFile has checked both; canonical() cannot be empty here
    String ip = IpLiterals.canonical(a.ip()).orElseThrow();
    return new NodeAddress(NodeId.of(a.id()), ip, a.port());
  }

  private static NetAddressJson json(NodeAddress a) {
    return new NetAddressJson(a.id().hex(), a.ip(), a.port());
  }

  static WallTime wall(OffsetDateTime t) {
    return new WallTime(t.toInstant().toEpochMilli());
  }

  static OffsetDateTime time(WallTime t) {
    return Instant.ofEpochMilli(t.epochMillis()).atOffset(ZoneOffset.UTC);
  }
}
