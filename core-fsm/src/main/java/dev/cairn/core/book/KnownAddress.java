package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import java.util.Objects;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

/**
 * One address the book knows, with the fields of an entry of CometBFT's {@code addrbook.json}.
 * The attempt count and times are the single failure record of the address: they are
 * persisted with it (v0.34 also kept a separate in-memory counter keyed by IP:port, which a
 * restart reset; tendermint#3532).
 *
 * @param addr the address, fixed once the entry is old
 * @param src the address of the peer that told us about it
 * @param buckets indices of the buckets holding it: 1..4 new buckets, or exactly 1 old bucket;
 *     empty for a banned entry
 * @param type new or old
 * @param attempts failed dials since the last success
 * @param lastAttempt last dial attempt (creation time for a fresh entry, as in v0.34)
 * @param lastSuccess last good connection, or {@link WallTime#NEVER}
 * @param lastBanTime when the current or last ban expires, or {@link WallTime#NEVER}
 */
public record KnownAddress(
    NodeAddress addr,
    NodeAddress src,
    PSortedSet<Integer> buckets,
    BucketType type,
    int attempts,
    WallTime lastAttempt,
    WallTime lastSuccess,
    WallTime lastBanTime) {

  private static final long MINUTE_MS = 60_000L;
  private static final long DAY_MS = 24 * 60 * MINUTE_MS;
  /** v0.34 {@code numMissingDays}: not tried for this long ⇒ bad. */
  static final long MISSING_MS = 7 * DAY_MS;
  /** v0.34 {@code numRetries}: this many failures and never a success ⇒ bad. */
  static final int RETRIES = 3;
  /** v0.34 {@code maxFailures}: this many failures and no success for {@code minBadDays} ⇒ bad. */
  static final int MAX_FAILURES = 10;
  /** v0.34 {@code minBadDays}. */
  static final long MIN_BAD_MS = 7 * DAY_MS;

  /** Interned one-element bucket sets: most entries sit in one bucket, so they share these. */
  private static final PSortedSet<Integer>[] SINGLETONS = singletons(BookConfig.MAX_BUCKETS);

  public KnownAddress {
    Objects.requireNonNull(addr, "addr");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(buckets, "buckets");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(lastAttempt, "lastAttempt");
    Objects.requireNonNull(lastSuccess, "lastSuccess");
    Objects.requireNonNull(lastBanTime, "lastBanTime");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts of " + addr + " must be >= 0, got " + attempts);
    }
  }

  /** A fresh new entry, not yet in any bucket, as v0.34's {@code newKnownAddress}. */
  public static KnownAddress fresh(NodeAddress addr, NodeAddress src, WallTime now) {
    return new KnownAddress(addr, src, TreePSet.empty(), BucketType.NEW, 0, now,
        WallTime.NEVER, WallTime.NEVER);
  }

  public NodeId id() {
    return addr.id();
  }

  public boolean isNew() {
    return type == BucketType.NEW;
  }

  public boolean isOld() {
    return type == BucketType.OLD;
  }

  /**
   * v0.34 {@code isBad}, used to choose what a full new bucket drops first: a new entry not tried
   * in the last minute that was not tried for 7 days, or failed 3 times without ever
   * succeeding, or failed 10 times without a success in 7 days. Old entries are never bad.
   */
  public boolean isBad(WallTime now) {
    if (type == BucketType.OLD) {
      return false;
    }
    long t = now.epochMillis();
    if (lastAttempt.epochMillis() > t - MINUTE_MS) {
      return false;
    }
    if (lastAttempt.epochMillis() < t - MISSING_MS) {
      return true;
    }
    if (lastSuccess.isNever() && attempts >= RETRIES) {
      return true;
    }
    return lastSuccess.epochMillis() < t - MIN_BAD_MS && attempts >= MAX_FAILURES;
  }

  /**
   * {@link #badFrom} holds for times after this (epoch ms): from there on, the subtractions of
   * {@link #isBad} do not wrap.
   */
  static final long BAD_FROM_SAFE = Long.MIN_VALUE + MISSING_MS + MIN_BAD_MS + MINUTE_MS;

  /**
   * A lower bound of the times at which {@link #isBad} holds, so that a bucket can skip entries
   * without reading them: for every {@code now} after {@link #BAD_FROM_SAFE}, {@code isBad(now)}
   * implies {@code now.epochMillis() >= badFrom()}. Each clause of {@code isBad} only becomes
   * true as time passes, so the set of such times is a ray; this is its start, exact unless a sum
   * overflows (then lowered to the largest long, still a lower bound). Old entries: never bad.
   */
  long badFrom() {
    if (type == BucketType.OLD) {
      return Long.MAX_VALUE;
    }
    long a = lastAttempt.epochMillis();
    // not tried in the last minute: now - MINUTE >= a
    long tried = saturatedSum(a, MINUTE_MS);
    // and one of: not tried for 7 days (now - MISSING > a), never a success after 3 failures,
    // or 10 failures and no success for 7 days (now - MIN_BAD > lastSuccess)
    long reason = saturatedSum(a, MISSING_MS + 1);
    if (lastSuccess.isNever() && attempts >= RETRIES) {
      reason = Long.MIN_VALUE;
    }
    if (attempts >= MAX_FAILURES) {
      reason = Math.min(reason, saturatedSum(lastSuccess.epochMillis(), MIN_BAD_MS + 1));
    }
    return Math.max(tried, reason);
  }

  private static long saturatedSum(long x, long positive) {
    return x > Long.MAX_VALUE - positive ? Long.MAX_VALUE : x + positive;
  }

  KnownAddress withBuckets(PSortedSet<Integer> value) {
    return new KnownAddress(addr, src, value, type, attempts, lastAttempt, lastSuccess, lastBanTime);
  }

  KnownAddress plusBucket(int index) {
    return withBuckets(buckets.isEmpty() ? singleton(index) : buckets.plus(index));
  }

  KnownAddress minusBucket(int index) {
    PSortedSet<Integer> rest = buckets.minus(index);
    return withBuckets(rest.size() == 1 ? singleton(rest.first()) : rest);
  }

  KnownAddress withType(BucketType value) {
    return new KnownAddress(addr, src, buckets, value, attempts, lastAttempt, lastSuccess, lastBanTime);
  }

  KnownAddress withAttempt(WallTime now) {
    int next = attempts == Integer.MAX_VALUE ? attempts : attempts + 1;
    return new KnownAddress(addr, src, buckets, type, next, now, lastSuccess, lastBanTime);
  }

  KnownAddress withSuccess(WallTime now) {
    return new KnownAddress(addr, src, buckets, type, 0, now, now, lastBanTime);
  }

  KnownAddress withBanUntil(WallTime until) {
    return new KnownAddress(addr, src, TreePSet.empty(), BucketType.NEW, attempts, lastAttempt,
        lastSuccess, until);
  }

  static PSortedSet<Integer> singleton(int index) {
    return index >= 0 && index < SINGLETONS.length ? SINGLETONS[index] : TreePSet.singleton(index);
  }

  @SuppressWarnings("unchecked")
  private static PSortedSet<Integer>[] singletons(int n) {
    PSortedSet<Integer>[] out = new PSortedSet[n];
    for (int i = 0; i < n; i++) {
      out[i] = TreePSet.singleton(i);
    }
    return out;
  }
}
