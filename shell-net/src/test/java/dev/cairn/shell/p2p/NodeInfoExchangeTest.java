package dev.cairn.shell.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.NodeId;
import dev.cairn.shell.proto.TestVectors;
import dev.cairn.shell.proto.Uvarint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NodeInfoExchangeTest {

  private static final HexFormat HEX = HexFormat.of();

  static NodeInfo side(JsonNode s) {
    JsonNode ni = s.get("node_info");
    List<Integer> chans = new ArrayList<>();
    ni.get("channels").forEach(x -> chans.add(x.asInt()));
    JsonNode pv = ni.get("protocol_version");
    return new NodeInfo(new NodeInfo.ProtocolVersion(pv.get(0).asLong(), pv.get(1).asLong(), pv.get(2).asLong()),
        ni.get("id").asText(), ni.get("listen_addr").asText(), ni.get("network").asText(),
        ni.get("version").asText(), chans, ni.get("moniker").asText(),
        new NodeInfo.Other(ni.get("tx_index").asText(), ni.get("rpc_address").asText()));
  }

  private static JsonNode sides() {
    return TestVectors.json("secret_connection_handshake_vector.json").get("sides");
  }

  @Test
  void acceptsThePeerFromTheVectorAndHandsOverFollowingBytes() throws Exception {
    JsonNode s = sides();
    NodeInfo a = side(s.get("A"));
    NodeInfo b = side(s.get("B"));
    NodeInfoExchange x = new NodeInfoExchange(a, NodeId.of(b.defaultNodeId()), HostResolver.none());
    assertThat(HEX.formatHex(x.outbound())).isEqualTo(s.get("A").get("node_info_delimited").asText());
    byte[] in = HEX.parseHex(s.get("B").get("node_info_delimited").asText());
    NodeInfoExchange.Result r = null;
    int i = 0;
    for (; r == null; i++) {
      r = x.receive(in, i, 1); // one byte at a time
    }
    assertThat(i).as("completes exactly on the last NodeInfo byte").isEqualTo(in.length);
    assertThat(r.remote()).isEqualTo(b);
    assertThat(r.leftover()).isEmpty();
    assertThatThrownBy(() -> x.receive(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void partialInputThenRestCompletesWithLeftover() throws Exception {
    JsonNode s = sides();
    NodeInfo a = side(s.get("A"));
    NodeInfo b = side(s.get("B"));
    NodeInfoExchange x = new NodeInfoExchange(a, NodeId.of(b.defaultNodeId()), HostResolver.none());
    byte[] in = HEX.parseHex(s.get("B").get("node_info_delimited").asText() + "020a00");
    assertThat(x.receive(in, 0, 50)).isNull();
    NodeInfoExchange.Result r = x.receive(in, 50, in.length - 50);
    assertThat(r.remote()).isEqualTo(b);
    assertThat(HEX.formatHex(r.leftover())).isEqualTo("020a00");
  }

  private static HandshakeException.Reason refusal(NodeInfo ours, NodeId authenticated, byte[] in) {
    NodeInfoExchange x = new NodeInfoExchange(ours, authenticated, HostResolver.none());
    try {
      x.receive(in, 0, in.length);
    } catch (HandshakeException e) {
      return e.reason();
    }
    return null;
  }

  @Test
  void eachRefusalHasItsReason() {
    JsonNode s = sides();
    NodeInfo a = side(s.get("A"));
    NodeInfo b = side(s.get("B"));
    NodeId bId = NodeId.of(b.defaultNodeId());
    NodeId aId = NodeId.of(a.defaultNodeId());
    assertThat(refusal(a, bId, b.encodeDelimited())).isNull();
    assertThat(refusal(a, aId, b.encodeDelimited())).isEqualTo(HandshakeException.Reason.ID_MISMATCH);
    assertThat(refusal(a, aId, a.encodeDelimited())).isEqualTo(HandshakeException.Reason.SELF_CONNECTION);
    assertThat(refusal(a, bId, NodeInfoTest.withNetwork(b, "other-chain").encodeDelimited()))
        .isEqualTo(HandshakeException.Reason.WRONG_NETWORK);
    assertThat(refusal(a, bId, NodeInfoTest.withBlock(b, 12).encodeDelimited()))
        .isEqualTo(HandshakeException.Reason.INCOMPATIBLE_BLOCK_VERSION);
    assertThat(refusal(a, bId, NodeInfoTest.withChannels(b, List.of(0x77)).encodeDelimited()))
        .isEqualTo(HandshakeException.Reason.NO_COMMON_CHANNEL);
    assertThat(refusal(a, bId, NodeInfoTest.withMoniker(b, "").encodeDelimited()))
        .isEqualTo(HandshakeException.Reason.INVALID_NODE_INFO);
    assertThat(refusal(a, bId, Uvarint.encode(10241))).isEqualTo(HandshakeException.Reason.OVERSIZED);
    assertThat(refusal(a, bId, HEX.parseHex("020aff"))).isEqualTo(HandshakeException.Reason.MALFORMED);
  }

  @Test
  void exactlyTheSizeLimitIsStillRead() {
    JsonNode s = sides();
    NodeInfo a = side(s.get("A"));
    NodeInfo b = side(s.get("B"));
    byte[] body = b.encode();
    // pad with an unknown field (number 15, bytes) up to exactly 10240 bytes
    int pad = NodeInfo.MAX_SIZE - body.length - 1 - 2;
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    o.writeBytes(Uvarint.encode(NodeInfo.MAX_SIZE));
    o.writeBytes(body);
    o.write(0x7a);
    o.writeBytes(Uvarint.encode(pad));
    o.writeBytes(new byte[pad]);
    assertThat(refusal(a, NodeId.of(b.defaultNodeId()), o.toByteArray())).isNull();
  }

  /** Collects user events and exceptions at the end of the pipeline. */
  static final class Tail extends ChannelInboundHandlerAdapter {
    final List<Object> events = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    final List<String> reads = new ArrayList<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      reads.add(ByteBufUtil.hexDump((ByteBuf) msg));
      ((ByteBuf) msg).release();
    }
  }

  record Authenticated(NodeId id) {}

  @Test
  void handlerStartsOnTheAuthenticationEventAndRemovesItself() {
    JsonNode s = sides();
    NodeInfo a = side(s.get("A"));
    NodeInfo b = side(s.get("B"));
    Tail tail = new Tail();
    NodeInfoHandshakeHandler h = NodeInfoHandshakeHandler.afterEvent(a, HostResolver.none(),
        NodeInfoHandshakeHandler.DEFAULT_TIMEOUT, ev -> ev instanceof Authenticated x ? x.id() : null);
    EmbeddedChannel ch = new EmbeddedChannel(h, tail);
    // bytes that arrive before the event are held back, not lost
    ch.writeInbound(Unpooled.wrappedBuffer(b.encodeDelimited(), 0, 10));
    assertThat((Object) ch.readOutbound()).isNull();
    ch.pipeline().fireUserEventTriggered(new Authenticated(NodeId.of(b.defaultNodeId())));
    ByteBuf out = ch.readOutbound();
    assertThat(ByteBufUtil.hexDump(out)).isEqualTo(s.get("A").get("node_info_delimited").asText());
    out.release();
    byte[] full = b.encodeDelimited();
    byte[] rest = new byte[full.length - 10 + 3];
    System.arraycopy(full, 10, rest, 0, full.length - 10);
    rest[rest.length - 3] = 2;
    rest[rest.length - 2] = 0x0a;
    ch.writeInbound(Unpooled.wrappedBuffer(rest));
    assertThat(tail.events).hasSize(2);
    assertThat(tail.events.get(1)).isEqualTo(new PeerHandshakeCompleted(b));
    assertThat(tail.reads).containsExactly("020a00");
    assertThat(ch.pipeline().get(NodeInfoHandshakeHandler.class)).isNull();
    assertThat(tail.errors).isEmpty();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void handlerTimesOutAndClosesTheChannel() {
    JsonNode s = sides();
    NodeInfo a = side(s.get("A"));
    Tail tail = new Tail();
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(NodeInfoHandshakeHandler.onActive(a, HostResolver.none(), Duration.ofMillis(500),
        NodeId.of(side(s.get("B")).defaultNodeId())), tail);
    ch.advanceTimeBy(499, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(tail.errors).hasSize(1);
    assertThat(((HandshakeException) tail.errors.get(0)).reason()).isEqualTo(HandshakeException.Reason.TIMEOUT);
  }

  /**
   * Started by the SecretConnection's event, the NodeInfo exchange has what is left of the
   * deadline since the connection's start: a peer that stalls the first handshake almost to its
   * end and then the second holds the slot for the deadline once, not twice.
   */
  @Test
  void bothHandshakesShareTheDeadlineFromTheConnectionsStart() {
    JsonNode s = sides();
    NodeInfo a = side(s.get("A"));
    NodeInfo b = side(s.get("B"));
    Tail tail = new Tail();
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(NodeInfoHandshakeHandler.afterEvent(a, HostResolver.none(), Duration.ofMillis(1000),
        ev -> ev instanceof Authenticated x ? x.id() : null), tail);
    ch.advanceTimeBy(700, TimeUnit.MILLISECONDS); // the SecretConnection took 700 ms of the 1000
    ch.pipeline().fireUserEventTriggered(new Authenticated(NodeId.of(b.defaultNodeId())));
    ch.advanceTimeBy(299, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).as("1000 ms after the connection's start, not 1000 ms after the NodeInfo sent").isFalse();
    assertThat(tail.errors).hasSize(1);
    HandshakeException e = (HandshakeException) tail.errors.get(0);
    assertThat(e.reason()).isEqualTo(HandshakeException.Reason.TIMEOUT);
    assertThat(e.getMessage()).contains("within 1000 ms of the connection's start");
  }

  @Test
  void handlerClosesOnAWrongNetwork() {
    JsonNode s = sides();
    NodeInfo a = side(s.get("A"));
    NodeInfo b = NodeInfoTest.withNetwork(side(s.get("B")), "elsewhere");
    Tail tail = new Tail();
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(NodeInfoHandshakeHandler.onActive(a, HostResolver.none(),
        NodeInfoHandshakeHandler.DEFAULT_TIMEOUT, NodeId.of(b.defaultNodeId())), tail);
    ch.writeInbound(Unpooled.wrappedBuffer(b.encodeDelimited()));
    assertThat(ch.isOpen()).isFalse();
    assertThat(((HandshakeException) tail.errors.get(0)).reason()).isEqualTo(HandshakeException.Reason.WRONG_NETWORK);
    assertThat(tail.events).noneMatch(e -> e instanceof PeerHandshakeCompleted);
  }
}
