package dev.cairn.shell.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What one step changed in the core's state, as lines a person reads: {@code path: before ->
 * after} for a changed value, {@code path: added VALUE} and {@code path: removed VALUE} for an
 * entry that came or went, the path naming the field by the names of {@link ValueJson} (e.g.
 * {@code peer.connected.758b…: removed {…}}, {@code peer.book.entries.3380….attempts: 0 -> 1}).
 * Both states are compared as their {@link ValueJson} renderings: objects key by key, lists of
 * {@code {key, value}} pairs (maps keyed by records: timers) key by key, lists of plain values
 * (sets: {@code ready}) as sets, other lists whole.
 */
public final class StateChanges {

  /** Longest rendering of one value in a line; longer ones are cut with "…". */
  static final int MAX_VALUE_CHARS = 160;

  private StateChanges() {}

  /**
   * The changes from {@code before} to {@code after} ({@link ValueJson#node} of two states), in
   * the order of the fields, at most {@code limit} lines (then one more saying how many were left
   * out).
   */
  public static List<String> between(JsonNode before, JsonNode after, int limit) {
    List<String> out = new ArrayList<>();
    int[] total = {0};
    compare("", before, after, out, limit, total);
    if (total[0] > out.size()) {
      out.add("… " + (total[0] - out.size()) + " more changes");
    }
    return out;
  }

  private static void compare(String path, JsonNode a, JsonNode b, List<String> out, int limit, int[] total) {
    if (a.equals(b)) {
      return;
    }
    // an empty map renders as {} whatever its keys; one keyed by records is a list of pairs
    if (a.isObject() && a.isEmpty() && b.isArray()) {
      a = JsonNodeFactory.instance.arrayNode();
    } else if (b.isObject() && b.isEmpty() && a.isArray()) {
      b = JsonNodeFactory.instance.arrayNode();
    }
    if (a.isObject() && b.isObject()) {
      List<String> keys = new ArrayList<>();
      a.fieldNames().forEachRemaining(keys::add);
      for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!a.has(k)) {
          keys.add(k);
        }
      }
      for (String k : keys) {
        String p = path.isEmpty() ? k : path + "." + k;
        JsonNode x = a.get(k);
        JsonNode y = b.get(k);
        if (x == null) {
          line(p + ": added " + text(y), out, limit, total);
        } else if (y == null) {
          line(p + ": removed " + text(x), out, limit, total);
        } else {
          compare(p, x, y, out, limit, total);
        }
      }
      return;
    }
    if (a.isArray() && b.isArray() && pairs(a) && pairs(b)) {
      Map<String, JsonNode> x = byKey(a);
      Map<String, JsonNode> y = byKey(b);
      for (Map.Entry<String, JsonNode> e : x.entrySet()) {
        String p = path + "[" + e.getKey() + "]";
        JsonNode other = y.get(e.getKey());
        if (other == null) {
          line(p + ": removed " + text(e.getValue()), out, limit, total);
        } else {
          compare(p, e.getValue(), other, out, limit, total);
        }
      }
      for (Map.Entry<String, JsonNode> e : y.entrySet()) {
        if (!x.containsKey(e.getKey())) {
          line(path + "[" + e.getKey() + "]: added " + text(e.getValue()), out, limit, total);
        }
      }
      return;
    }
    if (a.isArray() && b.isArray() && scalars(a) && scalars(b)) {
      TreeSet<String> x = texts(a);
      TreeSet<String> y = texts(b);
      if (!x.equals(y)) {
        for (String v : y) {
          if (!x.contains(v)) {
            line(path + ": added " + cut(v), out, limit, total);
          }
        }
        for (String v : x) {
          if (!y.contains(v)) {
            line(path + ": removed " + cut(v), out, limit, total);
          }
        }
        return;
      }
      // the same members in another order
    }
    line(path + ": " + text(a) + " -> " + text(b), out, limit, total);
  }

  private static void line(String l, List<String> out, int limit, int[] total) {
    total[0]++;
    if (out.size() < limit) {
      out.add(l);
    }
  }

  /** A list of {@code {key, value}} objects: a map keyed by records. */
  private static boolean pairs(JsonNode a) {
    for (JsonNode e : a) {
      if (!e.isObject() || e.size() != 2 || !e.has("key") || !e.has("value")) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, JsonNode> byKey(JsonNode a) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    for (JsonNode e : a) {
      m.put(keyText(e.get("key")), e.get("value"));
    }
    return m;
  }

  /** A key as a short text: its fields' values joined by spaces ({@code RetryDial 3380…}). */
  private static String keyText(JsonNode k) {
    if (!k.isContainerNode()) {
      return k.asText();
    }
    List<String> parts = new ArrayList<>();
    k.forEach(v -> parts.add(v.isContainerNode() ? v.toString() : v.asText()));
    return String.join(" ", parts);
  }

  private static boolean scalars(JsonNode a) {
    for (JsonNode e : a) {
      if (e.isContainerNode()) {
        return false;
      }
    }
    return true;
  }

  private static TreeSet<String> texts(JsonNode a) {
    TreeSet<String> s = new TreeSet<>();
    a.forEach(e -> s.add(e.isTextual() ? e.asText() : e.toString()));
    return s;
  }

  private static String text(JsonNode v) {
    return cut(v.isTextual() ? v.asText() : v.toString());
  }

  private static String cut(String s) {
    return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS - 1) + "…";
  }
}
