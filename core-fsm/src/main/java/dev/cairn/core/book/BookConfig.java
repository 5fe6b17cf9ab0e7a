package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import java.util.Objects;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

/**
 * Bounds and filters of the address book. The defaults are CometBFT v0.34's
 * ({@code p2p/pex/params.go}); {@code strict} is {@code addr_book_strict}, {@code privateIds} is
 * {@code private_peer_ids}, {@code ourAddresses} are our listen and external addresses.
 *
 * <p>{@code maxBanned} is ours: v0.34 keeps bans in an unbounded in-memory map and forgets them
 * on restart; we persist them, so they need a bound. At the bound, a new ban evicts the ban that
 * expires first (ties: the smallest ID).
 *
 * @param newBucketCount number of new buckets (v0.34: 256)
 * @param newBucketSize capacity of one new bucket (64; exactly 64, not v0.34's effective 65)
 * @param oldBucketCount number of old buckets (64)
 * @param oldBucketSize capacity of one old bucket (64)
 * @param newBucketsPerGroup new buckets one source group can reach (32)
 * @param oldBucketsPerGroup old buckets one address group can reach (4)
 * @param maxNewBucketsPerAddress new buckets one address can sit in (4)
 * @param needAddressThreshold below this many addresses the book asks for more (1000)
 * @param maxBanned bound on remembered bans (ours, default 4096)
 * @param strict refuse non-routable addresses ({@code addr_book_strict}, default true)
 * @param privateIds IDs never stored, and whose gossip is never stored
 * @param ourAddresses our own addresses, never stored
 * @param self our own ID, never stored
 */
public record BookConfig(
    int newBucketCount,
    int newBucketSize,
    int oldBucketCount,
    int oldBucketSize,
    int newBucketsPerGroup,
    int oldBucketsPerGroup,
    int maxNewBucketsPerAddress,
    int needAddressThreshold,
    int maxBanned,
    boolean strict,
    PSortedSet<NodeId> privateIds,
    PSortedSet<NodeAddress> ourAddresses,
    NodeId self) {

  /** Upper limit of bucket counts and sizes accepted by validation. */
  public static final int MAX_BUCKETS = 4096;

  /** Default and upper limit of {@code maxBanned}. */
  public static final int MAX_BANNED = 4096;

  public BookConfig {
    Objects.requireNonNull(privateIds, "book config privateIds must not be null");
    Objects.requireNonNull(ourAddresses, "book config ourAddresses must not be null");
    Objects.requireNonNull(self, "book config self must not be null");
    inRange("newBucketCount", newBucketCount, 1, MAX_BUCKETS);
    inRange("newBucketSize", newBucketSize, 1, MAX_BUCKETS);
    inRange("oldBucketCount", oldBucketCount, 1, MAX_BUCKETS);
    inRange("oldBucketSize", oldBucketSize, 1, MAX_BUCKETS);
    inRange("newBucketsPerGroup", newBucketsPerGroup, 1, newBucketCount);
    inRange("oldBucketsPerGroup", oldBucketsPerGroup, 1, oldBucketCount);
    inRange("maxNewBucketsPerAddress", maxNewBucketsPerAddress, 1, newBucketsPerGroup);
    inRange("needAddressThreshold", needAddressThreshold, 0, Integer.MAX_VALUE);
    inRange("maxBanned", maxBanned, 1, MAX_BANNED);
    if (privateIds.contains(self)) {
      throw new IllegalArgumentException(
          "book config privateIds must not contain self (" + self + ")");
    }
  }

  /** CometBFT's defaults, strict routability, no private IDs, no known own addresses. */
  public static BookConfig defaults(NodeId self) {
    return new BookConfig(
        256, 64, 64, 64, 32, 4, 4, 1000, MAX_BANNED, true, TreePSet.empty(), TreePSet.empty(), self);
  }

  public BookConfig withStrict(boolean value) {
    return new BookConfig(newBucketCount, newBucketSize, oldBucketCount, oldBucketSize,
        newBucketsPerGroup, oldBucketsPerGroup, maxNewBucketsPerAddress, needAddressThreshold,
        maxBanned, value, privateIds, ourAddresses, self);
  }

  public BookConfig withPrivateIds(PSortedSet<NodeId> value) {
    return new BookConfig(newBucketCount, newBucketSize, oldBucketCount, oldBucketSize,
        newBucketsPerGroup, oldBucketsPerGroup, maxNewBucketsPerAddress, needAddressThreshold,
        maxBanned, strict, value, ourAddresses, self);
  }

  public BookConfig withOurAddresses(PSortedSet<NodeAddress> value) {
    return new BookConfig(newBucketCount, newBucketSize, oldBucketCount, oldBucketSize,
        newBucketsPerGroup, oldBucketsPerGroup, maxNewBucketsPerAddress, needAddressThreshold,
        maxBanned, strict, privateIds, value, self);
  }

  public BookConfig withMaxBanned(int value) {
    return new BookConfig(newBucketCount, newBucketSize, oldBucketCount, oldBucketSize,
        newBucketsPerGroup, oldBucketsPerGroup, maxNewBucketsPerAddress, needAddressThreshold,
        value, strict, privateIds, ourAddresses, self);
  }

  /** The same config with other bucket counts and sizes (small books for tests and models). */
  public BookConfig withBuckets(int newCount, int newSize, int oldCount, int oldSize,
      int newPerGroup, int oldPerGroup, int maxNewPerAddress) {
    return new BookConfig(newCount, newSize, oldCount, oldSize, newPerGroup, oldPerGroup,
        maxNewPerAddress, needAddressThreshold, maxBanned, strict, privateIds, ourAddresses, self);
  }

  private static void inRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "book config " + key + " must be in " + min + ".." + max + ", got " + value);
    }
  }
}
