package dev.cairn.shell.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.Timers;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A readable JSON rendering of the core's values (states, effects) for {@code cairn trace}:
 * records as objects with their component names, sealed variants with a {@code "type"}, maps
 * keyed by ID as objects, addresses as {@code id@ip:port}, wall times as ISO-8601. For people,
 * not for reading back (the trace holds the canonical encoding).
 */
public final class ValueJson {

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ValueJson() {}

  public static String pretty(Object value) {
    try {
      return MAPPER.writeValueAsString(node(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode node(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (v instanceof Integer i) {
      return F.numberNode(i);
    }
    if (v instanceof Long l) {
      return F.numberNode(l);
    }
    if (v instanceof String s) {
      return F.textNode(s);
    }
    if (v instanceof Enum<?> e) {
      return F.textNode(e.name());
    }
    if (v instanceof NodeId id) {
      return F.textNode(id.hex());
    }
    if (v instanceof NodeAddress a) {
      return F.textNode(a.toString());
    }
    if (v instanceof MonoTime t) {
      return F.numberNode(t.nanos());
    }
    if (v instanceof WallTime t) {
      return F.textNode(t.isNever() ? "never" : Instant.ofEpochMilli(t.epochMillis()).toString());
    }
    if (v instanceof Duration d) {
      return F.textNode(d.toString());
    }
    if (v instanceof BookKey k) {
      return F.textNode(k.hex());
    }
    if (v instanceof Timers t) {
      return node(t.deadlines());
    }
    if (v instanceof AddressBook b) {
      ObjectNode o = F.objectNode();
      o.put("size", b.size());
      o.put("nNew", b.nNew());
      o.put("nOld", b.nOld());
      o.put("newBucketsLength", b.newBuckets().length());
      o.put("oldBucketsLength", b.oldBuckets().length());
      o.set("entries", node(b.lookup()));
      o.set("bans", node(b.bans()));
      return o;
    }
    if (v instanceof Optional<?> o) {
      return o.isPresent() ? node(o.get()) : F.nullNode();
    }
    if (v instanceof Map<?, ?> m) {
      boolean named = m.keySet().stream().allMatch(k -> k instanceof NodeId || k instanceof String || k instanceof Enum);
      if (named) {
        ObjectNode o = F.objectNode();
        m.forEach((k, val) -> o.set(k instanceof NodeId id ? id.hex() : k.toString(), node(val)));
        return o;
      }
      ArrayNode a = F.arrayNode();
      m.forEach((k, val) -> a.add(F.objectNode().<ObjectNode>set("key", node(k)).set("value", node(val))));
      return a;
    }
    if (v instanceof Collection<?> c) {
      ArrayNode a = F.arrayNode();
      c.forEach(x -> a.add(node(x)));
      return a;
    }
    Class<?> c = v.getClass();
    if (c.isRecord()) {
      ObjectNode o = F.objectNode();
      if (isVariant(c)) {
        o.put("type", c.getSimpleName());
      }
      String[] names = CanonicalCodec.componentNames(c);
      for (int i = 0; i < names.length; i++) {
        o.set(names[i], node(CanonicalCodec.component(c, v, i)));
      }
      return o;
    }
    return F.textNode(v.toString());
  }

  private static boolean isVariant(Class<?> c) {
    for (Class<?> i : c.getInterfaces()) {
      if (i.isSealed()) {
        return true;
      }
    }
    return false;
  }
}
