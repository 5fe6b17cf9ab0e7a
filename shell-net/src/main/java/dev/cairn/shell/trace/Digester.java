package dev.cairn.shell.trace;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import dev.cairn.core.book.AddressBook;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The digests of one step: the first {@value #LENGTH} bytes of SHA-256 over the canonical
 * encoding ({@link CanonicalCodec}) of the step's effects, and of its new state. Inside both, an
 * address book is written as the SHA-256 of its own canonical encoding, computed once per book
 * value: most steps leave the book as it was (the same object), and a {@code PersistBook} effect
 * carries the very book of the new state, so a step pays for encoding the book only when it
 * changed it.
 *
 * <p>Not thread-safe: one digester per writing or replaying thread.
 */
public final class Digester {

  /** Bytes kept of each SHA-256. */
  public static final int LENGTH = 16;

  private final MessageDigest sha = sha256();
  private final CanonicalCodec.Writer writer = new CanonicalCodec.Writer(this::bookDigest);
  private AddressBook lastBook;
  private byte[] lastBookDigest;
  private AddressBook previousBook;
  private byte[] previousBookDigest;

  /** Digest of the effects of a step. */
  public byte[] effects(List<CoreEffect> effects) {
    writer.out.reset();
    CanonicalCodec.writeEffects(writer, effects);
    return finish();
  }

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

  /** SHA-256 of the book's full encoding, remembered for the last two books seen. */
  private byte[] bookDigest(AddressBook book) {
    if (book == lastBook) {
      return lastBookDigest;
    }
    if (book == previousBook) {
      return previousBookDigest;
    }
    byte[] d = sha256().digest(CanonicalCodec.encode(AddressBook.class, book));
    previousBook = lastBook;
    previousBookDigest = lastBookDigest;
    lastBook = book;
    lastBookDigest = d;
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
