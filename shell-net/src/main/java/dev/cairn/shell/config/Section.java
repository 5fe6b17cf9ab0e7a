package dev.cairn.shell.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One table of config.toml, read key by key with type checks. Remembers which keys were read
 * so the rest can be reported as unknown.
 */
final class Section {

  private final ObjectNode table;
  private final String where;
  private final List<String> warnings;
  private final Map<String, BigInteger> exactIntegers;
  private final TreeSet<String> read = new TreeSet<>();

  private Section(ObjectNode table, String where, List<String> warnings,
      Map<String, BigInteger> exactIntegers) {
    this.table = table;
    this.where = where;
    this.warnings = warnings;
    this.exactIntegers = exactIntegers;
  }

  static Section of(JsonNode root, String name, String fileName, List<String> warnings,
      Map<String, Map<String, BigInteger>> exact) throws ConfigException {
    JsonNode n = root.get(name);
    String where = fileName + " [" + name + "]";
    Map<String, BigInteger> ints = exact.getOrDefault(name, Map.of());
    if (n == null) {
      return new Section(JsonNodeFactory.instance.objectNode(), where, warnings, ints);
    }
    if (!n.isObject()) {
      throw new ConfigException(fileName, name, render(n), "must be a table, written [" + name + "]");
    }
    return new Section((ObjectNode) n, where, warnings, ints);
  }

  static Section root(JsonNode root, String fileName, List<String> warnings,
      Map<String, Map<String, BigInteger>> exact) {
    return new Section((ObjectNode) root, fileName, warnings, exact.getOrDefault("", Map.of()));
  }

  ConfigException bad(String key, String value, String rule) {
    return new ConfigException(where, key, value, rule);
  }

  void warn(String key, String problem) {
    warnings.add(where + " " + key + " " + problem);
  }

  boolean has(String key) {
    return table.has(key);
  }

  /** A key Cairn knows and does not use, whatever its value: said in a warning when written. */
  void ignore(String key, String why) {
    if (table.has(key)) {
      read.add(key);
      warn(key, why);
    }
  }

  /** Warns about every key of the table that no reader asked for. */
  void warnUnknown() {
    Iterator<String> names = table.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!read.contains(key)) {
        warn(key, "is not a known key of this section and is ignored (misspelt?)");
      }
    }
  }

  /**
   * Refuses the first key of the table that no reader asked for, naming the section it belongs to
   * when {@code elsewhere} (key to section) knows it, else the known key it likely misspells: for
   * Cairn's own section, where a misspelt switch (a defence left off) must not pass as a warning.
   */
  void refuseUnknown(java.util.Map<String, String> elsewhere) throws ConfigException {
    Iterator<String> names = table == null ? java.util.Collections.emptyIterator() : table.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (read.contains(key)) {
        continue;
      }
      String where = elsewhere.get(key);
      if (where != null) {
        throw bad(key, render(table.get(key)), "is a key of " + where + ", not of this section: a key belongs"
            + " to the table whose header comes last above it, so move it above [cairn] (under " + where + ")");
      }
      String nearest = null;
      int best = Integer.MAX_VALUE;
      for (String known : new java.util.TreeSet<>(read)) {
        int d = editDistance(key.toLowerCase(java.util.Locale.ROOT), known);
        if (d < best) {
          best = d;
          nearest = known;
        }
      }
      throw bad(key, render(table.get(key)), "is not a key of this section"
          + (nearest != null && best <= Math.max(2, key.length() / 4) ? " (did you mean " + nearest + "?)" : "")
          + "; this section is Cairn's own, so a key it does not know is refused, not ignored");
    }
  }

  /** Levenshtein distance: the fewest one-character insertions, deletions and changes from a to b. */
  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int change = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(change, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The keys its readers asked for, whether written or not: the section's known keys once read. */
  java.util.Set<String> keysRead() {
    return java.util.Collections.unmodifiableSet(read);
  }

  /** The key's value as written, if the section has it (without counting it as read). */
  java.util.Optional<String> written(String key) {
    JsonNode n = table == null ? null : table.get(key);
    return n == null ? java.util.Optional.empty() : java.util.Optional.of(render(n));
  }

  private JsonNode get(String key) {
    read.add(key);
    return table.get(key);
  }

  String string(String key, String absent) throws ConfigException {
    JsonNode n = get(key);
    if (n == null) {
      return absent;
    }
    if (!n.isTextual()) {
      throw bad(key, render(n), "must be a quoted string (\"…\" or '…')");
    }
    return n.textValue();
  }

  boolean bool(String key, boolean absent) throws ConfigException {
    JsonNode n = get(key);
    if (n == null) {
      return absent;
    }
    if (!n.isBoolean()) {
      throw bad(key, render(n), "must be true or false");
    }
    return n.booleanValue();
  }

  long integer(String key, long absent, long min, long max) throws ConfigException {
    JsonNode n = get(key);
    if (n == null) {
      return absent;
    }
    BigInteger exact = n.isIntegralNumber() ? exactIntegers.get(key) : null;
    if (exact != null && exact.bitLength() > 63) {
      throw bad(key, exact.toString(), "must be a whole number in the signed 64-bit range");
    }
    if (n.isFloatingPointNumber()) {
      java.math.BigDecimal d = n.decimalValue();
      boolean whole = d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
      throw bad(key, render(n), "must be a whole number; TOML reads a number with a decimal point or an exponent"
          + " as a float" + (whole && d.abs().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
          ? " (write " + d.toBigIntegerExact() + ")" : ""));
    }
    if (exact == null && (!n.isIntegralNumber() || !n.canConvertToLong())) {
      throw bad(key, render(n), n.isIntegralNumber()
          ? "must be a whole number in the signed 64-bit range" : "must be a whole number");
    }
    long v = exact != null ? exact.longValueExact() : n.longValue();
    if (v < min) {
      throw bad(key, Long.toString(v), min == 0 ? "must not be negative" : "must be at least " + min);
    }
    if (v > max) {
      throw bad(key, Long.toString(v), "must be at most " + max);
    }
    return v;
  }

  Duration duration(String key, Duration absent) throws ConfigException {
    String text = string(key, null);
    if (text == null) {
      return absent;
    }
    Duration d;
    try {
      d = GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(key, quote(text), e.getMessage());
    }
    if (d.isNegative()) {
      throw bad(key, quote(text), "must not be negative");
    }
    return d;
  }

  List<PeerAddress> peers(String key) throws ConfigException {
    String text = string(key, "");
    List<PeerAddress> out = new ArrayList<>();
    for (String item : splitList(text)) {
      PeerAddress a;
      try {
        a = PeerAddress.parse(item);
      } catch (IllegalArgumentException e) {
        throw bad(key, quote(text), e.getMessage());
      }
      if (out.contains(a)) { // the same entry twice: one peer, said so (another address of it is refused later)
        warn(key, "lists " + a + " twice; the repeat is ignored");
        continue;
      }
      out.add(a);
    }
    return out;
  }

  List<dev.cairn.core.NodeId> ids(String key) throws ConfigException {
    String text = string(key, "");
    try {
      return ConfigLoader.parseIds(text);
    } catch (IllegalArgumentException e) {
      throw bad(key, quote(text), e.getMessage());
    }
  }

  HostPort listenAddress(String key, HostPort absent) throws ConfigException {
    String text = string(key, null);
    if (text == null) {
      return absent;
    }
    try {
      return tcpHostPort(text);
    } catch (IllegalArgumentException e) {
      throw bad(key, quote(text), e.getMessage());
    }
  }

  Optional<HostPort> externalAddress(String key) throws ConfigException {
    String text = string(key, "");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(tcpHostPort(text));
    } catch (IllegalArgumentException e) {
      throw bad(key, quote(text), e.getMessage());
    }
  }

  private static HostPort tcpHostPort(String text) {
    String s = text;
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      if (!s.substring(0, scheme).equals("tcp")) {
        throw new IllegalArgumentException("must be a tcp:// address (peer-to-peer runs over TCP only)");
      }
      s = s.substring(scheme + 3);
    }
    return HostPort.parse(s);
  }

  /** CometBFT's {@code SplitAndTrimEmpty(s, ",", " ")}: split on commas, trim, drop empties. */
  static List<String> splitList(String s) {
    List<String> out = new ArrayList<>();
    for (String part : s.split(",", -1)) {
      String t = part.strip();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /** A TOML rendering of a value for messages. */
  static String render(JsonNode n) {
    if (n.isTextual()) {
      return quote(n.textValue());
    }
    if (n.isObject()) {
      return "{...}";
    }
    if (n.isBigDecimal()) {
      return n.decimalValue().toPlainString(); // 40.0 stays 40.0, not 4E+1
    }
    return n.toString();
  }

  static String quote(String s) {
    return ConfigWriter.tomlString(s.length() > 200 ? s.substring(0, 200) + "..." : s);
  }
}
