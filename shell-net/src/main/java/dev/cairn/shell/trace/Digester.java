package dev.cairn.shell.trace;

import dev.cairn.core.CoreState;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.KnownAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The state digest of trace checkpoints: the first {@value #LENGTH} bytes of SHA-256 over the
 * canonical encoding ({@link CanonicalCodec}) of a core state, in which the address book is
 * written as a SHA-256 over its entries' own hashes ({@link #bookDigest}); an entry's hash is
 * remembered while the entry object stays in the book, so a digest pays for encoding only the
 * entries that changed since the previous one. (The per-step digest is {@link EffectsDigest}.)
 *
 * <p>Not thread-safe: one digester per writing or replaying thread.
 */
public final class Digester {

  /** Bytes kept of each SHA-256. */
  public static final int LENGTH = 16;

  private final MessageDigest sha = sha256();
  private final CanonicalCodec.Writer writer = new CanonicalCodec.Writer(this::bookDigest);
  private final MessageDigest bookSha = sha256();
  private final MessageDigest entrySha = sha256();
  private final CanonicalCodec.Writer entryWriter = new CanonicalCodec.Writer(null);
  private java.util.IdentityHashMap<KnownAddress, byte[]> entryDigests = new java.util.IdentityHashMap<>();
  private AddressBook lastBook;
  private byte[] lastBookDigest;
  private AddressBook previousBook;
  private byte[] previousBookDigest;

  /** Digest of a state. */
  public byte[] state(CoreState state) {
    writer.out.reset();
    writer.write(CoreState.class, state);
    return finish();
  }

  private byte[] finish() {
    sha.update(writer.out.buf, 0, writer.out.len);
    return Arrays.copyOf(sha.digest(), LENGTH);
  }

  /**
   * SHA-256 of the book, remembered for the last two books seen. It is the hash of the key, the
   * SHA-256 of each entry's and each ban's canonical encoding in ID order, the counts and the
   * table lengths; an entry's hash is remembered while the entry object stays in the book (a
   * changed entry is a new object), so a changed book costs one hash per changed entry plus one
   * pass over the remembered ones.
   */
  byte[] bookDigest(AddressBook book) {
    if (book == lastBook) {
      return lastBookDigest;
    }
    if (book == previousBook) {
      return previousBookDigest;
    }
    java.util.IdentityHashMap<KnownAddress, byte[]> next = new java.util.IdentityHashMap<>(entryDigests.size() + 16);
    MessageDigest outer = bookSha;
    outer.update(book.key().hex().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (KnownAddress ka : book.lookup().values()) {
      outer.update(entryDigest(ka, next));
    }
    outer.update((byte) 0xff);
    for (KnownAddress ka : book.bans().values()) {
      outer.update(entryDigest(ka, next));
    }
    outer.update(java.nio.ByteBuffer.allocate(16).putInt(book.nNew()).putInt(book.nOld())
        .putInt(book.newBuckets().length()).putInt(book.oldBuckets().length()).array());
    byte[] d = outer.digest();
    entryDigests = next;
    previousBook = lastBook;
    previousBookDigest = lastBookDigest;
    lastBook = book;
    lastBookDigest = d;
    return d;
  }

  private byte[] entryDigest(KnownAddress ka, java.util.IdentityHashMap<KnownAddress, byte[]> next) {
    byte[] d = entryDigests.get(ka);
    if (d == null) {
      entryWriter.out.reset();
      entryWriter.write(KnownAddress.class, ka);
      entrySha.update(entryWriter.out.buf, 0, entryWriter.out.len);
      d = entrySha.digest();
    }
    next.put(ka, d);
    return d;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
