package dev.cairn.shell.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The 19-digit integer literals of config.toml, read from the text itself.
 *
 * <p>jackson-dataformat-toml 2.18 drops the leading digit of 19-digit integers (its issue
 * #663: {@code 9223372036854775807} reads as {@code 6854775807}), silently. A random 64-bit
 * {@code prng_seed} usually has 19 digits, so every {@code key = <integer>} line with 19 or more
 * digits is parsed here exactly, per table, and {@link Section#integer} prefers this value. Other
 * integers are read correctly by Jackson.
 */
final class ExactIntegers {

  private static final Pattern HEADER = Pattern.compile("\\s*\\[\\s*([A-Za-z0-9_-]+)\\s*]\\s*(#.*)?");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("\\s*([A-Za-z0-9_-]+)\\s*=\\s*([+-]?[0-9][0-9_]*)\\s*(#.*)?");

  private ExactIntegers() {}

  /** table name ("" for the root table) → key → exact value, for literals of 19+ digits. */
  static Map<String, Map<String, BigInteger>> scan(String text) {
    Map<String, Map<String, BigInteger>> out = new TreeMap<>();
    String table = "";
    for (String line : List.of(text.split("\r?\n", -1))) {
      Matcher h = HEADER.matcher(line);
      if (h.matches()) {
        table = h.group(1);
        continue;
      }
      if (line.strip().startsWith("[")) {
        table = "\u0000"; // dotted or array tables: none of ours
        continue;
      }
      Matcher a = ASSIGNMENT.matcher(line);
      if (a.matches()) {
        String digits = a.group(2).replace("_", "").replace("+", "");
        if (digits.replace("-", "").length() >= 19) {
          out.computeIfAbsent(table, t -> new TreeMap<>()).put(a.group(1), new BigInteger(digits));
        }
      }
    }
    return out;
  }
}
