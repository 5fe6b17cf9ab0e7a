package dev.cairn.shell.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.IdTrie;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.pex.PexState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /**
   * The changes from state {@code before} to {@code after}: the same lines as {@link
   * #between(JsonNode, JsonNode, int)} of their renderings, found without rendering what did not
   * change. Parts the two states share (the same objects: persistent values keep what a step did
   * not touch) are skipped, equal parts are not rendered, and the book is compared entry by entry
   * over the IDs whose entries changed ({@link IdTrie#differences}), so that a step costs what it
   * changed rather than the size of the book.
   */
  public static List<String> between(CoreState before, CoreState after, int limit) {
    List<String> out = new ArrayList<>();
    int[] total = {0};
    record(CoreState.class, "", before, after, out, limit, total);
    if (total[0] > out.size()) {
      out.add("… " + (total[0] - out.size()) + " more changes");
    }
    return out;
  }

  /** The containers walked field by field; any other value is compared whole, rendered only when it differs. */
  private static final Set<Class<?>> WALKED = Set.of(CoreState.class, PeerState.class, PexState.class);

  private static void record(Class<?> type, String path, Object a, Object b, List<String> out, int limit,
      int[] total) {
    String[] names = CanonicalCodec.componentNames(type);
    for (int i = 0; i < names.length; i++) {
      value(path.isEmpty() ? names[i] : path + "." + names[i], CanonicalCodec.component(type, a, i),
          CanonicalCodec.component(type, b, i), out, limit, total);
    }
  }

  private static void value(String path, Object a, Object b, List<String> out, int limit, int[] total) {
    if (a == b) {
      return;
    }
    if (a != null && b != null && a.getClass() == b.getClass() && WALKED.contains(a.getClass())) {
      record(a.getClass(), path, a, b, out, limit, total);
      return;
    }
    if (a instanceof AddressBook x && b instanceof AddressBook y) {
      book(path, x, y, out, limit, total);
      return;
    }
    if (a != null && a.equals(b)) {
      return;
    }
    compare(path, ValueJson.node(a), ValueJson.node(b), out, limit, total);
  }

  /** The book as {@link ValueJson} renders it: its counts, then its entries by ID, then its bans. */
  private static void book(String path, AddressBook a, AddressBook b, List<String> out, int limit, int[] total) {
    count(path + ".size", a.size(), b.size(), out, limit, total);
    count(path + ".nNew", a.nNew(), b.nNew(), out, limit, total);
    count(path + ".nOld", a.nOld(), b.nOld(), out, limit, total);
    count(path + ".newBucketsLength", a.newBuckets().length(), b.newBuckets().length(), out, limit, total);
    count(path + ".oldBucketsLength", a.oldBuckets().length(), b.oldBuckets().length(), out, limit, total);
    if (a.lookup() != b.lookup()) {
      List<NodeId> changed = new ArrayList<>();
      a.lookup().differences(b.lookup(), changed::add);
      // the order of the rendering's comparison: the entries of the book before (removed or
      // changed), then those added
      for (NodeId id : changed) {
        KnownAddress x = a.lookup().get(id);
        KnownAddress y = b.lookup().get(id);
        if (x != null && y == null) {
          line(path + ".entries." + id.hex() + ": removed " + text(ValueJson.node(x)), out, limit, total);
        } else if (x != null && !x.equals(y)) {
          compare(path + ".entries." + id.hex(), ValueJson.node(x), ValueJson.node(y), out, limit, total);
        }
      }
      for (NodeId id : changed) {
        if (a.lookup().get(id) == null && b.lookup().get(id) != null) {
          line(path + ".entries." + id.hex() + ": added " + text(ValueJson.node(b.lookup().get(id))), out, limit,
              total);
        }
      }
    }
    value(path + ".bans", a.bans(), b.bans(), out, limit, total);
  }

  private static void count(String path, int a, int b, List<String> out, int limit, int[] total) {
    if (a != b) {
      line(path + ": " + a + " -> " + b, out, limit, total);
    }
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
