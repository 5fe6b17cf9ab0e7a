package dev.cairn.shell.p2p;

import dev.cairn.shell.proto.ProtoMapping;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What a node tells its peer about itself right after the SecretConnection handshake; mirrors
 * {@code tendermint.p2p.DefaultNodeInfo} field for field. Values are kept as received so that a
 * peer's NodeInfo can be validated ({@link #validate}) rather than refused at construction.
 *
 * @param channels channel IDs in advertised order, each 0..255
 */
public record NodeInfo(
    ProtocolVersion protocolVersion,
    String defaultNodeId,
    String listenAddr,
    String network,
    String version,
    List<Integer> channels,
    String moniker,
    Other other) {

  /** Largest NodeInfo body a reader accepts ({@code maxNodeInfoSize}). */
  public static final int MAX_SIZE = 10240;

  /** Most channels a NodeInfo may list ({@code maxNumChannels}). */
  public static final int MAX_CHANNELS = 16;

  public NodeInfo {
    Objects.requireNonNull(protocolVersion, "protocolVersion");
    Objects.requireNonNull(defaultNodeId, "defaultNodeId");
    Objects.requireNonNull(listenAddr, "listenAddr");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(moniker, "moniker");
    Objects.requireNonNull(other, "other");
    channels = List.copyOf(channels);
    for (int ch : channels) {
      if (ch < 0 || ch > 255) {
        throw new IllegalArgumentException("channel " + ch + " is outside 0..255");
      }
    }
  }

  /** {@code tendermint.p2p.ProtocolVersion}; values are uint64 on the wire. */
  public record ProtocolVersion(long p2p, long block, long app) {}

  /** {@code tendermint.p2p.DefaultNodeInfoOther}. */
  public record Other(String txIndex, String rpcAddress) {
    public Other {
      Objects.requireNonNull(txIndex, "txIndex");
      Objects.requireNonNull(rpcAddress, "rpcAddress");
    }
  }

  /** The protobuf bytes, identical to Go's (non-nullable sub-messages always written). */
  public byte[] encode() {
    return ProtoMapping.toProto(this).toByteArray();
  }

  /** {@code uvarint(len) || encode()}, as sent on the wire. */
  public byte[] encodeDelimited() {
    return dev.cairn.shell.proto.DelimitedFraming.frame(encode());
  }

  /** Parses protobuf bytes; malformed input is a {@link HandshakeException} with reason MALFORMED. */
  public static NodeInfo decode(byte[] bytes) throws HandshakeException {
    return ProtoMapping.decodeNodeInfo(bytes, 0, bytes.length);
  }

  /** Whether this node advertises {@code channelId}. */
  public boolean hasChannel(int channelId) {
    return channels.contains(channelId);
  }

  /**
   * Go's {@code DefaultNodeInfo.Validate}, applied to a peer's NodeInfo. Checks, in Go's order:
   * {@code id@listen_addr} parses as an address (resolving non-IP hosts with {@code resolver});
   * version is empty or printable ASCII and not only spaces; at most 16 channels, no duplicates;
   * moniker is printable ASCII and not only spaces; tx_index is "", "on" or "off"; rpc_address
   * is empty or printable ASCII and not only spaces. {@code network} is checked by
   * {@link #compatibleWith}.
   *
   * @throws InvalidNodeInfoException naming the field and the rule it breaks
   */
  public void validate(HostResolver resolver) throws InvalidNodeInfoException {
    String address = defaultNodeId + "@" + NetAddresses.removeProtocol(listenAddr);
    try {
      NetAddresses.parse(address, resolver);
    } catch (NetAddressException e) {
      throw new InvalidNodeInfoException(
          e.reason() == NetAddressException.Reason.INVALID_ID ? "default_node_id" : "listen_addr",
          "must form a valid id@host:port address",
          e.getMessage(),
          e);
    }
    if (!version.isEmpty() && !isAsciiText(version)) {
      throw new InvalidNodeInfoException(
          "version", "must be printable ASCII and not only spaces", "got " + PeerText.quote(version));
    }
    if (channels.size() > MAX_CHANNELS) {
      throw new InvalidNodeInfoException(
          "channels", "must list at most " + MAX_CHANNELS, "got " + channels.size());
    }
    boolean[] seen = new boolean[256];
    for (int ch : channels) {
      if (seen[ch]) {
        throw new InvalidNodeInfoException(
            "channels", "must not repeat a channel", String.format("0x%02x listed twice", ch));
      }
      seen[ch] = true;
    }
    if (!isAsciiText(moniker)) {
      throw new InvalidNodeInfoException(
          "moniker", "must be non-empty printable ASCII and not only spaces", "got " + PeerText.quote(moniker));
    }
    switch (other.txIndex()) {
      case "", "on", "off" -> { }
      default -> throw new InvalidNodeInfoException(
          "other.tx_index", "must be 'on', 'off' or empty", "got " + PeerText.quote(other.txIndex()));
    }
    String rpc = other.rpcAddress();
    if (!rpc.isEmpty() && !isAsciiText(rpc)) {
      throw new InvalidNodeInfoException(
          "other.rpc_address", "must be printable ASCII and not only spaces", "got " + PeerText.quote(rpc));
    }
  }

  /**
   * Go's {@code CompatibleWith}: equal block protocol, equal network, and at least one common
   * channel when we have any. The p2p and app versions are not compared.
   */
  public void compatibleWith(NodeInfo peer) throws HandshakeException {
    if (protocolVersion.block() != peer.protocolVersion.block()) {
      throw new HandshakeException(
          HandshakeException.Reason.INCOMPATIBLE_BLOCK_VERSION,
          "peer block protocol " + Long.toUnsignedString(peer.protocolVersion.block())
              + ", ours " + Long.toUnsignedString(protocolVersion.block()));
    }
    if (!network.equals(peer.network)) {
      throw new HandshakeException(
          HandshakeException.Reason.WRONG_NETWORK,
          "peer is on network " + PeerText.quote(peer.network) + ", we are on " + PeerText.quote(network));
    }
    if (channels.isEmpty()) {
      return;
    }
    for (int ch : channels) {
      if (peer.hasChannel(ch)) {
        return;
      }
    }
    throw new HandshakeException(
        HandshakeException.Reason.NO_COMMON_CHANNEL,
        "peer channels " + hex(peer.channels) + " share none of ours " + hex(channels));
  }

  /** Go's {@code IsASCIIText} followed by the "not only spaces" check of {@code ASCIITrim}. */
  static boolean isAsciiText(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      return false;
    }
    boolean nonSpace = false;
    for (byte b : bytes) {
      if (b < 32 || b > 126) {
        return false;
      }
      nonSpace |= b != ' ';
    }
    return nonSpace;
  }

  private static String hex(List<Integer> chans) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < chans.size(); i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("%02x", chans.get(i)));
    }
    return sb.append(']').toString();
  }
}
