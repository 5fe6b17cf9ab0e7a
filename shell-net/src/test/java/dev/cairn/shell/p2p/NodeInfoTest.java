package dev.cairn.shell.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.shell.proto.TestVectors;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class NodeInfoTest {

  private static final HexFormat HEX = HexFormat.of();
  static final String ID = "0123456789abcdef0123456789abcdef01234567";

  /** The base NodeInfo of Go's node_info_test.go: validates OK, channels 0x00..0x0f. */
  static NodeInfo base() {
    List<Integer> chans = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      chans.add(i);
    }
    return new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), ID, "127.0.0.1:26656", "testing",
        "1.2.3-rc0-deadbeef", chans, "testing", new NodeInfo.Other("on", "127.0.0.1:26657"));
  }

  static NodeInfo withChannels(NodeInfo n, List<Integer> c) {
    return new NodeInfo(n.protocolVersion(), n.defaultNodeId(), n.listenAddr(), n.network(), n.version(), c,
        n.moniker(), n.other());
  }

  static NodeInfo withListenAddr(NodeInfo n, String v) {
    return new NodeInfo(n.protocolVersion(), n.defaultNodeId(), v, n.network(), n.version(), n.channels(),
        n.moniker(), n.other());
  }

  static NodeInfo withVersion(NodeInfo n, String v) {
    return new NodeInfo(n.protocolVersion(), n.defaultNodeId(), n.listenAddr(), n.network(), v, n.channels(),
        n.moniker(), n.other());
  }

  static NodeInfo withMoniker(NodeInfo n, String v) {
    return new NodeInfo(n.protocolVersion(), n.defaultNodeId(), n.listenAddr(), n.network(), n.version(),
        n.channels(), v, n.other());
  }

  static NodeInfo withOther(NodeInfo n, NodeInfo.Other o) {
    return new NodeInfo(n.protocolVersion(), n.defaultNodeId(), n.listenAddr(), n.network(), n.version(),
        n.channels(), n.moniker(), o);
  }

  static NodeInfo withNetwork(NodeInfo n, String v) {
    return new NodeInfo(n.protocolVersion(), n.defaultNodeId(), n.listenAddr(), v, n.version(),
        n.channels(), n.moniker(), n.other());
  }

  static NodeInfo withId(NodeInfo n, String v) {
    return new NodeInfo(n.protocolVersion(), v, n.listenAddr(), n.network(), n.version(),
        n.channels(), n.moniker(), n.other());
  }

  static NodeInfo withBlock(NodeInfo n, long block) {
    NodeInfo.ProtocolVersion p = n.protocolVersion();
    return new NodeInfo(new NodeInfo.ProtocolVersion(p.p2p(), block, p.app()), n.defaultNodeId(),
        n.listenAddr(), n.network(), n.version(), n.channels(), n.moniker(), n.other());
  }

  private static List<Integer> range(int n) {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return l;
  }

  /** The mutation column of the vector file, as code. An unknown mutation fails the test. */
  private static UnaryOperator<NodeInfo> validateMutation(String m) {
    String nonAscii = "\u00a2\u00a7\u00b5";
    NodeInfo.Other o = base().other();
    return switch (m) {
      case "channels = 0x00..0x10 (17 entries)" -> n -> withChannels(n, range(17));
      case "channels = [0,1,2,3,4,testCh(0x01)]" -> n -> withChannels(n, List.of(0, 1, 2, 3, 4, 1));
      case "channels = first 5" -> n -> withChannels(n, range(5));
      case "listen_addr = 'not-an-address'" -> n -> withListenAddr(n, "not-an-address");
      case "listen_addr = '0.0.0.0:26656'" -> n -> withListenAddr(n, "0.0.0.0:26656");
      case "version = '\u00a2\u00a7\u00b5'" -> n -> withVersion(n, nonAscii);
      case "version = '\\t'" -> n -> withVersion(n, "\t");
      case "version = '  '" -> n -> withVersion(n, "  ");
      case "version = ''" -> n -> withVersion(n, "");
      case "moniker = '\u00a2\u00a7\u00b5'" -> n -> withMoniker(n, nonAscii);
      case "moniker = '\\t'" -> n -> withMoniker(n, "\t");
      case "moniker = '  '" -> n -> withMoniker(n, "  ");
      case "moniker = ''" -> n -> withMoniker(n, "");
      case "moniker = 'hey its me'" -> n -> withMoniker(n, "hey its me");
      case "other.tx_index = '\u00a2\u00a7\u00b5'" -> n -> withOther(n, new NodeInfo.Other(nonAscii, o.rpcAddress()));
      case "other.tx_index = '\\t'" -> n -> withOther(n, new NodeInfo.Other("\t", o.rpcAddress()));
      case "other.tx_index = '  '" -> n -> withOther(n, new NodeInfo.Other("  ", o.rpcAddress()));
      case "other.tx_index = ''" -> n -> withOther(n, new NodeInfo.Other("", o.rpcAddress()));
      case "other.tx_index = 'off'" -> n -> withOther(n, new NodeInfo.Other("off", o.rpcAddress()));
      case "other.rpc_address = '\u00a2\u00a7\u00b5'" -> n -> withOther(n, new NodeInfo.Other(o.txIndex(), nonAscii));
      case "other.rpc_address = '\\t'" -> n -> withOther(n, new NodeInfo.Other(o.txIndex(), "\t"));
      case "other.rpc_address = '  '" -> n -> withOther(n, new NodeInfo.Other(o.txIndex(), "  "));
      case "other.rpc_address = ''" -> n -> withOther(n, new NodeInfo.Other(o.txIndex(), ""));
      case "other.rpc_address = '0.0.0.0:26657'" -> n -> withOther(n, new NodeInfo.Other(o.txIndex(), "0.0.0.0:26657"));
      default -> throw new AssertionError("vector mutation not understood: " + m);
    };
  }

  @Test
  void baseValidates() {
    assertThatCode(() -> base().validate(HostResolver.none())).doesNotThrowAnyException();
  }

  @Test
  void everyValidateCase() {
    JsonNode cases = TestVectors.json("netaddress_and_nodeinfo_cases.json").get("NodeInfoValidate").get("cases");
    assertThat(cases.size()).isEqualTo(24);
    for (JsonNode c : cases) {
      NodeInfo n = validateMutation(c.get(1).asText()).apply(base());
      if (c.get(2).asBoolean()) {
        assertThatThrownBy(() -> n.validate(HostResolver.none())).as(c.get(0).asText())
            .isInstanceOf(InvalidNodeInfoException.class);
      } else {
        try {
          n.validate(HostResolver.none());
        } catch (InvalidNodeInfoException e) {
          fail(c.get(0).asText() + " should validate but: " + e.getMessage());
        }
      }
    }
  }

  @Test
  void validationErrorsNameFieldAndRule() {
    assertThatThrownBy(() -> withMoniker(base(), "  ").validate(HostResolver.none()))
        .isInstanceOfSatisfying(InvalidNodeInfoException.class, e -> {
          assertThat(e.field()).isEqualTo("moniker");
          assertThat(e.rule()).contains("printable ASCII");
          assertThat(e.reason()).isEqualTo(HandshakeException.Reason.INVALID_NODE_INFO);
        });
    assertThatThrownBy(() -> withChannels(base(), List.of(3, 3)).validate(HostResolver.none()))
        .isInstanceOfSatisfying(InvalidNodeInfoException.class,
            e -> assertThat(e.getMessage()).contains("channels").contains("0x03"));
    assertThatThrownBy(() -> withId(base(), "abc").validate(HostResolver.none()))
        .isInstanceOfSatisfying(InvalidNodeInfoException.class,
            e -> assertThat(e.field()).isEqualTo("default_node_id"));
    assertThatThrownBy(() -> withListenAddr(base(), "tcp://somehost:1").validate(HostResolver.none()))
        .isInstanceOfSatisfying(InvalidNodeInfoException.class,
            e -> assertThat(e.field()).isEqualTo("listen_addr"));
  }

  @Test
  void everyCompatibleWithCase() {
    JsonNode cases = TestVectors.json("netaddress_and_nodeinfo_cases.json")
        .get("NodeInfoCompatibleWith").get("cases");
    assertThat(cases.size()).as("NodeInfoCompatibleWith cases").isEqualTo(5);
    NodeInfo ours = withChannels(base(), List.of(0x01));
    for (JsonNode c : cases) {
      String m = c.get(0).asText();
      NodeInfo peer = withId(ours, "89abcdef0123456789abcdef0123456789abcdef");
      HandshakeException.Reason want = null;
      switch (m) {
        case "identical except id" -> { }
        case "peer has an extra channel 0x02" -> peer = withChannels(peer, List.of(0x01, 0x02));
        case "protocol_version.block += 1" -> {
          peer = withBlock(peer, 12);
          want = HandshakeException.Reason.INCOMPATIBLE_BLOCK_VERSION;
        }
        case "network += '-wrong'" -> {
          peer = withNetwork(peer, peer.network() + "-wrong");
          want = HandshakeException.Reason.WRONG_NETWORK;
        }
        case "channels = [0x02] (no common channel)" -> {
          peer = withChannels(peer, List.of(0x02));
          want = HandshakeException.Reason.NO_COMMON_CHANNEL;
        }
        default -> throw new AssertionError("vector mutation not understood: " + m);
      }
      assertThat(want != null).as(m).isEqualTo(c.get(1).asBoolean());
      NodeInfo p = peer;
      if (want == null) {
        try {
          ours.compatibleWith(p);
        } catch (HandshakeException e) {
          fail(m + ": " + e.getMessage());
        }
      } else {
        HandshakeException.Reason w = want;
        assertThatThrownBy(() -> ours.compatibleWith(p)).as(m)
            .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(w));
      }
    }
  }

  @Test
  void noChannelsOfOurOwnMeansAnyPeerIsCompatible() {
    assertThatCode(() -> withChannels(base(), List.of()).compatibleWith(withChannels(base(), List.of(0x02))))
        .doesNotThrowAnyException();
  }

  @Test
  void encodingEqualsGoBytesForBothVectorSides() throws Exception {
    JsonNode sides = TestVectors.json("secret_connection_handshake_vector.json").get("sides");
    for (String side : List.of("A", "B")) {
      JsonNode s = sides.get(side);
      JsonNode ni = s.get("node_info");
      List<Integer> chans = new ArrayList<>();
      ni.get("channels").forEach(x -> chans.add(x.asInt()));
      JsonNode pv = ni.get("protocol_version");
      NodeInfo info = new NodeInfo(
          new NodeInfo.ProtocolVersion(pv.get(0).asLong(), pv.get(1).asLong(), pv.get(2).asLong()),
          ni.get("id").asText(), ni.get("listen_addr").asText(), ni.get("network").asText(),
          ni.get("version").asText(), chans, ni.get("moniker").asText(),
          new NodeInfo.Other(ni.get("tx_index").asText(), ni.get("rpc_address").asText()));
      assertThat(HEX.formatHex(info.encode())).as(side).isEqualTo(s.get("node_info_proto").asText());
      assertThat(HEX.formatHex(info.encodeDelimited())).as(side).isEqualTo(s.get("node_info_delimited").asText());
      assertThat(NodeInfo.decode(HEX.parseHex(s.get("node_info_proto").asText()))).isEqualTo(info);
      info.validate(HostResolver.none());
    }
  }

  @Test
  void emptySubMessagesAreStillWritten() {
    NodeInfo n = new NodeInfo(new NodeInfo.ProtocolVersion(0, 0, 0), "", "", "", "", List.of(), "",
        new NodeInfo.Other("", ""));
    assertThat(HEX.formatHex(n.encode())).isEqualTo("0a004200");
  }

  @Test
  void garbageBytesAreAMalformedError() {
    assertThatThrownBy(() -> NodeInfo.decode(HEX.parseHex("0aff")))
        .isInstanceOfSatisfying(HandshakeException.class,
            e -> assertThat(e.reason()).isEqualTo(HandshakeException.Reason.MALFORMED));
  }
}
