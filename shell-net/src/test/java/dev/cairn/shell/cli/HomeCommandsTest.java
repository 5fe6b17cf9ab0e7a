package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.store.AddrBookFile;
import dev.cairn.shell.trace.TraceReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn init}, {@code show-node-id} and {@code start} on a real home directory, run
 * in-process: what init creates and refuses to overwrite, that the printed ID is the key's, and
 * that start stops with a message naming the problem — and touches nothing — when the address
 * book or the config is bad.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HomeCommandsTest {

  @TempDir Path home;

  static CliRun.Result run(String... args) {
    return CliRun.cairn(args);
  }

  private Path config() {
    return home.resolve("config").resolve("config.toml");
  }

  private Path nodeKey() {
    return home.resolve("config").resolve("node_key.json");
  }

  private Path addrBook() {
    return home.resolve("config").resolve("addrbook.json");
  }

  private CliRun.Result init(String... extra) {
    String[] args = Stream.concat(Stream.of("init", "--home", home.toString()), Stream.of(extra))
        .toArray(String[]::new);
    return run(args);
  }

  /** Points laddr at a free loopback port so that start never binds a shared port. */
  private void useFreeLoopbackPort() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String toml = Files.readString(config());
    String changed = toml.replaceFirst("(?m)^laddr = .*$", "laddr = \"tcp://127.0.0.1:" + port + "\"");
    assertThat(changed).as("config.toml has a laddr line").isNotEqualTo(toml);
    Files.writeString(config(), changed);
  }

  @Test
  void initCreatesTheHomeAndRefusesToOverwriteIt() throws Exception {
    CliRun.Result first = init("--network", "test-chain");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(config()).isRegularFile();
    assertThat(nodeKey()).isRegularFile();
    assertThat(home.resolve("data")).isDirectory();
    JsonNode line = Json.MAPPER.readTree(first.out().lines().findFirst().orElseThrow());
    assertThat(line.get("node_id").asText()).isEqualTo(NodeKey.load(nodeKey()).id().hex());
    assertThat(line.get("node_key").asText()).isEqualTo("generated");
    assertThat(Files.readString(config())).contains("[p2p]").contains("test-chain");

    byte[] configBefore = Files.readAllBytes(config());
    byte[] keyBefore = Files.readAllBytes(nodeKey());
    CliRun.Result again = init("--network", "other-chain");
    assertThat(again.exit()).isNotZero();
    assertThat(again.err()).contains(config().toString()).contains("already exists").contains("--force");
    assertThat(Files.readAllBytes(config())).isEqualTo(configBefore);
    assertThat(Files.readAllBytes(nodeKey())).isEqualTo(keyBefore);
  }

  @Test
  void initWithoutAChainIdStopsNamingTheKeyAndCreatesNothing() throws Exception {
    CliRun.Result r = init();
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("network").contains("chain ID");
    assertThat(config()).doesNotExist();
    assertThat(nodeKey()).doesNotExist();
  }

  @Test
  void initForceRewritesTheConfigButKeepsTheKey() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    byte[] keyBefore = Files.readAllBytes(nodeKey());
    String configBefore = Files.readString(config());

    CliRun.Result forced = init("--force", "--network", "second-chain", "--moniker", "renamed");
    assertThat(forced.exit()).as(forced.err()).isZero();
    String configAfter = Files.readString(config());
    assertThat(configAfter).isNotEqualTo(configBefore).contains("second-chain").contains("renamed")
        .doesNotContain("test-chain");
    assertThat(Files.readAllBytes(nodeKey())).as("node_key.json byte for byte").isEqualTo(keyBefore);
    JsonNode line = Json.MAPPER.readTree(forced.out().lines().findFirst().orElseThrow());
    assertThat(line.get("node_key").asText()).isEqualTo("kept");
    Path kept = Path.of(line.get("config_kept_in").asText());
    assertThat(kept.getFileName().toString()).matches("config\\.\\d{8}T\\d{6}Z\\.toml");
    assertThat(Files.readString(kept)).as("the config as it was, beside the new one").isEqualTo(configBefore);
  }

  /**
   * A home whose node key went missing: start says to run init, and init (without --force) creates
   * the key alone, keeping the config byte for byte and saying that the ID is a new one.
   */
  @Test
  void initOnAHomeWithoutItsKeyCreatesTheKeyAndKeepsTheConfig() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    String oldId = NodeKey.load(nodeKey()).id().hex();
    Files.writeString(config(), Files.readString(config()).replaceFirst("(?m)^moniker = .*$", "moniker = \"mine\""));
    byte[] configBefore = Files.readAllBytes(config());
    Files.delete(nodeKey());
    CliRun.Result start = run("start", "--home", home.toString(), "--duration", "100ms");
    assertThat(start.exit()).isNotZero();
    assertThat(start.err()).contains("node_key.json does not exist; run 'cairn init' first");

    CliRun.Result r = init();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(config())).as("config.toml byte for byte").isEqualTo(configBefore);
    String newId = NodeKey.load(nodeKey()).id().hex();
    assertThat(newId).isNotEqualTo(oldId);
    assertThat(r.err()).contains("kept as it is").contains("this node's ID is now " + newId);
    JsonNode line = Json.MAPPER.readTree(r.out().lines().findFirst().orElseThrow());
    assertThat(line.get("node_key").asText()).isEqualTo("generated");
    assertThat(line.get("config").asText()).isEqualTo("kept");
    // with a key there, init without --force refuses as before
    CliRun.Result again = init();
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("already exists").contains("the node key is always kept");
  }

  @Test
  void showNodeIdPrintsTheIdOfTheKey() throws Exception {
    CliRun.Result missing = run("show-node-id", "--home", home.toString());
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("node_key.json").contains("cairn init");

    assertThat(init("--network", "test-chain").exit()).isZero();
    CliRun.Result shown = run("show-node-id", "--home", home.toString());
    assertThat(shown.exit()).as(shown.err()).isZero();
    String id = NodeKey.load(nodeKey()).id().hex();
    assertThat(shown.out().strip()).isEqualTo(id).matches("[0-9a-f]{40}");
  }

  @Test
  void startOnACorruptAddressBookStopsNamingTheFileAndTheProblemAndLeavesItUntouched() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    useFreeLoopbackPort();
    record Corruption(String content, String problem) {}
    List<Corruption> cases = List.of(
        // torn write: the file ends in the middle of the JSON
        new Corruption("{\n\t\"key\": \"0123456789abcdef01234567\",\n\t\"addrs\": [\n\t\t{\n\t\t\t\"addr\": {",
            "not valid JSON"),
        // an entry whose IP is not an IP
        new Corruption("{\"key\": \"0123456789abcdef01234567\", \"addrs\": [{\"addr\": {\"id\": "
            + "\"2d6ea4296e321edc08897614e2a24c4bc3e71d63\", \"ip\": \"999.1.2.3\", \"port\": 26656}, \"src\": "
            + "{\"id\": \"2d6ea4296e321edc08897614e2a24c4bc3e71d63\", \"ip\": \"1.2.3.4\", \"port\": 26656}, "
            + "\"buckets\": [1], \"attempts\": 0, \"bucket_type\": 1}]}", "addrs[0].addr.ip"),
        new Corruption("", "is empty"));
    for (Corruption c : cases) {
      byte[] bytes = c.content().getBytes(StandardCharsets.UTF_8);
      Files.write(addrBook(), bytes);
      List<Path> before = listConfigDir();
      CliRun.Result r = run("start", "--home", home.toString(), "--duration", "5s");
      assertThat(r.exit()).as("exit of start with addrbook %s", c.problem()).isNotZero();
      assertThat(r.err()).contains("addrbook.json").contains(c.problem());
      assertThat(r.err().lines().toList()).as("one line, no stack trace: " + r.err()).hasSize(1);
      assertThat(r.out()).as("never reported started").doesNotContain("\"started\"");
      assertThat(Files.readAllBytes(addrBook())).as("addrbook.json byte for byte").isEqualTo(bytes);
      assertThat(listConfigDir()).as("no file added or removed next to it").isEqualTo(before);
    }
  }

  @Test
  void startWithAnInvalidConfigValueStopsNamingTheKey() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    useFreeLoopbackPort();
    String valid = Files.readString(config());
    record Bad(String key, String line) {}
    for (Bad bad : List.of(new Bad("max_num_inbound_peers", "max_num_inbound_peers = -1"),
        new Bad("handshake_timeout", "handshake_timeout = \"soon\""),
        new Bad("dial_timeout", "dial_timeout = \"0s\""))) {
      String broken = valid.replaceFirst("(?m)^" + bad.key() + " = .*$", bad.line());
      assertThat(broken).as("config.toml has a %s line", bad.key()).isNotEqualTo(valid);
      Files.writeString(config(), broken);
      CliRun.Result r = run("start", "--home", home.toString(), "--duration", "5s");
      assertThat(r.exit()).as(bad.line()).isNotZero();
      assertThat(r.err()).as(bad.line()).contains(bad.key()).contains("config.toml");
      assertThat(r.out()).doesNotContain("\"started\"");
      assertThat(addrBook()).as("no address book written by a start that never ran").doesNotExist();
    }
  }

  @Test
  void startRunsForItsDurationAndLeavesALoadableAddressBook() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    useFreeLoopbackPort();
    String id = NodeKey.load(nodeKey()).id().hex();
    for (int i = 0; i < 2; i++) { // the second start reads what the first one wrote
      CliRun.Result r = run("start", "--home", home.toString(), "--duration", "300ms");
      assertThat(r.exit()).as(r.err()).isZero();
      List<JsonNode> lines = r.out().lines().map(HomeCommandsTest::json).toList();
      assertThat(lines).extracting(n -> n.get("event").asText()).containsExactly("started", "stopped");
      assertThat(lines.get(0).get("node_id").asText()).isEqualTo(id);
      assertThat(lines.get(0).get("network").asText()).isEqualTo("test-chain");
      assertThat(AddrBookFile.load(addrBook())).as("addrbook.json after start %d", i + 1).isPresent();
    }
  }

  @Test
  void startRecordsTheTraceNamedInTheConfigWithItsCheckpointInterval() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    useFreeLoopbackPort();
    String toml = Files.readString(config());
    String traced = toml.replaceFirst("(?m)^trace_file = .*$", "trace_file = \"data/node.trace\"")
        .replaceFirst("(?m)^trace_checkpoint_interval = .*$", "trace_checkpoint_interval = 7");
    assertThat(traced).as("config.toml has trace_file and trace_checkpoint_interval lines")
        .contains("trace_file = \"data/node.trace\"").contains("trace_checkpoint_interval = 7");
    Files.writeString(config(), traced);

    CliRun.Result r = run("start", "--home", home.toString(), "--duration", "300ms");

    assertThat(r.exit()).as(r.err()).isZero();
    Path trace = home.resolve("data").resolve("node.trace");
    assertThat(json(r.out().lines().findFirst().orElseThrow()).get("trace").asText()).isEqualTo(trace.toString());
    try (TraceReader reader = TraceReader.open(trace)) {
      assertThat(reader.header().getCheckpointInterval()).as("the header carries the configured interval").isEqualTo(7);
      assertThat(reader.next()).as("at least the start step was recorded").isPresent();
    }
  }

  @Test
  void startNeverOverwritesAFileThatIsNotATrace() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    useFreeLoopbackPort();
    byte[] key = Files.readAllBytes(nodeKey());

    CliRun.Result r = run("start", "--home", home.toString(), "--trace", nodeKey().toString(), "--duration", "300ms");

    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains(nodeKey().toString()).contains("is not a Cairn trace").contains("not overwriting");
    assertThat(r.err().lines().toList()).as("one line, no stack trace: " + r.err()).hasSize(1);
    assertThat(r.out()).doesNotContain("\"started\"");
    assertThat(Files.readAllBytes(nodeKey())).as("node_key.json byte for byte").isEqualTo(key);
  }

  @Test
  void aRestartKeepsTheEarlierRunsTraceUnderItsStartTime() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    useFreeLoopbackPort();
    Path trace = home.resolve("node.trace");
    assertThat(run("start", "--home", home.toString(), "--trace", trace.toString(), "--duration", "300ms").exit())
        .isZero();
    byte[] first = Files.readAllBytes(trace);
    long firstStart;
    try (TraceReader reader = TraceReader.open(trace)) {
      firstStart = reader.header().getStartWallMillis();
    }

    CliRun.Result again = run("start", "--home", home.toString(), "--trace", trace.toString(), "--duration", "300ms");

    assertThat(again.exit()).as(again.err()).isZero();
    String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(firstStart));
    Path kept = home.resolve("node." + stamp + ".trace");
    assertThat(kept).as("the first run's trace, renamed out of node.trace*").exists();
    assertThat(Files.readAllBytes(kept)).isEqualTo(first);
    try (TraceReader reader = TraceReader.open(trace)) {
      assertThat(reader.header().getStartWallMillis()).as("node.trace is the second run's").isGreaterThan(firstStart);
    }
  }

  @Test
  void aListenAddressInUseIsNamedWithItsKey() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String toml = Files.readString(config());
      Files.writeString(config(), toml.replaceFirst("(?m)^laddr = .*$",
          "laddr = \"tcp://127.0.0.1:" + taken.getLocalPort() + "\""));

      CliRun.Result r = run("start", "--home", home.toString(), "--duration", "300ms");

      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("[p2p] laddr");
      assertThat(r.err().lines().toList()).as("one line, no stack trace: " + r.err()).hasSize(1);
    }
  }

  /**
   * What the operator wrote is named once, with its key: a config that is not text, a laddr
   * without a port or with a host that does not resolve, a data folder that is a file; and a
   * handshake timeout no handshake can meet is warned about.
   */
  @Test
  void aHomesBadFilesAndAddressesAreNamedOnceWithTheirKey() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    useFreeLoopbackPort();
    String valid = Files.readString(config());
    Files.write(config(), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28});
    CliRun.Result binary = run("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(binary.exit()).isEqualTo(1);
    assertThat(binary.err().strip()).isEqualTo("cairn start: " + config() + ": is not valid UTF-8 text: Input length = 1");

    Files.writeString(config(), valid.replaceFirst("(?m)^laddr = .*$", "laddr = \"tcp://127.0.0.1:0\""));
    CliRun.Result port0 = run("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(port0.exit()).isEqualTo(1);
    assertThat(port0.err()).contains(config() + ": [p2p] laddr = \"tcp://127.0.0.1:0\": needs a fixed port");

    Files.writeString(config(), valid.replaceFirst("(?m)^laddr = .*$", "laddr = \"tcp://no.such.host.invalid:32301\""));
    CliRun.Result unresolved = run("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(unresolved.exit()).isEqualTo(1);
    assertThat(unresolved.err().strip()).isEqualTo("cairn start: " + config() + ": [p2p] laddr = \"tcp://"
        + "no.such.host.invalid:32301\": the host 'no.such.host.invalid' does not resolve, so the node has nothing to"
        + " listen on");

    Files.writeString(config(), valid);
    Path data = home.resolve("data");
    try (var files = Files.list(data)) {
      assertThat(files).as("init leaves data/ empty").isEmpty();
    }
    Files.delete(data);
    Files.writeString(data, "not a folder");
    CliRun.Result dataFile = run("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(dataFile.exit()).isEqualTo(1);
    assertThat(dataFile.err()).contains(data + " is not a directory").doesNotContain("already exists");
    assertThat(Files.readString(data)).isEqualTo("not a folder");
    Path other = home.resolve("another-home");
    Files.createDirectories(other);
    Files.writeString(other.resolve("data"), "not a folder");
    CliRun.Result initOnFile = run("init", "--home", other.toString(), "--network", "test-chain");
    assertThat(initOnFile.exit()).isEqualTo(1);
    assertThat(initOnFile.err()).contains(other.resolve("data") + " is not a directory");
    assertThat(other.resolve("config")).as("a refused init writes nothing").doesNotExist();
    Files.delete(data);
    Files.createSymbolicLink(data, home.resolve("nowhere"));
    CliRun.Result dangling = run("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(dangling.exit()).isEqualTo(1);
    assertThat(dangling.err()).contains(data + " is a symbolic link to nothing");
    Files.delete(data);
    Files.createDirectory(data);

    Files.writeString(config(), valid.replaceFirst("(?m)^handshake_timeout = .*$", "handshake_timeout = \"1ns\""));
    CliRun.Result shortTimeout = run("start", "--home", home.toString(), "--duration", "300ms");
    assertThat(shortTimeout.exit()).as(shortTimeout.err()).isZero();
    assertThat(shortTimeout.err()).contains("warning: config.toml [p2p] handshake_timeout = \"1ns\" is shorter than"
        + " the two handshakes take between distant hosts").contains("CometBFT's default: \"20s\"");
  }

  @Test
  void aNodeKeyThatIsNotTextIsNamedAsSuch() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    Files.write(nodeKey(), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28});

    CliRun.Result r = run("show-node-id", "--home", home.toString());

    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("node_key.json").contains("not UTF-8 text").doesNotContain("java.");
  }

  /**
   * A ban by ID (a peer banned without a routable address, {@code cairn_banned_ids}) holds across a
   * restart: the started node enforces it from its first step, its trace starts with it, and the
   * book it writes on close still holds it.
   */
  @Test
  void aBanByIdInTheAddressBookHoldsAcrossAStart() throws Exception {
    assertThat(init("--network", "test-chain").exit()).isZero();
    useFreeLoopbackPort();
    String banned = "0123456789abcdef0123456789abcdef01234567";
    Files.writeString(addrBook(), "{\n\t\"key\": \"0123456789abcdef01234567\",\n\t\"addrs\": [],\n"
        + "\t\"cairn_banned_ids\": [\n\t\t{\n\t\t\t\"id\": \"" + banned + "\",\n"
        + "\t\t\t\"until\": \"2099-01-01T00:00:00Z\"\n\t\t}\n\t]\n}");
    assertThat(AddrBookFile.load(addrBook()).orElseThrow().bannedIds()).hasSize(1);
    Path trace = home.resolve("ban.trace");

    CliRun.Result r = run("start", "--home", home.toString(), "--trace", trace.toString(), "--duration", "300ms");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(AddrBookFile.load(addrBook()).orElseThrow().bannedIds())
        .as("the ban written back on close").extracting(dev.cairn.shell.store.AddrBookDocument.BannedId::id)
        .containsExactly(banned);
    CliRun.Result state = run("trace", "replay", trace.toString(), "--at", "0");
    assertThat(state.exit()).as(state.err()).isZero();
    assertThat(state.out()).as("the state after the first step").contains(banned);
  }

  private List<Path> listConfigDir() throws IOException {
    try (Stream<Path> s = Files.list(home.resolve("config"))) {
      return s.sorted().toList();
    }
  }

  private static JsonNode json(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not a JSON line: " + line, e);
    }
  }

  /** A --network value init cannot take is an argument refused (status 2), as one that differs from genesis.json's chain. */
  @Test
  void aNetworkArgumentInitCannotTakeEndsInStatusTwo() throws Exception {
    Path other = home.resolve("bad-network");
    CliRun.Result r = run("init", "--home", other.toString(), "--network", "a\u0001b");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("cairn init: --network ").contains("control character");
    assertThat(other.resolve("config")).as("nothing written").doesNotExist();
    CliRun.Result tooLong = run("init", "--home", other.toString(), "--network", "c".repeat(51));
    assertThat(tooLong.exit()).isEqualTo(2);
    assertThat(tooLong.err().strip()).isEqualTo("cairn init: --network \"" + "c".repeat(51)
        + "\": must have at most 50 characters (CometBFT's chain ID limit)");
  }
}
