package dev.cairn.shell.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BucketType;
import dev.cairn.core.book.KnownAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePSet;

class AddrBookMappingTest {

  static final Path FILE = Path.of("config", "addrbook.json");
  static final NodeId SELF = NodeId.of("ffffffffffffffffffffffffffffffffffffffff");
  static final BookConfig LAX = BookConfig.defaults(SELF).withStrict(false);

  static long millis(String rfc3339) {
    return Instant.parse(rfc3339).toEpochMilli();
  }

  @Test
  void example_becomesTheCoreBook_withEveryField() throws Exception {
    AddressBook book = AddrBookMapping.toCore(FILE, LAX, AddrBookFile.parse(FILE, AddrBookFileTest.example()));
    assertThat(book.key().hex()).isEqualTo("9f0c3b5e8d1a2b4c6e7f8091");
    assertThat(book.entries()).hasSize(2);
    KnownAddress a = book.get(NodeId.of(AddrBookFileTest.ID_A)).orElseThrow();
    assertThat(a.addr()).isEqualTo(new NodeAddress(NodeId.of(AddrBookFileTest.ID_A), "203.0.113.10", 26656));
    assertThat(a.src().id()).isEqualTo(NodeId.of(AddrBookFileTest.ID_B));
    assertThat(a.type()).isEqualTo(BucketType.NEW);
    assertThat(a.buckets()).containsExactly(17, 203);
    assertThat(a.lastAttempt()).isEqualTo(new WallTime(millis("2024-05-01T10:11:12.123Z")));
    assertThat(a.lastSuccess()).isEqualTo(WallTime.NEVER);
    KnownAddress b = book.get(NodeId.of(AddrBookFileTest.ID_B)).orElseThrow();
    assertThat(b.type()).isEqualTo(BucketType.OLD);
    assertThat(b.buckets()).containsExactly(42);
    assertThat(b.lastSuccess()).isEqualTo(new WallTime(millis("2024-05-01T08:15:00.500Z")));
    assertThat(book.bannedEntries()).isEmpty();
  }

  @Test
  void example_throughTheCore_reSerialisesWithTheSameEntries() throws Exception {
    AddrBookDocument original = AddrBookFile.parse(FILE, AddrBookFileTest.example());
    AddressBook book = AddrBookMapping.toCore(FILE, LAX, original);
    String text = AddrBookFile.render(AddrBookMapping.fromCore(book));
    AddrBookDocument again = AddrBookFile.parse(FILE, text.getBytes(StandardCharsets.UTF_8));
    assertThat(again.key()).isEqualTo(original.key());
    assertThat(again.addrs()).hasSameSizeAs(original.addrs());
    for (int i = 0; i < original.addrs().size(); i++) {
      KnownAddressJson o = original.addrs().get(i);
      KnownAddressJson r = again.addrs().get(i);
      assertThat(r.addr()).isEqualTo(o.addr());
      assertThat(r.src()).isEqualTo(o.src());
      assertThat(r.buckets()).isEqualTo(o.buckets());
      assertThat(r.bucketType()).isEqualTo(o.bucketType());
      assertThat(r.attempts()).isEqualTo(o.attempts());
      // same instants, to the millisecond the core keeps, now written in UTC
      assertThat(AddrBookMapping.wall(r.lastAttempt())).isEqualTo(AddrBookMapping.wall(o.lastAttempt()));
      assertThat(AddrBookMapping.wall(r.lastSuccess())).isEqualTo(AddrBookMapping.wall(o.lastSuccess()));
      assertThat(r.lastBanTime()).isEqualTo(o.lastBanTime());
    }
    assertThat(text).contains("\"last_attempt\": \"2024-05-01T10:11:12.123Z\"")
        .contains("\"last_success\": \"2024-05-01T08:15:00.5Z\"");
    assertThat(AddrBookMapping.toCore(FILE, LAX, again)).isEqualTo(book);
  }

  @Test
  void entriesTheConfigNowRefuses_areLeftOut_andNamedWithTheirReason() throws Exception {
    AddrBookDocument doc = AddrBookFile.parse(FILE, AddrBookFileTest.example());
    NodeId a = NodeId.of(AddrBookFileTest.ID_A);
    NodeId b = NodeId.of(AddrBookFileTest.ID_B);

    BookConfig weAreA = BookConfig.defaults(a).withStrict(false);
    assertThat(AddrBookMapping.toCore(FILE, weAreA, doc).get(a)).isEmpty();
    var left = AddrBookMapping.leftOut(weAreA, doc);
    assertThat(left).containsOnlyKeys(dev.cairn.core.book.AddOutcome.SELF);
    assertThat(left.get(dev.cairn.core.book.AddOutcome.SELF)).extracting(NodeAddress::id).containsExactly(a);

    BookConfig bPrivate = LAX.withPrivateIds(TreePSet.singleton(b));
    var privately = AddrBookMapping.leftOut(bPrivate, doc);
    assertThat(privately.get(dev.cairn.core.book.AddOutcome.PRIVATE)).extracting(NodeAddress::id).containsExactly(b);
    assertThat(privately.get(dev.cairn.core.book.AddOutcome.PRIVATE_SOURCE)).as("a was learned from b")
        .extracting(NodeAddress::id).containsExactly(a);
    assertThat(AddrBookMapping.toCore(FILE, bPrivate, doc).entries()).isEmpty();

    assertThat(AddrBookMapping.leftOut(LAX, doc)).as("nothing refused, nothing named").isEmpty();
  }

  /**
   * A book read and saved again keeps each time as the file wrote it (CometBFT's nanoseconds, its
   * offset) unless the node changed it: the example comes back byte for byte; a time the node
   * changed is written from the core's milliseconds, in UTC.
   */
  @Test
  void savedAgain_theTimesTheNodeDidNotChangeAreWrittenAsTheFileHeldThem() throws Exception {
    byte[] bytes = AddrBookFileTest.example();
    AddrBookDocument original = AddrBookFile.parse(FILE, bytes);
    AddressBook book = AddrBookMapping.toCore(FILE, LAX, original);
    AddrBookMapping.Times times = AddrBookMapping.Times.of(original);
    String again = AddrBookFile.render(AddrBookMapping.fromCore(book, AddrBookMapping.bannedIds(original), times));
    assertThat(again).contains("\"last_attempt\": \"2024-05-01T10:11:12.123456789Z\"")
        .contains("\"last_success\": \"2024-05-01T10:15:00.5+02:00\"")
        .isEqualTo(AddrBookFile.render(original));

    NodeId a = NodeId.of(AddrBookFileTest.ID_A);
    AddressBook tried = book.markAttempt(a, new WallTime(Instant.parse("2026-11-24T12:00:00.042Z").toEpochMilli()));
    String after = AddrBookFile.render(AddrBookMapping.fromCore(tried, AddrBookMapping.bannedIds(original), times));
    assertThat(after).contains("\"last_attempt\": \"2026-11-24T12:00:00.042Z\"")
        .contains("\"last_success\": \"2024-05-01T10:15:00.5+02:00\"");
  }

  /** An entry the core refuses is named where the file holds it, and why, as the reader's own refusals are. */
  @Test
  void anEntryTheCoreRefusesIsNamedByItsPositionInTheFile() throws Exception {
    String ok = AddrBookFileTest.entry(AddrBookFileTest.addr(AddrBookFileTest.ID_A, "8.8.8.8"), "[1]", 1);
    String broadcast = AddrBookFileTest.entry(AddrBookFileTest.addr(AddrBookFileTest.ID_B, "255.255.255.255"), "[2]",
        1);
    AddrBookDocument doc = AddrBookFile.parse(FILE, AddrBookFileTest.book(ok, broadcast)
        .getBytes(StandardCharsets.UTF_8));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AddrBookMapping.toCore(FILE, LAX, doc))
        .isInstanceOf(dev.cairn.shell.store.StoreException.class)
        .hasMessageContaining("addrs[1]: addrbook entry " + AddrBookFileTest.ID_B + "@255.255.255.255:26656: IP"
            + " '255.255.255.255' cannot be a peer's address: it is the broadcast address");
  }

  @Test
  void bans_surviveTheFile_andIpsAreCanonical() throws Exception {
    NodeAddress peer = new NodeAddress(NodeId.of("00112233445566778899aabbccddeeff00112233"), "2a01:4f8::1", 26656);
    NodeAddress src = new NodeAddress(NodeId.of(AddrBookFileTest.ID_B), "198.51.100.7", 26656);
    KnownAddress banned = new KnownAddress(peer, src, TreePSet.empty(), BucketType.NEW, 2,
        new WallTime(millis("2024-06-01T00:00:00Z")), WallTime.NEVER, new WallTime(millis("2024-06-02T00:00:00Z")));
    AddressBook book = AddressBook.restore(LAX, dev.cairn.core.book.BookKey.of("9f0c3b5e8d1a2b4c6e7f8091"),
        List.of(), List.of(banned));
    String text = AddrBookFile.render(AddrBookMapping.fromCore(book)).replace("2a01:4f8::1", "2A01:4F8:0:0::1");
    AddressBook back = AddrBookMapping.toCore(FILE, LAX, AddrBookFile.parse(FILE, text.getBytes(StandardCharsets.UTF_8)));
    assertThat(back.bannedEntries()).containsExactly(banned);
    assertThat(back.isBanned(peer.id(), new WallTime(millis("2024-06-01T12:00:00Z")))).isTrue();
  }

  @Test
  void entryTheCoreRefuses_isAStoreExceptionNamingTheFile() throws Exception {
    // the file format allows null buckets; a new entry of the core's book must sit in one
    String json = AddrBookFileTest.book(AddrBookFileTest.entry(
        AddrBookFileTest.addr(AddrBookFileTest.ID_A, "203.0.113.10"), "null", 1));
    AddrBookDocument doc = AddrBookFile.parse(FILE, json.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> AddrBookMapping.toCore(FILE, LAX, doc))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(FILE + ": ")
        .hasMessageContaining(AddrBookFileTest.ID_A)
        .hasMessageContaining("1..4 new buckets");
  }

  /**
   * A book CometBFT wrote with a full bucket holds 65 addresses there (its add tests the size
   * before it makes room): it loads, the bucket keeping 64. The entry with the earliest last
   * attempt leaves the bucket: an old entry (in one bucket) is then not loaded; a new entry in
   * two buckets keeps the other. Both are named. Cairn refused the whole file before.
   */
  @Test
  void aCometBftBookWithBucketsOfSixtyFive_loadsWithTheOldestLeavingEachFullBucket() throws Exception {
    List<String> entries = new java.util.ArrayList<>();
    for (int i = 0; i < 65; i++) { // old bucket 5: the entry of i = 7 was attempted first
      String id = String.format("%040x", 0x1000 + i);
      String attempt = i == 7 ? "2024-01-01T00:00:00Z" : "2024-06-01T00:00:" + String.format("%02d", i % 60) + "Z";
      entries.add(AddrBookFileTest.entry(AddrBookFileTest.addr(id, "10.0.0." + (i + 1)), "[5]", 2)
          .replace("\"last_attempt\":\"0001-01-01T00:00:00Z\"", "\"last_attempt\":\"" + attempt + "\""));
    }
    for (int i = 0; i < 65; i++) { // new bucket 9: none attempted, the lowest ID leaves it; it is in bucket 10 too
      String id = String.format("%040x", 0x2000 + i);
      entries.add(AddrBookFileTest.entry(AddrBookFileTest.addr(id, "10.0.1." + (i + 1)), i == 0 ? "[9,10]" : "[9]", 1));
    }
    AddrBookDocument doc = AddrBookFile.parse(FILE, AddrBookFileTest.book(entries.toArray(String[]::new))
        .getBytes(StandardCharsets.UTF_8));

    AddressBook book = AddrBookMapping.toCore(FILE, LAX, doc);
    NodeId oldest = NodeId.of(String.format("%040x", 0x1000 + 7));
    NodeId lowNew = NodeId.of(String.format("%040x", 0x2000));
    assertThat(book.nOld()).isEqualTo(64);
    assertThat(book.get(oldest)).as("left its only bucket: not loaded").isEmpty();
    assertThat(book.nNew()).isEqualTo(65);
    assertThat(book.get(lowNew).orElseThrow().buckets()).containsExactly(10);
    assertThat(AddrBookMapping.overflows(LAX, doc)).containsExactly(
        new AddrBookMapping.Overflow(address(oldest, "10.0.0.8"), BucketType.OLD, 5, true),
        new AddrBookMapping.Overflow(address(lowNew, "10.0.1.1"), BucketType.NEW, 9, false));
    assertThat(AddrBookMapping.overflows(LAX, AddrBookFile.parse(FILE, AddrBookFileTest.example())))
        .as("a book within its buckets' size").isEmpty();
  }

  /**
   * An entry the book refuses, after an entry that left a full bucket and was not loaded: the
   * error names the refused entry where the file holds it, not where it is among those loaded; and
   * an entry in more buckets than the book takes is not trimmed into shape by the overflow.
   */
  @Test
  void anEntryTheBookRefusesAfterAnOverflowIsNamedWhereTheFileHoldsIt() throws Exception {
    List<String> entries = new java.util.ArrayList<>();
    for (int i = 0; i < 65; i++) { // new bucket 9: the lowest ID leaves it, and the book
      String id = String.format("%040x", 0x2000 + i);
      entries.add(AddrBookFileTest.entry(AddrBookFileTest.addr(id, "10.0.1." + (i + 1)), "[9]", 1));
    }
    entries.add(AddrBookFileTest.entry(AddrBookFileTest.addr(String.format("%040x", 0x3000), "10.0.2.1"),
        "[10,11,12,13]", 1)); // four new buckets: three at most in this book
    AddrBookDocument doc = AddrBookFile.parse(FILE, AddrBookFileTest.book(entries.toArray(String[]::new))
        .getBytes(StandardCharsets.UTF_8));
    BookConfig three = LAX.withBuckets(256, 64, 64, 64, 32, 4, 3);
    assertThat(AddrBookMapping.overflows(three, doc)).extracting(AddrBookMapping.Overflow::address)
        .extracting(NodeAddress::id).containsExactly(NodeId.of(String.format("%040x", 0x2000)));
    assertThatThrownBy(() -> AddrBookMapping.toCore(FILE, three, doc)).isInstanceOf(StoreException.class)
        .hasMessageContaining("addrs[65]: ").hasMessageContaining("a new entry must be in 1..3");
  }

  private static NodeAddress address(NodeId id, String ip) {
    return new NodeAddress(id, ip, 26656);
  }
}
