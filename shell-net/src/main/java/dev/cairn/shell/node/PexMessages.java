package dev.cairn.shell.node;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.core.NodeAddress;
import dev.cairn.proto.p2p.Message;
import dev.cairn.proto.p2p.PexAddrs;
import dev.cairn.proto.p2p.PexRequest;
import dev.cairn.shell.proto.ProtoMapping;
import java.util.ArrayList;
import java.util.List;

/**
 * The two PEX messages of channel 0x00 ({@code tendermint.p2p.Message}) and their checks: a
 * message that does not parse, has no oneof set, lists more than {@link #MAX_ADDRESSES}
 * addresses, or carries an address that is not an IP literal with a 16-bit port is a
 * {@link PexProtocolException} naming what was wrong; the caller disconnects the sender.
 */
public final class PexMessages {

  /** PEX channel ID. */
  public static final int CHANNEL = 0x00;

  /** Most addresses in one PexAddrs ({@code maxGetSelection}). */
  public static final int MAX_ADDRESSES = 250;

  private PexMessages() {}

  /** A received PEX message. */
  public sealed interface Pex {}

  /** {@code PexRequest}. */
  public record Request() implements Pex {}

  /** {@code PexAddrs}, addresses in the order received. */
  public record Addrs(List<NodeAddress> addresses) implements Pex {
    public Addrs {
      addresses = List.copyOf(addresses);
    }
  }

  /** A peer broke the PEX protocol. */
  public static final class PexProtocolException extends Exception {
    public PexProtocolException(String message) {
      super(message);
    }
  }

  public static byte[] encodeRequest() {
    return request().toByteArray();
  }

  public static byte[] encodeAddrs(List<NodeAddress> addresses) {
    return addrs(addresses).toByteArray();
  }

  public static Pex decode(byte[] bytes) throws PexProtocolException {
    Message m;
    try {
      m = Message.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new PexProtocolException("PEX message is not a valid protobuf: " + e.getMessage());
    }
    return fromProto(m);
  }

  /** Checks a parsed {@code tendermint.p2p.Message} as {@link #decode} does. */
  public static Pex fromProto(Message m) throws PexProtocolException {
    switch (m.getSumCase()) {
      case PEX_REQUEST:
        return new Request();
      case PEX_ADDRS: {
        List<dev.cairn.proto.p2p.NetAddress> raw = m.getPexAddrs().getAddrsList();
        if (raw.size() > MAX_ADDRESSES) {
          throw new PexProtocolException(
              "PexAddrs lists " + raw.size() + " addresses, more than the " + MAX_ADDRESSES + " allowed");
        }
        List<NodeAddress> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
          try {
            out.add(ProtoMapping.fromProto(raw.get(i)));
          } catch (IllegalArgumentException e) {
            throw new PexProtocolException("PexAddrs entry " + i + " is invalid: " + e.getMessage());
          }
        }
        return new Addrs(out);
      }
      case SUM_NOT_SET:
      default:
        throw new PexProtocolException("PEX message has no known oneof set (unknown message type)");
    }
  }

  /** The request as a message. */
  public static Message request() {
    return Message.newBuilder().setPexRequest(PexRequest.getDefaultInstance()).build();
  }

  /** An address list as a message; at most {@link #MAX_ADDRESSES}. */
  public static Message addrs(List<NodeAddress> addresses) {
    if (addresses.size() > MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          "a PexAddrs carries at most " + MAX_ADDRESSES + " addresses, got " + addresses.size());
    }
    PexAddrs.Builder b = PexAddrs.newBuilder();
    for (NodeAddress a : addresses) {
      b.addAddrs(ProtoMapping.toProto(a));
    }
    return Message.newBuilder().setPexAddrs(b).build();
  }
}
