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
  /**
   * A PexAddrs: the addresses it gives, and how many of its entries were left out for an ID that
   * is no node ID (not 40 lowercase hex characters: empty, upper case, another length), with the
   * first such entry's problem.
   */
  public record Addrs(List<NodeAddress> addresses, int idsLeftOut, String firstIdProblem) implements Pex {
    public Addrs {
      addresses = List.copyOf(addresses);
    }

    public Addrs(List<NodeAddress> addresses) {
      this(addresses, 0, "");
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
        // An IP that does not parse or a port past 16 bits fails the message, as CometBFT's
        // NetAddressFromProto fails it. An ID is not checked there: CometBFT books take any hex
        // (upper case too) and pass such entries on, so an honest peer may relay one; the entry
        // is left out, and the rest of the message kept, as CometBFT's book refuses it alone.
        List<NodeAddress> out = new ArrayList<>(raw.size());
        int idsLeftOut = 0;
        String firstIdProblem = "";
        for (int i = 0; i < raw.size(); i++) {
          NodeAddress a;
          try {
            a = ProtoMapping.fromProto(raw.get(i));
          } catch (ProtoMapping.InvalidIdException e) {
            if (idsLeftOut++ == 0) {
              firstIdProblem = "entry " + i + ": " + e.getMessage();
            }
            continue;
          } catch (IllegalArgumentException e) {
            throw new PexProtocolException("PexAddrs entry " + i + " is invalid: " + e.getMessage());
          }
          out.add(a);
        }
        return new Addrs(out, idsLeftOut, firstIdProblem);
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
