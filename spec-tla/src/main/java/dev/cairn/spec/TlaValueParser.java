package dev.cairn.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a value as TLC prints it in a counterexample into the Java value model shared with
 * {@link TlaValues}: {@code Integer}, {@code String}, {@code Boolean}, {@link TlaModelValue},
 * {@code Set} (TLC's order kept), {@code List} (tuples and sequences) and {@code Map} (records,
 * keyed by field name, and functions {@code (a :> x @@ b :> y)}).
 *
 * <p>TLC prints an empty function and an empty sequence alike ({@code << >>}); both read
 * back as an empty {@code List}, so compare an empty function with {@code isEmpty()}.
 *
 * <p>This reads only TLC's normalised printout, not TLA+ expressions in general: no operators,
 * no {@code [x \in S |-> e]}.
 */
public final class TlaValueParser {

  private final String text;
  private int pos;

  private TlaValueParser(String text) {
    this.text = text;
  }

  /** Parses one whole value; trailing text other than whitespace is an error. */
  public static Object parse(String text) {
    TlaValueParser p = new TlaValueParser(text);
    Object v = p.value();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the value");
    }
    return v;
  }

  private Object value() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("a value was expected");
    }
    char c = text.charAt(pos);
    if (c == '{') {
      return set();
    }
    if (text.startsWith("<<", pos)) {
      return tuple();
    }
    if (c == '[') {
      return record();
    }
    if (c == '(') {
      return parenthesised();
    }
    if (c == '"') {
      return string();
    }
    if (c == '-' || Character.isDigit(c)) {
      return integer();
    }
    if (Character.isLetter(c) || c == '_') {
      String word = identifier();
      return switch (word) {
        case "TRUE" -> Boolean.TRUE;
        case "FALSE" -> Boolean.FALSE;
        default -> new TlaModelValue(word);
      };
    }
    throw error("no value starts with '" + c + "'");
  }

  private Set<Object> set() {
    expect("{");
    Set<Object> out = new LinkedHashSet<>();
    skipSpace();
    if (tryConsume("}")) {
      return Collections.unmodifiableSet(out);
    }
    do {
      out.add(value());
    } while (tryConsume(","));
    expect("}");
    return Collections.unmodifiableSet(out);
  }

  private List<Object> tuple() {
    expect("<<");
    List<Object> out = new ArrayList<>();
    skipSpace();
    if (tryConsume(">>")) {
      return Collections.unmodifiableList(out);
    }
    do {
      out.add(value());
    } while (tryConsume(","));
    expect(">>");
    return Collections.unmodifiableList(out);
  }

  private Map<Object, Object> record() {
    expect("[");
    Map<Object, Object> out = new LinkedHashMap<>();
    do {
      skipSpace();
      String field = identifier();
      expect("|->");
      out.put(field, value());
    } while (tryConsume(","));
    expect("]");
    return Collections.unmodifiableMap(out);
  }

  /** {@code (k1 :> v1 @@ k2 :> v2)}, or a value in parentheses. */
  private Object parenthesised() {
    expect("(");
    Object first = value();
    if (!tryConsume(":>")) {
      expect(")");
      return first;
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    out.put(first, value());
    while (tryConsume("@@")) {
      Object k = value();
      expect(":>");
      out.put(k, value());
    }
    expect(")");
    return Collections.unmodifiableMap(out);
  }

  private String string() {
    expect("\"");
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\' && pos < text.length()) {
        char e = text.charAt(pos++);
        sb.append(switch (e) {
          case 'n' -> '\n';
          case 't' -> '\t';
          case 'r' -> '\r';
          case 'f' -> '\f';
          default -> e;
        });
      } else {
        sb.append(c);
      }
    }
    throw error("unterminated string");
  }

  private Integer integer() {
    int start = pos;
    if (text.charAt(pos) == '-') {
      pos++;
    }
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    try {
      return Integer.valueOf(text.substring(start, pos));
    } catch (NumberFormatException e) {
      throw error("not a 32-bit integer: " + text.substring(start, pos));
    }
  }

  private String identifier() {
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    if (start == pos) {
      throw error("an identifier was expected");
    }
    return text.substring(start, pos);
  }

  private void expect(String token) {
    if (!tryConsume(token)) {
      throw error("'" + token + "' was expected");
    }
  }

  private boolean tryConsume(String token) {
    skipSpace();
    if (text.startsWith(token, pos)) {
      pos += token.length();
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    int from = Math.max(0, pos - 30);
    int to = Math.min(text.length(), pos + 30);
    return new IllegalArgumentException(
        what + " at offset " + pos + " in TLC value: ..." + text.substring(from, to) + "...");
  }
}
