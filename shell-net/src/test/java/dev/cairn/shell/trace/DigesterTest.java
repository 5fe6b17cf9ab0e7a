package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Core;
import dev.cairn.core.CoreState;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.KnownAddress;
import java.math.BigInteger;
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
 * The state digest of checkpoints is its definition (the book as SHA-256 over its key, the sums
 * modulo 2^256 of its entries' and bans' own SHA-256 and its counts), whether a digester computes
 * a book afresh or brings the last book's sum up to date with the entries that changed, and in
 * whatever order states come.
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

  /**
   * The definition, written plainly: every entry and ban encoded and hashed, the hashes summed as
   * numbers (BigInteger, independent of the digester's word arithmetic) modulo 2^256.
   */
  private static byte[] definedBookDigest(AddressBook book) throws Exception {
    MessageDigest outer = MessageDigest.getInstance("SHA-256");
    outer.update(book.key().hex().getBytes(StandardCharsets.US_ASCII));
    ByteBuffer rest = ByteBuffer.allocate(4 * 4 + 2 * 32 + 2 * 4);
    rest.putInt(book.size()).put(sum(book.lookup().values()));
    rest.putInt(book.bans().size()).put(sum(book.bans().values()));
    rest.putInt(book.nNew()).putInt(book.nOld()).putInt(book.newBuckets().length()).putInt(book.oldBuckets().length());
    outer.update(rest.array());
    return outer.digest();
  }

  private static byte[] sum(java.util.Collection<KnownAddress> entries) throws Exception {
    BigInteger sum = BigInteger.ZERO;
    for (KnownAddress ka : entries) {
      sum = sum.add(new BigInteger(1, entryHash(ka)));
    }
    byte[] wide = sum.mod(BigInteger.ONE.shiftLeft(256)).toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, wide.length);
    System.arraycopy(wide, wide.length - n, out, 32 - n, n);
    return out;
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

  @Test
  void theSumCarriesAndBorrowsAcrossWords() {
    byte[] one = new byte[32];
    one[31] = 1;
    byte[] max = new byte[32];
    java.util.Arrays.fill(max, (byte) 0xff);
    long[] sum = new long[4];
    Digester.add(sum, max, 1); // 2^256 - 1
    Digester.add(sum, one, 1); // wraps to 0 through every word
    assertThat(sum).containsExactly(0, 0, 0, 0);
    Digester.add(sum, one, -1); // borrows through every word
    assertThat(sum).containsExactly(-1, -1, -1, -1);
    byte[] low = new byte[32];
    low[23] = 1; // 2^64: the last byte of the second-least word
    Digester.add(sum, one, 1);
    Digester.add(sum, low, 1);
    assertThat(sum).containsExactly(0, 0, 1, 0);
    Digester.add(sum, one, -1); // 2^64 - 1: a borrow from the second word
    assertThat(sum).containsExactly(0, 0, 0, -1);
  }

  @Test
  void entriesWrittenDirectlyAreEntriesWalked() {
    assertThat(CanonicalCodec.KnownAddressShape.DIRECT)
        .as("KnownAddress, NodeAddress or WallTime changed: update CanonicalCodec.Writer.writeKnownAddress")
        .isTrue();
    CanonicalCodec.Writer direct = new CanonicalCodec.Writer(null);
    CanonicalCodec.Writer walked = new CanonicalCodec.Writer(null);
    walked.directEntries = false;
    java.util.Set<KnownAddress> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (int i = 50; i < STATES.size(); i += 50) {
      AddressBook book = STATES.get(i).peer().book();
      List<KnownAddress> all = new ArrayList<>(book.lookup().values());
      all.addAll(book.bans().values());
      KnownAddress some = book.lookup().values().iterator().next();
      all.add(new KnownAddress(some.addr(), some.src(), org.pcollections.TreePSet.from(List.of(3, 17, 250)),
          dev.cairn.core.book.BucketType.NEW, 7, some.lastAttempt(), new WallTime(-1), new WallTime(Long.MAX_VALUE)));
      for (KnownAddress ka : all) {
        if (!seen.add(ka)) {
          continue;
        }
        direct.out.reset();
        direct.write(KnownAddress.class, ka);
        walked.out.reset();
        walked.write(KnownAddress.class, ka);
        assertThat(direct.out.toByteArray()).as("%s", ka).isEqualTo(walked.out.toByteArray());
      }
    }
    assertThat(seen).as("entries compared").hasSizeGreaterThan(1_000);
    assertThat(seen).as("bans among them").anyMatch(ka -> ka.buckets().isEmpty());
    assertThat(seen).as("old entries among them").anyMatch(KnownAddress::isOld);
  }

  /** A string is its UTF-8 length and bytes; a node ID is written as the string of its hex. */
  @Test
  void stringsAreTheirUtf8LengthAndBytes_nodeIdsTheirHex() {
    for (String s : List.of("", "127.0.0.1", "fe80::1", "h\u00e9te", "\u65e5\u672c", "\ud83d\ude00x")) {
      CanonicalCodec.Out out = new CanonicalCodec.Out();
      out.writeString(s);
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      assertThat(out.toByteArray()).as(s)
          .isEqualTo(ByteBuffer.allocate(4 + utf8.length).putInt(utf8.length).put(utf8).array());
    }
    AddressBook book = STATES.get(STATES.size() - 1).peer().book();
    for (KnownAddress ka : book.lookup().values()) {
      CanonicalCodec.Out id = new CanonicalCodec.Out();
      id.writeId(ka.id());
      byte[] hex = ka.id().hex().getBytes(StandardCharsets.US_ASCII);
      assertThat(id.toByteArray()).as("%s", ka.id())
          .isEqualTo(ByteBuffer.allocate(4 + hex.length).putInt(hex.length).put(hex).array());
    }
  }

  /** Format version 2's book digest: every entry's and ban's hash in ID order, a 0xff between. */
  private static byte[] versionTwoBookDigest(AddressBook book) throws Exception {
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

  @Test
  void aVersionTwoDigesterDigestsBooksAsVersionTwoDid() throws Exception {
    Digester v2 = Digester.forFormat(2);
    for (int i = 0; i < STATES.size(); i += 7) {
      AddressBook book = STATES.get(i).peer().book();
      assertThat(v2.bookDigest(book)).as("step %d", i).isEqualTo(versionTwoBookDigest(book));
    }
    AddressBook last = STATES.get(STATES.size() - 1).peer().book();
    assertThat(Digester.forFormat(TraceFormat.VERSION).bookDigest(last)).isEqualTo(definedBookDigest(last))
        .isNotEqualTo(versionTwoBookDigest(last));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Digester.forFormat(1))
        .hasMessageContaining("version 1");
  }
}
