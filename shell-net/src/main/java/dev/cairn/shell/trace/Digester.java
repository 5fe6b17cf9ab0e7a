package dev.cairn.shell.trace;

import dev.cairn.core.CoreState;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.IdTrie;
import dev.cairn.core.book.KnownAddress;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * The state digest of trace checkpoints: the first {@value #LENGTH} bytes of SHA-256 over the
 * canonical encoding ({@link CanonicalCodec}) of a core state, in which the address book is
 * written as its own digest ({@link #bookDigest}).
 *
 * <p>A book's digest is a SHA-256 over its key, its entry count, the sum modulo 2<sup>256</sup>
 * of its entries' hashes (each the SHA-256 of the entry's canonical encoding, read as a
 * big-endian number), its ban count, the same sum over its bans, its two entry counts and the
 * lengths of its two bucket tables. A sum does not depend on order, so the digester brings the
 * last book's sum up to date with the entries that changed since ({@link IdTrie#differences}):
 * a checkpoint costs a hash per changed entry, not a pass over the whole book. The sum detects
 * divergence, as the rest of a trace's digests do; like them, it is no protection against someone
 * rewriting the file. (The per-step digest is {@link EffectsDigest}.)
 *
 * <p>Trace format version 2 digested a book otherwise: a SHA-256 over its key, its entries' hashes
 * in ID order, a {@code 0xff} byte, its bans' hashes in ID order, its two entry counts and its
 * tables' lengths. {@link #forFormat} gives a digester of either definition, so that files of
 * both versions replay.
 *
 * <p>Not thread-safe: one digester per writing or replaying thread.
 */
public final class Digester {

  /** Bytes kept of each SHA-256. */
  public static final int LENGTH = 16;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final MessageDigest sha = sha256();
  private final CanonicalCodec.Writer writer = new CanonicalCodec.Writer(this::bookDigest);
  private final MessageDigest bookSha = sha256();
  private final MessageDigest entrySha = sha256();
  private final CanonicalCodec.Writer entryWriter = new CanonicalCodec.Writer(null);
  private final byte[] bookHead = new byte[4 * 4 + 2 * 32 + 2 * 4];

  /** The last book digested, its digest, and the hashes and the sum of its entries. */
  private AddressBook lastBook;
  private byte[] lastBookDigest;
  private IdentityHashMap<KnownAddress, byte[]> entryHashes = new IdentityHashMap<>();
  private final long[] entrySum = new long[4];
  /** The same for its bans (at most the book config's {@code maxBanned}). */
  private IdentityHashMap<KnownAddress, byte[]> banHashes = new IdentityHashMap<>();
  private final long[] banSum = new long[4];
  /** Books digested as format version 2 did (a hash over the entries' hashes in ID order). */
  private final boolean versionTwo;

  /** A digester of the current format ({@link TraceFormat#VERSION}), which trace writers use. */
  public Digester() {
    this(false);
  }

  private Digester(boolean versionTwo) {
    this.versionTwo = versionTwo;
  }

  /** The digester of files of trace format {@code version} (from {@link TraceFormat#OLDEST_READ}). */
  public static Digester forFormat(int version) {
    if (version < TraceFormat.OLDEST_READ || version > TraceFormat.VERSION) {
      throw new IllegalArgumentException("no state digest for trace format version " + version);
    }
    return new Digester(version == 2);
  }

  /** Digest of a state. */
  public byte[] state(CoreState state) {
    writer.out.reset();
    writer.write(CoreState.class, state);
    sha.update(writer.out.buf, 0, writer.out.len);
    return Arrays.copyOf(sha.digest(), LENGTH);
  }

  /** The SHA-256 of a book (see the class comment); remembered for the last book. */
  byte[] bookDigest(AddressBook book) {
    if (book == lastBook) {
      return lastBookDigest;
    }
    if (versionTwo) {
      lastBook = null;
      lastBookDigest = inIdOrder(book);
      lastBook = book;
      return lastBookDigest;
    }
    AddressBook from = lastBook;
    lastBook = null; // until the sums are the new book's (a failure below leaves no half-updated sum behind)
    if (from == null || from.lookup().isEmpty()) {
      sumAfresh(book.lookup()); // nothing to bring up to date: no walk of two tries
    } else if (book.lookup() != from.lookup()) {
      IdTrie before = from.lookup();
      IdTrie after = book.lookup();
      before.differences(after, id -> replace(before.get(id), after.get(id)));
    }
    if (from == null || book.bans() != from.bans()) {
      IdentityHashMap<KnownAddress, byte[]> hashes = new IdentityHashMap<>(book.bans().size() + 16);
      Arrays.fill(banSum, 0);
      for (KnownAddress ka : book.bans().values()) {
        byte[] h = banHashes.get(ka);
        h = h != null ? h : entryHash(ka);
        hashes.put(ka, h);
        add(banSum, h, 1);
      }
      banHashes = hashes;
    }
    MessageDigest outer = bookSha;
    outer.reset();
    outer.update(book.key().hex().getBytes(StandardCharsets.US_ASCII));
    int at = 0;
    at = putInt(at, book.size());
    at = putSum(at, entrySum);
    at = putInt(at, book.bans().size());
    at = putSum(at, banSum);
    at = putInt(at, book.nNew());
    at = putInt(at, book.nOld());
    at = putInt(at, book.newBuckets().length());
    putInt(at, book.oldBuckets().length());
    outer.update(bookHead);
    lastBookDigest = outer.digest();
    lastBook = book;
    return lastBookDigest;
  }

  /**
   * Format version 2's book digest. An entry's hash is remembered while the entry object stays in
   * the book, so a changed book costs a hash per changed entry and a pass over the others.
   */
  private byte[] inIdOrder(AddressBook book) {
    IdentityHashMap<KnownAddress, byte[]> next = new IdentityHashMap<>(entryHashes.size() + 16);
    MessageDigest outer = bookSha;
    outer.reset();
    outer.update(book.key().hex().getBytes(StandardCharsets.US_ASCII));
    for (KnownAddress ka : book.lookup().values()) {
      outer.update(rememberedHash(ka, next));
    }
    outer.update((byte) 0xff);
    for (KnownAddress ka : book.bans().values()) {
      outer.update(rememberedHash(ka, next));
    }
    int at = 0;
    at = putInt(at, book.nNew());
    at = putInt(at, book.nOld());
    at = putInt(at, book.newBuckets().length());
    putInt(at, book.oldBuckets().length());
    outer.update(bookHead, 0, 16);
    entryHashes = next;
    return outer.digest();
  }

  private byte[] rememberedHash(KnownAddress ka, IdentityHashMap<KnownAddress, byte[]> next) {
    byte[] h = entryHashes.get(ka);
    if (h == null) {
      h = entryHash(ka);
    }
    next.put(ka, h);
    return h;
  }

  private void sumAfresh(IdTrie entries) {
    entryHashes = new IdentityHashMap<>(entries.size() + 16);
    Arrays.fill(entrySum, 0);
    for (KnownAddress ka : entries.values()) {
      byte[] h = entryHash(ka);
      entryHashes.put(ka, h);
      add(entrySum, h, 1);
    }
  }

  /** One ID whose entry changed: the old entry's hash out of the sum, the new one's in. */
  private void replace(KnownAddress before, KnownAddress after) {
    if (before == after) {
      return;
    }
    if (before != null) {
      byte[] h = entryHashes.remove(before);
      add(entrySum, h != null ? h : entryHash(before), -1);
    }
    if (after != null) {
      byte[] h = entryHash(after);
      entryHashes.put(after, h);
      add(entrySum, h, 1);
    }
  }

  private byte[] entryHash(KnownAddress ka) {
    entryWriter.out.reset();
    entryWriter.write(KnownAddress.class, ka);
    entrySha.update(entryWriter.out.buf, 0, entryWriter.out.len);
    return entrySha.digest();
  }

  /** {@code sum += sign * h} modulo 2<sup>256</sup>, {@code sum[0]} the most significant word. */
  static void add(long[] sum, byte[] h, int sign) {
    long carry = 0;
    for (int i = 3; i >= 0; i--) {
      long x = (long) LONGS.get(h, 8 * i);
      if (sign > 0) {
        long s = sum[i] + x;
        long c = Long.compareUnsigned(s, sum[i]) < 0 ? 1 : 0;
        long t = s + carry;
        c += Long.compareUnsigned(t, s) < 0 ? 1 : 0;
        sum[i] = t;
        carry = c;
      } else {
        long d = sum[i] - x;
        long b = Long.compareUnsigned(sum[i], x) < 0 ? 1 : 0;
        long t = d - carry;
        b += Long.compareUnsigned(d, carry) < 0 ? 1 : 0;
        sum[i] = t;
        carry = b;
      }
    }
  }

  private int putInt(int at, int v) {
    bookHead[at] = (byte) (v >>> 24);
    bookHead[at + 1] = (byte) (v >>> 16);
    bookHead[at + 2] = (byte) (v >>> 8);
    bookHead[at + 3] = (byte) v;
    return at + 4;
  }

  private int putSum(int at, long[] sum) {
    for (int i = 0; i < 4; i++) {
      LONGS.set(bookHead, at + 8 * i, sum[i]);
    }
    return at + 32;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
