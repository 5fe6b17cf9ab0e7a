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

  static int newBucket(BookConfig cfg, BookKey key, String addrGroup, String srcGroup) {
    long inner = Long.remainderUnsigned(
        hash(key, addrGroup, srcGroup, null), cfg.newBucketsPerGroup());
    return (int) Long.remainderUnsigned(hash(key, srcGroup, null, inner), cfg.newBucketCount());
  }

  static int oldBucket(BookConfig cfg, BookKey key, NodeAddress addr, String addrGroup) {
    long inner = Long.remainderUnsigned(
        hash(key, addr.toString(), null, null), cfg.oldBucketsPerGroup());
    return (int) Long.remainderUnsigned(hash(key, addrGroup, null, inner), cfg.oldBucketCount());
  }

  private static long hash(BookKey key, String a, String b, Long n) {
    MessageDigest md = sha256();
    md.update(key.bytes());
    put(md, a);
    if (b != null) {
      put(md, b);
    }
    if (n != null) {
      long v = n;
      for (int i = 7; i >= 0; i--) {
        md.update((byte) (v >>> (8 * i)));
      }
    }
    byte[] d = md.digest();
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
