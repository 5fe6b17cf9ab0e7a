package dev.cairn.core.book;

import dev.cairn.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The address book's invariants, checked after every operation in tests. The TLA+ model abstracts
 * the book away, so these are held by property tests of the Java book alone.
 */
public final class BookInvariants {

  private BookInvariants() {}

  /** @throws IllegalStateException listing every violated invariant */
  public static void check(BookConfig cfg, AddressBook book) {
    List<String> v = violations(cfg, book);
    if (!v.isEmpty()) {
      throw new IllegalStateException("address book invariants violated: " + v);
    }
  }

  /** Names and details of the invariants {@code book} breaks; empty if none. */
  public static List<String> violations(BookConfig cfg, AddressBook book) {
    List<String> out = new ArrayList<>();
    int nNew = 0;
    int nOld = 0;
    for (Map.Entry<NodeId, KnownAddress> e : book.lookup().entrySet()) {
      KnownAddress ka = e.getValue();
      if (!e.getKey().equals(ka.id())) {
        out.add("LookupKeyIsId: " + e.getKey() + " holds " + ka.id());
      }
      int n = ka.buckets().size();
      switch (ka.type()) {
        case NEW -> {
          nNew++;
          if (n < 1 || n > cfg.maxNewBucketsPerAddress()) {
            out.add("NewEntryInOneToFourBuckets: " + ka.id() + " in " + ka.buckets());
          }
        }
        case OLD -> {
          nOld++;
          if (n != 1) {
            out.add("OldEntryInOneBucket: " + ka.id() + " in " + ka.buckets());
          }
        }
      }
      BucketTable t = ka.isNew() ? book.newBuckets() : book.oldBuckets();
      for (int idx : ka.buckets()) {
        Bucket b = t.get(idx);
        int i = b.indexOf(ka.id());
        if (i < 0 || !b.get(i).equals(ka)) {
          out.add("BucketsMatchLookup: " + ka.id() + " missing or stale in bucket " + idx);
        }
      }
      if (book.bans().containsKey(ka.id())) {
        out.add("BannedNotInBuckets: " + ka.id());
      }
      if (cfg.privateIds().contains(ka.id()) || cfg.privateIds().contains(ka.src().id())) {
        out.add("PrivateNeverStored: " + ka.id() + " from " + ka.src().id());
      }
      if (ka.id().equals(cfg.self()) || cfg.ourAddresses().contains(ka.addr())) {
        out.add("SelfNeverStored: " + ka.addr());
      }
      if (cfg.strict() && !IpClass.isRoutable(ka.addr().ip())) {
        out.add("StrictRoutable: " + ka.addr());
      }
    }
    if (nNew != book.nNew() || nOld != book.nOld()) {
      out.add("CountsMatchEntries: nNew=" + book.nNew() + " nOld=" + book.nOld() + " but entries "
          + nNew + " new, " + nOld + " old");
    }
    checkTable(cfg, book, BucketType.NEW, book.newBuckets(), cfg.newBucketCount(), cfg.newBucketSize(), out);
    checkTable(cfg, book, BucketType.OLD, book.oldBuckets(), cfg.oldBucketCount(), cfg.oldBucketSize(), out);
    if (book.bans().size() > cfg.maxBanned()) {
      out.add("BansBounded: " + book.bans().size() + " > " + cfg.maxBanned());
    }
    for (KnownAddress b : book.bans().values()) {
      if (!b.buckets().isEmpty()) {
        out.add("BannedNotInBuckets: ban of " + b.id() + " lists " + b.buckets());
      }
    }
    if (book.firstBanExpiryMillis() != AddressBook.firstExpiry(book.bans())) {
      out.add("FirstBanExpiryIsEarliest: " + book.firstBanExpiryMillis() + " but the earliest ban expires at "
          + AddressBook.firstExpiry(book.bans()));
    }
    return out;
  }

  private static void checkTable(BookConfig cfg, AddressBook book, BucketType type, BucketTable t,
      int count, int size, List<String> out) {
    if (t.length() > count) {
      for (int i = count; i < t.length(); i++) {
        if (!t.get(i).isEmpty()) {
          out.add("BucketIndexInRange: " + type + " bucket " + i);
        }
      }
    }
    int homes = 0;
    for (int i = 0; i < t.length(); i++) {
      Bucket b = t.get(i);
      if (b.size() > size) {
        out.add("BucketCapacity: " + type + " bucket " + i + " holds " + b.size());
      }
      for (int j = 0; j < b.size(); j++) {
        KnownAddress ka = b.get(j);
        KnownAddress inBook = book.lookup().get(ka.id());
        if (inBook == null || inBook.type() != type || !inBook.buckets().contains(i)) {
          out.add("BucketsMatchLookup: " + type + " bucket " + i + " holds " + ka.id()
              + " which does not list it");
        }
        if (b.isHomeAt(j) != (!ka.buckets().isEmpty() && ka.buckets().first() == i)) {
          out.add("HomeIsFirstBucket: " + type + " bucket " + i + " marks " + ka.id() + " at home "
              + b.isHomeAt(j) + " but it lists " + ka.buckets());
        }
      }
      homes += b.homes();
    }
    int entries = type == BucketType.NEW ? book.nNew() : book.nOld();
    if (t.prefix().homes() != homes || homes != entries) {
      out.add("OneHomePerEntry: " + type + " table has " + homes + " home slots (cumulative "
          + t.prefix().homes() + ") for " + entries + " entries");
    }
  }
}
