package dev.cairn.shell.mconn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.cairn.proto.p2p.Message;
import dev.cairn.proto.p2p.NetAddress;
import dev.cairn.proto.p2p.Packet;
import dev.cairn.proto.p2p.PacketMsg;
import dev.cairn.proto.p2p.PexAddrs;
import dev.cairn.proto.p2p.PexRequest;
import dev.cairn.shell.proto.DelimitedFraming;
import dev.cairn.shell.proto.TestVectors;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PacketCodecTest {

  private static final HexFormat HEX = HexFormat.of();

  private static String body(byte[] delimited) throws Exception {
    var d = new dev.cairn.shell.proto.DelimitedDecoder(1 << 20);
    d.feed(delimited);
    return HEX.formatHex(d.next().toByteArray());
  }

  @Test
  void connVectors() throws Exception {
    JsonNode v = TestVectors.json("p2p_proto_vectors.json")
        .get("TestConnVectors (p2p/conn/connection_test.go) - tendermint.p2p.Packet");
    Map<String, String> byName = new java.util.HashMap<>();
    v.forEach(n -> byName.put(n.get("name").asText(), n.get("hex").asText()));
    assertThat(body(PacketCodec.pingDelimited())).isEqualTo(byName.get("PacketPing"));
    assertThat(body(PacketCodec.pongDelimited())).isEqualTo(byName.get("PacketPong"));
    byte[] data = "data transmitted over the wire".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(body(PacketCodec.packetMsgDelimited(1, false, data))).isEqualTo(byName.get("PacketMsg"));
    assertThat(byName).hasSize(3);
  }

  @Test
  void pexVectorsThroughGeneratedTypes() throws Exception {
    JsonNode v = TestVectors.json("p2p_proto_vectors.json")
        .get("TestPexVectors (p2p/pex/pex_reactor_test.go) - tendermint.p2p.Message");
    Message req = Message.newBuilder().setPexRequest(PexRequest.getDefaultInstance()).build();
    Message addrs = Message.newBuilder().setPexAddrs(PexAddrs.newBuilder()
        .addAddrs(NetAddress.newBuilder().setId("1").setIp("127.0.0.1").setPort(9090))).build();
    assertThat(HEX.formatHex(req.toByteArray())).isEqualTo(v.get(0).get("hex").asText());
    assertThat(HEX.formatHex(addrs.toByteArray())).isEqualTo(v.get(1).get("hex").asText());
  }

  @Test
  void mconnectionExamples() throws Exception {
    JsonNode ex = TestVectors.json("secret_connection_handshake_vector.json").get("mconnection_examples");
    assertThat(HEX.formatHex(PacketCodec.pingDelimited())).isEqualTo("020a00");
    assertThat(HEX.formatHex(PacketCodec.pongDelimited())).isEqualTo("021200");
    byte[] pexRequest = HEX.parseHex("0a00");
    assertThat(HEX.formatHex(PacketCodec.packetMsgDelimited(0, true, pexRequest)))
        .isEqualTo(ex.get("PEX PexRequest on ch 0x00 (delimited on wire)").asText());
    assertThat(body(PacketCodec.packetMsgDelimited(0, true, pexRequest)))
        .isEqualTo(ex.get("PEX PexRequest on ch 0x00 (Packet, not delimited)").asText());
    assertThat(PacketCodec.maxPacketSize(1024))
        .isEqualTo(ex.get("maxPacketMsgSize(payload 1024) = len(Packet{PacketMsg{ch=1,eof=true,data=1024B}})").asInt())
        .isEqualTo(1034);
  }

  @Test
  void splitOf2500BytesOnMempoolMatchesTheVector() throws Exception {
    JsonNode ex = TestVectors.json("secret_connection_handshake_vector.json").get("mconnection_examples");
    JsonNode split = null;
    for (var it = ex.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.startsWith("split 2500-byte msg")) {
        split = ex.get(k);
      }
    }
    assertThat(split).as("split vector present").isNotNull();
    byte[] msg = new byte[2500];
    for (int i = 0; i < msg.length; i++) {
      msg[i] = (byte) ((7 * i) & 0xff);
    }
    MConnection c = new MConnection(MConnConfig.defaults().withFlushThrottle(java.time.Duration.ZERO),
        List.of(StandardChannels.MEMPOOL), List.of(0x30), dev.cairn.core.MonoTime.ZERO);
    assertThat(c.send(0x30, msg)).isEqualTo(MConnection.Offer.QUEUED);
    byte[] wire = c.pollTransmit(dev.cairn.core.MonoTime.ZERO).toByteArray();
    int pos = 0;
    int dataPos = 0;
    for (JsonNode p : split) {
      int len = p.get("delimited_packet_len").asInt();
      String prefix = p.get("delimited_packet_prefix_hex").asText();
      assertThat(HEX.formatHex(wire, pos, pos + prefix.length() / 2)).isEqualTo(prefix);
      Packet decoded = Packet.parseFrom(java.util.Arrays.copyOfRange(wire, pos + 2, pos + len));
      assertThat(decoded.getPacketMsg().getEof()).isEqualTo(p.get("eof").asBoolean());
      assertThat(decoded.getPacketMsg().getData().size()).isEqualTo(p.get("data_len").asInt());
      assertThat(decoded.getPacketMsg().getData().toByteArray())
          .isEqualTo(java.util.Arrays.copyOfRange(msg, dataPos, dataPos + p.get("data_len").asInt()));
      dataPos += p.get("data_len").asInt();
      pos += len;
    }
    assertThat(pos).isEqualTo(wire.length);
    assertThat(dataPos).isEqualTo(2500);
  }

  @Property(tries = 300)
  void encoderEqualsProtobufJava(@ForAll @IntRange(min = -5, max = 300) int channel,
      @ForAll boolean eof, @ForAll @Size(max = 2100) byte[] data) throws Exception {
    Packet expected = Packet.newBuilder().setPacketMsg(PacketMsg.newBuilder()
        .setChannelId(channel).setEof(eof).setData(ByteString.copyFrom(data))).build();
    assertThat(PacketCodec.packetMsgDelimited(channel, eof, data)).isEqualTo(DelimitedFraming.frame(expected));
    assertThat(PacketCodec.delimitedPacketSize(channel, eof, data.length))
        .isEqualTo(DelimitedFraming.frame(expected).length);
  }

  @Property(tries = 300)
  void decoderAgreesWithProtobufJavaOnArbitraryPackets(
      @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 3) Integer> kinds,
      @ForAll @IntRange(min = 0, max = 300) int channel, @ForAll boolean eof,
      @ForAll @Size(max = 40) byte[] data) throws Exception {
    // concatenated encodings exercise repeated and merged oneof members and unknown fields
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int k : kinds) {
      switch (k) {
        case 0 -> bytes.write(HEX.parseHex("0a00"));
        case 1 -> bytes.write(HEX.parseHex("1200"));
        case 2 -> bytes.write(Packet.newBuilder().setPacketMsg(PacketMsg.newBuilder()
            .setChannelId(channel).setEof(eof).setData(ByteString.copyFrom(data))).build().toByteArray());
        default -> bytes.write(HEX.parseHex("2003")); // unknown field 4, varint
      }
    }
    byte[] in = bytes.toByteArray();
    Packet expected = Packet.parseFrom(in);
    List<Object> got = new ArrayList<>();
    if (expected.getSumCase() == Packet.SumCase.SUM_NOT_SET) {
      assertThatThrownBy(() -> PacketCodec.decode(in, 0, in.length, (c, e, d, o, l) -> { }))
          .isInstanceOfSatisfying(MConnException.class,
              e -> assertThat(e.reason()).isEqualTo(MConnException.Reason.EMPTY_PACKET));
      return;
    }
    PacketCodec.Kind kind = PacketCodec.decode(in, 0, in.length,
        (c, e, d, o, l) -> got.addAll(List.of(c, e, HEX.formatHex(d, o, o + l))));
    switch (expected.getSumCase()) {
      case PACKET_PING -> assertThat(kind).isEqualTo(PacketCodec.Kind.PING);
      case PACKET_PONG -> assertThat(kind).isEqualTo(PacketCodec.Kind.PONG);
      case PACKET_MSG -> {
        assertThat(kind).isEqualTo(PacketCodec.Kind.MSG);
        PacketMsg m = expected.getPacketMsg();
        assertThat(got).containsExactly(m.getChannelId(), m.getEof(), HEX.formatHex(m.getData().toByteArray()));
      }
      default -> throw new AssertionError();
    }
  }

  @Test
  void emptyPacketAndGarbageAreTypedErrors() {
    assertThatThrownBy(() -> PacketCodec.decode(new byte[0], 0, 0, (c, e, d, o, l) -> { }))
        .isInstanceOfSatisfying(MConnException.class,
            e -> assertThat(e.reason()).isEqualTo(MConnException.Reason.EMPTY_PACKET));
    byte[] bad = HEX.parseHex("1a0512");
    assertThatThrownBy(() -> PacketCodec.decode(bad, 0, bad.length, (c, e, d, o, l) -> { }))
        .isInstanceOfSatisfying(MConnException.class,
            e -> assertThat(e.reason()).isEqualTo(MConnException.Reason.MALFORMED_PACKET));
  }
}
