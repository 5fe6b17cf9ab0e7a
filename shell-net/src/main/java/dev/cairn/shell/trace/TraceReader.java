package dev.cairn.shell.trace;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.proto.trace.Event;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.proto.trace.TraceRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads one trace file: the magic, the header, then the records one at a time, and the trailer
 * that ends a file its writer closed. Anything that is not a well-formed trace
 * ({@link TraceFormatException}) is reported with the byte offset and the record number where it
 * went wrong; nothing is skipped silently.
 */
public final class TraceReader implements AutoCloseable {

  /**
   * One record and where it was found. The record's fields are read from its bytes; the
   * protobuf {@link TraceRecord} and {@link Event} objects are built only when asked for.
   */
  public static final class Entry {
    private final long index;
    private final long offset;
    private final byte[] bytes;
    private final RecordCodec.Fields fields;
    private Event event;
    private dev.cairn.core.CoreEvent decoded; // read by hand ({@link EventDecoder}), else null
    private TraceRecord record;

    private Entry(long index, long offset, byte[] bytes, RecordCodec.Fields fields) {
      this.index = index;
      this.offset = offset;
      this.bytes = bytes;
      this.fields = fields;
    }

    /** Position of the record in its file: 0 for the first. */
    public long index() {
      return index;
    }

    /** Byte offset of the record's length prefix in its file. */
    public long offset() {
      return offset;
    }

    public long step() {
      return fields.step;
    }

    public long monoNanos() {
      return fields.monoNanos;
    }

    public long wallMillis() {
      return fields.wallMillis;
    }

    public long effectsDigest() {
      return fields.effectsDigest;
    }

    /** The state digest of a checkpoint record. */
    public Optional<byte[]> stateDigest() {
      return fields.stateOff < 0 ? Optional.empty()
          : Optional.of(Arrays.copyOfRange(bytes, fields.stateOff, fields.stateOff + fields.stateLen));
    }

    public boolean isCheckpoint() {
      return fields.stateOff >= 0;
    }

    public boolean rejected() {
      return fields.rejected;
    }

    public String rejectedReason() {
      return fields.reason;
    }

    /** The recorded event as protobuf (parsed on first use when the reader decoded it by hand). */
    public Event event() {
      if (event == null) {
        try {
          event = Event.parseFrom(java.nio.ByteBuffer.wrap(bytes, fields.eventOff, fields.eventLen));
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("record " + index + "'s event read by hand but not by protobuf", e);
        }
      }
      return event;
    }

    /**
     * The core event the reader decoded by hand, or null when it left the event to protobuf
     * ({@link EventCodec#decode(Entry)} reads either).
     */
    dev.cairn.core.CoreEvent decoded() {
      return decoded;
    }

    /** Writes the record as it was read: its length prefix, then its bytes. */
    void writeFrame(java.io.OutputStream out) throws IOException {
      RecordCodec.writeLength(out, bytes.length);
      out.write(bytes);
    }

    /** Whether two records hold the same event, byte for byte. */
    public boolean sameEvent(Entry other) {
      return Arrays.equals(bytes, fields.eventOff, fields.eventOff + fields.eventLen, other.bytes,
          other.fields.eventOff, other.fields.eventOff + other.fields.eventLen);
    }

    /** Whether both records carry a state digest and they differ. */
    public boolean stateDiffers(Entry other) {
      return isCheckpoint() && other.isCheckpoint() && !Arrays.equals(bytes, fields.stateOff,
          fields.stateOff + fields.stateLen, other.bytes, other.fields.stateOff,
          other.fields.stateOff + other.fields.stateLen);
    }

    long digestOver(EffectsDigest d, long previous, dev.cairn.core.Outcome outcome,
        java.util.List<dev.cairn.core.CoreEffect> effects) {
      return d.digest(previous, fields.step, fields.monoNanos, fields.wallMillis, bytes, fields.eventOff,
          fields.eventLen, outcome, effects);
    }

    boolean stateDigestEquals(byte[] digest) {
      return Arrays.equals(bytes, fields.stateOff, fields.stateOff + fields.stateLen, digest, 0, digest.length);
    }

    /** The whole record as protobuf (parsed on first use). */
    public TraceRecord record() {
      if (record == null) {
        try {
          record = TraceRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("record " + index + " read by hand but not by protobuf", e);
        }
      }
      return record;
    }
  }

  /** What the trailer of a closed file says: the state digest after its last step. */
  public record Trailer(long step, long effectsDigest, byte[] stateDigest, long offset, long record) {}

  /**
   * How a reader of a file that its writer is still writing ({@link #follow}) waits at the end of
   * the bytes written so far: before the file's trailer, the end of what is there is not the end of
   * the file.
   */
  @FunctionalInterface
  public interface Tail {
    /**
     * Waits a moment for the writer; true to read again, false when the file will not grow (its
     * writer is gone) or the reader is to stop. The reader then reads once more, and the end of
     * what it finds is the end of the file: a record cut there is reported as cut.
     */
    boolean awaitMore() throws IOException;
  }

  private final Path file;
  private final InputStream in;
  private final Tail tail; // null: the file is whole
  private boolean lastLook; // its tail gave up: the next end of the bytes is the end of the file
  private final TraceHeader header;
  private final EventDecoder decoder = new EventDecoder();
  private byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;
  private long bufStart; // file offset of buf[0]
  private long index;
  private long nextStep;
  private Trailer trailer;
  private boolean ended;

  private TraceReader(Path file, InputStream in, Tail tail) throws IOException, TraceFormatException {
    this.file = file;
    this.in = in;
    this.tail = tail;
    fill(TraceFormat.MAGIC.length);
    if (lim < TraceFormat.MAGIC.length
        || !Arrays.equals(buf, 0, TraceFormat.MAGIC.length, TraceFormat.MAGIC, 0, TraceFormat.MAGIC.length)) {
      throw new TraceFormatException(file + " is not a Cairn trace: it does not start with the magic bytes \""
          + TraceFormat.MAGIC_TEXT + "\" (at byte offset 0)");
    }
    pos = TraceFormat.MAGIC.length;
    long at = offset();
    int length = frame(TraceFormat.MAX_HEADER_BYTES, "header");
    if (length < 0) {
      throw new TraceFormatException(file + ": truncated: the file ends at byte offset " + at + " before its header",
          -1, TraceFormatException.Kind.CUT_SHORT);
    }
    byte[] raw;
    try {
      raw = Arrays.copyOfRange(buf, pos, pos + length);
      header = TraceHeader.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new TraceFormatException(file + ": corrupt header at byte offset " + at + ": its " + length
          + " bytes are not a trace header (" + protobufProblem(e) + ")");
    } catch (OutOfMemoryError e) {
      throw tooLarge("header", at, length);
    }
    long headerAt = offset();
    pos += length;
    if (header.getFormatVersion() == 0 || header.getCairnVersion().isEmpty()) {
      // every cairn writes its version and a format version from 1 up: this header lost them
      throw new TraceFormatException(file + ": corrupt header (" + span(headerAt, length) + "): it names no "
          + (header.getFormatVersion() == 0 ? "trace format version" : "cairn version") + ", which every cairn writes");
    }
    // before the version: a bit flipped in it is a damaged header, not a file of a newer format
    String sealed = TraceFormat.headerDigestProblem(raw, header);
    if (sealed != null) {
      throw new TraceFormatException(file + ": corrupt header (" + span(headerAt, length) + "): " + sealed);
    }
    if (header.getFormatVersion() < TraceFormat.OLDEST_READ || header.getFormatVersion() > TraceFormat.VERSION) {
      throw new TraceFormatException(file + ": trace format version " + header.getFormatVersion()
          + " (written by cairn " + header.getCairnVersion() + "); this cairn reads versions " + TraceFormat.OLDEST_READ
          + " to " + TraceFormat.VERSION
          + (header.getFormatVersion() < TraceFormat.VERSION
              ? " only: replay the file with the cairn that wrote it" : ": it needs a newer cairn"));
    }
    nextStep = header.getFirstStep();
  }

  /** Where {@code length} bytes from byte offset {@code at} lie, in words: an empty span too. */
  private static String span(long at, int length) {
    return length == 0 ? "0 bytes, at byte offset " + at : "byte offsets " + at + ".." + (at + length - 1);
  }

  public static TraceReader open(Path file) throws IOException, TraceFormatException {
    if (!Files.isRegularFile(file)) {
      throw new TraceFormatException(notAFile(file));
    }
    return open(file, Files.newInputStream(file), null);
  }

  /**
   * Reads {@code file} while its writer is still adding to it: at the end of the bytes written so
   * far (the header included) it waits as {@code tail} says, until the file's trailer ends it.
   */
  public static TraceReader follow(Path file, Tail tail) throws IOException, TraceFormatException {
    if (!Files.isRegularFile(file)) {
      throw new TraceFormatException(notAFile(file));
    }
    // a stream whose reads an interrupt does not break off: when to stop is the tail's to say
    return open(file, new java.io.FileInputStream(file.toFile()), java.util.Objects.requireNonNull(tail));
  }

  /**
   * Why {@code file} cannot be read as a trace file: an empty name, a directory, something else
   * than a file, a link to nothing, or nothing, then with the rotated files of its trace that are
   * there (a node keeping a few deletes the oldest, {@code FILE} itself first).
   */
  static String notAFile(Path file) {
    if (file.toString().isEmpty()) {
      return "an empty file name (it names the current directory), not a trace file";
    }
    if (Files.isDirectory(file)) {
      return file + " is a directory, not a trace file";
    }
    if (Files.exists(file)) {
      return file + " is not a regular file (a device, a pipe or a socket?)";
    }
    if (Files.isSymbolicLink(file)) {
      try {
        return file + " is a symbolic link to " + Files.readSymbolicLink(file)
            + ", which does not exist (or is a loop of links)";
      } catch (IOException e) {
        return file + " is a symbolic link that cannot be read";
      }
    }
    String rotated = "";
    Path name = file.getFileName();
    Path dir = file.toAbsolutePath().getParent();
    if (name != null && dir != null && Files.isDirectory(dir)) {
      try {
        java.util.TreeMap<Integer, Path> set = EarlierTrace.existingSet(dir, name.toString());
        if (!set.isEmpty()) {
          rotated = "; the rotated files of its trace that are kept are " + name + "." + set.firstKey()
              + (set.size() > 1 ? " to " + name + "." + set.lastKey() : "") + " (give them all: " + file + ".*)";
        }
      } catch (IOException e) {
        // the directory cannot be listed: no hint
      }
    }
    return file + " does not exist" + rotated;
  }

  /**
   * Reads {@code in}, the bytes of {@code file} from its start (a file held open by a follow, which
   * may have been deleted since), as {@link #follow} does with {@code tail}, or as a whole file when
   * {@code tail} is null.
   */
  static TraceReader of(Path file, InputStream in, Tail tail) throws IOException, TraceFormatException {
    return open(file, in, tail);
  }

  private static TraceReader open(Path file, InputStream in, Tail tail) throws IOException, TraceFormatException {
    try {
      return new TraceReader(file, in, tail);
    } catch (IOException | TraceFormatException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  public TraceHeader header() {
    return header;
  }

  /**
   * The trailer, once {@link #next} has returned empty; empty when the file ends without one
   * (its writer did not close it: the process stopped first).
   */
  public Optional<Trailer> trailer() {
    return Optional.ofNullable(trailer);
  }

  /** Reads the rest of the file: its last record, or empty when none is left to read. */
  public Optional<Entry> last() throws IOException, TraceFormatException {
    Optional<Entry> last = Optional.empty();
    for (Optional<Entry> e = next(); e.isPresent(); e = next()) {
      last = e;
    }
    return last;
  }

  /** The next record, or empty at the end of the file (after the trailer, if any). */
  public Optional<Entry> next() throws IOException, TraceFormatException {
    if (ended) {
      return Optional.empty();
    }
    long at = offset();
    if (trailer != null) {
      // nothing may follow the trailer: whatever does is named as such, not read as a record cut short
      if (pos == lim && !fill(1)) {
        ended = true;
        return Optional.empty();
      }
      throw new TraceFormatException(file + ": corrupt: bytes follow the file's trailer (from byte offset " + at
          + "; the trailer at byte offset " + trailer.offset() + " must come last)", index);
    }
    int length = frame(TraceFormat.MAX_RECORD_BYTES, null);
    if (length < 0) {
      ended = true;
      return Optional.empty();
    }
    byte[] bytes = Arrays.copyOfRange(buf, pos, pos + length);
    pos += length;
    RecordCodec.Fields f;
    try {
      f = RecordCodec.decode(bytes, 0, bytes.length);
    } catch (RecordCodec.Malformed e) {
      throw new TraceFormatException(file + ": corrupt " + what() + " at byte offset " + at + ": " + e.getMessage(),
          index);
    }
    if (f.stateOff >= 0 && f.stateLen != Digester.LENGTH) {
      throw new TraceFormatException(file + ": corrupt " + what() + " at byte offset " + at + ": a state digest of "
          + f.stateLen + " bytes, expected " + Digester.LENGTH, index);
    }
    if (f.trailer) {
      if (index == 0 || f.step != nextStep - 1 || f.stateOff < 0 || f.eventOff >= 0) {
        throw new TraceFormatException(file + ": corrupt trailer (" + what() + ") at byte offset " + at
            + ": it must follow a record, name the last step (" + (nextStep - 1) + ", it names " + f.step
            + ") and carry a state digest and no event", index);
      }
      trailer = new Trailer(f.step, f.effectsDigest, Arrays.copyOfRange(bytes, f.stateOff, f.stateOff + f.stateLen),
          at, index);
      index++;
      return next();
    }
    if (f.step != nextStep) {
      throw new TraceFormatException(file + ": " + what() + " at byte offset " + at + " is step " + f.step
          + ", expected step " + nextStep + " (steps are consecutive)", index);
    }
    if (f.eventOff < 0) {
      throw new TraceFormatException(file + ": corrupt " + what() + " at byte offset " + at + ": it has no event",
          index);
    }
    Entry e = new Entry(index, at, bytes, f);
    e.decoded = decoder.decode(bytes, f.eventOff, f.eventLen);
    if (e.decoded == null) { // not an event the decoder reads: protobuf parses it, or names what is wrong
      try {
        e.event = Event.parseFrom(java.nio.ByteBuffer.wrap(bytes, f.eventOff, f.eventLen));
      } catch (InvalidProtocolBufferException x) {
        throw new TraceFormatException(file + ": corrupt " + what() + " at byte offset " + at + ": its event's "
            + f.eventLen + " bytes are not an event (" + protobufProblem(x) + ")", index);
      }
    }
    nextStep++;
    index++;
    return Optional.of(e);
  }

  private String what() {
    return "record " + index;
  }

  /** What protobuf found wrong, in its first sentence, without its advice on how the message was read. */
  static String protobufProblem(InvalidProtocolBufferException e) {
    String m = String.valueOf(e.getMessage()).replace("While parsing a protocol message, the", "the");
    int end = m.indexOf(". ");
    m = end > 0 ? m.substring(0, end) : m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  private long offset() {
    return bufStart + pos;
  }

  /**
   * Reads one frame's length prefix and makes its bytes available at {@code buf[pos, pos + length)};
   * -1 at a clean end of file (no byte of a new frame). A frame cut short or with an impossible
   * length is an error naming its offset.
   */
  private int frame(int max, String frameName) throws IOException, TraceFormatException {
    long at = offset();
    java.util.function.Supplier<String> name = () -> frameName != null ? frameName : "record " + index;
    long rec = frameName == null ? index : -1;
    long length = 0;
    int shift = 0;
    while (true) {
      if (pos == lim && !fill(1)) {
        if (offset() == at) {
          return -1;
        }
        throw new TraceFormatException(file + ": truncated: " + name.get() + " at byte offset " + at
            + " ends inside its length prefix", rec, TraceFormatException.Kind.CUT_SHORT);
      }
      int b = buf[pos++];
      length |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 35) {
        throw new TraceFormatException(file + ": corrupt " + name.get() + " at byte offset " + at
            + ": length prefix too long", rec);
      }
    }
    if (length > max) {
      throw new TraceFormatException(file + ": corrupt " + name.get() + " at byte offset " + at + ": length " + length
          + " exceeds the limit of " + max + " bytes", rec);
    }
    boolean filled;
    try {
      filled = lim - pos >= length || fill((int) length);
    } catch (OutOfMemoryError e) {
      throw tooLarge(name.get(), at, length);
    }
    if (!filled) {
      long have = lim - pos;
      throw new TraceFormatException(file + ": truncated: " + name.get() + " at byte offset " + at + " needs " + length
          + " bytes, the file ends after " + have + " (at byte offset " + (offset() + have) + ")", rec,
          TraceFormatException.Kind.CUT_SHORT);
    }
    return (int) length;
  }

  /**
   * That the frame {@code what} at byte offset {@code at}, {@code length} bytes long by its length
   * prefix, is more than this JVM's heap holds: a damaged length (the file holds that many bytes,
   * but they are not the frame), or a frame that needs more heap than the JVM was given.
   */
  private TraceFormatException tooLarge(String what, long at, long length) {
    return new TraceFormatException(file + ": " + what + " at byte offset " + at + " claims " + length
        + " bytes (its length prefix), more than this JVM's heap can hold to read it (at most "
        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): a damaged length prefix, or a file that needs a larger"
        + " heap (CAIRN_JAVA_OPTS=-Xmx…)", what.equals("header") ? -1 : index);
  }

  /**
   * Makes at least {@code n} bytes available from {@code pos}; false if the file ends first (a
   * followed file: before its trailer, once its tail says it will not grow).
   */
  private boolean fill(int n) throws IOException {
    if (lim - pos >= n) {
      return true;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      bufStart += pos;
      lim -= pos;
      pos = 0;
    }
    while (lim < n) {
      if (lim == buf.length) {
        // grown as bytes arrive, never to an announced length the file may not hold
        buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
      }
      int r = in.read(buf, lim, buf.length - lim);
      if (r < 0) {
        if (tail != null && trailer == null && !lastLook) {
          // a tail that gives up still gets what was written while it looked: one read more
          lastLook = !tail.awaitMore();
          continue;
        }
        return false;
      }
      lim += r;
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
