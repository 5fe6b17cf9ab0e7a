package dev.cairn.shell.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.cairn.proto.p2p.Message;
import dev.cairn.proto.p2p.PexRequest;
import dev.cairn.shell.node.PexMessages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  /** A PexRequest followed by an unknown length-delimited field of {@code n} bytes. */
  private static byte[] requestWithUnknownField(int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    Message.newBuilder().setPexRequest(PexRequest.getDefaultInstance()).build().writeTo(cos);
    cos.writeBytes(99, ByteString.copyFrom(new byte[n]));
    cos.flush();
    return out.toByteArray();
  }

  @Test
  void unknownFieldsAreTolerated() throws Exception {
    // A newer peer may add fields; like Go's decoder, ours accepts the message.
    byte[] bytes = requestWithUnknownField(10_000);
    Message decoded = MessageCodec.protobuf(Message.getDefaultInstance()).decode(bytes);
    assertThat(decoded.hasPexRequest()).isTrue();
    assertThat(PexMessages.decode(bytes)).isInstanceOf(PexMessages.Request.class);
  }

  @Test
  void truncatedMessageIsMalformedAndNamesTheType() throws Exception {
    byte[] bytes = requestWithUnknownField(100);
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 10);
    MalformedMessageException e = assertThrows(MalformedMessageException.class,
        () -> MessageCodec.protobuf(Message.getDefaultInstance()).decode(cut));
    assertThat(e.getMessage()).contains("p2p_Message");
  }

  private static dev.cairn.proto.p2p.NetAddress wire(String id, String ip, int port) {
    return dev.cairn.proto.p2p.NetAddress.newBuilder().setId(id).setIp(ip).setPort(port).build();
  }

  /**
   * An entry whose ID is no node ID (upper case, empty, short) is left out and the rest of the
   * PexAddrs kept: CometBFT does not check the ID when it decodes, its books hold such entries and
   * honest CometBFT peers pass them on, so failing the message would ban them. An IP that does
   * not parse or a port past 16 bits still fails it, as it fails CometBFT's NetAddressFromProto.
   */
  @Test
  void anEntryWithAnInvalidIdIsLeftOutAndTheRestKept() throws Exception {
    String good = "ab".repeat(20);
    Message m = Message.newBuilder().setPexAddrs(dev.cairn.proto.p2p.PexAddrs.newBuilder()
        .addAddrs(wire("AB".repeat(20), "198.51.100.1", 26656))
        .addAddrs(wire(good, "8.8.8.8", 26656))
        .addAddrs(wire("", "9.9.9.9", 26656))
        .addAddrs(wire("abc", "9.9.9.8", 26656))).build();
    PexMessages.Addrs a = (PexMessages.Addrs) PexMessages.decode(m.toByteArray());
    assertThat(a.addresses()).extracting(x -> x.id().hex() + "@" + x.ip()).containsExactly(good + "@8.8.8.8");
    assertThat(a.idsLeftOut()).isEqualTo(3);
    assertThat(a.firstIdProblem()).isEqualTo("entry 0: NetAddress.id '" + "AB".repeat(20)
        + "' is not a node ID (40 lowercase hex characters)");

    Message badIp = Message.newBuilder().setPexAddrs(dev.cairn.proto.p2p.PexAddrs.newBuilder()
        .addAddrs(wire(good, "8.8.8.8", 26656)).addAddrs(wire("", "not-an-ip", 26656))).build();
    PexMessages.PexProtocolException e = assertThrows(PexMessages.PexProtocolException.class,
        () -> PexMessages.decode(badIp.toByteArray()));
    assertThat(e.getMessage()).isEqualTo("PexAddrs entry 1 is invalid: NetAddress.ip 'not-an-ip' is not an IP literal");
    Message badPort = Message.newBuilder().setPexAddrs(dev.cairn.proto.p2p.PexAddrs.newBuilder()
        .addAddrs(wire(good, "8.8.8.8", 70000))).build();
    assertThat(assertThrows(PexMessages.PexProtocolException.class, () -> PexMessages.decode(badPort.toByteArray()))
        .getMessage()).isEqualTo("PexAddrs entry 0 is invalid: NetAddress.port 70000 does not fit 16 bits");
  }
}
