package dev.cairn.shell.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.NodeAddress;
import dev.cairn.shell.p2p.NodeInfo;
import java.util.HexFormat;
import java.util.List;

/** JSON renderings printed by the CLI, one document per line. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A NodeInfo with CometBFT's JSON field names ({@code channels} as hex, as Go prints bytes). */
  static ObjectNode nodeInfo(NodeInfo info) {
    ObjectNode n = object();
    ObjectNode pv = n.putObject("protocol_version");
    pv.put("p2p", Long.toUnsignedString(info.protocolVersion().p2p()));
    pv.put("block", Long.toUnsignedString(info.protocolVersion().block()));
    pv.put("app", Long.toUnsignedString(info.protocolVersion().app()));
    n.put("id", info.defaultNodeId());
    n.put("listen_addr", info.listenAddr());
    n.put("network", info.network());
    n.put("version", info.version());
    byte[] ch = new byte[info.channels().size()];
    for (int i = 0; i < ch.length; i++) {
      ch[i] = (byte) (int) info.channels().get(i);
    }
    n.put("channels", HexFormat.of().formatHex(ch));
    n.put("moniker", info.moniker());
    ObjectNode other = n.putObject("other");
    other.put("tx_index", info.other().txIndex());
    other.put("rpc_address", info.other().rpcAddress());
    return n;
  }

  static ArrayNode addresses(List<NodeAddress> addresses) {
    ArrayNode a = MAPPER.createArrayNode();
    for (NodeAddress addr : addresses) {
      ObjectNode o = a.addObject();
      o.put("id", addr.id().hex());
      o.put("ip", addr.ip());
      o.put("port", addr.port());
    }
    return a;
  }

  /** A socket address as {@code host:port} ({@code [v6]:port}), without Java's leading {@code /}. */
  static String address(java.net.SocketAddress a) {
    return dev.cairn.shell.p2p.NetAddresses.hostPort(a);
  }

  /** HOST:PORT, an IPv6 host in brackets ({@code [::]:26656}), as a dialer reads it back. */
  static String address(String host, int port) {
    return dev.cairn.shell.p2p.NetAddresses.hostPort(host, port);
  }

  static String line(ObjectNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
    }
  }
}
