package dev.cairn.shell.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.cairn.core.NodeId;
import dev.cairn.shell.mconn.ChannelDescriptor;
import dev.cairn.shell.mconn.MConnException;
import dev.cairn.shell.mconn.MConnection;
import dev.cairn.shell.metrics.NodeMetrics;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The router alone, with scripted peer links on an executor that runs everything at once. */
class RouterTest {

  private static final EventExecutor LOOP = ImmediateEventExecutor.INSTANCE;
  private static final NodeId P1 = NodeId.of("1111111111111111111111111111111111111111");
  private static final NodeId P2 = NodeId.of("2222222222222222222222222222222222222222");

  /** A link whose MConnection answers are scripted per call; records what was offered. */
  static final class FakeLink implements PeerLink {
    final NodeId id;
    final ArrayDeque<MConnection.Offer> answers = new ArrayDeque<>();
    final List<Map.Entry<Integer, byte[]>> offered = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    Promise<MConnection.Offer> pending;
    boolean holdNext;

    FakeLink(NodeId id) {
      this.id = id;
    }

    @Override
    public NodeId remoteId() {
      return id;
    }

    private Future<MConnection.Offer> answer(String how, int channelId, byte[] message) {
      calls.add(how);
      offered.add(Map.entry(channelId, message));
      Promise<MConnection.Offer> p = LOOP.newPromise();
      if (holdNext) {
        holdNext = false;
        pending = p;
        return p;
      }
      return p.setSuccess(answers.isEmpty() ? MConnection.Offer.QUEUED : answers.poll());
    }

    @Override
    public Future<MConnection.Offer> send(int channelId, byte[] message) {
      return answer("send", channelId, message);
    }

    @Override
    public Future<MConnection.Offer> trySend(int channelId, byte[] message) {
      return answer("trySend", channelId, message);
    }

    @Override
    public void close() {
      calls.add("close");
    }

    @Override
    public void closeAfterFlush(Duration maxWait) {
      calls.add("closeAfterFlush");
    }
  }

  /** A reactor with one StringValue channel per spec; refuses the text "refuse". */
  static final class Recording implements Reactor {
    final List<ChannelSpec<StringValue>> specs;
    final List<RouterChannel<StringValue>> channels = new ArrayList<>();
    final List<String> seen = new ArrayList<>();
    Router.Registrar kept;

    Recording(List<ChannelSpec<StringValue>> specs) {
      this.specs = specs;
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public void register(Router.Registrar registrar) {
      kept = registrar;
      for (ChannelSpec<StringValue> s : specs) {
        channels.add(registrar.open(s, (from, m) -> {
          if (m.getValue().equals("refuse")) {
            throw new PeerMisbehavior("refused");
          }
          seen.add(s.id() + ":" + from.hex().substring(0, 1) + ":" + m.getValue());
        }));
      }
    }

    @Override
    public void peerAdded(NodeId peer) {
      seen.add("up:" + peer.hex().substring(0, 1));
    }

    @Override
    public void peerRemoved(NodeId peer) {
      seen.add("down:" + peer.hex().substring(0, 1));
    }
  }

  static ChannelSpec<StringValue> spec(int id, ChannelSpec.Overflow overflow) {
    return ChannelSpec.protobuf(new ChannelDescriptor(id, 1, 2, 1024, 100), StringValue.getDefaultInstance(), overflow);
  }

  private final List<Map.Entry<NodeId, PeerError>> errors = new ArrayList<>();

  private Router router(Reactor... reactors) {
    return new Router(List.of(reactors), LOOP, NodeMetrics.disabled(), (p, e) -> errors.add(Map.entry(p, e)));
  }

  @Test
  void channelsAreAdvertisedInRegistrationOrderAndOpenedOnce() {
    Recording r = new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP), spec(0x10, ChannelSpec.Overflow.WAIT)));
    Router router = router(r);
    assertThat(router.channelIds()).containsExactly(0x30, 0x10);
    assertThat(router.descriptors()).extracting(ChannelDescriptor::id).containsExactly(0x30, 0x10);
    assertThatThrownBy(() -> r.kept.open(spec(0x40, ChannelSpec.Overflow.DROP), (f, m) -> { }))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> router(new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP))),
        new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x30");
    assertThatThrownBy(() -> router(new Recording(List.of()))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void messagesReachTheInboxTypedAndPeersComeAndGo() {
    Recording r = new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP)));
    Router router = router(r);
    assertThat(router.receive(P1, 0x30, StringValue.of("early").toByteArray())).isFalse();
    router.addPeer(new FakeLink(P1));
    assertThat(router.receive(P1, 0x30, StringValue.of("hi").toByteArray())).isTrue();
    router.removePeer(P1);
    assertThat(router.receive(P1, 0x30, StringValue.of("late").toByteArray())).isFalse();
    assertThat(r.seen).containsExactly("up:1", "48:1:hi", "down:1");
    assertThat(router.stats(0x30).received()).isEqualTo(1);
    assertThat(errors).isEmpty();
  }

  @Test
  void eachKindOfBadInputIsOnePeerErrorAndSilencesThePeer() {
    Recording r = new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP)));
    Router router = router(r);
    FakeLink[] links = new FakeLink[5];
    NodeId[] ids = new NodeId[5];
    for (int i = 0; i < 5; i++) {
      ids[i] = NodeId.of(Integer.toString(i + 3).repeat(40));
      links[i] = new FakeLink(ids[i]);
      router.addPeer(links[i]);
    }
    router.receive(ids[0], 0x30, new byte[] {0x0a, 0x05, 'x'});
    router.receive(ids[1], 0x30, StringValue.of("refuse").toByteArray());
    router.receive(ids[2], 0x31, StringValue.of("where?").toByteArray());
    router.receive(ids[3], 0x30, new byte[101]);
    assertThat(router.connectionFailed(ids[4], new MConnException(MConnException.Reason.MALFORMED_PACKET, "junk")))
        .isTrue();

    assertThat(errors).extracting(e -> e.getValue().kind()).containsExactly(
        PeerError.Kind.MALFORMED_MESSAGE, PeerError.Kind.INVALID_MESSAGE, PeerError.Kind.UNKNOWN_CHANNEL,
        PeerError.Kind.MESSAGE_TOO_LARGE, PeerError.Kind.PROTOCOL_VIOLATION);
    assertThat(errors).extracting(Map.Entry::getKey).containsExactly(ids);
    assertThat(errors.get(0).getValue().channelId()).isEqualTo(0x30);
    assertThat(errors.get(4).getValue().channelId()).isEqualTo(PeerError.NO_CHANNEL);
    assertThat(router.stats(0x30).errors()).isEqualTo(3);

    // an errored peer is heard once: later input is ignored, sends to it are refused
    router.receive(ids[0], 0x30, StringValue.of("ok now").toByteArray());
    router.receive(ids[0], 0x30, new byte[] {0x0a, 0x05, 'x'});
    assertThat(errors).hasSize(5);
    assertThat(r.seen).noneMatch(s -> s.contains("ok now"));
    assertThat(r.channels.get(0).send(ids[0], StringValue.of("x"))).isEqualTo(SendResult.NO_PEER);
    for (PeerError.Kind k : PeerError.Kind.values()) {
      assertThat(router.errors(k)).as(k.label()).isEqualTo(1);
    }
  }

  @Test
  void livenessFailuresAndPlainClosesAreNotPeerErrors() {
    Router router = router(new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP))));
    router.addPeer(new FakeLink(P1));
    assertThat(router.connectionFailed(P1, new MConnException(MConnException.Reason.PONG_TIMEOUT, "slow"))).isFalse();
    assertThat(router.connectionFailed(P1, null)).isFalse();
    assertThat(router.connectionFailed(P1, new java.io.IOException("reset"))).isFalse();
    assertThat(router.connectionFailed(P1, new dev.cairn.shell.secret.SecretConnectionException(
        dev.cairn.shell.secret.SecretConnectionException.Reason.TRUNCATED, "cut"))).isFalse();
    assertThat(errors).isEmpty();
  }

  /**
   * A SecretConnection frame that fails authentication or is too long, after admission, is a
   * protocol violation of the peer, as CometBFT stops the peer for error; found wrapped as the
   * pipeline passes it too.
   */
  @Test
  void aBadSecretFrameIsAPeerError() {
    Router router = router(new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP))));
    router.addPeer(new FakeLink(P1));
    var bad = new dev.cairn.shell.secret.SecretConnectionException(
        dev.cairn.shell.secret.SecretConnectionException.Reason.BAD_FRAME_TAG, "frame 7 failed authentication");
    assertThat(router.connectionFailed(P1, new io.netty.handler.codec.DecoderException(bad))).isTrue();
    assertThat(errors).singleElement().satisfies(e -> {
      assertThat(e.getValue().kind()).isEqualTo(PeerError.Kind.PROTOCOL_VIOLATION);
      assertThat(e.getValue().toString()).contains("BAD_FRAME_TAG");
    });
  }

  @Test
  void aReactorCanClaimMalformedInputItself() {
    List<String> claimed = new ArrayList<>();
    Reactor pexLike = new Reactor() {
      @Override
      public String name() {
        return "claims";
      }

      @Override
      public void register(Router.Registrar registrar) {
        registrar.open(spec(0x00, ChannelSpec.Overflow.WAIT), new Inbox<StringValue>() {
          @Override
          public void receive(NodeId from, StringValue message) {}

          @Override
          public boolean malformed(NodeId from, String reason) {
            claimed.add(reason);
            return true;
          }
        });
      }
    };
    Router router = router(pexLike);
    router.addPeer(new FakeLink(P1));
    router.receive(P1, 0x00, new byte[] {0x0a, 0x05, 'x'});
    assertThat(claimed).hasSize(1);
    assertThat(errors).isEmpty();
  }

  @Test
  void dropOverflowUsesTrySendAndCountsAFullQueue() {
    Recording r = new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP)));
    Router router = router(r);
    FakeLink link = new FakeLink(P1);
    router.addPeer(link);
    link.answers.addAll(List.of(MConnection.Offer.QUEUED, MConnection.Offer.QUEUE_FULL,
        MConnection.Offer.NOT_ADVERTISED));
    RouterChannel<StringValue> ch = r.channels.get(0);
    assertThat(ch.send(P1, StringValue.of("a"))).isEqualTo(SendResult.QUEUED);
    assertThat(ch.send(P1, StringValue.of("b"))).isEqualTo(SendResult.DROPPED);
    assertThat(ch.send(P1, StringValue.of("c"))).isEqualTo(SendResult.NOT_ADVERTISED);
    assertThat(ch.send(P2, StringValue.of("d"))).isEqualTo(SendResult.NO_PEER);
    assertThat(link.calls).containsExactly("trySend", "trySend", "trySend");
    assertThat(ch.stats().sent()).isEqualTo(1);
    assertThat(ch.stats().dropped()).isEqualTo(1);
    assertThat(ch.stats().notAdvertised()).isEqualTo(1);
  }

  @Test
  void waitOverflowCountsTheDropWhenTheWaitEnds() {
    Recording r = new Recording(List.of(spec(0x30, ChannelSpec.Overflow.WAIT)));
    Router router = router(r);
    FakeLink link = new FakeLink(P1);
    router.addPeer(link);
    link.holdNext = true;
    RouterChannel<StringValue> ch = r.channels.get(0);
    assertThat(ch.send(P1, StringValue.of("a"))).isEqualTo(SendResult.WAITING);
    assertThat(link.calls).containsExactly("send");
    assertThat(ch.stats().dropped()).isZero();
    link.pending.setSuccess(MConnection.Offer.QUEUE_FULL);
    assertThat(ch.stats().dropped()).isEqualTo(1);
    assertThat(ch.stats().sent()).isZero();
  }

  @Test
  void broadcastEncodesOnceAndCountsThePeersItWasQueuedFor() throws Exception {
    Recording r = new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP)));
    Router router = router(r);
    FakeLink l2 = new FakeLink(P2);
    FakeLink l1 = new FakeLink(P1);
    router.addPeer(l2);
    router.addPeer(l1);
    l1.answers.add(MConnection.Offer.QUEUE_FULL);
    assertThat(r.channels.get(0).broadcast(StringValue.of("all"))).isEqualTo(1);
    assertThat(l2.offered).hasSize(1);
    assertThat(l1.offered).hasSize(1);
    assertThat(l1.offered.get(0).getValue()).isSameAs(l2.offered.get(0).getValue());
    assertThat(StringValue.newBuilder().mergeFrom(l2.offered.get(0).getValue()).build().getValue()).isEqualTo("all");
  }

  @Test
  void theRouterIsUsedOnItsLoopOnly() throws Exception {
    DefaultEventExecutor other = new DefaultEventExecutor();
    try {
      Recording r = new Recording(List.of(spec(0x30, ChannelSpec.Overflow.DROP)));
      Router router = new Router(List.of(r), other, NodeMetrics.disabled(), (p, e) -> { });
      assertThatThrownBy(() -> r.channels.get(0).send(P1, StringValue.of("x")))
          .isInstanceOf(IllegalStateException.class);
      assertThat(other.submit(() -> r.channels.get(0).send(P1, StringValue.of("x"))).get())
          .isEqualTo(SendResult.NO_PEER);
      assertThat(router.channelIds()).containsExactly(0x30);
    } finally {
      other.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
