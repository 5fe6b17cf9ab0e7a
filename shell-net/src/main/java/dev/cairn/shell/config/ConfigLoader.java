package dev.cairn.shell.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.cairn.core.NodeId;
import dev.cairn.shell.store.AddrBookFile;
import dev.cairn.shell.store.DurableFiles;
import dev.cairn.shell.store.FileContent;
import dev.cairn.shell.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Loads {@code config/config.toml} and {@code config/genesis.json} from a CometBFT-style home
 * directory. A complete CometBFT config.toml loads: sections other than {@code [p2p]}, {@code
 * [cairn]} and {@code [instrumentation]} are ignored silently. Unknown keys inside {@code [p2p]}
 * are accepted with a warning naming the key (a typo must not pass unnoticed, and a newer
 * CometBFT key must not stop the node); inside {@code [cairn]}, Cairn's own section, they are
 * refused, with the known key they likely misspell (a misspelt switch would leave a defence off). Every value is checked; the
 * first bad one is reported as a {@link ConfigException} naming the key, the value and the
 * rule.
 */
public final class ConfigLoader {

  /**
   * The sections of CometBFT's config.toml (v0.34 to v1.0) and Cairn's own: any other table is
   * most likely a misspelt one, and is named in a warning.
   */
  private static final java.util.Set<String> SECTIONS = java.util.Set.of("rpc", "grpc", "p2p", "mempool",
      "statesync", "blocksync", "fastsync", "consensus", "storage", "tx_index", "instrumentation", "cairn");

  /** config.toml larger than this is refused (CometBFT's is about 20 KiB). */
  public static final int CONFIG_BYTES_MAX = 1024 * 1024;

  /** CometBFT's {@code MaxChainIDLen}. */
  public static final int CHAIN_ID_LENGTH_MAX = 50;

  /** Limits Cairn accepts for the connection counts (every core collection is bounded). */
  public static final int INBOUND_PEERS_MAX = 10_000;

  public static final int OUTBOUND_PEERS_MAX = 1_000;

  /** Upper end of the threshold keys' range; the band itself must fit the sum of both limits. */
  static final int THRESHOLD_MAX = INBOUND_PEERS_MAX + OUTBOUND_PEERS_MAX;

  public static final int PACKET_PAYLOAD_BYTES_MAX = 1 << 20;

  public static final int CONNECTED_UPGRADE_MAX = 100;

  public static final int MONIKER_LENGTH_MAX = 128;
  /** What a moniker must be, as messages say it. */
  public static final String MONIKER_RULE =
      "must be 1.." + MONIKER_LENGTH_MAX + " printable ASCII characters, not all spaces";

  /** What a network (chain ID) must be, as messages say it. */
  public static final String NETWORK_RULE = "must not be empty nor hold a control character (it is sent in NodeInfo)";

  /** Whether {@code n} may be sent as the network in NodeInfo ({@link #NETWORK_RULE}). */
  public static boolean networkValid(String n) {
    return !n.isEmpty() && n.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f);
  }

  /** Whether {@code m} may be sent as a moniker in NodeInfo ({@link #MONIKER_RULE}). */
  public static boolean monikerValid(String m) {
    return !m.isBlank() && m.length() <= MONIKER_LENGTH_MAX && m.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f);
  }

  private static final TomlMapper TOML = new TomlMapper();

  private ConfigLoader() {}

  /** Loads {@code <home>/config/config.toml} and, when present, {@code <home>/config/genesis.json}. */
  public static NodeConfig load(Path home) throws ConfigException {
    Path configFile = home.resolve("config").resolve("config.toml");
    Path genesisFile = home.resolve("config").resolve("genesis.json");
    String text;
    try {
      text = switch (DurableFiles.read(configFile, CONFIG_BYTES_MAX)) {
        case FileContent.Absent a -> throw new ConfigException(configFile.toString(),
            "not found; run 'cairn init' to create it", null);
        case FileContent.Empty e -> "";
        case FileContent.Present p -> p.utf8();
      };
    } catch (StoreException e) {
      throw new ConfigException(configFile.toString(), e.problem(), e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte-order mark some editors write: not part of the TOML (as in addrbook.json)
    }
    return parse(text, configFile.getFileName().toString(), genesisChainId(genesisFile), Optional.of(home));
  }

  /**
   * Reads the top-level {@code chain_id} of a genesis file, streaming, so a genesis of hundreds
   * of megabytes is not held in memory. The whole file is read: one that is not one well-formed
   * JSON object (cut short, or followed by more text), or names its {@code chain_id} twice (which
   * readers would take differently: the first, or the last as Go does), is refused.
   *
   * @return empty when the file does not exist
   */
  public static Optional<String> genesisChainId(Path genesisFile) throws ConfigException {
    String where = genesisFile.toString();
    try (InputStream in = Files.newInputStream(genesisFile);
        JsonParser p = new JsonFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ConfigException(where, "must hold a JSON object", null);
      }
      String chainId = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("chain_id")) {
          if (value != JsonToken.VALUE_STRING) {
            throw new ConfigException(where, "chain_id", p.getText(), "must be a string");
          }
          if (chainId != null) {
            throw new ConfigException(where, "chain_id", Section.quote(p.getText()), "is the second chain_id of the"
                + " file " + position(p.currentLocation()) + ", after " + Section.quote(chainId) + "; a genesis names"
                + " its chain once");
          }
          chainId = p.getText();
        }
        p.skipChildren();
      }
      JsonToken after = p.nextToken();
      if (after != null) {
        throw new ConfigException(where, "is not valid JSON " + position(p.currentLocation()) + ": more text follows"
            + " the genesis object", null);
      }
      if (chainId == null) {
        throw new ConfigException(where, "has no top-level chain_id", null);
      }
      return Optional.of(chainId);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (JsonProcessingException e) {
      throw new ConfigException(where, "is not valid JSON " + position(e, true) + ": "
          + AddrBookFile.jacksonMessage(e), e);
    } catch (IOException e) {
      throw new ConfigException(where, Files.isDirectory(genesisFile) ? "is a directory, not a file"
          : "cannot be read: " + dev.cairn.shell.node.FailureReasons.describe(e), e);
    }
  }

  private static String position(com.fasterxml.jackson.core.JsonLocation loc) {
    return "at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  /**
   * Where a parse error is, as {@code at line L[, column C]}. Jackson gives no location for some
   * errors (a nesting depth or a length over its limits), then the text says so.
   */
  private static String position(JsonProcessingException e, boolean column) {
    com.fasterxml.jackson.core.JsonLocation loc = e.getLocation();
    if (loc == null) {
      return "at an unknown position";
    }
    return column ? position(loc) : "at line " + loc.getLineNr();
  }

  /**
   * Parses config.toml text.
   *
   * @param fileName named in messages ({@code config.toml})
   * @param genesisChainId genesis.json's chain ID, which wins over {@code [cairn] network}
   */
  public static NodeConfig parse(String text, String fileName, Optional<String> genesisChainId)
      throws ConfigException {
    return parse(text, fileName, genesisChainId, Optional.empty());
  }

  /** The same for the config of {@code home}, against which CometBFT's file keys are resolved. */
  static NodeConfig parse(String text, String fileName, Optional<String> genesisChainId, Optional<Path> home)
      throws ConfigException {
    JsonNode root;
    try {
      root = TOML.readTree(text);
    } catch (JsonProcessingException e) {
      // the parser reports a key or table written twice where it noticed, without its name
      Optional<String> twice = writtenTwice(text);
      if (twice.isPresent()) {
        throw new ConfigException(fileName, "is not valid TOML: " + twice.get(), e);
      }
      throw new ConfigException(fileName, "is not valid TOML " + position(e, false) + ": "
          + AddrBookFile.withoutLibrarySettings(e.getOriginalMessage()), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = TOML.createObjectNode();
    }
    List<String> warnings = new ArrayList<>();
    Map<String, Map<String, BigInteger>> exact = ExactIntegers.scan(text);
    Section p2pSection = Section.of(root, "p2p", fileName, warnings, exact);
    P2pConfig p2p = readP2p(p2pSection);
    p2pSection.warnUnknown();
    Section instrumentation = Section.of(root, "instrumentation", fileName, warnings, exact);
    MetricsConfig cometMetrics = readMetrics(instrumentation, MetricsConfig.defaults());
    Section top = Section.root(root, fileName, warnings, exact);
    String cometMoniker = top.string("moniker", "cairn");
    Section cairnSection = Section.of(root, "cairn", fileName, warnings, exact);
    CairnConfig cairn = readCairn(cairnSection, p2p, cometMoniker, cometMetrics);
    java.util.Map<String, String> elsewhere = new java.util.HashMap<>();
    p2pSection.keysRead().forEach(k -> elsewhere.put(k, "[p2p]"));
    top.keysRead().forEach(k -> elsewhere.putIfAbsent(k, "the file's top (before any table)"));
    cairnSection.keysRead().forEach(elsewhere::remove);
    cairnSection.refuseUnknown(elsewhere);
    for (String key : List.of("prometheus", "prometheus_listen_addr", "namespace")) {
      var comet = instrumentation.written(key);
      var own = cairnSection.written(key);
      if (comet.isPresent() && own.isPresent() && !comet.equals(own)) {
        warnings.add(fileName + " [instrumentation] " + key + " = " + comet.get() + " is overridden by [cairn] "
            + key + " = " + own.get() + " (the [cairn] key wins: set it there, or remove it to use this one)");
      }
    }
    refuseSectionKeysAtTop(root, fileName, p2pSection, instrumentation, cairnSection, top);
    refuseOtherFiles(top, home);
    if (!cairnSection.has("moniker") && !monikerValid(cairn.moniker())) {
      throw top.bad("moniker", Section.quote(cairn.moniker()), MONIKER_RULE); // CometBFT's own key, not [cairn]'s
    }
    Validation.check(p2pSection, p2p, cairnSection, cairn);
    for (var it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (root.get(name).isObject() && !SECTIONS.contains(name) && SECTIONS.contains(lower)) {
        // CometBFT reads keys whatever their case; Cairn would read none of this section's
        throw new ConfigException(fileName, "[" + name + "] is written in another case than [" + lower + "]: write"
            + " [" + lower + "], or none of its keys is read" + (lower.equals("p2p")
                ? " (the listen address and the peers among them)" : ""), null);
      }
      if (root.get(name).isObject() && !SECTIONS.contains(name)) {
        warnings.add(fileName + " [" + name + "] is not a section of CometBFT's config or Cairn's and is ignored"
            + " (misspelt?)");
      }
    }
    String network = network(cairnSection, cairn.network(), genesisChainId);
    return new NodeConfig(network, p2p, cairn, warnings);
  }

  /**
   * Refuses a key of {@code [p2p]}, {@code [instrumentation]} or {@code [cairn]} written before
   * any section header, where TOML puts it at the top level and it would be ignored: a missing or
   * misplaced header would otherwise leave every setting of the section at its default (the
   * listen address among them), unnoticed.
   */
  private static final java.util.regex.Pattern TABLE_LINE =
      java.util.regex.Pattern.compile("^\\s*\\[\\s*([A-Za-z0-9_.\\-]+)\\s*\\]\\s*(#.*)?$");
  private static final java.util.regex.Pattern KEY_LINE =
      java.util.regex.Pattern.compile("^\\s*(?:([A-Za-z0-9_\\-]+)|\"([A-Za-z0-9_\\-]+)\"|'([A-Za-z0-9_\\-]+)')\\s*=(.*)$");

  /**
   * The first key written twice in one table, or table header written twice, of a config.toml
   * that does not parse, as {@code [p2p] pex is set twice (lines 12 and 63)}: the parser stops at
   * such a file without naming either. Lines inside a value that spans several (an array, a
   * multi-line string) are passed over; {@code [[arrays of tables]]} end the scan.
   */
  static Optional<String> writtenTwice(String text) {
    Map<String, Integer> tables = new java.util.HashMap<>();
    Map<String, Integer> keys = new java.util.HashMap<>();
    String table = "";
    String[] lines = text.split("\n", -1);
    int open = 0; // brackets of a multi-line array still open
    String fence = null; // the quote of a multi-line string still open
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (fence != null) {
        if (line.contains(fence)) {
          fence = null;
        }
        continue;
      }
      if (open > 0) {
        open += depth(line);
        continue;
      }
      if (line.strip().startsWith("[[")) {
        return Optional.empty();
      }
      var t = TABLE_LINE.matcher(line);
      if (t.matches()) {
        table = t.group(1);
        Integer first = tables.putIfAbsent(table, i + 1);
        if (first != null) {
          return Optional.of("[" + table + "] is written twice (lines " + first + " and " + (i + 1) + ")");
        }
        continue;
      }
      var k = KEY_LINE.matcher(line);
      if (k.matches()) {
        // a bare key and the same key quoted ("pex", 'pex') are one key
        String key = k.group(1) != null ? k.group(1) : k.group(2) != null ? k.group(2) : k.group(3);
        String where = (table.isEmpty() ? "" : "[" + table + "] ") + key;
        Integer first = keys.putIfAbsent(table + "\u0000" + key, i + 1);
        if (first != null) {
          return Optional.of(where + " is set twice (lines " + first + " and " + (i + 1) + ")");
        }
        String value = k.group(4).strip();
        for (String q : List.of("\"\"\"", "'''")) {
          if (value.startsWith(q) && value.indexOf(q, 3) < 0) {
            fence = q;
          }
        }
        if (fence == null && value.startsWith("[")) {
          open = depth(value);
        }
      }
    }
    return Optional.empty();
  }

  /** Opening minus closing brackets outside quoted strings and comments. */
  private static int depth(String s) {
    int d = 0;
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#') {
        break;
      } else if (c == '[') {
        d++;
      } else if (c == ']') {
        d--;
      }
    }
    return d;
  }

  /**
   * CometBFT's {@code node_key_file} and {@code genesis_file} may name other files than a
   * home's {@code config/node_key.json} and {@code config/genesis.json}, which are the ones Cairn
   * reads: a node started on such a config would run under another identity (or chain) than the
   * CometBFT node it stands in for, unnoticed. Other values are refused.
   */
  private static void refuseOtherFiles(Section top, Optional<Path> home) throws ConfigException {
    for (var key : java.util.Map.of("node_key_file", "config/node_key.json", "genesis_file", "config/genesis.json")
        .entrySet()) {
      String value = top.string(key.getKey(), key.getValue());
      boolean same = home.isPresent() ? sameFileInHome(home.get(), value, key.getValue())
          : isAbsolute(value) || sameRelativePath(value, key.getValue()); // an absolute one is judged with the home
      if (!same) {
        throw top.bad(key.getKey(), Section.quote(value), "Cairn reads " + key.getValue() + " of the home and no other"
            + " file: move or link the file there, and set " + key.getKey() + " = \"" + key.getValue() + "\" (or"
            + " remove the key)");
      }
    }
  }

  private static boolean isAbsolute(String written) {
    try {
      return Path.of(written).isAbsolute();
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  /** Whether {@code written}, resolved against {@code home} as CometBFT resolves it, is the home's {@code expected}. */
  private static boolean sameFileInHome(Path home, String written, String expected) {
    try {
      return DurableFiles.sameFile(home.resolve(written), home.resolve(expected));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  private static boolean sameRelativePath(String written, String expected) {
    try {
      return java.nio.file.Path.of(written).normalize().equals(java.nio.file.Path.of(expected));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  private static void refuseSectionKeysAtTop(JsonNode root, String fileName, Section p2p, Section instrumentation,
      Section cairn, Section top) throws ConfigException {
    for (var it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (root.get(key).isObject() || top.keysRead().contains(key)) {
        continue;
      }
      List<String> sections = new ArrayList<>();
      if (p2p.keysRead().contains(key)) {
        sections.add("p2p");
      }
      if (instrumentation.keysRead().contains(key)) {
        sections.add("instrumentation");
      }
      if (cairn.keysRead().contains(key)) {
        sections.add("cairn");
      }
      if (!sections.isEmpty()) {
        String named = sections.stream().map(n -> "[" + n + "]").collect(java.util.stream.Collectors.joining(" or "));
        throw new ConfigException(fileName, key, Section.render(root.get(key)), "is written before any [section]"
            + " header, where it is ignored, but it is a key of " + named + ": write it under its section (is the "
            + named + " header missing or misplaced?)");
      }
    }
  }

  private static P2pConfig readP2p(Section s) throws ConfigException {
    P2pConfig d = P2pConfig.defaults();
    for (String test : List.of("test_dial_fail", "test_fuzz", "test_fuzz_config")) {
      s.ignore(test, "is a CometBFT setting for its own tests (failing dials, a fuzzed connection) that Cairn"
          + " ignores");
    }
    if (s.has("upnp")) {
      s.bool("upnp", false);
      s.warn("upnp", "is a CometBFT v0.34 setting that Cairn ignores (no UPnP port mapping)");
    }
    return new P2pConfig(
        s.listenAddress("laddr", d.listenAddress()),
        s.externalAddress("external_address"),
        s.peers("seeds"),
        s.peers("persistent_peers"),
        s.string("addr_book_file", d.addrBookFile()),
        s.bool("addr_book_strict", d.addrBookStrict()),
        (int) s.integer("max_num_inbound_peers", d.maxNumInboundPeers(), 0, INBOUND_PEERS_MAX),
        (int) s.integer("max_num_outbound_peers", d.maxNumOutboundPeers(), 0, OUTBOUND_PEERS_MAX),
        s.ids("unconditional_peer_ids"),
        s.duration("persistent_peers_max_dial_period", d.persistentPeersMaxDialPeriod()),
        s.duration("flush_throttle_timeout", d.flushThrottleTimeout()),
        (int) s.integer("max_packet_msg_payload_size", d.maxPacketMsgPayloadSize(), 1,
            PACKET_PAYLOAD_BYTES_MAX),
        s.integer("send_rate", d.sendRate(), 0, Long.MAX_VALUE),
        s.integer("recv_rate", d.recvRate(), 0, Long.MAX_VALUE),
        s.bool("pex", d.pex()),
        s.bool("seed_mode", d.seedMode()),
        s.ids("private_peer_ids"),
        s.bool("allow_duplicate_ip", d.allowDuplicateIp()),
        s.duration("handshake_timeout", d.handshakeTimeout()),
        s.duration("dial_timeout", d.dialTimeout()));
  }

  private static MetricsConfig readMetrics(Section s, MetricsConfig d) throws ConfigException {
    MetricsConfig m = new MetricsConfig(
        s.bool("prometheus", d.prometheus()),
        s.string("prometheus_listen_addr", d.listenAddress()),
        s.string("namespace", d.namespace()));
    Validation.listenAddress(s, m.listenAddress());
    if (!m.namespace().isEmpty() && !m.namespace().matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      throw s.bad("namespace", Section.quote(m.namespace()),
          "must be a Prometheus name: letters, digits and '_', not starting with a digit (or empty: no prefix)");
    }
    return m;
  }

  private static CairnConfig readCairn(
      Section s, P2pConfig p2p, String cometMoniker, MetricsConfig cometMetrics)
      throws ConfigException {
    CairnConfig d = CairnConfig.defaults(p2p.maxNumInboundPeers(), p2p.maxNumOutboundPeers());
    MaintenanceThresholds t = d.thresholds();
    String network = s.string("network", "");
    String traceFile = s.string("trace_file", "");
    TraceConfig td = d.trace();
    TraceConfig trace = new TraceConfig(
        traceFile.isEmpty() ? Optional.empty() : Optional.of(traceFile),
        s.integer("trace_max_file_bytes", td.maxFileBytes(), TraceConfig.MIN_FILE_BYTES, Long.MAX_VALUE),
        (int) s.integer("trace_max_files", td.maxFiles(), 1, TraceConfig.MAX_FILES),
        (int) s.integer("trace_checkpoint_interval", td.checkpointInterval(), 0, TraceConfig.MAX_CHECKPOINT_INTERVAL));
    return new CairnConfig(
        network.isEmpty() ? Optional.empty() : Optional.of(network),
        s.string("moniker", cometMoniker),
        s.has("prng_seed")
            ? OptionalLong.of(s.integer("prng_seed", 0, Long.MIN_VALUE, Long.MAX_VALUE))
            : OptionalLong.empty(),
        new MaintenanceThresholds(
            (int) s.integer("min_threshold", t.minThreshold(), 0, THRESHOLD_MAX),
            (int) s.integer("min_target", t.minTarget(), 0, THRESHOLD_MAX),
            (int) s.integer("max_target", t.maxTarget(), 0, THRESHOLD_MAX),
            (int) s.integer("max_threshold", t.maxThreshold(), 0, THRESHOLD_MAX)),
        (int) s.integer("max_connected_upgrade", d.maxConnectedUpgrade(), 0, CONNECTED_UPGRADE_MAX),
        s.duration("retry_delay_min", d.retryDelayMin()),
        s.duration("retry_delay_max", d.retryDelayMax()),
        s.duration("retry_jitter_max", d.retryJitterMax()),
        s.duration("disconnect_cooldown", d.disconnectCooldown()),
        s.bool("idle_inbound_eviction", d.idleInboundEviction()),
        (int) s.integer("max_handshakes_per_group", d.maxHandshakesPerGroup(), 1, Integer.MAX_VALUE),
        trace,
        readMetrics(s, cometMetrics));
  }

  private static String network(Section cairn, Optional<String> configured, Optional<String> genesis)
      throws ConfigException {
    if (genesis.isPresent()) {
      String g = genesis.get();
      if (g.isEmpty() || g.length() > CHAIN_ID_LENGTH_MAX) {
        throw new ConfigException("genesis.json", "chain_id", Section.quote(g),
            "must have 1.." + CHAIN_ID_LENGTH_MAX + " characters");
      }
      if (configured.isPresent() && !configured.get().equals(g)) {
        throw cairn.bad("network", Section.quote(configured.get()),
            "differs from genesis.json chain_id " + Section.quote(g) + "; remove it or make them equal");
      }
      return g;
    }
    if (configured.isEmpty()) {
      throw cairn.bad("network", "\"\"",
          "must name the chain ID when there is no config/genesis.json with a chain_id");
    }
    String n = configured.get();
    if (!networkValid(n)) {
      throw cairn.bad("network", Section.quote(n), NETWORK_RULE);
    }
    return n;
  }

  /** The rules that relate several keys, and ranges not checked while reading. */
  static final class Validation {
    private static final String BAND =
        "min_threshold < min_target <= max_target < max_threshold"
            + " <= max_num_inbound_peers + max_num_outbound_peers";

    private Validation() {}

    static void check(Section p2pSection, P2pConfig p2p, Section cairnSection, CairnConfig c)
        throws ConfigException {
      if (p2p.addrBookFile().isBlank()) {
        throw p2pSection.bad("addr_book_file", "\"\"", "must name a file");
      }
      int connections = p2p.maxNumInboundPeers() + p2p.maxNumOutboundPeers();
      if (connections < 2) {
        throw p2pSection.bad("max_num_outbound_peers", Integer.toString(p2p.maxNumOutboundPeers()),
            "with max_num_inbound_peers = " + p2p.maxNumInboundPeers() + " leaves room for " + connections
                + " connection" + (connections == 1 ? "" : "s") + "; a node needs at least 2 between them ("
                + BAND + ")");
      }
      nonNegative(p2pSection, "persistent_peers_max_dial_period", p2p.persistentPeersMaxDialPeriod());
      nonNegative(p2pSection, "flush_throttle_timeout", p2p.flushThrottleTimeout());
      positive(p2pSection, "handshake_timeout", p2p.handshakeTimeout());
      positive(p2pSection, "dial_timeout", p2p.dialTimeout());
      likelyTooShort(p2pSection, "handshake_timeout", p2p.handshakeTimeout(), "the two handshakes take");
      likelyTooShort(p2pSection, "dial_timeout", p2p.dialTimeout(), "a TCP connect takes");
      if (p2p.seedMode() && !p2p.pex()) {
        throw p2pSection.bad("seed_mode", "true", "needs pex = true: a seed crawls and answers through PEX");
      }
      String network = c.network().orElse("");
      if (network.length() > CHAIN_ID_LENGTH_MAX) {
        throw cairnSection.bad("network", Section.quote(network),
            "must have at most " + CHAIN_ID_LENGTH_MAX + " characters (CometBFT's chain ID limit)");
      }
      moniker(cairnSection, c.moniker());
      thresholds(cairnSection, c.thresholds(), p2p.maxNumInboundPeers(), p2p.maxNumOutboundPeers());
      positive(cairnSection, "retry_delay_min", c.retryDelayMin());
      if (c.retryDelayMax().compareTo(c.retryDelayMin()) < 0) {
        throw cairnSection.bad("retry_delay_max", Section.quote(GoDuration.format(c.retryDelayMax())),
            "must not be less than retry_delay_min = " + Section.quote(GoDuration.format(c.retryDelayMin())));
      }
      nonNegative(cairnSection, "retry_jitter_max", c.retryJitterMax());
      nonNegative(cairnSection, "disconnect_cooldown", c.disconnectCooldown());
    }

    private static void moniker(Section s, String m) throws ConfigException {
      if (!monikerValid(m)) {
        throw s.bad("moniker", Section.quote(m), MONIKER_RULE);
      }
    }

    private static void thresholds(Section s, MaintenanceThresholds t, int maxInbound, int maxOutbound)
        throws ConfigException {
      if (t.minTarget() <= t.minThreshold()) {
        throw s.bad("min_target", Integer.toString(t.minTarget()),
            "must be greater than min_threshold = " + t.minThreshold() + " (" + BAND + ")");
      }
      if (t.maxTarget() < t.minTarget()) {
        throw s.bad("max_target", Integer.toString(t.maxTarget()),
            "must not be less than min_target = " + t.minTarget() + " (" + BAND + ")");
      }
      if (t.maxThreshold() <= t.maxTarget()) {
        throw s.bad("max_threshold", Integer.toString(t.maxThreshold()),
            "must be greater than max_target = " + t.maxTarget() + " (" + BAND + ")");
      }
      int total = maxInbound + maxOutbound;
      if (total >= 2 && t.maxThreshold() > total) {
        throw s.bad("max_threshold", Integer.toString(t.maxThreshold()),
            "must be at most [p2p] max_num_inbound_peers + max_num_outbound_peers = " + maxInbound
                + " + " + maxOutbound + " = " + total + " (" + BAND
                + "): the band counts all connections, and no more than that are ever open");
      }
    }

    static void listenAddress(Section s, String addr) throws ConfigException {
      String hostPort = addr.startsWith("tcp://") ? addr.substring(6) : addr;
      try {
        if (hostPort.startsWith(":")) {
          HostPort.port(hostPort.substring(1));
        } else {
          HostPort.parse(hostPort);
        }
      } catch (IllegalArgumentException e) {
        throw s.bad("prometheus_listen_addr", Section.quote(addr),
            "must be [host]:port such as \":26660\"; it " + e.getMessage());
      }
    }

    private static void nonNegative(Section s, String key, Duration d) throws ConfigException {
      if (d.isNegative()) {
        throw s.bad(key, Section.quote(GoDuration.format(d)), "must not be negative");
      }
    }

    /** Below this a handshake or a dial across the internet rarely finishes: said in a warning. */
    static final Duration SHORTEST_LIKELY = Duration.ofMillis(500);

    private static void likelyTooShort(Section s, String key, Duration d, String what) {
      if (d.compareTo(SHORTEST_LIKELY) < 0) {
        s.warn(key, "= " + Section.quote(GoDuration.format(d)) + " is shorter than " + what + " between"
            + " distant hosts (round trips of 100-300 ms); most peers will time out (CometBFT's default: "
            + Section.quote(GoDuration.format(key.equals("dial_timeout") ? P2pConfig.defaults().dialTimeout()
                : P2pConfig.defaults().handshakeTimeout())) + ")");
      }
    }

    private static void positive(Section s, String key, Duration d) throws ConfigException {
      if (d.isNegative() || d.isZero()) {
        throw s.bad(key, Section.quote(GoDuration.format(d)), "must be greater than zero");
      }
    }
  }

  /** The IDs of a comma-separated list, for {@link Section#ids}. */
  static List<NodeId> parseIds(String list) {
    List<NodeId> out = new ArrayList<>();
    for (String item : Section.splitList(list)) {
      if (!NodeId.isValid(item)) {
        throw new IllegalArgumentException(
            "has \"" + item + "\", which is not a node ID of 40 lowercase hex characters");
      }
      out.add(NodeId.of(item));
    }
    return out;
  }
}
