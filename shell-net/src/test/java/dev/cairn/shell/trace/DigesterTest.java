package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Core;
import dev.cairn.core.CoreState;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.KnownAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The state digest of checkpoints is its definition (the book as SHA-256 over its key, its
 * entries' and bans' own SHA-256 in ID order and its counts), whether a digester computes a book
 * afresh or from what it remembers of the books before (their digests, its entries' hashes), and
 * in whatever order states come.
 */
class DigesterTest {

  /** A public node's first steps: its book grows to hundreds of entries, entries change, move and go. */
  private static final List<CoreState> STATES = new ArrayList<>();

  @BeforeAll
  static void run() {
    SmallWorldRun run = SmallWorldRun.generate(3_000, 5, false, 1_000, UnaryOperator.identity(),
        SmallWorldRun.Addresses.ROUTABLE);
    CoreState s = run.initial();
    STATES.add(s);
    for (SyntheticRun.Timed t : run.events()) {
      s = Core.step(run.config(), s, t.now(), t.wall(), t.event()).state();
      STATES.add(s);
    }
    assertThat(s.peer().book().size()).as("entries at the end").isGreaterThan(200);
  }

  /** The definition, written plainly: every entry and ban encoded and hashed. */
  private static byte[] definedBookDigest(AddressBook book) throws Exception {
    MessageDigest outer = MessageDigest.getInstance("SHA-256");
    outer.update(book.key().hex().getBytes(StandardCharsets.US_ASCII));
    for (KnownAddress ka : book.lookup().values()) {
      outer.update(entryHash(ka));
    }
    outer.update((byte) 0xff);
    for (KnownAddress ka : book.bans().values()) {
      outer.update(entryHash(ka));
    }
    outer.update(ByteBuffer.allocate(16).putInt(book.nNew()).putInt(book.nOld())
        .putInt(book.newBuckets().length()).putInt(book.oldBuckets().length()).array());
    return outer.digest();
  }

  private static byte[] entryHash(KnownAddress ka) throws Exception {
    CanonicalCodec.Writer w = new CanonicalCodec.Writer(null);
    w.write(KnownAddress.class, ka);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(w.out.buf, 0, w.out.len);
    return sha.digest();
  }

  @Test
  void aBookBroughtUpToDateStepByStepIsTheBookDefined() throws Exception {
    Digester reused = new Digester();
    int changedBooks = 0;
    for (int i = 0; i < STATES.size(); i++) {
      AddressBook book = STATES.get(i).peer().book();
      if (i > 0 && book != STATES.get(i - 1).peer().book()) {
        changedBooks++;
      }
      assertThat(HexFormat.of().formatHex(reused.bookDigest(book))).as("step %d", i)
          .isEqualTo(HexFormat.of().formatHex(definedBookDigest(book)));
    }
    assertThat(changedBooks).as("books that changed").isGreaterThan(100);
  }

  @Test
  void statesInAnyOrder_theDigestsOfFreshDigesters() {
    Digester reused = new Digester();
    // forwards by checkpoints, then back and forth, then from the end to the start
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < STATES.size(); i += 97) {
      order.add(i);
    }
    for (int i = STATES.size() - 1; i > 0; i -= 613) {
      order.add(i);
      order.add(i / 3);
    }
    order.add(STATES.size() - 1);
    order.add(0);
    order.add(STATES.size() - 1);
    for (int i : order) {
      CoreState s = STATES.get(i);
      assertThat(reused.state(s)).as("state %d", i).isEqualTo(new Digester().state(s));
    }
  }

  @Test
  void anEntryRemovedOrBanned_anotherDigest_theDefinedOne() throws Exception {
    CoreState last = STATES.get(STATES.size() - 1);
    AddressBook book = last.peer().book();
    Digester d = new Digester();
    byte[] whole = d.bookDigest(book);
    KnownAddress some = book.lookup().values().iterator().next();
    AddressBook without = book.remove(some.id());
    assertThat(d.bookDigest(without)).isNotEqualTo(whole).isEqualTo(definedBookDigest(without));
    assertThat(d.bookDigest(book)).isEqualTo(whole);
    AddressBook banned = book.ban(some.id(), new WallTime(Long.MAX_VALUE / 2));
    assertThat(banned.bans()).isNotEmpty();
    assertThat(d.bookDigest(banned)).isNotEqualTo(whole).isEqualTo(definedBookDigest(banned));
    assertThat(new Digester().bookDigest(banned)).isEqualTo(definedBookDigest(banned));
  }
}
