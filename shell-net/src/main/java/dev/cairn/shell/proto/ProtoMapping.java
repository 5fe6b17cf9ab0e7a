package dev.cairn.shell.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.proto.p2p.DefaultNodeInfo;
import dev.cairn.proto.p2p.DefaultNodeInfoOther;
import dev.cairn.proto.p2p.ProtocolVersion;
import dev.cairn.shell.p2p.HandshakeException;
import dev.cairn.shell.p2p.NodeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The only place where generated protobuf types meet Cairn's value types. The generated
 * builders omit unset message fields, so the non-nullable gogoproto fields of Go
 * ({@code protocol_version}, {@code other}) are always set explicitly here; that is what makes
 * the bytes equal Go's.
 */
public final class ProtoMapping {

  private ProtoMapping() {}

  public static DefaultNodeInfo toProto(NodeInfo info) {
    byte[] chans = new byte[info.channels().size()];
    for (int i = 0; i < chans.length; i++) {
      chans[i] = (byte) (int) info.channels().get(i);
    }
    return DefaultNodeInfo.newBuilder()
        .setProtocolVersion(
            ProtocolVersion.newBuilder()
                .setP2P(info.protocolVersion().p2p())
                .setBlock(info.protocolVersion().block())
                .setApp(info.protocolVersion().app()))
        .setDefaultNodeId(info.defaultNodeId())
        .setListenAddr(info.listenAddr())
        .setNetwork(info.network())
        .setVersion(info.version())
        .setChannels(ByteString.copyFrom(chans))
        .setMoniker(info.moniker())
        .setOther(
            DefaultNodeInfoOther.newBuilder()
                .setTxIndex(info.other().txIndex())
                .setRpcAddress(info.other().rpcAddress()))
        .build();
  }

  public static NodeInfo fromProto(DefaultNodeInfo p) {
    List<Integer> chans = new ArrayList<>(p.getChannels().size());
    for (byte b : p.getChannels().toByteArray()) {
      chans.add(b & 0xFF);
    }
    return new NodeInfo(
        new NodeInfo.ProtocolVersion(
            p.getProtocolVersion().getP2P(),
            p.getProtocolVersion().getBlock(),
            p.getProtocolVersion().getApp()),
        p.getDefaultNodeId(),
        p.getListenAddr(),
        p.getNetwork(),
        p.getVersion(),
        chans,
        p.getMoniker(),
        new NodeInfo.Other(p.getOther().getTxIndex(), p.getOther().getRpcAddress()));
  }

  /** Parses a NodeInfo body; bad protobuf is a {@link HandshakeException} (MALFORMED). */
  public static NodeInfo decodeNodeInfo(byte[] bytes, int off, int len) throws HandshakeException {
    try {
      return fromProto(DefaultNodeInfo.parseFrom(java.nio.ByteBuffer.wrap(bytes, off, len)));
    } catch (InvalidProtocolBufferException e) {
      throw new HandshakeException(
          HandshakeException.Reason.MALFORMED, "NodeInfo is not a valid protobuf: " + e.getMessage(), e);
    }
  }

  /** A PEX address in wire form: canonical IP text, as Go's {@code net.IP.String()}. */
  public static dev.cairn.proto.p2p.NetAddress toProto(NodeAddress a) {
    return dev.cairn.proto.p2p.NetAddress.newBuilder()
        .setId(a.id().hex())
        .setIp(a.ip())
        .setPort(a.port())
        .build();
  }

  /** A wire address whose IP and port are fine and whose ID is no node ID. */
  public static final class InvalidIdException extends IllegalArgumentException {
    InvalidIdException(String message) {
      super(message);
    }
  }

  /**
   * A PEX address from the wire. The IP must be a literal (no DNS), is canonicalised, and the
   * port must fit 16 bits; anything else is an {@link IllegalArgumentException} naming the field,
   * checked in that order: an ID that is not 40 lowercase hex characters, with a good IP and port,
   * is an {@link InvalidIdException}.
   */
  public static NodeAddress fromProto(dev.cairn.proto.p2p.NetAddress p) {
    java.net.InetAddress ip = dev.cairn.shell.p2p.IpText.parse(p.getIp());
    if (ip == null) {
      throw new IllegalArgumentException("NetAddress.ip " + dev.cairn.shell.p2p.PeerText.quote(p.getIp()) + " is not an IP literal");
    }
    if (p.getPort() < 0 || p.getPort() > 65535) {
      throw new IllegalArgumentException(
          "NetAddress.port " + Integer.toUnsignedString(p.getPort()) + " does not fit 16 bits");
    }
    if (!NodeId.isValid(p.getId())) {
      String id = p.getId();
      throw new InvalidIdException("NetAddress.id " + dev.cairn.shell.p2p.PeerText.quote(id)
          + " is not a node ID (40 lowercase hex characters)");
    }
    return new NodeAddress(NodeId.of(p.getId()), dev.cairn.shell.p2p.IpText.format(ip), p.getPort());
  }
}
