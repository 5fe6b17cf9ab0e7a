package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code init} and {@code start} refuse before they write anything: a home a running node
 * holds, a trace file another node is writing, a trace file that cannot be created, an init whose
 * node key or genesis is wrong. Each refusal names the problem and leaves every file as it was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HomeSafetyTest {

  @TempDir Path dir;

  private static CliRun.Result init(Path home, String... extra) {
    return CliRun.cairn(Stream.concat(Stream.of("init", "--home", home.toString()), Stream.of(extra))
        .toArray(String[]::new));
  }

  private static Path config(Path home) {
    return home.resolve("config").resolve("config.toml");
  }

  /** {@code start} for 300 ms after config.toml's line of {@code key} is set to {@code line}. */
  private static CliRun.Result startWith(Path home, String key, String line) throws IOException {
    String toml = Files.readString(config(home));
    Files.writeString(config(home), toml.replaceFirst("(?m)^" + key + " = .*$",
        java.util.regex.Matcher.quoteReplacement(line)));
    return CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
  }

  /** A home with its own free loopback port. */
  private Path home(String name) throws IOException {
    Path home = dir.resolve(name);
    assertThat(init(home, "--network", "test-chain").exit()).isZero();
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String toml = Files.readString(config(home));
    Files.writeString(config(home), toml.replaceFirst("(?m)^laddr = .*$", "laddr = \"tcp://127.0.0.1:" + port + "\""));
    return home;
  }

  /** Runs {@code start} for {@code duration} on another thread, once its trace has its first step. */
  private static CompletableFuture<CliRun.Result> running(Path home, Path trace) throws Exception {
    CompletableFuture<CliRun.Result> first = CompletableFuture.supplyAsync(() -> CliRun.cairn("start", "--home",
        home.toString(), "--trace", trace.toString(), "--duration", "4s"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!(Files.isRegularFile(trace) && Files.size(trace) > 0) && System.nanoTime() < deadline) {
      assertThat(first).as("the first node is still running").isNotDone();
      Thread.sleep(20);
    }
    assertThat(trace).as("the running node's trace").isRegularFile();
    return first;
  }

  /** {@code start} of {@code home} into {@code trace} for 300 ms, on this thread. */
  private static CliRun.Result briefly(Path home, Path trace) {
    return CliRun.cairn("start", "--home", home.toString(), "--trace", trace.toString(), "--duration", "300ms");
  }

  private static List<String> names(Path d) throws IOException {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * The external address is what the node advertises (NodeInfo {@code listen_addr}): one peers
   * cannot dial stops the start, naming the key, before anything is written.
   */
  @Test
  void anExternalAddressPeersCannotDialIsRefused() throws Exception {
    Path home = home("external");
    for (String bad : List.of("0.0.0.0:26656", "203.0.113.9:0", "no-such-host.invalid:26656")) {
      CliRun.Result r = startWith(home, "external_address", "external_address = \"" + bad + "\"");
      assertThat(r.exit()).as(bad).isEqualTo(1);
      assertThat(r.err()).contains("[p2p] external_address = \"" + bad + "\": ");
      assertThat(r.out()).doesNotContain("\"started\"");
    }
    assertThat(StartCommand.externalProblem(dev.cairn.shell.config.HostPort.parse("node.example:26656"),
        h -> java.net.InetAddress.getByName("198.51.100.4"))).as("a name that resolves").isNull();
    assertThat(StartCommand.externalProblem(dev.cairn.shell.config.HostPort.parse("[::]:26656"), h -> null))
        .contains("unspecified");
    assertThat(StartCommand.advertised(dev.cairn.shell.config.HostPort.parse("node.example:26656"),
        h -> java.net.InetAddress.getByName("2001:db8::4"))).as("a name is advertised as its IP")
        .isEqualTo("[2001:db8::4]:26656");
    assertThat(StartCommand.advertised(dev.cairn.shell.config.HostPort.parse("198.51.100.4:26656"), h -> null))
        .isEqualTo("198.51.100.4:26656");
  }

  /**
   * Entries of addrbook.json the config now refuses (here: one with the node's own ID) are not
   * loaded and not saved back, but the file as it was is kept beside the book first.
   */
  @Test
  void aBookWithEntriesTheConfigRefusesIsKeptAsItWas() throws Exception {
    Path home = home("refused");
    String self = CliRun.cairn("show-node-id", "--home", home.toString()).out().strip();
    String example = dev.cairn.shell.SharedExamples.text("addrbook.example.json");
    String original = example.replace("2d6ea4296e321edc08897614e2a24c4bc3e71d63", self);
    Path book = home.resolve("config").resolve("addrbook.json");
    Files.writeString(book, original);

    CliRun.Result r = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(r.exit()).as(r.err()).isZero();
    assertKeptAsItWas(book, original);
    assertThat(Files.readString(book)).as("saved without the node's own entry").doesNotContain(self)
        .contains("35aeeb5a43ab2064d3e174dbbe76e191d8218423");
    assertThat(StartCommand.keptBook(Path.of("c", "addrbook.json"), java.time.Instant.parse("2026-11-24T05:15:00Z")))
        .isEqualTo(Path.of("c", "addrbook.20261124T051500Z.json"));
    assertThat(StartCommand.keptBook(Path.of("book"), java.time.Instant.parse("2026-11-24T05:15:00Z")))
        .isEqualTo(Path.of("book.20261124T051500Z"));
  }

  /**
   * Fields of addrbook.json this build does not read (a newer build's, another tool's) are named,
   * and the file as it was is kept beside the book before a save writes it without them; a book
   * with none keeps no copy.
   */
  @Test
  void aBookWithFieldsThisBuildDoesNotReadIsKeptAsItWas() throws Exception {
    Path home = home("unknown-fields");
    String example = dev.cairn.shell.SharedExamples.text("addrbook.example.json");
    String original = example.replaceFirst("\\{", "{\"version\": 99,").replaceFirst("\"attempts\"", "\"note\": 1, \"attempts\"");
    Path book = home.resolve("config").resolve("addrbook.json");
    Files.writeString(book, original);
    assertThat(dev.cairn.shell.store.AddrBookFile.unknownFields(original.getBytes(java.nio.charset.StandardCharsets.UTF_8), 6))
        .containsExactly("version", "addrs[0].note");
    CliRun.Result r = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(r.exit()).as(r.err()).isZero();
    assertKeptAsItWas(book, original);
    assertThat(Files.readString(book)).doesNotContain("\"version\"").doesNotContain("\"note\"");
    assertThat(dev.cairn.shell.store.AddrBookFile.unknownFields(example.getBytes(java.nio.charset.StandardCharsets.UTF_8), 6))
        .as("CometBFT's own example").isEmpty();
  }

  /**
   * A book CometBFT wrote with a bucket of 65 addresses (its bucket check is off by one) starts the
   * node: the entry that leaves the bucket is named, and the file as it was is kept beside the book
   * first. The node refused to start with it before.
   */
  @Test
  void aCometBftBookWithABucketOfSixtyFive_startsTheNode() throws Exception {
    Path home = home("overfull");
    List<String> entries = new java.util.ArrayList<>();
    for (int i = 0; i < 65; i++) { // none attempted: the lowest ID leaves the bucket
      entries.add("{\"addr\":{\"id\":\"" + String.format("%040x", 0x1000 + i) + "\",\"ip\":\"203.0.0." + (i + 1)
          + "\",\"port\":26656},\"src\":{\"id\":\"35aeeb5a43ab2064d3e174dbbe76e191d8218423\",\"ip\":"
          + "\"198.51.100.7\",\"port\":26656},\"buckets\":[24],\"attempts\":0,\"bucket_type\":1,"
          + "\"last_attempt\":\"0001-01-01T00:00:00Z\",\"last_success\":\"0001-01-01T00:00:00Z\","
          + "\"last_ban_time\":\"0001-01-01T00:00:00Z\"}");
    }
    String original = "{\"key\":\"9f0c3b5e8d1a2b4c6e7f8091\",\"addrs\":[" + String.join(",", entries) + "]}";
    Path book = home.resolve("config").resolve("addrbook.json");
    Files.writeString(book, original);

    List<String> warned;
    CliRun.Result r;
    try (dev.cairn.shell.LogLines lines = dev.cairn.shell.LogLines.of(StartCommand.class)) {
      r = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
      warned = lines.events().stream().map(e -> e.getFormattedMessage())
          .filter(m -> m.startsWith("event=addrbook_buckets_overfull")).toList();
    }
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(warned).singleElement().asString().contains("buckets=1 ")
        .contains("addresses=" + String.format("%040x", 0x1000) + "@203.0.0.1:26656 ").contains("left_out=1 ");
    assertKeptAsItWas(book, original);
    assertThat(Files.readString(book)).as("saved with 64 of them").doesNotContain(String.format("%040x", 0x1000))
        .contains(String.format("%040x", 0x1000 + 64));
  }

  /** One copy of the book as it was ({@code addrbook.STAMP.json}) lies beside it. */
  private static void assertKeptAsItWas(Path book, String original) throws IOException {
    List<Path> kept;
    try (Stream<Path> files = Files.list(book.getParent())) {
      kept = files.filter(f -> f.getFileName().toString().matches("addrbook\\.\\d{8}T\\d{6}Z\\.json")).toList();
    }
    assertThat(kept).as("one copy kept beside the book").hasSize(1);
    assertThat(Files.readString(kept.get(0))).isEqualTo(original);
  }

  /** The persistent-peer rule of the config is said in config.toml's key, with what breaks it. */
  @Test
  void peerIdRulesAreSaidInTheConfigsTerms() throws Exception {
    Path home = home("ids");
    String other = "35aeeb5a43ab2064d3e174dbbe76e191d8218423";
    CliRun.Result r = startWith(home, "persistent_peers",
        "persistent_peers = \"" + other + "@10.0.0.1:26656," + other + "@10.0.0.2:26656\"");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("config.toml: [p2p] persistent_peers lists " + other
            + " at two addresses (10.0.0.1:26656 and 10.0.0.2:26656)")
        .doesNotContain("invalid peer config");
  }

  /**
   * This node's own ID in {@code private_peer_ids} or {@code unconditional_peer_ids} (one list
   * shared by the configs of a validator and its sentries) is skipped with a warning, as in {@code
   * persistent_peers}, and the node starts with the rest of the list, as CometBFT does.
   */
  @Test
  void ownIdInAnIdListIsSkippedWithAWarning() throws Exception {
    Path home = home("own-ids");
    String self = CliRun.cairn("show-node-id", "--home", home.toString()).out().strip();
    String other = "35aeeb5a43ab2064d3e174dbbe76e191d8218423";
    String toml = Files.readString(config(home));
    dev.cairn.shell.LogLines lines = dev.cairn.shell.LogLines.of(dev.cairn.shell.node.CoreConfigs.class);
    try {
      for (String key : List.of("private_peer_ids", "unconditional_peer_ids")) {
        Files.writeString(config(home), toml);
        lines.clear();
        CliRun.Result r = startWith(home, key, key + " = \"" + other + "," + self + "\"");
        assertThat(r.exit()).as(key + ": " + r.err()).isZero();
        assertThat(lines.events()).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).as(key)
            .containsExactly("event=config_skip key=" + key + " peer=" + self + " reason=our_own_id");
      }
    } finally {
      lines.close();
    }
  }

  /**
   * A node listening on 0.0.0.0 with no {@code external_address} advertises an address that names
   * no host: it is warned about once at start, and not when either names a host.
   */
  @Test
  void anUnspecifiedAdvertisedAddressIsWarnedAbout() throws Exception {
    Path home = home("unspecified");
    String toml = Files.readString(config(home));
    String port = toml.lines().filter(l -> l.startsWith("laddr = ")).findFirst().orElseThrow().replaceAll(".*:(\\d+)\"$", "$1");
    dev.cairn.shell.LogLines lines = dev.cairn.shell.LogLines.of(StartCommand.class);
    try {
      CliRun.Result r = startWith(home, "laddr", "laddr = \"tcp://0.0.0.0:" + port + "\"");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(lines.events()).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .filteredOn(m -> m.startsWith("event=advertised_unspecified"))
          .singleElement().asString().contains("advertised=0.0.0.0:" + port).contains("set external_address");
      lines.clear();
      r = startWith(home, "external_address", "external_address = \"203.0.113.7:" + port + "\"");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(lines.events()).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .noneMatch(m -> m.startsWith("event=advertised_unspecified"));
    } finally {
      lines.close();
    }
  }

  /**
   * A probe's connection (an inbound peer that gives no address it listens on: its listen address
   * is refused as invalid, by its IP) is a step outside the spec's abstraction, which has no IPs:
   * the node's trace still validates, the step counted as outside the abstraction, not INVALID.
   */
  @Test
  void aProbedNodesTraceValidates() throws Exception {
    Path home = home("probed");
    Path trace = dir.resolve("probed.trace");
    String id = CliRun.cairn("show-node-id", "--home", home.toString()).out().strip();
    String laddr = Files.readString(config(home)).lines().filter(l -> l.startsWith("laddr = ")).findFirst()
        .orElseThrow();
    String port = laddr.substring(laddr.lastIndexOf(':') + 1, laddr.length() - 1);
    CompletableFuture<CliRun.Result> node = running(home, trace);
    CliRun.Result probe = CliRun.cairn("probe", id + "@127.0.0.1:" + port, "--network", "test-chain");
    assertThat(probe.exit()).as(probe.err()).isZero();
    assertThat(node.get(30, TimeUnit.SECONDS).exit()).isZero();
    CliRun.Result v = CliRun.cairn("trace", "validate", trace.toString());
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
    assertThat(v.out()).contains("outside abstraction");
  }

  /**
   * The book of another home whose node runs is refused: the two nodes would save over each
   * other's books, each writing its own ID and private peers into the other's. The running node's
   * book is left as it is.
   */
  @Test
  void theBookOfAnotherRunningHomeIsRefused() throws Exception {
    Path a = home("book-owner");
    Path b = home("book-borrower");
    Path trace = dir.resolve("owner.trace");
    CompletableFuture<CliRun.Result> owner = running(a, trace);
    Path book = a.resolve("config").resolve("addrbook.json");
    byte[] before = Files.exists(book) ? Files.readAllBytes(book) : null;
    CliRun.Result r = startWith(b, "addr_book_file", "addr_book_file = \""
        + book.toString().replace("\\", "\\\\") + "\"");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("it is the address book of the home " + a.toRealPath())
        .contains("which a running node uses");
    assertThat(r.out()).doesNotContain("\"started\"");
    if (before != null) {
      assertThat(Files.readAllBytes(book)).isEqualTo(before);
    }
    assertThat(owner.get(30, TimeUnit.SECONDS).exit()).isZero();
    // once that node stopped, the book may be taken over (an operator moving a node's book)
    assertThat(startWith(b, "addr_book_file", "addr_book_file = \"" + book.toString().replace("\\", "\\\\")
        + "\"").exit()).isZero();
  }

  /** config.toml's {@code addr_book_file} set to {@code book}. */
  private static void bookAt(Path home, Path book) throws IOException {
    String toml = Files.readString(config(home));
    Files.writeString(config(home), toml.replaceFirst("(?m)^addr_book_file = .*$",
        java.util.regex.Matcher.quoteReplacement("addr_book_file = \"" + book.toString().replace("\\", "\\\\")
            + "\"")));
  }

  /**
   * A book outside every home (a shared folder) given to two nodes: the second start is refused
   * while the first runs, naming the book's lock, and the first node's book is left as it is;
   * once the first stopped, the second may take the book over.
   */
  @Test
  void aBookOutsideTheHomesIsKeptByOneRunningNodeAtATime() throws Exception {
    Path a = home("shared-a");
    Path b = home("shared-b");
    Path book = dir.resolve("shared").resolve("addrbook.json");
    bookAt(a, book);
    bookAt(b, book);
    assertThat(CliRun.cairn("start", "--home", a.toString(), "--duration", "300ms").exit()).isZero();
    assertThat(book).as("saved by a first run").isRegularFile();
    CompletableFuture<CliRun.Result> first = running(a, dir.resolve("shared-a.trace"));
    assertThat(book.resolveSibling("addrbook.json.lock")).as("the lock beside the book").isRegularFile();
    byte[] before = Files.readAllBytes(book);
    Object file = Files.readAttributes(book, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    CliRun.Result r = CliRun.cairn("start", "--home", b.toString(), "--duration", "300ms");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("addr_book_file = \"" + book + "\"")
        .contains("it is the address book of another running node (" + book.getParent().toRealPath().resolve(
            "addrbook.json.lock") + " is locked)");
    assertThat(r.out()).doesNotContain("\"started\"");
    assertThat(Files.readAllBytes(book)).isEqualTo(before);
    assertThat(Files.readAttributes(book, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
        .as("not even replaced by a copy of itself (the start's check that it can be)").isEqualTo(file);
    assertThat(first.get(30, TimeUnit.SECONDS).exit()).isZero();
    CliRun.Result after = CliRun.cairn("start", "--home", b.toString(), "--duration", "300ms");
    assertThat(after.exit()).as(after.err()).isZero();
  }

  /**
   * A book anywhere in another running node's home, not only its {@code config/}, is that node's:
   * refused, naming the home and its lock. A book in the node's own home takes no lock of its own.
   */
  @Test
  void aBookInAnotherRunningHomesFolderIsRefused() throws Exception {
    Path a = home("folder-owner");
    Path b = home("folder-borrower");
    CompletableFuture<CliRun.Result> owner = running(a, dir.resolve("folder-owner.trace"));
    Path book = a.resolve("data").resolve("books").resolve("b.json");
    bookAt(b, book);
    CliRun.Result r = CliRun.cairn("start", "--home", b.toString(), "--duration", "300ms");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("it is a file of the home " + a.toRealPath())
        .contains(HomeLock.file(a.toRealPath()) + " is locked");
    assertThat(book).doesNotExist();
    assertThat(owner.get(30, TimeUnit.SECONDS).exit()).isZero();
    assertThat(a.resolve("config").resolve("addrbook.json.lock")).as("no lock file for a book in its home")
        .doesNotExist();
  }

  /**
   * A book that cannot be replaced as a save replaces it is found at the start, and is left
   * untouched; one that can is replaced by the same bytes, and nothing else is left beside it.
   */
  @Test
  void aBookThatCannotBeReplacedIsFoundAtTheStart() throws Exception {
    Path book = Files.writeString(dir.resolve("addrbook.json"), "{\"key\":\"k\",\"addrs\":[]}");
    assertThat(StartCommand.cannotReplace(book)).isNull();
    assertThat(Files.readString(book)).isEqualTo("{\"key\":\"k\",\"addrs\":[]}");
    assertThat(names(dir)).containsExactly("addrbook.json");
    Path inTheWay = Files.createDirectories(dir.resolve("addrbook.json.start-check.tmp").resolve("full"));
    assertThat(StartCommand.cannotReplace(book)).startsWith("it cannot be replaced by a new save (");
    assertThat(Files.readString(book)).isEqualTo("{\"key\":\"k\",\"addrs\":[]}");
    assertThat(inTheWay).isDirectory();
    assertThat(StartCommand.cannotReplace(dir.resolve("none.json"))).as("no book yet").isNull();
  }

  /** A metrics server on the node's own port is refused up front, naming both keys, not blamed on laddr later. */
  @Test
  void aMetricsPortThatIsTheListenPortIsRefused() throws Exception {
    Path home = home("metrics");
    String toml = Files.readString(config(home));
    String laddr = toml.lines().filter(l -> l.startsWith("laddr = ")).findFirst().orElseThrow();
    String port = laddr.substring(laddr.lastIndexOf(':') + 1, laddr.length() - 1);
    Files.writeString(config(home), toml.replaceFirst("(?m)^prometheus = .*$", "prometheus = true")
        .replaceFirst("(?m)^prometheus_listen_addr = .*$", "prometheus_listen_addr = \":" + port + "\""));
    CliRun.Result r = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("prometheus_listen_addr = \":" + port + "\" takes the port of [p2p] laddr");
    assertThat(new dev.cairn.shell.config.MetricsConfig(true, "127.0.0.2:" + port, "cometbft")
        .clashesWith(dev.cairn.shell.config.HostPort.parse("127.0.0.1:" + port))).as("another host").isFalse();
    assertThat(new dev.cairn.shell.config.MetricsConfig(true, "localhost:" + port, "cometbft")
        .clashesWith(dev.cairn.shell.config.HostPort.parse("127.0.0.1:" + port))).as("a name for the same host").isTrue();
    assertThat(new dev.cairn.shell.config.MetricsConfig(false, ":" + port, "cometbft")
        .clashesWith(dev.cairn.shell.config.HostPort.parse("127.0.0.1:" + port))).as("metrics off").isFalse();
  }

  /** pex = false is refused, not ignored: the node would share no channel with any peer. */
  @Test
  void pexOffIsRefusedNotIgnored() throws Exception {
    CliRun.Result r = startWith(home("nopex"), "pex", "pex = false");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("[p2p] pex = false: this node runs the PEX reactor alone");
    assertThat(r.out()).doesNotContain("\"started\"");
  }

  /**
   * A book the node cannot save as it stops (here a directory took its name while the node ran)
   * is not a clean stop: the stopped line says so and the status is 1.
   */
  @Test
  void aBookThatCannotBeSavedAtTheStopIsSaid() throws Exception {
    Path home = home("unsaved");
    Path trace = dir.resolve("unsaved.trace");
    CompletableFuture<CliRun.Result> run = running(home, trace);
    Path book = home.resolve("config").resolve("addrbook.json");
    Files.deleteIfExists(book);
    Files.createDirectories(book.resolve("in-the-way"));
    CliRun.Result r = run.get(30, TimeUnit.SECONDS);
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).contains("\"address_book_saved\":false");
    assertThat(r.err()).contains("the address book could not be saved to " + book);
  }

  /** An error a command throws is one line, named by that command, as its own messages are. */
  @Test
  void aConfigErrorIsOneLineNamedByTheCommand() throws Exception {
    CliRun.Result r = startWith(home("float"), "max_num_inbound_peers", "max_num_inbound_peers = 1e3");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("cairn start: ").contains("max_num_inbound_peers").contains("(write 1000)")
        .doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void aSecondStartOfARunningHomeStopsBeforeTouchingItsTrace() throws Exception {
    Path home = home("a");
    Path traces = Files.createDirectories(dir.resolve("traces"));
    Path trace = traces.resolve("n.trace");
    CompletableFuture<CliRun.Result> first = running(home, trace);

    CliRun.Result second = briefly(home, trace);

    assertThat(second.exit()).isEqualTo(1);
    assertThat(second.err()).contains("the home " + home + " is in use by another running node")
        .contains("cairn.lock");
    assertThat(second.out()).doesNotContain("\"started\"");
    assertThat(names(traces)).as("the running node's trace, not renamed aside").containsExactly("n.trace");
    CliRun.Result ended = first.get(30, TimeUnit.SECONDS);
    assertThat(ended.exit()).as(ended.err()).isZero();

    CliRun.Result after = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(after.exit()).as("the lock ends with the node: " + after.err()).isZero();
  }

  @Test
  void startRefusesATraceFileAnotherRunningNodeWrites() throws Exception {
    Path a = home("a");
    Path b = home("b");
    Path traces = Files.createDirectories(dir.resolve("traces"));
    Path trace = traces.resolve("n.trace");
    CompletableFuture<CliRun.Result> first = running(a, trace);

    CliRun.Result other = briefly(b, trace);

    assertThat(other.exit()).isNotZero();
    assertThat(other.err()).contains(trace.toString()).contains("is being written by a running node");
    assertThat(names(traces)).containsExactly("n.trace");
    assertThat(first.get(30, TimeUnit.SECONDS).exit()).isZero();
  }

  @Test
  void startRefusesATraceFileItCannotCreateBeforeItStarts() throws Exception {
    Path home = home("a");
    String tooLong = "x".repeat(300) + ".trace";

    CliRun.Result empty = CliRun.cairn("start", "--home", home.toString(), "--trace", "", "--duration", "300ms");
    CliRun.Result longName = CliRun.cairn("start", "--home", home.toString(), "--trace",
        dir.resolve(tooLong).toString(), "--duration", "300ms");

    assertThat(empty.exit()).as("a command line start cannot take, as an empty --home").isEqualTo(2);
    assertThat(empty.err()).contains("--trace '' names no file");
    assertThat(longName.exit()).isNotZero();
    assertThat(longName.err()).contains("cannot create the trace file").contains(tooLong);
    for (CliRun.Result r : List.of(empty, longName)) {
      assertThat(r.out()).as("refused before the node started").doesNotContain("\"started\"");
    }
  }

  /**
   * A --trace whose directory does not exist is refused before anything is written, naming it, as
   * trace cut refuses such an --out: start made every missing directory, at any depth. The
   * config's trace_file, resolved against the home, still has its directory made.
   */
  @Test
  void aTraceOnTheCommandLineInADirectoryThatIsNotThereIsRefused() throws Exception {
    Path home = home("trace-dir");
    Path missing = dir.resolve("no/such/dir");
    Path trace = missing.resolve("x.trace");

    CliRun.Result r = CliRun.cairn("start", "--home", home.toString(), "--trace", trace.toString(), "--duration",
        "300ms");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("cairn start: --trace " + trace + ": its directory " + missing + " does not exist");
    assertThat(r.err().lines()).as("one line: " + r.err()).hasSize(1);
    assertThat(r.out()).doesNotContain("\"started\"");
    assertThat(dir.resolve("no")).as("no directory made").doesNotExist();
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");
    CliRun.Result underAFile = CliRun.cairn("start", "--home", home.toString(), "--trace",
        aFile.resolve("x.trace").toString(), "--duration", "300ms");
    assertThat(underAFile.exit()).isEqualTo(1);
    assertThat(underAFile.err()).contains("its directory " + aFile + " is not a directory");

    CliRun.Result configured = startWith(home, "trace_file", "trace_file = \"traces/node.trace\"");
    assertThat(configured.exit()).as(configured.err()).isZero();
    assertThat(home.resolve("traces").resolve("node.trace")).exists();
  }

  @Test
  void anAddressBookThatCouldNotBeSavedStopsTheStart() throws Exception {
    Path home = home("a");
    String toml = Files.readString(config(home));
    Files.writeString(config(home), toml.replaceFirst("(?m)^addr_book_file = .*$",
        "addr_book_file = \"/proc/cairn-test/addrbook.json\""));

    CliRun.Result r = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("[p2p] addr_book_file = \"/proc/cairn-test/addrbook.json\": cannot write there")
        .doesNotContain(".probe");
    assertThat(r.out()).doesNotContain("\"started\"");
  }

  @Test
  void aLinkedAddressBookIsSavedWhereTheLinkPointsAndALinkToNothingIsRefused() throws Exception {
    Path home = home("a");
    Path book = home.resolve("config").resolve("addrbook.json");
    Path real = dir.resolve("shared-book.json");
    assertThat(CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms").exit()).isZero();
    Files.move(book, real);
    Files.createSymbolicLink(book, real);
    byte[] before = Files.readAllBytes(real);

    CliRun.Result linked = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");

    assertThat(linked.exit()).as(linked.err()).isZero();
    assertThat(Files.isSymbolicLink(book)).as("the link stays a link: the book was saved where it points").isTrue();
    assertThat(dev.cairn.shell.store.AddrBookFile.load(real)).isPresent();
    assertThat(before).isNotEmpty();

    Files.delete(real);
    CliRun.Result dangling = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(dangling.exit()).isEqualTo(1);
    assertThat(dangling.err()).contains("is a symbolic link to a file that does not exist");
    assertThat(Files.isSymbolicLink(book)).isTrue();
  }

  @Test
  void aHomeThatIsNoDirectoryIsAUsageError() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "mine");

    CliRun.Result empty = CliRun.cairn("init", "--home", "", "--network", "t");
    CliRun.Result aFile = CliRun.cairn("show-node-id", "--home", file.toString());

    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err()).contains("invalid --home '': names no directory");
    assertThat(aFile.exit()).isEqualTo(2);
    assertThat(aFile.err()).contains("the home " + file + " (--home) is a file, not a directory");
    assertThat(Files.readString(file)).isEqualTo("mine");
  }

  @Test
  void initWithAWrongNodeKeyOrGenesisWritesNothing() throws Exception {
    Path badKey = dir.resolve("bad-key");
    Files.createDirectories(badKey.resolve("config"));
    Files.writeString(badKey.resolve("config").resolve("node_key.json"), "garbage");
    Path otherChain = dir.resolve("other-chain");
    Files.createDirectories(otherChain.resolve("config"));
    Files.writeString(otherChain.resolve("config").resolve("genesis.json"), "{\"chain_id\":\"gchain\"}");
    Path brokenGenesis = dir.resolve("broken-genesis");
    Files.createDirectories(brokenGenesis.resolve("config").resolve("genesis.json"));

    CliRun.Result key = init(badKey, "--network", "t");
    CliRun.Result chain = init(otherChain, "--network", "other");
    CliRun.Result genesis = init(brokenGenesis, "--network", "t");

    assertThat(key.err()).contains("node_key.json").contains("not valid JSON at line 1, column");
    assertThat(chain.err()).contains("--network 'other' differs from the chain_id 'gchain' of")
        .contains("leave --network out");
    assertThat(genesis.err()).contains("genesis.json").contains("is a directory, not a file");
    for (CliRun.Result r : List.of(key, chain, genesis)) {
      assertThat(r.exit()).isNotZero();
    }
    assertThat(Files.readString(badKey.resolve("config").resolve("node_key.json"))).isEqualTo("garbage");
    for (Path home : List.of(badKey, otherChain, brokenGenesis)) {
      assertThat(config(home)).as("nothing written in " + home).doesNotExist();
      assertThat(home.resolve("data")).doesNotExist();
    }
    assertThat(init(otherChain, "--network", "gchain").exit()).as("the genesis's own chain").isZero();
  }

  @Test
  void initNamesAMonikerWithAControlCharacter() throws Exception {
    Path home = dir.resolve("m");

    CliRun.Result r = init(home, "--network", "t", "--moniker", "a\nb");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("cairn init: --moniker \"a\\nb\": ").contains("printable ASCII");
    assertThat(config(home)).doesNotExist();
  }

  /**
   * A save that a crash (kill -9) cut short leaves its temporary file beside the book; the next
   * start removes such files before its first save, so that a node that keeps crashing does not
   * fill the disk with them. The book itself and other files are untouched.
   */
  @Test
  void aStartRemovesTheTemporariesOfSavesACrashCutShort() throws Exception {
    Path home = home("stale-temporaries");
    Path config = home.resolve("config");
    Path stale1 = Files.writeString(config.resolve(".addrbook.json.123456.tmp"), "{\"key\":");
    Path stale2 = Files.createFile(config.resolve(".addrbook.json.99.tmp"));
    Path other = Files.writeString(config.resolve(".other.json.5.tmp"), "not the book's");
    CliRun.Result r = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(stale1).doesNotExist();
    assertThat(stale2).doesNotExist();
    assertThat(other).exists();
    assertThat(config.resolve("addrbook.json")).exists();
  }

  /**
   * A trace file that is the address book is refused before anything is written: the book's
   * first save would rename over the trace (and a trace started over a book would end it).
   */
  @Test
  void aTraceFileThatIsTheAddressBookIsRefused() throws Exception {
    Path home = home("trace-is-book");
    CliRun.Result r = startWith(home, "trace_file", "trace_file = \"config/addrbook.json\"");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("the trace file ").contains("is the address book ([p2p] addr_book_file = "
        + "\"config/addrbook.json\"): give the trace a file of its own");
    assertThat(r.out()).doesNotContain("\"started\"");
    assertThat(home.resolve("config").resolve("addrbook.json")).doesNotExist();
    CliRun.Result viaOption = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms", "--trace",
        home.resolve("data").resolve("..").resolve("config").resolve("addrbook.json").toString());
    assertThat(viaOption.exit()).as(viaOption.err()).isEqualTo(1);
    assertThat(viaOption.err()).contains("is the address book");
  }

  /**
   * A node key that is a symbolic link to nothing (a secrets mount not mounted) is neither a
   * missing key nor replaced: start, show-node-id and init (with --force too) refuse it, naming
   * the link's target, and the link stays a link.
   */
  @Test
  void aNodeKeyLinkedToNothingIsNeverReplaced() throws Exception {
    Path home = home("dangling-key");
    Path key = home.resolve("config").resolve("node_key.json");
    Path target = dir.resolve("secrets-not-mounted").resolve("node_key.json");
    Files.delete(key);
    Files.createSymbolicLink(key, target);
    for (String[] args : List.of(new String[] {"start", "--home", home.toString(), "--duration", "300ms"},
        new String[] {"show-node-id", "--home", home.toString()},
        new String[] {"init", "--home", home.toString()},
        new String[] {"init", "--home", home.toString(), "--force", "--network", "test-chain"})) {
      CliRun.Result r = CliRun.cairn(args);
      assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(1);
      assertThat(r.err()).as(args[0]).contains(key + " is a symbolic link to " + target + ", which does not exist");
      assertThat(Files.isSymbolicLink(key)).as("after " + String.join(" ", args)).isTrue();
    }
    assertThat(target).doesNotExist();
  }

  /** init --force does not rewrite a running node's config: the home's lock refuses it; after the node ends, it may. */
  @Test
  void initForceOfARunningNodesHomeIsRefused() throws Exception {
    Path home = home("running-init");
    byte[] before = Files.readAllBytes(config(home));
    CompletableFuture<CliRun.Result> node = running(home, dir.resolve("running-init.trace"));
    CliRun.Result r = CliRun.cairn("init", "--home", home.toString(), "--force", "--network", "test-chain");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("is in use by a running node").contains("init does not rewrite a running node's files");
    assertThat(Files.readAllBytes(config(home))).isEqualTo(before);
    assertThat(node.get(30, TimeUnit.SECONDS).exit()).isZero();
    CliRun.Result after = CliRun.cairn("init", "--home", home.toString(), "--force", "--network", "test-chain");
    assertThat(after.exit()).as(after.err()).isZero();
  }

  /**
   * CometBFT's node_key_file is resolved against the home: the home's own key written as an
   * absolute path is accepted, another file refused by start and by show-node-id (which would
   * print an ID the node never runs as).
   */
  @Test
  void nodeKeyFileIsJudgedAgainstTheHome() throws Exception {
    Path home = home("node-key-file");
    String toml = Files.readString(config(home));
    Path key = home.resolve("config").resolve("node_key.json").toAbsolutePath();
    Files.writeString(config(home), "node_key_file = \"" + key + "\"\n" + toml);
    CliRun.Result same = CliRun.cairn("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(same.exit()).as(same.err()).isZero();
    Files.writeString(config(home), "node_key_file = \"config/other_key.json\"\n" + toml);
    for (String[] args : List.of(new String[] {"start", "--home", home.toString(), "--duration", "300ms"},
        new String[] {"show-node-id", "--home", home.toString()})) {
      CliRun.Result r = CliRun.cairn(args);
      assertThat(r.exit()).as(args[0] + ": " + r.err()).isEqualTo(1);
      assertThat(r.err()).as(args[0]).contains("node_key_file = \"config/other_key.json\": Cairn reads config/node_key.json");
      assertThat(r.out()).as(args[0]).isEmpty();
    }
  }
}
