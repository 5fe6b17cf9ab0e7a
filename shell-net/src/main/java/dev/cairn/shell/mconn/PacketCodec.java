package dev.cairn.shell.mconn;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.cairn.shell.proto.Uvarint;

/**
 * Encoding and decoding of {@code tendermint.p2p.Packet}, the unit of the MConnection stream.
 * Encoding is hand-written (the hot path of every message) and produces exactly the bytes of
 * protobuf's canonical encoder: fields in ascending order, zero scalars omitted, a set oneof
 * always written. Decoding goes through protobuf's own wire reader, so unknown fields, repeated
 * fields and merged sub-messages behave as in any proto3 implementation.
 */
public final class PacketCodec {

  /** {@code uvarint(2) || Packet{packet_ping{}}}. */
  private static final byte[] PING = {0x02, 0x0a, 0x00};

  /** {@code uvarint(2) || Packet{packet_pong{}}}. */
  private static final byte[] PONG = {0x02, 0x12, 0x00};

  private static final int TAG_PING = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_PONG = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_MSG = (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_CHANNEL = (1 << 3) | WireFormat.WIRETYPE_VARINT;
  private static final int TAG_EOF = (2 << 3) | WireFormat.WIRETYPE_VARINT;
  private static final int TAG_DATA = (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private PacketCodec() {}

  /** The delimited Ping, {@code 02 0a 00}. */
  public static byte[] pingDelimited() {
    return PING.clone();
  }

  /** The delimited Pong, {@code 02 12 00}. */
  public static byte[] pongDelimited() {
    return PONG.clone();
  }

  /** Length of the PacketMsg body (inside Packet) for these fields. */
  static int packetMsgSize(int channelId, boolean eof, int dataLength) {
    int n = 0;
    if (channelId != 0) {
      n += 1 + int32Size(channelId);
    }
    if (eof) {
      n += 2;
    }
    if (dataLength > 0) {
      n += 1 + Uvarint.size(dataLength) + dataLength;
    }
    return n;
  }

  /** Length of the Packet body for a PacketMsg with these fields (no outer length prefix). */
  public static int packetSize(int channelId, boolean eof, int dataLength) {
    int msg = packetMsgSize(channelId, eof, dataLength);
    return 1 + Uvarint.size(msg) + msg;
  }

  /** Length on the wire, including the outer {@code uvarint(len)}. */
  public static int delimitedPacketSize(int channelId, boolean eof, int dataLength) {
    int p = packetSize(channelId, eof, dataLength);
    return Uvarint.size(p) + p;
  }

  /**
   * Go's {@code maxPacketMsgSize}: the encoded length of
   * {@code Packet{PacketMsg{channel_id=1, eof=true, data=maxPayload bytes}}}; 1034 for 1024.
   */
  public static int maxPacketSize(int maxPayload) {
    return packetSize(1, true, maxPayload);
  }

  /**
   * Writes {@code uvarint(len) || Packet{PacketMsg{channelId, eof, data[off..off+len)}}} at
   * {@code out[pos..]} and returns the offset after it. The caller sizes {@code out} with
   * {@link #delimitedPacketSize}.
   */
  public static int writePacketMsg(
      byte[] out, int pos, int channelId, boolean eof, byte[] data, int off, int len) {
    int msg = packetMsgSize(channelId, eof, len);
    int packet = 1 + Uvarint.size(msg) + msg;
    pos = Uvarint.write(packet, out, pos);
    out[pos++] = (byte) TAG_MSG;
    pos = Uvarint.write(msg, out, pos);
    if (channelId != 0) {
      out[pos++] = (byte) TAG_CHANNEL;
      pos = Uvarint.write(channelId, out, pos); // int32: negative values as 10-byte varints
    }
    if (eof) {
      out[pos++] = (byte) TAG_EOF;
      out[pos++] = 1;
    }
    if (len > 0) {
      out[pos++] = (byte) TAG_DATA;
      pos = Uvarint.write(len, out, pos);
      System.arraycopy(data, off, out, pos, len);
      pos += len;
    }
    return pos;
  }

  /** One delimited PacketMsg as a fresh array. */
  public static byte[] packetMsgDelimited(int channelId, boolean eof, byte[] data) {
    byte[] out = new byte[delimitedPacketSize(channelId, eof, data.length)];
    writePacketMsg(out, 0, channelId, eof, data, 0, data.length);
    return out;
  }

  private static int int32Size(int v) {
    return Uvarint.size(v); // int32 is sign-extended to 64 bits on the wire
  }

  /**
   * Decodes one Packet body. For a PacketMsg the data is handed to {@code sink} as a slice of
   * {@code in} (no copy). Returns what the packet was.
   *
   * @throws MConnException MALFORMED_PACKET for bad protobuf, EMPTY_PACKET when no oneof is set
   */
  public static Kind decode(byte[] in, int off, int len, MsgSink sink) throws MConnException {
    try {
      CodedInputStream cis = CodedInputStream.newInstance(in, off, len);
      Kind kind = null;
      // PacketMsg fields, merged across repeated occurrences as protobuf does
      int channelId = 0;
      boolean eof = false;
      int dataOff = 0;
      int dataLen = 0;
      while (true) {
        int tag = cis.readTag();
        if (tag == 0) {
          break;
        }
        switch (tag) {
          case TAG_PING -> {
            cis.skipField(tag);
            kind = Kind.PING;
          }
          case TAG_PONG -> {
            cis.skipField(tag);
            kind = Kind.PONG;
          }
          case TAG_MSG -> {
            if (kind != Kind.MSG) {
              channelId = 0;
              eof = false;
              dataLen = 0;
            }
            kind = Kind.MSG;
            int msgLen = cis.readRawVarint32();
            if (msgLen < 0) {
              throw new InvalidProtocolBufferException("negative PacketMsg length");
            }
            int limit = cis.pushLimit(msgLen);
            while (true) {
              int t = cis.readTag();
              if (t == 0) {
                break;
              }
              switch (t) {
                case TAG_CHANNEL -> channelId = cis.readInt32();
                case TAG_EOF -> eof = cis.readBool();
                case TAG_DATA -> {
                  dataLen = cis.readRawVarint32();
                  if (dataLen < 0 || dataLen > cis.getBytesUntilLimit()) {
                    throw new InvalidProtocolBufferException("PacketMsg.data runs past the end of its message");
                  }
                  dataOff = off + cis.getTotalBytesRead();
                  cis.skipRawBytes(dataLen);
                }
                default -> cis.skipField(t);
              }
            }
            cis.popLimit(limit);
          }
          default -> cis.skipField(tag);
        }
      }
      if (kind == null) {
        throw new MConnException(MConnException.Reason.EMPTY_PACKET,
            "Packet has no ping, pong or msg set (unknown message type)");
      }
      if (kind == Kind.MSG) {
        sink.accept(channelId, eof, in, dataOff, dataLen);
      }
      return kind;
    } catch (java.io.IOException e) {
      // CodedInputStream over an array only throws InvalidProtocolBufferException
      throw new MConnException(MConnException.Reason.MALFORMED_PACKET,
          "Packet is not valid protobuf: " + e.getMessage(), e);
    }
  }

  /** What a decoded Packet was. */
  public enum Kind {
    PING,
    PONG,
    MSG
  }

  /** Receives the fields of a decoded PacketMsg; {@code data} is a slice of the input. */
  @FunctionalInterface
  public interface MsgSink {
    void accept(int channelId, boolean eof, byte[] data, int off, int len) throws MConnException;
  }
}
