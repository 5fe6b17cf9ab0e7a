package dev.cairn.shell.trace;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreInvariants;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.book.BucketTable;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerInvariants;
import dev.cairn.core.peer.Timers;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * The canonical byte encoding of the core's values (its config and state), written into trace
 * headers and hashed into the checkpoints' state digests ({@link Digester}). It walks the values by their declared
 * types, so a field added to a core record is encoded without a change here:
 *
 * <ul>
 *   <li>a record: its components in declaration order, without names;
 *   <li>a sealed interface: the simple name of the variant, then the variant;
 *   <li>{@code boolean} one byte, {@code int} 4 bytes, {@code long} 8 bytes (big-endian),
 *       a string its UTF-8 length (4 bytes) and bytes, an enum constant its name,
 *       a {@link Duration} its seconds and nanoseconds;
 *   <li>sorted maps and sets, lists: their size, then their elements in their (defined) order;
 *       an {@link Optional}: a presence byte, then the value;
 *   <li>{@link Timers}: its {@code key → deadline} map (the deadline index is derived);
 *   <li>{@link AddressBook}: its key, entries and bans in ID order, the two entry counts and the
 *       lengths of the bucket tables (the length of a table takes part in random bucket draws,
 *       so it is state), rebuilt with {@link AddressBook#restore}.
 * </ul>
 *
 * Equal values have equal encodings and a decoded value equals the encoded one; nothing here
 * depends on hash order or identity. A {@link #schema() schema fingerprint} over the types
 * travels with every trace, so a trace written by a build whose core records differ is refused
 * with a message instead of being misread.
 */
public final class CanonicalCodec {

  /** Name of this encoding, written into trace headers. */
  public static final String NAME = "cairn-canonical-1";

  private static final Type EFFECTS = typeOf("effectsType");

  private CanonicalCodec() {}

  @SuppressWarnings("unused") // read reflectively by typeOf: the declared type List<CoreEffect>
  private static List<CoreEffect> effectsType() {
    return List.of();
  }

  private static Type typeOf(String method) {
    try {
      return CanonicalCodec.class.getDeclaredMethod(method).getGenericReturnType();
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- public API

  public static byte[] encodeConfig(CoreConfig cfg) {
    return encode(CoreConfig.class, cfg);
  }

  public static byte[] encodeState(CoreState state) {
    return encode(CoreState.class, state);
  }

  public static CoreConfig decodeConfig(byte[] bytes) {
    return (CoreConfig) new Reader(bytes, null).readAll(CoreConfig.class);
  }

  /** The state of {@code bytes}; its address book is rebuilt under {@code cfg}'s book config. */
  public static CoreState decodeState(byte[] bytes, CoreConfig cfg) {
    CoreState s = (CoreState) new Reader(bytes, cfg.peer().book()).readAll(CoreState.class);
    // A recorded state held the invariants (the core checks them after every step); one that
    // does not was altered, and stepping it would break the core's assertions.
    List<String> broken = new ArrayList<>(PeerInvariants.violations(cfg.peer(), s.peer()));
    broken.addAll(CoreInvariants.violations(cfg, s));
    if (!broken.isEmpty()) {
      throw new DecodeException("the decoded state breaks the core's invariants " + broken);
    }
    return s;
  }

  static byte[] encode(Type type, Object value) {
    Writer w = new Writer(null);
    w.write(type, value);
    return w.out.toByteArray();
  }

  /**
   * The fingerprint of the types this encoding walks from {@link CoreConfig}, {@link CoreState}
   * and the effects: their names, component names and component types. Two builds share it exactly
   * when they encode the same way.
   */
  public static String schema() {
    return Schema.VALUE;
  }

  /** Computed on first use, after the class's own tables exist. */
  private static final class Schema {
    static final String VALUE = computeSchema();
  }

  private static String computeSchema() {
    StringBuilder sb = new StringBuilder(NAME);
    Set<Type> seen = new java.util.LinkedHashSet<>();
    describe(CoreConfig.class, sb, seen);
    describe(CoreState.class, sb, seen);
    describe(EFFECTS, sb, seen);
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return NAME + ";schema=" + HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void describe(Type t, StringBuilder sb, Set<Type> seen) {
    sb.append(t.getTypeName()).append(';');
    if (!seen.add(t)) {
      return;
    }
    if (t instanceof ParameterizedType p) {
      for (Type a : p.getActualTypeArguments()) {
        describe(a, sb, seen);
      }
      return;
    }
    Class<?> c = (Class<?>) t;
    if (c == AddressBook.class) {
      describe(KnownAddress.class, sb, seen);
      describe(BookKey.class, sb, seen);
    } else if (c == Timers.class) {
      describe(timersMapType(), sb, seen);
    } else if (c == NodeId.class) { // one text component, described as the record it once was
      sb.append("hex:");
      describe(String.class, sb, seen);
    } else if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        sb.append(rc.getName()).append(':');
        describe(rc.getGenericType(), sb, seen);
      }
    } else if (c.isSealed()) {
      for (Class<?> v : variants(c).values()) {
        describe(v, sb, seen);
      }
    } else if (c.isEnum()) {
      for (Object k : c.getEnumConstants()) {
        sb.append(((Enum<?>) k).name()).append(',');
      }
    }
  }

  private static Type timersMapType() {
    try {
      return Timers.class.getMethod("deadlines").getGenericReturnType();
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- shape of a class

  /** What the walker needs of a record class, computed once per class. */
  private record RecordShape(String[] names, Type[] types, MethodHandle[] accessors, MethodHandle constructor) {}

  private static final ClassValue<RecordShape> RECORDS = new ClassValue<>() {
    @Override
    protected RecordShape computeValue(Class<?> c) {
      RecordComponent[] rcs = c.getRecordComponents();
      String[] names = new String[rcs.length];
      Type[] types = new Type[rcs.length];
      MethodHandle[] accessors = new MethodHandle[rcs.length];
      Class<?>[] raw = new Class<?>[rcs.length];
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      try {
        for (int i = 0; i < rcs.length; i++) {
          names[i] = rcs[i].getName();
          types[i] = rcs[i].getGenericType();
          raw[i] = rcs[i].getType();
          Method m = rcs[i].getAccessor();
          m.setAccessible(true);
          accessors[i] = lookup.unreflect(m);
        }
        Constructor<?> k = c.getDeclaredConstructor(raw);
        k.setAccessible(true);
        return new RecordShape(names, types, accessors, lookup.unreflectConstructor(k));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read record " + c.getName(), e);
      }
    }
  };

  /** The record variants of a sealed interface, by simple name (through nested sealed interfaces). */
  private static final ClassValue<Map<String, Class<?>>> VARIANTS = new ClassValue<>() {
    @Override
    protected Map<String, Class<?>> computeValue(Class<?> c) {
      Map<String, Class<?>> out = new TreeMap<>();
      collect(c, out);
      return out;
    }

    private void collect(Class<?> c, Map<String, Class<?>> out) {
      for (Class<?> p : c.getPermittedSubclasses()) {
        if (p.isInterface() && p.isSealed()) {
          collect(p, out);
        } else {
          Class<?> clash = out.put(p.getSimpleName(), p);
          if (clash != null && clash != p) {
            throw new IllegalStateException(c.getName() + " has two variants named " + p.getSimpleName());
          }
        }
      }
    }
  };

  static Map<String, Class<?>> variants(Class<?> sealed) {
    return VARIANTS.get(sealed);
  }

  static RecordShape shape(Class<?> record) {
    return RECORDS.get(record);
  }

  static String[] componentNames(Class<?> record) {
    return RECORDS.get(record).names();
  }

  static Object component(Class<?> record, Object value, int i) {
    try {
      return RECORDS.get(record).accessors()[i].invoke(value);
    } catch (Throwable e) {
      throw new IllegalStateException("cannot read " + record.getSimpleName() + "." + RECORDS.get(record).names()[i], e);
    }
  }

  static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalArgumentException("no canonical encoding for type " + t.getTypeName());
  }

  static Type arg(Type t, int i) {
    if (t instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[i];
    }
    throw new IllegalArgumentException("type " + t.getTypeName() + " lacks its type arguments");
  }

  // ---------------------------------------------------------------- writing

  /** A growable byte buffer. */
  static final class Out {
    byte[] buf = new byte[256];
    int len;

    void ensure(int n) {
      if (len + n > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    void writeByte(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    void writeInt(int v) {
      ensure(4);
      buf[len++] = (byte) (v >>> 24);
      buf[len++] = (byte) (v >>> 16);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
    }

    void writeLong(long v) {
      writeInt((int) (v >>> 32));
      writeInt((int) v);
    }

    void writeBytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    void writeString(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      writeInt(b.length);
      writeBytes(b);
    }

    /** A node ID as {@link #writeString} writes it: its hex is ASCII, one byte per character. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) takes each char's low byte: exact for ASCII
    void writeId(NodeId id) {
      String hex = id.hex();
      int n = hex.length();
      writeInt(n);
      ensure(n);
      hex.getBytes(0, n, buf, len);
      len += n;
    }

    void reset() {
      len = 0;
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, len);
    }
  }

  /**
   * Whether {@link KnownAddress} and the records in it still have the components
   * {@link Writer#writeKnownAddress} writes; if one changed, entries are walked like any record.
   */
  static final class KnownAddressShape {
    static final boolean DIRECT = describeComponents(KnownAddress.class).equals(
        "addr:dev.cairn.core.NodeAddress,src:dev.cairn.core.NodeAddress,"
            + "buckets:org.pcollections.PSortedSet<java.lang.Integer>,type:dev.cairn.core.book.BucketType,"
            + "attempts:int,lastAttempt:dev.cairn.core.WallTime,lastSuccess:dev.cairn.core.WallTime,"
            + "lastBanTime:dev.cairn.core.WallTime,")
        && describeComponents(NodeAddress.class).equals("id:dev.cairn.core.NodeId,ip:java.lang.String,port:int,")
        && describeComponents(dev.cairn.core.WallTime.class).equals("epochMillis:long,");

    private KnownAddressShape() {}

    static String describeComponents(Class<?> record) {
      RecordShape s = shape(record);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < s.names().length; i++) {
        sb.append(s.names()[i]).append(':').append(s.types()[i].getTypeName()).append(',');
      }
      return sb.toString();
    }
  }

  /** Replaces an address book by something shorter in the encoding (its digest). */
  interface BookSubstitute {
    byte[] of(AddressBook book);
  }

  /** Walks a value by its declared type into {@link #out}. */
  static final class Writer {
    final Out out = new Out();
    private final BookSubstitute books;
    /** Entries written by {@link #writeKnownAddress}, not walked (tests compare the two). */
    boolean directEntries = KnownAddressShape.DIRECT;

    /** With {@code books} null, address books are written whole. */
    Writer(BookSubstitute books) {
      this.books = books;
    }

    void write(Type type, Object v) {
      Class<?> c = raw(type);
      if (c == boolean.class || c == Boolean.class) {
        out.writeByte((Boolean) v ? 1 : 0);
      } else if (c == int.class || c == Integer.class) {
        out.writeInt((Integer) v);
      } else if (c == long.class || c == Long.class) {
        out.writeLong((Long) v);
      } else if (c == String.class) {
        out.writeString((String) v);
      } else if (c == NodeId.class) {
        out.writeId((NodeId) v);
      } else if (c.isEnum()) {
        out.writeString(((Enum<?>) v).name());
      } else if (c == Duration.class) {
        Duration d = (Duration) v;
        out.writeLong(d.getSeconds());
        out.writeInt(d.getNano());
      } else if (c == AddressBook.class) {
        AddressBook b = (AddressBook) v;
        if (books != null) {
          out.writeBytes(books.of(b));
        } else {
          writeBook(b);
        }
      } else if (c == Timers.class) {
        write(timersMapType(), ((Timers) v).deadlines());
      } else if (Map.class.isAssignableFrom(c)) {
        Map<?, ?> m = (Map<?, ?>) v;
        out.writeInt(m.size());
        Type k = arg(type, 0);
        Type val = arg(type, 1);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          write(k, e.getKey());
          write(val, e.getValue());
        }
      } else if (List.class.isAssignableFrom(c) || Set.class.isAssignableFrom(c)) {
        java.util.Collection<?> all = (java.util.Collection<?>) v;
        out.writeInt(all.size());
        Type e = arg(type, 0);
        for (Object x : all) {
          write(e, x);
        }
      } else if (c == Optional.class) {
        Optional<?> o = (Optional<?>) v;
        out.writeByte(o.isPresent() ? 1 : 0);
        if (o.isPresent()) {
          write(arg(type, 0), o.get());
        }
      } else if (c.isRecord()) {
        writeRecord(c, v);
      } else if (c.isInterface() && c.isSealed()) {
        Class<?> variant = v.getClass();
        out.writeString(variant.getSimpleName());
        writeRecord(variant, v);
      } else {
        throw new IllegalArgumentException("no canonical encoding for " + c.getName());
      }
    }

    private void writeRecord(Class<?> c, Object v) {
      if (c == KnownAddress.class && directEntries) {
        writeKnownAddress((KnownAddress) v);
        return;
      }
      RecordShape s = shape(c);
      for (int i = 0; i < s.types().length; i++) {
        write(s.types()[i], component(c, v, i));
      }
    }

    /**
     * What the walk writes for an entry, written directly: a book's entries are most of what a
     * checkpoint encodes, and the walk reads each component through a method handle.
     */
    private void writeKnownAddress(KnownAddress ka) {
      writeNodeAddress(ka.addr());
      writeNodeAddress(ka.src());
      out.writeInt(ka.buckets().size());
      for (Integer b : ka.buckets()) {
        out.writeInt(b);
      }
      out.writeString(ka.type().name());
      out.writeInt(ka.attempts());
      out.writeLong(ka.lastAttempt().epochMillis());
      out.writeLong(ka.lastSuccess().epochMillis());
      out.writeLong(ka.lastBanTime().epochMillis());
    }

    private void writeNodeAddress(NodeAddress a) {
      out.writeId(a.id());
      out.writeString(a.ip());
      out.writeInt(a.port());
    }

    private void writeBook(AddressBook b) {
      out.writeString(b.key().hex());
      List<KnownAddress> entries = b.entries();
      out.writeInt(entries.size());
      for (KnownAddress ka : entries) {
        writeRecord(KnownAddress.class, ka);
      }
      List<KnownAddress> bans = b.bannedEntries();
      out.writeInt(bans.size());
      for (KnownAddress ka : bans) {
        writeRecord(KnownAddress.class, ka);
      }
      out.writeInt(b.nNew());
      out.writeInt(b.nOld());
      out.writeInt(b.newBuckets().length());
      out.writeInt(b.oldBuckets().length());
    }
  }

  // ---------------------------------------------------------------- reading

  /** A canonical encoding that does not decode; {@code offset} is the byte where it went wrong. */
  public static final class DecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DecodeException(String message) {
      super(message);
    }
  }

  private static final class Reader {
    private final byte[] in;
    private int pos;
    private final BookConfig bookConfig;

    Reader(byte[] in, BookConfig bookConfig) {
      this.in = in;
      this.bookConfig = bookConfig;
    }

    Object readAll(Type type) {
      Object v;
      try {
        v = read(type);
      } catch (DecodeException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new DecodeException("at byte " + pos + " of the encoded " + raw(type).getSimpleName() + ": "
            + e.getMessage());
      }
      if (pos != in.length) {
        throw new DecodeException(in.length - pos + " bytes left over after the encoded " + raw(type).getSimpleName());
      }
      return v;
    }

    private void need(int n) {
      if (n < 0 || pos + n > in.length) {
        throw new DecodeException("the encoding ends at byte " + in.length + ", " + n + " more bytes needed at " + pos);
      }
    }

    int readInt() {
      need(4);
      int v = (in[pos] & 0xff) << 24 | (in[pos + 1] & 0xff) << 16 | (in[pos + 2] & 0xff) << 8 | (in[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    long readLong() {
      long hi = readInt() & 0xffffffffL;
      long lo = readInt() & 0xffffffffL;
      return hi << 32 | lo;
    }

    String readString() {
      int n = readInt();
      need(n);
      String s = new String(in, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    int readSize() {
      int n = readInt();
      if (n < 0 || n > in.length - pos) {
        throw new DecodeException("collection size " + n + " at byte " + (pos - 4) + " exceeds the bytes left");
      }
      return n;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    Object read(Type type) {
      Class<?> c = raw(type);
      if (c == boolean.class || c == Boolean.class) {
        need(1);
        int b = in[pos++];
        if (b != 0 && b != 1) {
          throw new DecodeException("boolean byte " + b + " at " + (pos - 1));
        }
        return b == 1;
      } else if (c == int.class || c == Integer.class) {
        return readInt();
      } else if (c == long.class || c == Long.class) {
        return readLong();
      } else if (c == String.class) {
        return readString();
      } else if (c == NodeId.class) {
        String hex = readString();
        if (!NodeId.isValid(hex)) {
          throw new DecodeException("at byte " + pos + ": NodeId refuses its decoded fields: '" + hex
              + "' is not 40 lowercase hex characters");
        }
        return NodeId.of(hex);
      } else if (c.isEnum()) {
        String name = readString();
        return Enum.valueOf((Class<? extends Enum>) c, name);
      } else if (c == Duration.class) {
        long s = readLong();
        return Duration.ofSeconds(s, readInt());
      } else if (c == AddressBook.class) {
        return readBook();
      } else if (c == Timers.class) {
        Map<?, ?> m = (Map<?, ?>) read(timersMapType());
        Timers t = Timers.empty();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          t = t.arm((dev.cairn.core.peer.TimerKey) e.getKey(), (dev.cairn.core.MonoTime) e.getValue());
        }
        return t;
      } else if (PSortedMap.class.isAssignableFrom(c) || c == Map.class) {
        int n = readSize();
        TreeMap m = new TreeMap();
        for (int i = 0; i < n; i++) {
          Object k = read(arg(type, 0));
          m.put(k, read(arg(type, 1)));
        }
        return TreePMap.from(m);
      } else if (PSortedSet.class.isAssignableFrom(c) || c == Set.class) {
        int n = readSize();
        TreeSet s = new TreeSet();
        for (int i = 0; i < n; i++) {
          s.add(read(arg(type, 0)));
        }
        return TreePSet.from(s);
      } else if (c == List.class) {
        int n = readSize();
        List<Object> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          l.add(read(arg(type, 0)));
        }
        return List.copyOf(l);
      } else if (c == Optional.class) {
        need(1);
        return in[pos++] == 1 ? Optional.of(read(arg(type, 0))) : Optional.empty();
      } else if (c.isRecord()) {
        return readRecord(c);
      } else if (c.isInterface() && c.isSealed()) {
        String name = readString();
        Class<?> v = variants(c).get(name);
        if (v == null) {
          throw new DecodeException("'" + name + "' is not a variant of " + c.getSimpleName() + " in this build");
        }
        return readRecord(v);
      }
      throw new DecodeException("no canonical encoding for " + c.getName());
    }

    private Object readRecord(Class<?> c) {
      RecordShape s = shape(c);
      Object[] args = new Object[s.types().length];
      for (int i = 0; i < args.length; i++) {
        args[i] = read(s.types()[i]);
      }
      try {
        return s.constructor().invokeWithArguments(args);
      } catch (RuntimeException e) {
        throw new DecodeException("at byte " + pos + ": " + c.getSimpleName() + " refuses its decoded fields: "
            + e.getMessage());
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    private AddressBook readBook() {
      if (bookConfig == null) {
        throw new DecodeException("an address book needs the book config to be rebuilt");
      }
      BookKey key = BookKey.of(readString());
      int n = readSize();
      List<KnownAddress> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        entries.add((KnownAddress) readRecord(KnownAddress.class));
      }
      int nb = readSize();
      List<KnownAddress> bans = new ArrayList<>(nb);
      for (int i = 0; i < nb; i++) {
        bans.add((KnownAddress) readRecord(KnownAddress.class));
      }
      int nNew = readInt();
      int nOld = readInt();
      int newLength = readInt();
      int oldLength = readInt();
      if (newLength < 0 || newLength > bookConfig.newBucketCount()) {
        throw new DecodeException("new bucket table length " + newLength + " at byte " + (pos - 8)
            + " is outside 0.." + bookConfig.newBucketCount() + " (the book config's new bucket count)");
      }
      if (oldLength < 0 || oldLength > bookConfig.oldBucketCount()) {
        throw new DecodeException("old bucket table length " + oldLength + " at byte " + (pos - 4)
            + " is outside 0.." + bookConfig.oldBucketCount() + " (the book config's old bucket count)");
      }
      AddressBook b;
      try {
        b = AddressBook.restore(bookConfig, key, entries, bans);
      } catch (IllegalArgumentException e) {
        throw new DecodeException("the address book does not rebuild: " + e.getMessage());
      }
      if (b.size() != entries.size() || b.nNew() != nNew || b.nOld() != nOld) {
        throw new DecodeException("the address book does not rebuild under its config: " + entries.size()
            + " entries (" + nNew + " new, " + nOld + " old) became " + b.size() + " (" + b.nNew() + " new, "
            + b.nOld() + " old)");
      }
      return new AddressBook(b.key(), b.lookup(), Tables.grow(b.newBuckets(), newLength),
          Tables.grow(b.oldBuckets(), oldLength), b.bans(), b.firstBanExpiryMillis(), b.nNew(), b.nOld());
    }
  }

  /**
   * Restores the length of a bucket table. {@link AddressBook#restore} sizes a table to the
   * highest bucket in use, but a running book's table keeps the highest bucket ever used, and
   * that length takes part in random bucket draws. core-fsm offers no public way to set it, so
   * this appends an empty bucket through the table's own (package-private) update.
   */
  static final class Tables {
    private static final Method WITH;
    private static final Object EMPTY_BUCKET;

    static {
      try {
        Class<?> bucket = Class.forName("dev.cairn.core.book.Bucket");
        WITH = BucketTable.class.getDeclaredMethod("with", int.class, bucket);
        WITH.setAccessible(true);
        var empty = bucket.getDeclaredField("EMPTY");
        empty.setAccessible(true);
        EMPTY_BUCKET = empty.get(null);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("core-fsm's bucket table changed shape: " + e, e);
      }
    }

    private Tables() {}

    static BucketTable grow(BucketTable t, int length) {
      if (length < t.length()) {
        throw new DecodeException("a bucket table of length " + length + " holds entries in bucket " + (t.length() - 1));
      }
      if (length == t.length()) {
        return t;
      }
      try {
        return (BucketTable) WITH.invoke(t, length - 1, EMPTY_BUCKET);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
