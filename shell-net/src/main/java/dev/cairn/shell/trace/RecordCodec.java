package dev.cairn.shell.trace;

import dev.cairn.core.NodeId;
import dev.cairn.proto.trace.TraceRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@link TraceRecord} wire format written and read by hand, so that neither the writer nor a
 * replay builds protobuf message objects per step. The bytes are those protobuf itself writes
 * for the same record (fields in number order, default values omitted), and
 * {@link TraceRecord#parseFrom} reads them; the tests check both directions.
 */
final class RecordCodec {

  private RecordCodec() {}

  // field tags: (number << 3) | wire type
  private static final int STEP = 1 << 3;
  private static final int MONO = 2 << 3;
  private static final int WALL = 3 << 3;
  private static final int EVENT = 4 << 3 | 2;
  private static final int STATE = 6 << 3 | 2;
  private static final int REJECTED = 7 << 3;
  private static final int REASON = 8 << 3 | 2;
  private static final int DIGEST = 9 << 3 | 1;
  private static final int TRAILER = 10 << 3;

  /** Writes a frame's length prefix: {@code n} as a protobuf varint. */
  static void writeLength(java.io.OutputStream out, int n) throws java.io.IOException {
    for (int v = n; ; v >>>= 7) {
      if ((v & ~0x7F) == 0) {
        out.write(v);
        return;
      }
      out.write((v & 0x7F) | 0x80);
    }
  }

  /** A growable output buffer of protobuf primitives. */
  static final class Out {
    byte[] buf = new byte[512];
    int len;

    void ensure(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void fixed64(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[len++] = (byte) (v >>> (8 * i));
      }
    }

    void bytes(byte[] b, int off, int n) {
      varint(n);
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    /** The tag and length of a length-delimited field (numbers 1..15: a one-byte tag). */
    void tagLength(int field, int length) {
      ensure(1);
      buf[len++] = (byte) (field << 3 | 2);
      varint(length);
    }

    /** A varint field, omitted when zero (proto3). */
    void varintField(int field, long v) {
      if (v != 0) {
        ensure(1);
        buf[len++] = (byte) (field << 3);
        varint(v);
      }
    }

    /**
     * A node ID's hex as a string field: {@link NodeId#HEX_LENGTH} ASCII characters (the ID's own
     * check), one byte each, so neither scanned nor encoded.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) takes each char's low byte: exact for ASCII
    void id(int field, NodeId id) {
      tagLength(field, NodeId.HEX_LENGTH);
      ensure(NodeId.HEX_LENGTH);
      id.hex().getBytes(0, NodeId.HEX_LENGTH, buf, len);
      len += NodeId.HEX_LENGTH;
    }

    /** A string field in UTF-8, omitted when empty (proto3). */
    void string(int field, String s) {
      if (s.isEmpty()) {
        return;
      }
      int n = s.length();
      boolean ascii = true;
      for (int i = 0; i < n && ascii; i++) {
        ascii = s.charAt(i) < 0x80;
      }
      if (!ascii) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        tagLength(field, b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return;
      }
      tagLength(field, n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }
  }

  /** Bytes of {@code v} as a varint. */
  static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** Bytes of {@code s} in UTF-8. */
  static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return n;
  }

  /**
   * Appends one record to {@code out}, without its length prefix.
   *
   * @param stateDigest null when the record is no checkpoint
   * @param event       the serialized Event; null for a trailer
   */
  static void encode(Out out, long step, long monoNanos, long wallMillis, byte[] event, long effectsDigest,
      byte[] stateDigest, boolean rejected, String reason, boolean trailer) {
    encode(out, step, monoNanos, wallMillis, event, 0, event == null ? 0 : event.length, effectsDigest, stateDigest,
        rejected, reason, trailer);
  }

  /** {@link #encode} with the serialized event in {@code event[eventOff, eventOff + eventLen)}. */
  static void encode(Out out, long step, long monoNanos, long wallMillis, byte[] event, int eventOff, int eventLen,
      long effectsDigest, byte[] stateDigest, boolean rejected, String reason, boolean trailer) {
    if (step != 0) {
      out.varint(STEP);
      out.varint(step);
    }
    if (monoNanos != 0) {
      out.varint(MONO);
      out.varint(monoNanos);
    }
    if (wallMillis != 0) {
      out.varint(WALL);
      out.varint(wallMillis);
    }
    if (event != null) {
      out.varint(EVENT);
      out.bytes(event, eventOff, eventLen);
    }
    if (stateDigest != null) {
      out.varint(STATE);
      out.bytes(stateDigest, 0, stateDigest.length);
    }
    if (rejected) {
      out.varint(REJECTED);
      out.varint(1);
    }
    if (reason != null && !reason.isEmpty()) {
      byte[] r = reason.getBytes(StandardCharsets.UTF_8);
      out.varint(REASON);
      out.bytes(r, 0, r.length);
    }
    if (effectsDigest != 0) {
      out.varint(DIGEST);
      out.fixed64(effectsDigest);
    }
    if (trailer) {
      out.varint(TRAILER);
      out.varint(1);
    }
  }

  /** A record's wire format is broken; the message says how (the caller adds where). */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /** The fields of one record as read from {@code frame}; the event stays serialized. */
  static final class Fields {
    long step;
    long monoNanos;
    long wallMillis;
    int eventOff = -1;
    int eventLen;
    long effectsDigest;
    int stateOff = -1;
    int stateLen;
    boolean rejected;
    String reason = "";
    boolean trailer;
  }

  /** Reads the record in {@code b[off, off + len)}. */
  static Fields decode(byte[] b, int off, int len) throws Malformed {
    Fields f = new Fields();
    int end = off + len;
    int[] pos = {off};
    int seen = 0;
    while (pos[0] < end) {
      int at = pos[0] - off;
      long tag = varint(b, pos, end);
      int number = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (tag > Integer.MAX_VALUE || number == 0) {
        throw new Malformed("invalid field tag " + tag + " at byte " + at + " of the record");
      }
      if (number <= 10 && number != 5) {
        if ((seen & (1 << number)) != 0) {
          throw new Malformed("field " + number + " appears twice (byte " + at + " of the record)");
        }
        seen |= 1 << number;
        int expected = switch (number) {
          case 4, 6, 8 -> 2;
          case 9 -> 1;
          default -> 0;
        };
        if (wire != expected) {
          throw new Malformed("field " + number + " has wire type " + wire + ", expected " + expected + " (byte " + at
              + " of the record)");
        }
      }
      switch (number) {
        case 1 -> f.step = varint(b, pos, end);
        case 2 -> f.monoNanos = varint(b, pos, end);
        case 3 -> f.wallMillis = varint(b, pos, end);
        case 4 -> {
          f.eventLen = length(b, pos, end);
          f.eventOff = pos[0];
          pos[0] += f.eventLen;
        }
        case 6 -> {
          f.stateLen = length(b, pos, end);
          f.stateOff = pos[0];
          pos[0] += f.stateLen;
        }
        case 7 -> f.rejected = bool(b, pos, end, "7 (rejected)", at);
        case 8 -> {
          int n = length(b, pos, end);
          f.reason = new String(b, pos[0], n, StandardCharsets.UTF_8);
          pos[0] += n;
        }
        case 9 -> {
          if (end - pos[0] < 8) {
            throw new Malformed("the record ends inside field 9");
          }
          long v = 0;
          for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[pos[0] + i] & 0xFFL);
          }
          f.effectsDigest = v;
          pos[0] += 8;
        }
        case 10 -> f.trailer = bool(b, pos, end, "10 (trailer)", at);
        default -> skip(b, pos, end, wire, number, at);
      }
    }
    return f;
  }

  /**
   * A bool field's value: 0 or 1, as every writer encodes it; another value (protobuf reads any
   * other as true) is a damaged byte, which must not turn a record into a trailer or a rejection.
   */
  private static boolean bool(byte[] b, int[] pos, int end, String field, int at) throws Malformed {
    long v = varint(b, pos, end);
    if (v != 0 && v != 1) {
      throw new Malformed("field " + field + " is a bool of value " + Long.toUnsignedString(v) + ", not 0 or 1 (byte "
          + at + " of the record)");
    }
    return v == 1;
  }

  private static void skip(byte[] b, int[] pos, int end, int wire, int number, int at) throws Malformed {
    switch (wire) {
      case 0 -> varint(b, pos, end);
      case 1 -> advance(pos, end, 8, number);
      case 2 -> pos[0] += length(b, pos, end);
      case 5 -> advance(pos, end, 4, number);
      default -> throw new Malformed("field " + number + " has wire type " + wire + ", which protobuf does not"
          + " use in trace records (byte " + at + " of the record)");
    }
  }

  private static void advance(int[] pos, int end, int n, int number) throws Malformed {
    if (end - pos[0] < n) {
      throw new Malformed("the record ends inside field " + number);
    }
    pos[0] += n;
  }

  private static int length(byte[] b, int[] pos, int end) throws Malformed {
    long n = varint(b, pos, end);
    if (n < 0 || n > end - pos[0]) {
      throw new Malformed("a field of length " + n + " overruns the record at byte " + pos[0]);
    }
    return (int) n;
  }

  private static long varint(byte[] b, int[] pos, int end) throws Malformed {
    long v = 0;
    int p = pos[0];
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) {
        throw new Malformed("the record ends inside a varint");
      }
      byte x = b[p++];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        pos[0] = p;
        return v;
      }
    }
    throw new Malformed("a varint longer than 10 bytes");
  }
}
