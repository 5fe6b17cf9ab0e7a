package dev.cairn.shell.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AddrBookFileTest {

  static final String ID_A = "2d6ea4296e321edc08897614e2a24c4bc3e71d63";
  static final String ID_B = "35aeeb5a43ab2064d3e174dbbe76e191d8218423";
  static final Path FILE = Path.of("config", "addrbook.json");

  @TempDir Path dir;

  static byte[] example() throws Exception {
    return dev.cairn.shell.SharedExamples.bytes("addrbook.example.json");
  }

  @Test
  void example_loadsWithEveryField() throws Exception {
    AddrBookDocument book = AddrBookFile.parse(FILE, example());
    assertThat(book.key()).isEqualTo("9f0c3b5e8d1a2b4c6e7f8091");
    assertThat(book.banned()).isEmpty();
    assertThat(book.addrs()).hasSize(2);
    KnownAddressJson first = book.addrs().get(0);
    assertThat(first.addr()).isEqualTo(new NetAddressJson(ID_A, "203.0.113.10", 26656));
    assertThat(first.src()).isEqualTo(new NetAddressJson(ID_B, "198.51.100.7", 26656));
    assertThat(first.buckets()).contains(List.of(17, 203));
    assertThat(first.bucketType()).isEqualTo(BucketKind.NEW);
    assertThat(first.lastAttempt())
        .isEqualTo(OffsetDateTime.of(2024, 5, 1, 10, 11, 12, 123_456_789, ZoneOffset.UTC));
    assertThat(first.lastSuccess()).isEqualTo(KnownAddressJson.NEVER);
    KnownAddressJson second = book.addrs().get(1);
    assertThat(second.bucketType()).isEqualTo(BucketKind.OLD);
    assertThat(second.buckets()).contains(List.of(42));
    assertThat(second.lastSuccess())
        .isEqualTo(OffsetDateTime.of(2024, 5, 1, 10, 15, 0, 500_000_000, ZoneOffset.ofHours(2)));
  }

  @Test
  void example_reSerialisesByteForByteAsGoWould() throws Exception {
    byte[] original = example();
    AddrBookDocument book = AddrBookFile.parse(FILE, original);
    assertThat(AddrBookFile.render(book)).isEqualTo(new String(original, StandardCharsets.UTF_8));
    assertThat(AddrBookFile.parse(FILE, AddrBookFile.renderBytes(book))).isEqualTo(book);
  }

  @Test
  void emptyBook_isWrittenAsGoWritesIt() {
    AddrBookDocument empty = new AddrBookDocument("000000000000000000000000", List.of(), List.of());
    assertThat(AddrBookFile.render(empty))
        .isEqualTo("{\n\t\"key\": \"000000000000000000000000\",\n\t\"addrs\": []\n}");
  }

  @Test
  void bans_roundTripUnderTheirOwnKey_andGoReadableKeysStayFirst() throws Exception {
    AddrBookDocument example = AddrBookFile.parse(FILE, example());
    KnownAddressJson banned = new KnownAddressJson(
        new NetAddressJson("00112233445566778899aabbccddeeff00112233", "2001:db8::1", 26656),
        new NetAddressJson(ID_B, "198.51.100.7", 26656), Optional.empty(), 3, BucketKind.NEW,
        KnownAddressJson.NEVER, KnownAddressJson.NEVER,
        OffsetDateTime.of(2024, 6, 1, 0, 0, 0, 1, ZoneOffset.UTC));
    AddrBookDocument withBan = new AddrBookDocument(example.key(), example.addrs(), List.of(banned));
    String text = AddrBookFile.render(withBan);
    assertThat(text).contains("\"cairn_banned\": [").contains("\"buckets\": null")
        .contains("\"last_ban_time\": \"2024-06-01T00:00:00.000000001Z\"");
    assertThat(text.indexOf("\"addrs\"")).isLessThan(text.indexOf("\"cairn_banned\""));
    assertThat(AddrBookFile.parse(FILE, text.getBytes(StandardCharsets.UTF_8))).isEqualTo(withBan);
  }

  @Test
  void saveThenLoad_returnsTheSameBook_andAbsentFileIsAFirstStart() throws Exception {
    Path f = dir.resolve("addrbook.json");
    assertThat(AddrBookFile.load(f)).isEmpty();
    AddrBookDocument book = AddrBookFile.parse(FILE, example());
    AddrBookFile.save(f, book);
    assertThat(AddrBookFile.load(f)).contains(book);
    assertThat(Files.readAllBytes(f)).isEqualTo(example());
  }

  @Test
  void missingOptionalFields_takeGoZeroValues() throws Exception {
    String json = "{\"key\":\"9f0c3b5e8d1a2b4c6e7f8091\",\"addrs\":[{\"addr\":" + addr(ID_A, "10.0.0.1")
        + ",\"src\":" + addr(ID_B, "10.0.0.2") + ",\"bucket_type\":1}],\"unknown\":true}";
    KnownAddressJson e = AddrBookFile.parse(FILE, json.getBytes(StandardCharsets.UTF_8)).addrs().get(0);
    assertThat(e.buckets()).isEmpty();
    assertThat(e.attempts()).isZero();
    assertThat(e.lastAttempt()).isEqualTo(KnownAddressJson.NEVER);
    assertThat(e.lastBanTime()).isEqualTo(KnownAddressJson.NEVER);
    String nullAddrs = "{\"key\":\"9f0c3b5e8d1a2b4c6e7f8091\",\"addrs\":null}";
    assertThat(AddrBookFile.parse(FILE, nullAddrs.getBytes(StandardCharsets.UTF_8)).addrs()).isEmpty();
  }

  @Test
  void ipv6AndMappedLiterals_areAccepted_andKeptAsWritten() throws Exception {
    for (String ip : List.of("2001:db8::1", "::1", "::ffff:1.2.3.4", "2001:DB8:0:0:0:0:0:1")) {
      String json = book(entry(addr(ID_A, ip), "[1]", 1));
      assertThat(AddrBookFile.parse(FILE, json.getBytes(StandardCharsets.UTF_8)).addrs().get(0).addr().ip())
          .isEqualTo(ip);
    }
  }

  static String addr(String id, String ip) {
    return "{\"id\":\"" + id + "\",\"ip\":\"" + ip + "\",\"port\":26656}";
  }

  static String entry(String addr, String buckets, int type) {
    return "{\"addr\":" + addr + ",\"src\":" + addr(ID_B, "198.51.100.7") + ",\"buckets\":" + buckets
        + ",\"attempts\":0,\"bucket_type\":" + type
        + ",\"last_attempt\":\"0001-01-01T00:00:00Z\",\"last_success\":\"0001-01-01T00:00:00Z\","
        + "\"last_ban_time\":\"0001-01-01T00:00:00Z\"}";
  }

  static String book(String... entries) {
    return "{\"key\":\"9f0c3b5e8d1a2b4c6e7f8091\",\"addrs\":[" + String.join(",", entries) + "]}";
  }

  static Stream<Arguments> corrupt() {
    String ok = entry(addr(ID_A, "10.0.0.1"), "[1]", 1);
    return Stream.of(
        Arguments.of("truncated", "{\"key\":\"9f0c3b5e8d1a2b4c6e7f8091\",\"addrs\":[",
            "not valid JSON at byte 43 (line 1, column 44): Unexpected end-of-input"),
        Arguments.of("syntax", "{\"key\" \"x\"}", "not valid JSON at byte 7"),
        Arguments.of("trailing garbage", book(ok) + "}", "not valid JSON"),
        Arguments.of("two documents", book(ok) + book(ok),
            "something follows the first JSON value (two documents in one file?)"),
        Arguments.of("top-level array", "[]", "top level must be an object"),
        Arguments.of("key missing", "{\"addrs\":[]}", "key: must be a string"),
        Arguments.of("key short", "{\"key\":\"abc\",\"addrs\":[]}", "key: must be 24 lowercase hex"),
        Arguments.of("addrs object", "{\"key\":\"9f0c3b5e8d1a2b4c6e7f8091\",\"addrs\":{}}",
            "addrs: must be an array"),
        Arguments.of("entry null", book(ok, "null"), "addrs[1]: entry must be an object, found null"),
        Arguments.of("bad id", book(ok, entry(addr("ZZ", "10.0.0.3"), "[1]", 1)),
            "addrs[1].addr.id: must be a node ID"),
        Arguments.of("upper-case id", book(entry(addr(ID_A.toUpperCase(), "10.0.0.3"), "[1]", 1)),
            "addrs[0].addr.id"),
        Arguments.of("hostname ip", book(entry(addr(ID_A, "example.com"), "[1]", 1)),
            "addrs[0].addr.ip: must be an IPv4 or IPv6 literal"),
        Arguments.of("leading-zero ip", book(entry(addr(ID_A, "10.0.0.01"), "[1]", 1)),
            "addrs[0].addr.ip"),
        Arguments.of("empty ip", book(entry(addr(ID_A, ""), "[1]", 1)), "addrs[0].addr.ip"),
        Arguments.of("zoned ipv6", book(entry(addr(ID_A, "fe80::1%eth0"), "[1]", 1)), "addrs[0].addr.ip"),
        Arguments.of("bad src", book(ok.replace(ID_B, "nope")), "addrs[0].src.id"),
        Arguments.of("port string", book(ok.replace("\"port\":26656}", "\"port\":\"26656\"}")),
            "addrs[0].addr.port: must be an integer, found the string \"26656\""),
        Arguments.of("port range", book(ok.replace("\"port\":26656}", "\"port\":70000}")),
            "addrs[0].addr.port: must be in 0..65535, found 70000"),
        Arguments.of("port fraction", book(ok.replace("\"port\":26656}", "\"port\":1.5}")),
            "addrs[0].addr.port: must be an integer"),
        Arguments.of("bucket_type 3", book(entry(addr(ID_A, "10.0.0.1"), "[1]", 3)),
            "addrs[0].bucket_type: must be 1 (new) or 2 (old), found 3"),
        Arguments.of("new bucket out of range", book(entry(addr(ID_A, "10.0.0.1"), "[256]", 1)),
            "addrs[0].buckets[0]: bucket index 256 is out of range for a new address (0..255)"),
        Arguments.of("old bucket out of range", book(entry(addr(ID_A, "10.0.0.1"), "[64]", 2)),
            "addrs[0].buckets[0]: bucket index 64 is out of range for an old address (0..63)"),
        Arguments.of("negative bucket", book(entry(addr(ID_A, "10.0.0.1"), "[-1]", 1)),
            "bucket index -1 is out of range"),
        Arguments.of("five new buckets", book(entry(addr(ID_A, "10.0.0.1"), "[1,2,3,4,5]", 1)),
            "a new address sits in at most 4 buckets, found 5"),
        Arguments.of("two old buckets", book(entry(addr(ID_A, "10.0.0.1"), "[1,2]", 2)),
            "an old address sits in at most 1 bucket, found 2"),
        Arguments.of("repeated bucket", book(entry(addr(ID_A, "10.0.0.1"), "[7,7]", 1)),
            "addrs[0].buckets[1]: bucket index 7 appears twice"),
        Arguments.of("buckets string", book(entry(addr(ID_A, "10.0.0.1"), "\"1\"", 1)),
            "addrs[0].buckets: must be an array"),
        Arguments.of("negative attempts", book(ok.replace("\"attempts\":0", "\"attempts\":-1")),
            "addrs[0].attempts: must be in 0.."),
        Arguments.of("attempts beyond any number", book(ok.replace("\"attempts\":0", "\"attempts\":1e400")),
            "addrs[0].attempts: must be an integer, found a number too large for any field"),
        Arguments.of("nested too deep", "{\"key\":\"9f0c3b5e8d1a2b4c6e7f8091\",\"addrs\":" + "[".repeat(1001)
            + "]".repeat(1001) + "}", "Document nesting depth (1001) exceeds the maximum allowed (1000)"),
        Arguments.of("bad timestamp", book(ok.replace("\"last_attempt\":\"0001-01-01T00:00:00Z\"",
            "\"last_attempt\":\"yesterday\"")), "addrs[0].last_attempt: is not an RFC 3339 timestamp"),
        Arguments.of("timestamp month 13", book(ok.replace("\"last_success\":\"0001-01-01T00:00:00Z\"",
            "\"last_success\":\"2024-13-01T00:00:00Z\"")), "addrs[0].last_success"),
        Arguments.of("timestamp number", book(ok.replace("\"last_ban_time\":\"0001-01-01T00:00:00Z\"",
            "\"last_ban_time\":0")), "addrs[0].last_ban_time: must be an RFC 3339 timestamp string"),
        Arguments.of("duplicate id", book(ok, entry(addr(ID_A, "10.0.0.9"), "[2]", 1)),
            "addrs[1].addr.id: node ID " + ID_A + " already appears in addrs[0]"),
        Arguments.of("bad banned entry",
            "{\"key\":\"9f0c3b5e8d1a2b4c6e7f8091\",\"addrs\":[],\"cairn_banned\":[{}]}",
            "cairn_banned[0].addr: must be an object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corrupt")
  void corruptBook_isRefusedWithFileAndPlaceNamed(String name, String json, String expected) {
    assertThatThrownBy(() -> AddrBookFile.parse(FILE, json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(FILE + ": ")
        .hasMessageContaining(expected)
        .message().doesNotContain("StreamReadConstraints").doesNotContain("Infinity");
  }

  @Test
  void bucketFullerThanCometBftFillsOne_isRefused() throws Exception {
    String[] cometBftFull = new String[65]; // CometBFT's off-by-one lets a bucket hold 65
    for (int i = 0; i < cometBftFull.length; i++) {
      cometBftFull[i] = entry(addr(String.format("%040x", i + 1), "10.0." + (i / 250) + "." + (i % 250 + 1)), "[5]", 2);
    }
    assertThat(AddrBookFile.parse(FILE, book(cometBftFull).getBytes(StandardCharsets.UTF_8)).addrs()).hasSize(65);
    String[] entries = new String[66];
    for (int i = 0; i < entries.length; i++) {
      String id = String.format("%040x", i + 1);
      entries[i] = entry(addr(id, "10.0." + (i / 250) + "." + (i % 250 + 1)), "[5]", 2);
    }
    assertThatThrownBy(() -> AddrBookFile.parse(FILE, book(entries).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("addrs[65].buckets: old bucket 5 would hold more than 65 addresses (CometBFT's books"
            + " hold at most 65)");
  }

  @Test
  void emptyOrCorruptFileOnDisk_isReported_andLeftUntouched() throws Exception {
    Path f = dir.resolve("addrbook.json");
    Files.write(f, new byte[0]);
    assertThatThrownBy(() -> AddrBookFile.load(f)).isInstanceOf(StoreException.class)
        .hasMessageStartingWith(f + ": is empty (0 bytes)");
    byte[] torn = java.util.Arrays.copyOf(example(), 500);
    Files.write(f, torn);
    assertThatThrownBy(() -> AddrBookFile.load(f)).isInstanceOf(StoreException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("not valid JSON at byte 500");
    assertThat(Files.readAllBytes(f)).isEqualTo(torn);
  }
}
