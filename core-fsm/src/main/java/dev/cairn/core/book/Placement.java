package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bucket placement: which new bucket an (address, source) pair goes to, and which old bucket an
 * address goes to, as v0.34's {@code calcNewBucket} and {@code calcOldBucket}:
 *
 * <pre>
 *   new = H(group(src) ‖ be64(H(group(addr) ‖ group(src)) mod newBucketsPerGroup)) mod newBucketCount
 *   old = H(group(addr) ‖ be64(H(addr) mod oldBucketsPerGroup)) mod oldBucketCount
 * </pre>
 *
 * so one source group reaches at most {@code newBucketsPerGroup} new buckets and one address
 * group at most {@code oldBucketsPerGroup} old buckets.
 *
 * <p>H is SipHash-2-4 (Aumasson and Bernstein), a pseudo-random function made for exactly this:
 * hashing inputs an attacker chooses, under a key the attacker does not know. Its 128-bit key is
 * the persisted {@link BookKey}'s 96 bits (little-endian, padded with zero bytes), and each
 * string input is length-prefixed so that concatenations cannot collide. CometBFT uses
 * HighwayHash, another keyed PRF, with a key drawn afresh in every process, so the placement of an
 * address moved on every restart while the entries loaded from the file kept their old buckets;
 * with the persisted key the same pair always lands in the same bucket.
 *
 * <p>Placement used SHA-256 (first 8 bytes) before: a promotion's two hashes cost about a third
 * of a {@code DialSucceeded} step and a PEX batch's one per new group a tenth of its insertion,
 * most of it the fixed cost of each {@code MessageDigest} call and of a fresh engine. SipHash of
 * these short inputs is a few tens of nanoseconds of plain arithmetic, written out here. A book
 * restored from a file keeps every entry in the buckets the file names, so the change moves no
 * stored entry; only placements made after it differ.
 */
final class Placement {

  private Placement() {}

  static int newBucket(BookConfig cfg, BookKey key, String addrGroup, String srcGroup) {
    Hasher h = new Hasher(key);
    return newBucket(cfg, h, srcGroup, newBucketSlot(cfg, h, addrGroup, srcGroup));
  }

  /**
   * The inner step of {@link #newBucket}: which of the source group's
   * {@code newBucketsPerGroup} buckets the address group gets, {@code H(group(addr) ‖
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
   * H under one key, reusable for many hashes (one batch): the two key words and an input buffer,
   * reused, so that a hash allocates nothing. Local to one operation (not thread-safe).
   */
  static final class Hasher {
    private final long k0;
    private final long k1;
    private byte[] in = new byte[80];

    Hasher(BookKey key) {
      byte[] k = key.bytes(); // 12 bytes: k0 is bytes 0-7, k1 bytes 8-11 and four zero bytes
      k0 = (long) LE.get(k, 0);
      k1 = (k[8] & 0xffL) | (k[9] & 0xffL) << 8 | (k[10] & 0xffL) << 16 | (k[11] & 0xffL) << 24;
    }

    /** H(a [‖ b] [‖ be64(n)]) under the book key; {@code n < 0} means absent (the inputs used are all ≥ 0). */
    long hash(String a, String b, long n) {
      int at = put(0, a);
      if (b != null) {
        at = put(at, b);
      }
      return finish(at, n);
    }

    /** {@code hash("a.b.0.0", b, -1)} for {@code v4Group = a << 8 | b}. */
    long hashV4(int v4Group, String b) {
      return finish(put(putV4Group(v4Group), b), -1);
    }

    /** Writes the group text {@code "a.b.0.0"} with its length at the start of the input; returns the end. */
    private int putV4Group(int v4Group) {
      ensure(2 + 15);
      int at = 2;
      at = putDecimal(at, v4Group >>> 8);
      in[at++] = '.';
      at = putDecimal(at, v4Group & 0xff);
      in[at++] = '.';
      in[at++] = '0';
      in[at++] = '.';
      in[at++] = '0';
      int n = at - 2;
      in[0] = (byte) (n >>> 8);
      in[1] = (byte) n;
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
      ensure(2 + n);
      int at = 0;
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
      return sipHash24(k0, k1, in, at);
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

  private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * SipHash-2-4 of {@code in[0..length)} under the key {@code (k0, k1)}: the 64-bit result the
   * reference implementation writes out little-endian, as a {@code long}.
   */
  static long sipHash24(long k0, long k1, byte[] in, int length) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    int whole = length & ~7;
    for (int i = 0; i < whole; i += 8) {
      long m = (long) LE.get(in, i);
      v3 ^= m;
      // two SipRounds
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
      v0 ^= m;
    }
    // the last word: the remaining bytes, little-endian, and the length's low byte on top
    long m = (long) length << 56;
    for (int i = length - 1; i >= whole; i--) {
      m |= (in[i] & 0xffL) << (8 * (i - whole));
    }
    v3 ^= m;
    for (int r = 0; r < 2; r++) {
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    v0 ^= m;
    v2 ^= 0xff;
    for (int r = 0; r < 4; r++) {
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }
}
