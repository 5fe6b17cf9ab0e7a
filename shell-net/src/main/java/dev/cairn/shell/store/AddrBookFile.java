package dev.cairn.shell.store;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads and writes CometBFT's {@code config/addrbook.json} ({@code p2p/pex/file.go}).
 *
 * <p>Writing reproduces Go's {@code json.MarshalIndent(v, "", "\t")} exactly (field order, tab
 * indentation, {@code null} for a nil bucket list, no trailing newline), so a book without
 * bans is byte-for-byte what a CometBFT node would write. Reading is stricter than Go's, which
 * trusts the file and panics later on nonsense: every entry is checked (ID, IP literal, port,
 * bucket type, bucket indices in range and not over-full, timestamps) and the first problem is
 * reported as a {@link StoreException} naming the file and the entry, or the byte offset for
 * malformed JSON. A corrupt book is never replaced: the caller stops start-up.
 */
public final class AddrBookFile {

  /** File-size limit; a full book (20 480 entries of about 500 bytes) is far below it. */
  public static final int FILE_BYTES_MAX = 64 * 1024 * 1024;

  /** Entries of {@code addrs} at most: every new and old bucket full, each address in one. */
  public static final int ENTRIES_MAX =
      (BucketKind.NEW.bucketCount() + BucketKind.OLD.bucketCount()) * BucketKind.FILE_BUCKET_CAPACITY;

  /** Entries of {@code cairn_banned} at most. */
  public static final int BANNED_MAX = ENTRIES_MAX;

  /** Length of the placement key in hex characters (96 bits). */
  public static final int KEY_HEX_LENGTH = 24;

  static final String BANNED_FIELD = "cairn_banned";

  /** Cairn's bans by ID alone ({@code [{"id", "until"}]}); Go's decoder ignores the key too. */
  static final String BANNED_IDS_FIELD = "cairn_banned_ids";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private AddrBookFile() {}

  /**
   * Loads the book at {@code file}.
   *
   * @return empty when there is no file (a first start)
   * @throws StoreException when the file is empty, unreadable or corrupt
   */
  public static Optional<AddrBookDocument> load(Path file) throws StoreException {
    FileContent content = DurableFiles.read(file, FILE_BYTES_MAX);
    return switch (content) {
      case FileContent.Absent a -> Optional.empty();
      case FileContent.Empty e ->
          throw new StoreException(file, "is empty (0 bytes); an address book is never written empty,"
              + " so it was damaged outside Cairn: restore it or delete it to start with an empty book");
      case FileContent.Present p -> Optional.of(parse(file, p.bytes()));
    };
  }

  /** Writes {@code book} to {@code file} atomically and durably, mode 0644 as CometBFT does. */
  public static void save(Path file, AddrBookDocument book) throws StoreException {
    DurableFiles.writeUtf8(file, render(book), FileMode.WORLD_READABLE);
  }

  /**
   * Parses the bytes of an address book.
   *
   * @param file named in error messages only
   */
  public static AddrBookDocument parse(Path file, byte[] bytes) throws StoreException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new StoreException(file, "is not valid JSON " + where(e.getLocation()) + ": "
          + jacksonMessage(e), e);
    } catch (IOException e) {
      throw new StoreException(file, "cannot be parsed: " + e, e);
    }
    if (root == null || root.isMissingNode()) {
      throw new StoreException(file, "holds no JSON value");
    }
    if (!root.isObject()) {
      throw new StoreException(file, "top level must be an object with \"key\" and \"addrs\", found "
          + kind(root));
    }
    Reader r = new Reader(file);
    String key = r.key(root.get("key"));
    List<KnownAddressJson> addrs = r.entries(root.get("addrs"), "addrs", ENTRIES_MAX);
    List<KnownAddressJson> banned = r.entries(root.get(BANNED_FIELD), BANNED_FIELD, BANNED_MAX);
    r.checkDistinct(addrs, "addrs");
    r.checkDistinct(banned, BANNED_FIELD);
    r.checkBucketOccupancy(addrs);
    List<AddrBookDocument.BannedId> bannedIds = r.bannedIds(root.get(BANNED_IDS_FIELD));
    return new AddrBookDocument(key, addrs, banned, bannedIds);
  }

  private static final java.util.Set<String> TOP_FIELDS = java.util.Set.of("key", "addrs", BANNED_FIELD,
      BANNED_IDS_FIELD);
  private static final java.util.Set<String> ENTRY_FIELDS = java.util.Set.of("addr", "src", "buckets", "attempts",
      "bucket_type", "last_attempt", "last_success", "last_ban_time");
  private static final java.util.Set<String> ADDRESS_FIELDS = java.util.Set.of("id", "ip", "port");
  private static final java.util.Set<String> BANNED_ID_FIELDS = java.util.Set.of("id", "until");

  /**
   * The fields of a book {@link #parse} reads that this build does not know (written by a newer
   * build or another tool), by their JSON path ({@code version}, {@code addrs[3].note}), in file
   * order and at most {@code max}: a save writes the book without them.
   */
  public static List<String> unknownFields(byte[] bytes, int max) {
    List<String> out = new ArrayList<>();
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      return out; // parse says what is wrong with it
    }
    if (root == null || !root.isObject()) {
      return out;
    }
    unknown(root, "", TOP_FIELDS, out, max);
    for (String list : List.of("addrs", BANNED_FIELD)) {
      JsonNode entries = root.get(list);
      for (int i = 0; entries != null && entries.isArray() && i < entries.size(); i++) {
        JsonNode e = entries.get(i);
        String path = list + "[" + i + "]";
        unknown(e, path + ".", ENTRY_FIELDS, out, max);
        for (String a : List.of("addr", "src")) {
          unknown(e.get(a), path + "." + a + ".", ADDRESS_FIELDS, out, max);
        }
      }
    }
    JsonNode ids = root.get(BANNED_IDS_FIELD);
    for (int i = 0; ids != null && ids.isArray() && i < ids.size(); i++) {
      unknown(ids.get(i), BANNED_IDS_FIELD + "[" + i + "].", BANNED_ID_FIELDS, out, max);
    }
    return out;
  }

  private static void unknown(JsonNode n, String prefix, java.util.Set<String> known, List<String> out, int max) {
    if (n == null || !n.isObject()) {
      return;
    }
    for (var it = n.fieldNames(); it.hasNext() && out.size() < max; ) {
      String f = it.next();
      if (!known.contains(f)) {
        out.add(prefix + f);
      }
    }
  }

  /** Go's {@code MarshalIndent(book, "", "\t")}, plus {@code cairn_banned} when there are bans. */
  public static String render(AddrBookDocument book) {
    StringBuilder sb = new StringBuilder(256 + 480 * (book.addrs().size() + book.banned().size()));
    sb.append("{\n\t\"key\": ");
    GoJson.string(sb, book.key());
    sb.append(",\n\t\"addrs\": ");
    entries(sb, book.addrs());
    if (!book.banned().isEmpty()) {
      sb.append(",\n\t\"").append(BANNED_FIELD).append("\": ");
      entries(sb, book.banned());
    }
    if (!book.bannedIds().isEmpty()) {
      sb.append(",\n\t\"").append(BANNED_IDS_FIELD).append("\": [");
      for (int i = 0; i < book.bannedIds().size(); i++) {
        AddrBookDocument.BannedId b = book.bannedIds().get(i);
        sb.append(i == 0 ? "\n\t\t{\n\t\t\t\"id\": " : ",\n\t\t{\n\t\t\t\"id\": ");
        GoJson.string(sb, b.id());
        timestamp(sb.append(",\n\t\t\t\"until\": "), b.until());
        sb.append("\n\t\t}");
      }
      sb.append("\n\t]");
    }
    return sb.append("\n}").toString();
  }

  /** {@link #render} as UTF-8 bytes. */
  public static byte[] renderBytes(AddrBookDocument book) {
    return render(book).getBytes(StandardCharsets.UTF_8);
  }

  private static void entries(StringBuilder sb, List<KnownAddressJson> list) {
    if (list.isEmpty()) {
      sb.append("[]");
      return;
    }
    sb.append("[\n");
    for (int i = 0; i < list.size(); i++) {
      entry(sb, list.get(i));
      sb.append(i + 1 < list.size() ? ",\n" : "\n");
    }
    sb.append("\t]");
  }

  private static void entry(StringBuilder sb, KnownAddressJson e) {
    sb.append("\t\t{\n\t\t\t\"addr\": ");
    address(sb, e.addr());
    sb.append(",\n\t\t\t\"src\": ");
    address(sb, e.src());
    sb.append(",\n\t\t\t\"buckets\": ");
    if (e.buckets().isEmpty()) {
      sb.append("null");
    } else if (e.buckets().get().isEmpty()) {
      sb.append("[]");
    } else {
      List<Integer> b = e.buckets().get();
      sb.append("[\n");
      for (int i = 0; i < b.size(); i++) {
        sb.append("\t\t\t\t").append(b.get(i)).append(i + 1 < b.size() ? ",\n" : "\n");
      }
      sb.append("\t\t\t]");
    }
    sb.append(",\n\t\t\t\"attempts\": ").append(e.attempts());
    sb.append(",\n\t\t\t\"bucket_type\": ").append(e.bucketType().code());
    timestamp(sb.append(",\n\t\t\t\"last_attempt\": "), e.lastAttempt());
    timestamp(sb.append(",\n\t\t\t\"last_success\": "), e.lastSuccess());
    timestamp(sb.append(",\n\t\t\t\"last_ban_time\": "), e.lastBanTime());
    sb.append("\n\t\t}");
  }

  private static void address(StringBuilder sb, NetAddressJson a) {
    sb.append("{\n\t\t\t\t\"id\": ");
    GoJson.string(sb, a.id());
    sb.append(",\n\t\t\t\t\"ip\": ");
    GoJson.string(sb, a.ip());
    sb.append(",\n\t\t\t\t\"port\": ").append(a.port()).append("\n\t\t\t}");
  }

  private static void timestamp(StringBuilder sb, OffsetDateTime t) {
    GoJson.string(sb, GoTime.format(t));
  }

  private static String where(JsonLocation loc) {
    if (loc == null) {
      return "at an unknown position";
    }
    long offset = loc.getByteOffset() >= 0 ? loc.getByteOffset() : loc.getCharOffset();
    return "at byte " + offset + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  /**
   * Jackson's message without its placeholder for the (undisclosed) source, nor the name of the
   * library setting behind a limit (a reader of the message cannot change it).
   */
  public static String jacksonMessage(JsonProcessingException e) {
    return withoutLibrarySettings(e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "["));
  }

  /** {@code message} without Jackson's {@code , from `StreamReadConstraints...`} notes. */
  public static String withoutLibrarySettings(String message) {
    if (message != null && message.startsWith("Trailing token")) {
      return "something follows the first JSON value (two documents in one file?)";
    }
    return message == null ? null : message.replaceAll(",? from `[^`]*`", "");
  }

  static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "the string " + GoJson.quote(n.textValue());
      case NUMBER -> n.isDouble() && !Double.isFinite(n.doubleValue()) ? "a number too large for any field"
          : "the number " + n.asText();
      case BOOLEAN -> "the boolean " + n.asText();
      case NULL -> "null";
      case BINARY -> "binary data";
      case MISSING -> "nothing";
    };
  }

  /** Field-by-field checks with the JSON path of every problem in its message. */
  private static final class Reader {
    private final Path file;

    Reader(Path file) {
      this.file = file;
    }

    private StoreException bad(String path, String problem) {
      return new StoreException(file, path + ": " + problem);
    }

    String key(JsonNode n) throws StoreException {
      if (n == null || !n.isTextual()) {
        throw bad("key", "must be a string of " + KEY_HEX_LENGTH + " lowercase hex characters, found "
            + kind(n));
      }
      String k = n.textValue();
      if (k.length() != KEY_HEX_LENGTH || !isLowerHex(k)) {
        throw bad("key", "must be " + KEY_HEX_LENGTH + " lowercase hex characters, found " + GoJson.quote(k));
      }
      return k;
    }

    List<KnownAddressJson> entries(JsonNode n, String field, int max) throws StoreException {
      List<KnownAddressJson> out = new ArrayList<>();
      if (n == null || n.isNull()) {
        return out; // Go's nil slice: an empty book
      }
      if (!n.isArray()) {
        throw bad(field, "must be an array of entries, found " + kind(n));
      }
      if (n.size() > max) {
        throw bad(field, "holds " + n.size() + " entries, more than the limit of " + max);
      }
      for (int i = 0; i < n.size(); i++) {
        out.add(entry(n.get(i), field + "[" + i + "]"));
      }
      return out;
    }

    private KnownAddressJson entry(JsonNode n, String path) throws StoreException {
      if (!n.isObject()) {
        throw bad(path, "entry must be an object, found " + kind(n));
      }
      NetAddressJson addr = address(n.get("addr"), path + ".addr");
      NetAddressJson src = address(n.get("src"), path + ".src");
      BucketKind type = bucketType(n.get("bucket_type"), path + ".bucket_type");
      Optional<List<Integer>> buckets = buckets(n.get("buckets"), path + ".buckets", type);
      long attempts = integer(n.get("attempts"), path + ".attempts", 0, Integer.MAX_VALUE, 0);
      return new KnownAddressJson(addr, src, buckets, (int) attempts, type,
          time(n.get("last_attempt"), path + ".last_attempt"),
          time(n.get("last_success"), path + ".last_success"),
          time(n.get("last_ban_time"), path + ".last_ban_time"));
    }

    List<AddrBookDocument.BannedId> bannedIds(JsonNode n) throws StoreException {
      if (n == null || n.isNull()) {
        return List.of();
      }
      if (!n.isArray()) {
        throw bad(BANNED_IDS_FIELD, "must be an array of {\"id\", \"until\"}, found " + kind(n));
      }
      if (n.size() > BANNED_MAX) {
        throw bad(BANNED_IDS_FIELD, "holds " + n.size() + " entries, more than " + BANNED_MAX);
      }
      List<AddrBookDocument.BannedId> out = new ArrayList<>(n.size());
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < n.size(); i++) {
        String path = BANNED_IDS_FIELD + "[" + i + "]";
        JsonNode e = n.get(i);
        if (e == null || !e.isObject()) {
          throw bad(path, "must be an object {\"id\", \"until\"}, found " + kind(e));
        }
        JsonNode id = e.get("id");
        if (id == null || !id.isTextual() || !isNodeId(id.textValue())) {
          throw bad(path + ".id", "must be a node ID of 40 lowercase hex characters, found " + kind(id));
        }
        if (!seen.add(id.textValue())) {
          throw bad(path + ".id", "bans " + id.textValue() + " a second time");
        }
        out.add(new AddrBookDocument.BannedId(id.textValue(), time(e.get("until"), path + ".until")));
      }
      return out;
    }

    private NetAddressJson address(JsonNode n, String path) throws StoreException {
      if (n == null || !n.isObject()) {
        throw bad(path, "must be an object {\"id\", \"ip\", \"port\"}, found " + kind(n));
      }
      JsonNode id = n.get("id");
      if (id == null || !id.isTextual() || !isNodeId(id.textValue())) {
        throw bad(path + ".id", "must be a node ID of 40 lowercase hex characters, found " + kind(id));
      }
      JsonNode ip = n.get("ip");
      if (ip == null || !ip.isTextual() || IpLiterals.canonical(ip.textValue()).isEmpty()) {
        throw bad(path + ".ip", "must be an IPv4 or IPv6 literal, found " + kind(ip));
      }
      long port = integer(n.get("port"), path + ".port", 0, 65535, -1);
      return new NetAddressJson(id.textValue(), ip.textValue(), (int) port);
    }

    private BucketKind bucketType(JsonNode n, String path) throws StoreException {
      long code = integer(n, path, 0, 255, -1);
      BucketKind kind = BucketKind.ofCode(code);
      if (kind == null) {
        throw bad(path, "must be 1 (new) or 2 (old), found " + code);
      }
      return kind;
    }

    private Optional<List<Integer>> buckets(JsonNode n, String path, BucketKind type)
        throws StoreException {
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
      if (!n.isArray()) {
        throw bad(path, "must be an array of bucket indices or null, found " + kind(n));
      }
      if (n.size() > type.bucketsPerAddressMax()) {
        int max = type.bucketsPerAddressMax();
        throw bad(path, (type == BucketKind.OLD ? "an old" : "a new") + " address sits in at most " + max
            + (max == 1 ? " bucket" : " buckets") + ", found " + n.size());
      }
      List<Integer> out = new ArrayList<>(n.size());
      for (int i = 0; i < n.size(); i++) {
        String at = path + "[" + i + "]";
        long b = integer(n.get(i), at, Integer.MIN_VALUE, Integer.MAX_VALUE, -1);
        if (b < 0 || b >= type.bucketCount()) {
          String kind = type.name().toLowerCase(java.util.Locale.ROOT);
          throw bad(at, "bucket index " + b + " is out of range for " + (kind.equals("old") ? "an " : "a ") + kind
              + " address (0.." + (type.bucketCount() - 1) + ")");
        }
        if (out.contains((int) b)) {
          throw bad(at, "bucket index " + b + " appears twice");
        }
        out.add((int) b);
      }
      return Optional.of(out);
    }

    /** An integer in {@code [min, max]}; {@code absent} (if not negative) when the field is missing. */
    private long integer(JsonNode n, String path, long min, long max, long absent)
        throws StoreException {
      if (n == null && absent >= 0) {
        return absent; // Go's zero value for a missing field
      }
      if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
        throw bad(path, "must be an integer, found " + kind(n));
      }
      long v = n.longValue();
      if (v < min || v > max) {
        throw bad(path, "must be in " + min + ".." + max + ", found " + v);
      }
      return v;
    }

    private OffsetDateTime time(JsonNode n, String path) throws StoreException {
      if (n == null) {
        return GoTime.ZERO; // Go's zero value; books older than the field lack it
      }
      if (!n.isTextual()) {
        throw bad(path, "must be an RFC 3339 timestamp string, found " + kind(n));
      }
      return GoTime.parse(n.textValue())
          .orElseThrow(() -> bad(path, "is not an RFC 3339 timestamp: " + GoJson.quote(n.textValue())));
    }

    void checkDistinct(List<KnownAddressJson> list, String field) throws StoreException {
      TreeMap<String, Integer> seen = new TreeMap<>();
      for (int i = 0; i < list.size(); i++) {
        Integer first = seen.putIfAbsent(list.get(i).addr().id(), i);
        if (first != null) {
          throw bad(field + "[" + i + "].addr.id", "node ID " + list.get(i).addr().id()
              + " already appears in " + field + "[" + first + "]");
        }
      }
    }

    void checkBucketOccupancy(List<KnownAddressJson> addrs) throws StoreException {
      int[][] counts = {new int[BucketKind.NEW.bucketCount()], new int[BucketKind.OLD.bucketCount()]};
      for (int i = 0; i < addrs.size(); i++) {
        KnownAddressJson e = addrs.get(i);
        int[] c = counts[e.bucketType().ordinal()];
        for (int b : e.bucketList()) {
          if (++c[b] > BucketKind.FILE_BUCKET_CAPACITY) {
            throw bad("addrs[" + i + "].buckets", e.bucketType().name().toLowerCase() + " bucket " + b
                + " would hold more than " + BucketKind.FILE_BUCKET_CAPACITY + " addresses (CometBFT's books hold at"
                + " most " + BucketKind.FILE_BUCKET_CAPACITY + ")");
          }
        }
      }
    }
  }

  static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNodeId(String s) {
    return s.length() == 40 && isLowerHex(s);
  }
}
