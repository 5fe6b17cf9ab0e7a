package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.security.DigestException;
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
    Hasher h = new Hasher(key);
    return newBucket(cfg, h, srcGroup, newBucketSlot(cfg, h, addrGroup, srcGroup));
  }

  /**
   * The inner step of {@link #newBucket}: which of the source group's
   * {@code newBucketsPerGroup} buckets the address group gets, {@code H(key ‖ group(addr) ‖
   * group(src)) mod newBucketsPerGroup}.
   */
  static int newBucketSlot(BookConfig cfg, Hasher h, String addrGroup, String srcGroup) {
    return (int) Long.remainderUnsigned(h.hash(addrGroup, srcGroup, -1), cfg.newBucketsPerGroup());
  }

  /**
   * {@link #newBucketSlot} for an address group that is the IPv4 /16 {@code v4Group}
   * ({@link IpClass#v4Group}), hashing the bytes of its key "a.b.0.0" without building it.
   */
  static int newBucketSlotV4(BookConfig cfg, Hasher h, int v4Group, String srcGroup) {
    return (int) Long.remainderUnsigned(h.hashV4(v4Group, srcGroup), cfg.newBucketsPerGroup());
  }

  /**
   * The outer step of {@link #newBucket}: the bucket of slot {@code slot} of the source group.
   * It depends on the source group and the slot only, so a batch from one source computes it at
   * most {@code newBucketsPerGroup} times.
   */
  static int newBucket(BookConfig cfg, Hasher h, String srcGroup, int slot) {
    return (int) Long.remainderUnsigned(h.hash(srcGroup, null, slot), cfg.newBucketCount());
  }

  static int oldBucket(BookConfig cfg, BookKey key, NodeAddress addr, String addrGroup) {
    Hasher h = new Hasher(key);
    long inner = Long.remainderUnsigned(h.hash(addr.toString(), null, -1), cfg.oldBucketsPerGroup());
    return (int) Long.remainderUnsigned(h.hash(addrGroup, null, inner), cfg.oldBucketCount());
  }

  /**
   * {@link #oldBucket(BookConfig, BookKey, NodeAddress, String)} with the group of
   * {@code addr}'s IP ({@code AddressBook.groupOf}), without building a string: the address's
   * text and an IPv4 /16 group are written straight into the hash input.
   */
  static int oldBucket(BookConfig cfg, BookKey key, NodeAddress addr) {
    Hasher h = new Hasher(key);
    long inner = Long.remainderUnsigned(h.hashAddress(addr), cfg.oldBucketsPerGroup());
    boolean strict = cfg.strict();
    long bits = IpClass.parseV4Bits(addr.ip());
    if (bits >= 0) { // a dotted quad (almost every address): its group from its four bytes
      int v = (int) bits;
      long outer = strict && IpClass.localV4(v) ? h.hash(IpClass.LOCAL_GROUP, null, inner)
          : strict && !IpClass.routableV4(v) ? h.hash(IpClass.UNROUTABLE_GROUP, null, inner)
          : h.hashV4(v >>> 16, inner);
      return (int) Long.remainderUnsigned(outer, cfg.oldBucketCount());
    }
    byte[] ip = IpClass.parse(addr.ip());
    long outer;
    if (ip == null) {
      outer = h.hash(IpClass.UNROUTABLE_GROUP, null, inner);
    } else {
      int v4 = strict && (IpClass.local(ip) || !IpClass.routable(ip)) ? -1 : IpClass.v4Group(ip);
      outer = v4 >= 0 ? h.hashV4(v4, inner) : h.hash(IpClass.groupKey(ip, strict), null, inner);
    }
    return (int) Long.remainderUnsigned(outer, cfg.oldBucketCount());
  }

  /**
   * H under one key, reusable for many hashes (one batch): one SHA-256 engine, the key bytes
   * written once into an input buffer, and a reused output buffer, so that a hash allocates
   * nothing. Local to one operation (not thread-safe).
   */
  static final class Hasher {
    private final MessageDigest md = engine();
    private final byte[] out = new byte[32];
    private final int keyLength;
    private byte[] in;

    Hasher(BookKey key) {
      keyLength = BookKey.HEX_LENGTH / 2;
      in = new byte[keyLength + 80];
      key.copyBytes(in, 0);
    }

    /** H(key ‖ a [‖ b] [‖ be64(n)]); {@code n < 0} means absent (the inputs used are all ≥ 0). */
    long hash(String a, String b, long n) {
      int at = put(keyLength, a);
      if (b != null) {
        at = put(at, b);
      }
      return finish(at, n);
    }

    /** {@code hash("a.b.0.0", b, -1)} for {@code v4Group = a << 8 | b}. */
    long hashV4(int v4Group, String b) {
      return finish(put(putV4Group(v4Group), b), -1);
    }

    /** Writes the group text {@code "a.b.0.0"} with its length after the key; returns the end. */
    private int putV4Group(int v4Group) {
      ensure(keyLength + 2 + 15);
      int at = keyLength + 2;
      at = putDecimal(at, v4Group >>> 8);
      in[at++] = '.';
      at = putDecimal(at, v4Group & 0xff);
      in[at++] = '.';
      in[at++] = '0';
      in[at++] = '.';
      in[at++] = '0';
      int n = at - keyLength - 2;
      in[keyLength] = (byte) (n >>> 8);
      in[keyLength + 1] = (byte) n;
      return at;
    }

    /** {@code hash(a.toString(), null, -1)} for the address {@code a}, without building its text. */
    long hashAddress(NodeAddress a) {
      String id = a.id().hex();
      String ip = a.ip();
      int port = a.port();
      int ipLength = ip.length();
      boolean plain = port >= 0;
      for (int i = 0; i < ipLength && plain; i++) {
        plain = ip.charAt(i) < 0x80;
      }
      if (!plain) {
        return hash(a.toString(), null, -1);
      }
      boolean bracket = ip.indexOf(':') >= 0;
      int portDigits = 1;
      for (int p = port; p >= 10; p /= 10) {
        portDigits++;
      }
      int n = id.length() + 1 + ipLength + (bracket ? 2 : 0) + 1 + portDigits;
      ensure(keyLength + 2 + n);
      int at = keyLength;
      in[at++] = (byte) (n >>> 8);
      in[at++] = (byte) n;
      at = putAscii(at, id);
      in[at++] = '@';
      if (bracket) {
        in[at++] = '[';
      }
      at = putAscii(at, ip);
      if (bracket) {
        in[at++] = ']';
      }
      in[at++] = ':';
      for (int i = portDigits - 1, p = port; i >= 0; i--, p /= 10) {
        in[at + i] = (byte) ('0' + p % 10);
      }
      return finish(at + portDigits, -1);
    }

    /** {@code hash("a.b.0.0", null, n)} for {@code v4Group = a << 8 | b} and {@code n >= 0}. */
    long hashV4(int v4Group, long n) {
      return finish(putV4Group(v4Group), n);
    }

    /** Writes the characters of {@code s} (all below 0x80) at {@code at}; returns the end. */
    @SuppressWarnings("deprecation") // the low byte of each char: exactly the text, all chars being ASCII
    private int putAscii(int at, String s) {
      int n = s.length();
      s.getBytes(0, n, in, at); // a copy of the string's bytes, not a loop over chars
      return at + n;
    }

    /** Writes the decimal digits of {@code v} (0..255) at {@code at}; returns the end. */
    private int putDecimal(int at, int v) {
      if (v >= 100) {
        in[at++] = (byte) ('0' + v / 100);
      }
      if (v >= 10) {
        in[at++] = (byte) ('0' + v / 10 % 10);
      }
      in[at++] = (byte) ('0' + v % 10);
      return at;
    }

    private long finish(int end, long n) {
      int at = end;
      if (n >= 0) {
        ensure(at + 8);
        for (int i = 0; i < 8; i++) {
          in[at + i] = (byte) (n >>> (8 * (7 - i)));
        }
        at += 8;
      }
      md.update(in, 0, at);
      try {
        md.digest(out, 0, out.length); // also resets md for the next hash
      } catch (DigestException e) {
        throw new IllegalStateException("SHA-256 writes 32 bytes", e);
      }
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (out[i] & 0xff);
      }
      return v;
    }

    /** Writes be16(length) ‖ UTF-8 of {@code s} at {@code at}; returns the end. */
    private int put(int at, String s) {
      int n = s.length();
      boolean ascii = true;
      for (int i = 0; i < n && ascii; i++) {
        ascii = s.charAt(i) < 0x80;
      }
      if (!ascii) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        ensure(at + 2 + bytes.length);
        in[at] = (byte) (bytes.length >>> 8);
        in[at + 1] = (byte) bytes.length;
        System.arraycopy(bytes, 0, in, at + 2, bytes.length);
        return at + 2 + bytes.length;
      }
      ensure(at + 2 + n);
      in[at] = (byte) (n >>> 8);
      in[at + 1] = (byte) n;
      for (int i = 0; i < n; i++) {
        in[at + 2 + i] = (byte) s.charAt(i);
      }
      return at + 2 + n;
    }

    private void ensure(int length) {
      if (length > in.length) {
        in = Arrays.copyOf(in, Math.max(length, 2 * in.length));
      }
    }
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
