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
import java.util.Optional;
import org.pcollections.TreePSet;

/**
 * Between the file's {@link AddrBookDocument} and the core's {@link AddressBook}.
 *
 * <p>Two things change on the way: IPs are put in canonical form (the core compares IP text),
 * and timestamps become the core's {@link WallTime}, whole milliseconds in UTC (sub-millisecond
 * digits and the file's offsets are dropped; Go's zero time is {@link WallTime#NEVER}). Entries
 * are written back sorted by ID, each with its buckets in ascending order.
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
    try {
      return AddressBook.restore(cfg, BookKey.of(doc.key()), entries(doc.addrs()), entries(doc.banned()));
    } catch (AddressBook.RestoreException e) { // named where the file holds it, as the reader's own errors are
      throw new StoreException(file, (e.banned() ? AddrBookFile.BANNED_FIELD : "addrs") + "[" + e.index() + "]: "
          + e.getMessage(), e);
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

  /** The file content for the core's book: entries and bans, each sorted by ID. */
  public static AddrBookDocument fromCore(AddressBook book) {
    return fromCore(book, org.pcollections.TreePMap.empty());
  }

  /** The file content for the core's book and its bans by ID alone, each sorted by ID. */
  public static AddrBookDocument fromCore(AddressBook book,
      org.pcollections.PSortedMap<dev.cairn.core.NodeId, WallTime> bannedIds) {
    List<AddrBookDocument.BannedId> ids = new ArrayList<>(bannedIds.size());
    for (var e : bannedIds.entrySet()) {
      ids.add(new AddrBookDocument.BannedId(e.getKey().hex(), time(e.getValue())));
    }
    return new AddrBookDocument(book.key().hex(), json(book.entries()), json(book.bannedEntries()), ids);
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

  private static List<KnownAddressJson> json(List<KnownAddress> in) {
    List<KnownAddressJson> out = new ArrayList<>(in.size());
    for (KnownAddress k : in) {
      out.add(new KnownAddressJson(json(k.addr()), json(k.src()), Optional.of(List.copyOf(k.buckets())),
          k.attempts(), switch (k.type()) {
            case NEW -> BucketKind.NEW;
            case OLD -> BucketKind.OLD;
          }, time(k.lastAttempt()), time(k.lastSuccess()), time(k.lastBanTime())));
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
