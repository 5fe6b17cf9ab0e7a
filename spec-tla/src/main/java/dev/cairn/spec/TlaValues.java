package dev.cairn.spec;

import dev.cairn.core.NodeId;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tlc2.value.IValue;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.Enumerable;
import tlc2.value.impl.FcnRcdValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.ModelValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.StringValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;
import tlc2.value.impl.ValueEnumeration;
import util.UniqueString;

/**
 * Converts between TLC values and plain Java values, both ways.
 *
 * <table>
 *   <caption>Java and TLA+ values</caption>
 *   <tr><th>Java</th><th>TLA+</th></tr>
 *   <tr><td>{@code Integer} (also {@code Long}, {@code Short}, {@code Byte} when they fit 32 bits)</td>
 *       <td>integer (TLC integers are 32-bit)</td></tr>
 *   <tr><td>{@code String}</td><td>string</td></tr>
 *   <tr><td>{@code Boolean}</td><td>{@code TRUE}/{@code FALSE}</td></tr>
 *   <tr><td>{@link TlaModelValue}</td><td>model value</td></tr>
 *   <tr><td>enum constant</td><td>its name in lower case, as a string (to TLA+ only)</td></tr>
 *   <tr><td>{@code Set}</td><td>set (read back in TLC's order)</td></tr>
 *   <tr><td>{@code List}</td><td>tuple / sequence (a function on {@code 1..n} reads back as a List)</td></tr>
 *   <tr><td>{@code Map} with only {@code String} keys</td><td>record</td></tr>
 *   <tr><td>other {@code Map}</td><td>function ({@code :>}/{@code @@})</td></tr>
 *   <tr><td>Java {@code record}</td><td>record of its components (to TLA+ only)</td></tr>
 *   <tr><td>{@code Optional}</td><td>its value, or the empty set when empty (to TLA+ only)</td></tr>
 * </table>
 *
 * <p>Records and string-keyed functions are one thing in TLA+ (TLC gives them equal
 * fingerprints), so both read back as {@code Map<String, Object>}. A value read back is
 * unmodifiable.
 */
public final class TlaValues {

  private TlaValues() {}

  /** The TLC value for a Java value, per the table above. */
  public static Value toTla(Object o) {
    return switch (o) {
      case null -> throw new IllegalArgumentException("null has no TLA+ value");
      case Value v -> v;
      case Integer i -> IntValue.gen(i);
      case Long l -> IntValue.gen(fit(l));
      case Short s -> IntValue.gen(s);
      case Byte b -> IntValue.gen(b);
      case String s -> string(s);
      case Boolean b -> b ? BoolValue.ValTrue : BoolValue.ValFalse;
      case TlaModelValue m -> ModelValue.make(m.name());
      case Enum<?> e -> ENUMS.computeIfAbsent(e, x -> new StringValue(x.name().toLowerCase(Locale.ROOT)));
      case Optional<?> opt -> opt.isPresent() ? toTla(opt.get()) : SetEnumValue.EmptySet;
      case Set<?> set -> set(set);
      case List<?> list -> tuple(list);
      case Map<?, ?> map -> map(map);
      case NodeId id -> nodeId(id);
      case Record r -> record(r);
      default -> throw new IllegalArgumentException(
          "no TLA+ value for a " + o.getClass().getName() + ": " + o);
    };
  }

  /** The Java value for a TLC value, per the table above. */
  public static Object fromTla(IValue iv) {
    Value v = (Value) iv;
    return switch (v) {
      case IntValue i -> i.val;
      case StringValue s -> s.val.toString();
      case BoolValue b -> b.val;
      case ModelValue m -> new TlaModelValue(m.val.toString());
      case RecordValue r -> fromRecord(r);
      case TupleValue t -> fromTuple(t.elems);
      case FcnRcdValue f -> fromFunction(f);
      case Enumerable e -> fromSet(e);
      default -> fromOther(v);
    };
  }

  private static int fit(long l) {
    if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          l + " does not fit a TLC integer (32 bits): abstract or rescale it before the spec sees it");
    }
    return (int) l;
  }

  private static Value set(Collection<?> set) {
    Value[] elems = new Value[set.size()];
    int i = 0;
    for (Object o : set) {
      elems[i++] = toTla(o);
    }
    return (Value) new SetEnumValue(elems, false).normalize();
  }

  private static Value map(Map<?, ?> map) {
    if (!map.isEmpty() && stringKeys(map)) {
      UniqueString[] names = new UniqueString[map.size()];
      Value[] vals = new Value[map.size()];
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        names[i] = name((String) e.getKey());
        vals[i] = toTla(e.getValue());
        i++;
      }
      return (Value) new RecordValue(names, vals, false).normalize();
    }
    Value[] dom = new Value[map.size()];
    Value[] rng = new Value[map.size()];
    int i = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      dom[i] = toTla(e.getKey());
      rng[i] = toTla(e.getValue());
      i++;
    }
    return (Value) new FcnRcdValue(dom, rng, false).normalize();
  }

  /** An ID as the record it once was: {@code [hex |-> "..."]}. */
  private static Value nodeId(NodeId id) {
    return (Value) new RecordValue(new UniqueString[] {UniqueString.uniqueStringOf("hex")},
        new Value[] {new StringValue(id.hex())}, false).normalize();
  }

  private static Value record(Record r) {
    RecordComponent[] comps = COMPONENTS.get(r.getClass());
    UniqueString[] names = new UniqueString[comps.length];
    Value[] vals = new Value[comps.length];
    for (int i = 0; i < comps.length; i++) {
      names[i] = name(comps[i].getName());
      try {
        vals[i] = toTla(comps[i].getAccessor().invoke(r));
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("cannot read " + comps[i].getName() + " of " + r, e);
      }
    }
    return (Value) new RecordValue(names, vals, false).normalize();
  }

  private static Value tuple(List<?> list) {
    Value[] elems = new Value[list.size()];
    int i = 0;
    for (Object o : list) {
      elems[i++] = toTla(o);
    }
    return new TupleValue(elems);
  }

  private static boolean stringKeys(Map<?, ?> map) {
    for (Object k : map.keySet()) {
      if (!(k instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /*
   * Values made again and again (record field names, short strings such as a status or a
   * direction, enum constants) are made once and shared: TLC values are immutable once normalised,
   * and each new string otherwise takes TLC's global intern table's lock. The string cache stops
   * growing at CACHED_STRINGS entries (IDs and addresses would fill it otherwise).
   */
  private static final int CACHED_STRINGS = 1 << 12;
  private static final java.util.concurrent.ConcurrentHashMap<String, UniqueString> NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<String, StringValue> STRINGS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<Enum<?>, StringValue> ENUMS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
    @Override
    protected RecordComponent[] computeValue(Class<?> type) {
      RecordComponent[] comps = type.getRecordComponents();
      for (RecordComponent c : comps) {
        c.getAccessor().setAccessible(true);
      }
      return comps;
    }
  };

  private static UniqueString name(String s) {
    UniqueString u = NAMES.get(s);
    if (u == null) {
      u = UniqueString.uniqueStringOf(s);
      if (NAMES.size() < CACHED_STRINGS) {
        NAMES.put(s, u);
      }
    }
    return u;
  }

  private static StringValue string(String s) {
    StringValue v = STRINGS.get(s);
    if (v == null) {
      v = new StringValue(s);
      if (STRINGS.size() < CACHED_STRINGS) {
        STRINGS.put(s, v);
      }
    }
    return v;
  }

  private static Map<Object, Object> fromRecord(RecordValue r) {
    Map<Object, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < r.names.length; i++) {
      out.put(r.names[i].toString(), fromTla(r.values[i]));
    }
    return Collections.unmodifiableMap(out);
  }

  private static List<Object> fromTuple(Value[] elems) {
    List<Object> out = new ArrayList<>(elems.length);
    for (Value e : elems) {
      out.add(fromTla(e));
    }
    return Collections.unmodifiableList(out);
  }

  private static Object fromFunction(FcnRcdValue f) {
    FcnRcdValue n = (FcnRcdValue) f.toFcnRcd();
    n.normalize();
    if (n.intv != null) {
      if (n.intv.low == 1) {
        return fromTuple(n.values);
      }
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < n.values.length; i++) {
        out.put(n.intv.low + i, fromTla(n.values[i]));
      }
      return Collections.unmodifiableMap(out);
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < n.domain.length; i++) {
      out.put(fromTla(n.domain[i]), fromTla(n.values[i]));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Set<Object> fromSet(Enumerable e) {
    Enumerable norm = (Enumerable) ((Value) e).toSetEnum();
    if (norm == null) {
      norm = e;
    }
    Set<Object> out = new LinkedHashSet<>();
    ValueEnumeration en = norm.elements();
    for (Value x = en.nextElement(); x != null; x = en.nextElement()) {
      out.add(fromTla(x));
    }
    return Collections.unmodifiableSet(out);
  }

  private static Object fromOther(Value v) {
    Value f = v.toFcnRcd();
    if (f != null) {
      return fromTla(f);
    }
    Value r = v.toRcd();
    if (r != null) {
      return fromTla(r);
    }
    throw new IllegalArgumentException("no Java value for the TLC " + v.getClass().getSimpleName() + " " + v);
  }
}
