package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bucket placement: which new bucket an (address, source) pair goes to, and which old bucket an
 * address goes to, as v0.34's {@code calcNewBucket} and {@code calcOldBucket}:
 *
 * <pre>
 *   new = H(key ‖ group(src) ‖ be64(H(key ‖ group(addr) ‖ group(src)) mod newBucketsPerGroup)) mod newBucketCount
 *   old = H(key ‖ group(addr) ‖ be64(H(key ‖ addr) mod oldBucketsPerGroup)) mod oldBucketCount
 * </pre>
 *
 * so one source group reaches at most {@code newBucketsPerGroup} new buckets and one address
 * group at most {@code oldBucketsPerGroup} old buckets.
 *
 * <p>H is the first 8 bytes (big-endian, unsigned) of SHA-256 from the JDK, keyed by prefixing
 * the persisted {@link BookKey}; each string input is length-prefixed so that concatenations
 * cannot collide. CometBFT uses HighwayHash with a key drawn afresh in every process, so the
 * placement of an address moved on every restart while the entries loaded from the file kept
 * their old buckets; with the persisted key the same pair always lands in the same bucket.
 */
final class Placement {

  private Placement() {}

  /** A fresh SHA-256 engine is cloned from this one; it is never updated itself. */
  private static final MessageDigest PROTOTYPE = sha256();

  static int newBucket(BookConfig cfg, BookKey key, String addrGroup, String srcGroup) {
    return newBucket(cfg, key, srcGroup, newBucketSlot(cfg, key, addrGroup, srcGroup));
  }

  /**
   * The inner step of {@link #newBucket}: which of the source group's
   * {@code newBucketsPerGroup} buckets the address group gets, {@code H(key ‖ group(addr) ‖
   * group(src)) mod newBucketsPerGroup}.
   */
  static int newBucketSlot(BookConfig cfg, BookKey key, String addrGroup, String srcGroup) {
    return (int) Long.remainderUnsigned(hash(engine(), key.bytes(), addrGroup, srcGroup, -1),
        cfg.newBucketsPerGroup());
  }

  /**
   * The outer step of {@link #newBucket}: the bucket of slot {@code slot} of the source group.
   * It depends on the source group and the slot only, so a batch from one source computes it at
   * most {@code newBucketsPerGroup} times.
   */
  static int newBucket(BookConfig cfg, BookKey key, String srcGroup, int slot) {
    return (int) Long.remainderUnsigned(hash(engine(), key.bytes(), srcGroup, null, slot),
        cfg.newBucketCount());
  }

  static int oldBucket(BookConfig cfg, BookKey key, NodeAddress addr, String addrGroup) {
    MessageDigest md = engine();
    byte[] k = key.bytes();
    long inner = Long.remainderUnsigned(hash(md, k, addr.toString(), null, -1), cfg.oldBucketsPerGroup());
    return (int) Long.remainderUnsigned(hash(md, k, addrGroup, null, inner), cfg.oldBucketCount());
  }

  /** H(key ‖ a [‖ b] [‖ be64(n)]); {@code n < 0} means absent (the inputs used are all ≥ 0). */
  private static long hash(MessageDigest md, byte[] key, String a, String b, long n) {
    md.update(key);
    put(md, a);
    if (b != null) {
      put(md, b);
    }
    if (n >= 0) {
      byte[] be = new byte[8];
      for (int i = 0; i < 8; i++) {
        be[i] = (byte) (n >>> (8 * (7 - i)));
      }
      md.update(be); // one call, not eight: each update pays the engine's dispatch
    }
    byte[] d = md.digest(); // also resets md for the next hash
    long out = 0;
    for (int i = 0; i < 8; i++) {
      out = (out << 8) | (d[i] & 0xff);
    }
    return out;
  }

  private static void put(MessageDigest md, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    md.update((byte) (bytes.length >>> 8));
    md.update((byte) bytes.length);
    md.update(bytes);
  }

  private static MessageDigest engine() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return sha256();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
