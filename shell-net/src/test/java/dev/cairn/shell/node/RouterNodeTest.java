package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.DisconnectReason;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.ChannelDescriptor;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.mconn.PacketCodec;
import dev.cairn.shell.mconn.StandardChannels;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.NodeInfo;
import dev.cairn.shell.router.ChannelSpec;
import dev.cairn.shell.router.PeerError;
import dev.cairn.shell.router.PeerMisbehavior;
import dev.cairn.shell.router.Reactor;
import dev.cairn.shell.router.Router;
import dev.cairn.shell.router.RouterChannel;
import dev.cairn.shell.router.SendResult;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The router seen from two nodes on loopback: a second reactor beside PEX, peer errors that
 * reach the PeerManager, full queues, priorities and unregistered channels.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouterNodeTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration WITHIN = Duration.ofSeconds(15);
  private static final int TEST_CHANNEL = 0x42;
  private static final int HIGH_CHANNEL = 0x44;
  private static final String P2P = "addr_book_strict = false\nallow_duplicate_ip = true\n";

  private final EventLoopGroup group = EventLoops.newGroup(2);
  private final EventLoopGroup peers = EventLoops.newGroup(1);
  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void tearDown() {
    nodes.forEach(Node::close);
    peers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A message a {@link TestReactor} received. */
  record Received(int channelId, NodeId from, String text) {}

  /**
   * A reactor of {@code StringValue} messages on the given channels; it refuses (as misbehavior)
   * the text {@code "refuse"}.
   */
  static final class TestReactor implements Reactor {
    final List<ChannelSpec<StringValue>> specs;
    final Map<Integer, RouterChannel<StringValue>> channels = new ConcurrentHashMap<>();
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final Set<NodeId> peers = ConcurrentHashMap.newKeySet();
    final Set<NodeId> removed = ConcurrentHashMap.newKeySet();

    TestReactor(List<ChannelSpec<StringValue>> specs) {
      this.specs = specs;
    }

    @Override
    public String name() {
      return "test";
    }

    @Override
    public void register(Router.Registrar registrar) {
      for (ChannelSpec<StringValue> spec : specs) {
        channels.put(spec.id(), registrar.open(spec, (from, m) -> {
          if (m.getValue().equals("refuse")) {
            throw new PeerMisbehavior("the test reactor refuses \"refuse\"");
          }
          received.add(new Received(spec.id(), from, m.getValue()));
        }));
      }
    }

    @Override
    public void peerAdded(NodeId peer) {
      peers.add(peer);
    }

    @Override
    public void peerRemoved(NodeId peer) {
      removed.add(peer);
    }

    RouterChannel<StringValue> channel(int id) {
      return channels.get(id);
    }
  }

  static ChannelSpec<StringValue> spec(int id, int priority, int queue, ChannelSpec.Overflow overflow) {
    return ChannelSpec.protobuf(new ChannelDescriptor(id, priority, queue, 4096, 64 * 1024),
        StringValue.getDefaultInstance(), overflow);
  }

  static StringValue text(String s) {
    return StringValue.of(s);
  }

  /** Every step a node took, with the event that caused it. */
  static final class Steps {
    final ConcurrentLinkedQueue<Map.Entry<CoreEvent, List<CoreEffect>>> accepted = new ConcurrentLinkedQueue<>();

    Driver.StepObserver observer() {
      return (now, wall, event, step, nanos) -> {
        if (step.isAccepted()) {
          accepted.add(Map.entry(event, List.copyOf(step.effects())));
        }
      };
    }

    /** Whether the PeerManager took {@code PeerErrored(peer)} and answered with {@code Disconnect(ERRORED)}. */
    boolean erroredAndEvicted(NodeId peer) {
      for (Map.Entry<CoreEvent, List<CoreEffect>> e : accepted) {
        if (e.getKey() instanceof CoreEvent.Peer p && p.event() instanceof PeerEvent.PeerErrored err
            && err.peer().equals(peer)) {
          return e.getValue().stream().anyMatch(x -> x instanceof CoreEffect.Peer ce
              && ce.effect() instanceof PeerEffect.Disconnect d && d.peer().equals(peer)
              && d.reason() == DisconnectReason.ERRORED);
        }
      }
      return false;
    }

    boolean tookPeerErrored(NodeId peer) {
      return accepted.stream().anyMatch(e -> e.getKey() instanceof CoreEvent.Peer p
          && p.event() instanceof PeerEvent.PeerErrored err && err.peer().equals(peer));
    }
  }

  private Node start(NodeKey key, int port, String p2p, MConnConfig mconn, Driver.StepObserver observer,
      List<Reactor> reactors) throws Exception {
    Node.Settings s = TestNodes.settings(key, port, P2P + p2p, TestNodes.emptyBook(), BookPersister.NONE,
        Duration.ofSeconds(3), 16);
    if (mconn != null) {
      s = new Node.Settings(s.key(), s.network(), s.moniker(), s.listenHost(), s.listenPort(), s.core(), s.prngSeed(),
          s.initialBook(), mconn, s.handshakeTimeout(), s.dialTimeout(), s.maxHandshakingInbound(), s.persister(),
          s.metrics(), s.initialBannedIds());
    }
    Node n = Node.start(s, group, observer, reactors);
    nodes.add(n);
    return n;
  }

  /** Two nodes, {@code b} dialing {@code a} as a persistent peer, both running their reactor; returns once both route each other. */
  private Node[] connectedPair(MConnConfig mconnA, TestReactor ra, TestReactor rb) throws Exception {
    NodeKey ka = NodeKey.generate(RANDOM);
    int pa = TestNodes.freePort();
    Node a = start(ka, pa, "", mconnA, null, List.of(ra));
    Node b = start(NodeKey.generate(RANDOM), TestNodes.freePort(),
        "persistent_peers = \"" + ka.id().hex() + "@127.0.0.1:" + pa + "\"\n", null, null, List.of(rb));
    assertThat(TestNodes.eventually(WITHIN, () -> ra.peers.contains(b.id()) && rb.peers.contains(a.id()))).isTrue();
    return new Node[] {a, b};
  }

  private static <T> T onLoop(Node n, Callable<T> task) throws Exception {
    return n.driver().loop().submit(task).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aSecondReactorExchangesTypedMessagesAlongsidePex() throws Exception {
    TestReactor ra = new TestReactor(List.of(spec(TEST_CHANNEL, 5, 10, ChannelSpec.Overflow.DROP)));
    TestReactor rb = new TestReactor(List.of(spec(TEST_CHANNEL, 5, 10, ChannelSpec.Overflow.DROP)));
    Node[] pair = connectedPair(null, ra, rb);
    Node a = pair[0];
    Node b = pair[1];

    assertThat(a.router().channelIds()).containsExactly(0x00, TEST_CHANNEL);
    assertThat(onLoop(a, () -> ra.channel(TEST_CHANNEL).send(b.id(), text("hello b")))).isEqualTo(SendResult.QUEUED);
    assertThat(onLoop(b, () -> rb.channel(TEST_CHANNEL).broadcast(text("hello a")))).isEqualTo(1);

    assertThat(rb.received.poll(10, TimeUnit.SECONDS)).isEqualTo(new Received(TEST_CHANNEL, a.id(), "hello b"));
    assertThat(ra.received.poll(10, TimeUnit.SECONDS)).isEqualTo(new Received(TEST_CHANNEL, b.id(), "hello a"));
    // PEX runs beside it: b dialed a, so b asked a for addresses and a answered.
    assertThat(TestNodes.eventually(WITHIN, () -> a.router().stats(0x00).received() >= 1
        && b.router().stats(0x00).received() >= 1)).isTrue();
    assertThat(a.router().stats(TEST_CHANNEL).sent()).isEqualTo(1);
    assertThat(a.router().stats(TEST_CHANNEL).received()).isEqualTo(1);
    assertThat(a.router().errors(PeerError.Kind.MALFORMED_MESSAGE)).isZero();
  }

  @Test
  void aNodeWithPexAloneAdvertisesExactlyCometBftsPexChannel() throws Exception {
    Node a = start(NodeKey.generate(RANDOM), TestNodes.freePort(), "", null, null, List.of());
    assertThat(a.router().channelIds()).containsExactly(0x00);
    assertThat(a.router().descriptors()).containsExactly(StandardChannels.PEX);
  }

  @Test
  void aMalformedMessageReachesThePeerManagerAndDisconnectsThePeer() throws Exception {
    Steps steps = new Steps();
    TestReactor ra = new TestReactor(List.of(spec(TEST_CHANNEL, 5, 10, ChannelSpec.Overflow.DROP)));
    Node a = start(NodeKey.generate(RANDOM), TestNodes.freePort(), "", null, steps.observer(), List.of(ra));
    ScriptedPeer p = new ScriptedPeer(List.of(StandardChannels.PEX, spec(TEST_CHANNEL, 5, 10,
        ChannelSpec.Overflow.DROP).descriptor()));
    ScriptedPeer.Conn c = p.dial(peers, a);
    assertThat(TestNodes.eventually(WITHIN, () -> ra.peers.contains(p.id()))).isTrue();

    // A length prefix promising 5 bytes and only one following: not a StringValue.
    c.session().send(TEST_CHANNEL, new byte[] {0x0a, 0x05, 'x'});

    assertThat(c.closed.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(TestNodes.eventually(WITHIN, () -> steps.erroredAndEvicted(p.id()))).isTrue();
    assertThat(a.router().errors(PeerError.Kind.MALFORMED_MESSAGE)).isEqualTo(1);
    assertThat(a.router().stats(TEST_CHANNEL).errors()).isEqualTo(1);
    PeerError error = a.router().lastError();
    assertThat(error.channelId()).isEqualTo(TEST_CHANNEL);
    assertThat(error.kind()).isEqualTo(PeerError.Kind.MALFORMED_MESSAGE);
    assertThat(error.toString()).startsWith("channel 0x42: malformed_message: not a valid protobuf_StringValue");
    assertThat(TestNodes.eventually(WITHIN, () -> ra.removed.contains(p.id()))).isTrue();
    assertThat(ra.received).isEmpty();
  }

  @Test
  void aMessageTheReactorRefusesReachesThePeerManagerAndDisconnectsThePeer() throws Exception {
    Steps steps = new Steps();
    TestReactor ra = new TestReactor(List.of(spec(TEST_CHANNEL, 5, 10, ChannelSpec.Overflow.DROP)));
    Node a = start(NodeKey.generate(RANDOM), TestNodes.freePort(), "", null, steps.observer(), List.of(ra));
    ScriptedPeer p = new ScriptedPeer(List.of(StandardChannels.PEX, spec(TEST_CHANNEL, 5, 10,
        ChannelSpec.Overflow.DROP).descriptor()));
    ScriptedPeer.Conn c = p.dial(peers, a);
    assertThat(TestNodes.eventually(WITHIN, () -> ra.peers.contains(p.id()))).isTrue();

    c.session().send(TEST_CHANNEL, text("fine").toByteArray());
    c.session().send(TEST_CHANNEL, text("refuse").toByteArray());
    c.session().send(TEST_CHANNEL, text("after").toByteArray());

    assertThat(c.closed.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(TestNodes.eventually(WITHIN, () -> steps.erroredAndEvicted(p.id()))).isTrue();
    assertThat(a.router().errors(PeerError.Kind.INVALID_MESSAGE)).isEqualTo(1);
    // Nothing from an errored peer is delivered any more.
    assertThat(ra.received).containsExactly(new Received(TEST_CHANNEL, p.id(), "fine"));
  }

  @Test
  void aMessageOnAnUnregisteredChannelDisconnectsThePeerThroughThePeerManager() throws Exception {
    Steps steps = new Steps();
    TestReactor ra = new TestReactor(List.of(spec(TEST_CHANNEL, 5, 10, ChannelSpec.Overflow.DROP)));
    Node a = start(NodeKey.generate(RANDOM), TestNodes.freePort(), "", null, steps.observer(), List.of(ra));
    ScriptedPeer p = new ScriptedPeer(List.of(StandardChannels.PEX));
    ScriptedPeer.Conn c = p.dial(peers, a);
    assertThat(TestNodes.eventually(WITHIN, () -> ra.peers.contains(p.id()))).isTrue();

    // Channel 0x43 is not in a's NodeInfo, so an MConnection would not send on it: write the packet ourselves.
    c.session().channel().writeAndFlush(Unpooled.wrappedBuffer(
        PacketCodec.packetMsgDelimited(0x43, true, text("anyone?").toByteArray())));

    assertThat(c.closed.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(TestNodes.eventually(WITHIN, () -> steps.tookPeerErrored(p.id()))).isTrue();
    assertThat(a.router().errors(PeerError.Kind.UNKNOWN_CHANNEL)).isEqualTo(1);
    assertThat(a.router().lastError().toString()).contains("unknown_channel");
    assertThat(TestNodes.eventually(WITHIN, () -> !TestNodes.status(a).inbound().contains(p.id()))).isTrue();
  }

  @Test
  void aMessageOverTheChannelsCapacityDisconnectsThePeerThroughThePeerManager() throws Exception {
    Steps steps = new Steps();
    TestReactor ra = new TestReactor(List.of(spec(TEST_CHANNEL, 5, 10, ChannelSpec.Overflow.DROP)));
    Node a = start(NodeKey.generate(RANDOM), TestNodes.freePort(), "", null, steps.observer(), List.of(ra));
    ScriptedPeer p = new ScriptedPeer(List.of(StandardChannels.PEX, spec(TEST_CHANNEL, 5, 10,
        ChannelSpec.Overflow.DROP).descriptor()));
    ScriptedPeer.Conn c = p.dial(peers, a);
    assertThat(TestNodes.eventually(WITHIN, () -> ra.peers.contains(p.id()))).isTrue();

    // a's channel takes at most 64 KiB per message; its MConnection stops reassembling past that
    c.session().send(TEST_CHANNEL, text("x".repeat(70_000)).toByteArray());

    assertThat(c.closed.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(TestNodes.eventually(WITHIN, () -> steps.tookPeerErrored(p.id()))).isTrue();
    assertThat(a.router().errors(PeerError.Kind.MESSAGE_TOO_LARGE)).isEqualTo(1);
    assertThat(ra.received).isEmpty();
  }

  /**
   * With {@link ChannelSpec.Overflow#DROP} a send that finds the peer's queue of the channel
   * full is dropped at once, counted, and everything that was queued arrives in order.
   */
  @Test
  void aFullQueueDropsTheNewestMessagesAndCountsThem() throws Exception {
    int capacity = 4;
    TestReactor ra = new TestReactor(List.of(spec(TEST_CHANNEL, 5, capacity, ChannelSpec.Overflow.DROP)));
    TestReactor rb = new TestReactor(List.of(spec(TEST_CHANNEL, 5, capacity, ChannelSpec.Overflow.DROP)));
    // a sends at 20 kB/s: 2 kB per 100 ms sample, so 4 kB messages pile up in the queue.
    Node[] pair = connectedPair(MConnConfig.defaults().withFlushThrottle(Duration.ofMillis(10))
        .withRates(20_000, 5_120_000), ra, rb);
    Node a = pair[0];
    Node b = pair[1];

    int total = 20;
    String pad = "x".repeat(4000);
    List<SendResult> results = onLoop(a, () -> {
      List<SendResult> out = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        out.add(ra.channel(TEST_CHANNEL).send(b.id(), text(i + ":" + pad)));
      }
      return out;
    });

    long queued = results.stream().filter(r -> r == SendResult.QUEUED).count();
    long dropped = results.stream().filter(r -> r == SendResult.DROPPED).count();
    assertThat(queued + dropped).isEqualTo(total);
    // the queue holds `capacity`; at most one message more left the queue while the loop ran
    assertThat(queued).isBetween((long) capacity, capacity + 2L);
    // the newest are the ones dropped
    assertThat(results.subList(0, (int) queued)).containsOnly(SendResult.QUEUED);
    assertThat(a.router().stats(TEST_CHANNEL).dropped()).isEqualTo(dropped);
    assertThat(a.router().stats(TEST_CHANNEL).sent()).isEqualTo(queued);

    List<String> got = new ArrayList<>();
    for (int i = 0; i < queued; i++) {
      Received r = rb.received.poll(10, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      got.add(r.text().substring(0, r.text().indexOf(':')));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < queued; i++) {
      expected.add(Integer.toString(i));
    }
    assertThat(got).isEqualTo(expected);
    assertThat(rb.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  /** A flood on a priority-1 channel does not hold back a priority-10 channel's messages. */
  @Test
  void aHigherPriorityChannelIsNotStarvedByAFloodOnALowerOne() throws Exception {
    List<ChannelSpec<StringValue>> specs = List.of(
        spec(TEST_CHANNEL, 1, 100, ChannelSpec.Overflow.DROP),
        spec(HIGH_CHANNEL, 10, 10, ChannelSpec.Overflow.DROP));
    TestReactor ra = new TestReactor(specs);
    TestReactor rb = new TestReactor(specs);
    List<String> arrivals = new CopyOnWriteArrayList<>();
    Node[] pair = connectedPair(MConnConfig.defaults().withFlushThrottle(Duration.ofMillis(10))
        .withRates(50_000, 5_120_000), ra, rb);
    Node a = pair[0];
    Node b = pair[1];

    int flood = 60;
    int urgent = 5;
    String pad = "x".repeat(2000);
    onLoop(a, () -> {
      for (int i = 0; i < flood; i++) {
        assertThat(ra.channel(TEST_CHANNEL).send(b.id(), text("L" + i + ":" + pad))).isEqualTo(SendResult.QUEUED);
      }
      for (int i = 0; i < urgent; i++) {
        assertThat(ra.channel(HIGH_CHANNEL).send(b.id(), text("H" + i))).isEqualTo(SendResult.QUEUED);
      }
      return null;
    });
    for (int i = 0; i < flood + urgent; i++) {
      Received r = rb.received.poll(15, TimeUnit.SECONDS);
      assertThat(r).as("message %d of %d", i, flood + urgent).isNotNull();
      String t = r.text();
      arrivals.add(t.contains(":") ? t.substring(0, t.indexOf(':')) : t);
    }
    int lastUrgent = 0;
    for (int i = 0; i < arrivals.size(); i++) {
      if (arrivals.get(i).startsWith("H")) {
        lastUrgent = i;
      }
    }
    // 60 x 2 kB at 50 kB/s take 2.4 s; the urgent five arrive within the first few flood messages.
    assertThat(lastUrgent).as("arrival order %s", arrivals).isLessThan(urgent + 5);
    assertThat(arrivals.stream().filter(s -> s.startsWith("L")).toList())
        .isEqualTo(java.util.stream.IntStream.range(0, flood).mapToObj(i -> "L" + i).toList());
  }

  /**
   * Two channels flooded at once share the bandwidth by priority (least recently sent bytes
   * over priority), not by turns. At 20 kB/s (four one-packet messages per 100 ms sample) the
   * low channel sends the first few messages before the high one has anything queued; from then
   * on the priority-10 channel gets ten packets for each one of the priority-1 channel. With
   * equal priorities the two would alternate and the high channel would make up about half of
   * the first arrivals instead of nearly all of them.
   */
  @Test
  void twoFloodedChannelsShareTheBandwidthByPriority() throws Exception {
    List<ChannelSpec<StringValue>> specs = List.of(
        spec(TEST_CHANNEL, 1, 100, ChannelSpec.Overflow.DROP),
        spec(HIGH_CHANNEL, 10, 100, ChannelSpec.Overflow.DROP));
    TestReactor ra = new TestReactor(specs);
    TestReactor rb = new TestReactor(specs);
    Node[] pair = connectedPair(MConnConfig.defaults().withFlushThrottle(Duration.ofMillis(10))
        .withRates(20_000, 5_120_000), ra, rb);
    Node a = pair[0];
    Node b = pair[1];

    int each = 30;
    String pad = "x".repeat(500);
    onLoop(a, () -> {
      for (int i = 0; i < each; i++) {
        ra.channel(TEST_CHANNEL).send(b.id(), text("L" + i + ":" + pad));
      }
      for (int i = 0; i < each; i++) {
        ra.channel(HIGH_CHANNEL).send(b.id(), text("H" + i + ":" + pad));
      }
      return null;
    });
    int firstArrivals = each + 3;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < firstArrivals; i++) {
      Received r = rb.received.poll(15, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      order.add(r.channelId());
    }
    long high = order.stream().filter(id -> id == HIGH_CHANNEL).count();
    assertThat(high).as("high-priority messages among the first %d arrivals %s", firstArrivals, order)
        .isGreaterThanOrEqualTo(each - 4L);
  }

  /** A remote peer of our own making: a real pipeline whose channels the test chooses. */
  static final class ScriptedPeer {
    private final NodeKey key = NodeKey.generate(RANDOM);
    private final PeerPipeline.Settings settings;

    ScriptedPeer(List<ChannelDescriptor> channels) {
      NodeInfo info = new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), key.id().hex(), "127.0.0.1:1",
          TestNodes.NETWORK, "test", channels.stream().map(ChannelDescriptor::id).toList(), "scripted",
          new NodeInfo.Other("", ""));
      settings = new PeerPipeline.Settings(key, info, channels, MConnConfig.defaults().withFlushThrottle(Duration.ZERO),
          Duration.ofSeconds(3), Duration.ofSeconds(3), HostResolver.none(), RANDOM);
    }

    NodeId id() {
      return key.id();
    }

    static final class Conn implements PeerListener {
      final CompletableFuture<PeerSession> ready = new CompletableFuture<>();
      final CompletableFuture<Boolean> closed = new CompletableFuture<>();

      PeerSession session() throws Exception {
        return ready.get(5, TimeUnit.SECONDS);
      }

      @Override
      public void onPeerReady(PeerSession session) {
        ready.complete(session);
      }

      @Override
      public void onMessage(PeerSession session, int channelId, byte[] message) {}

      @Override
      public void onPeerClosed(Channel channel, PeerSession session, Throwable cause) {
        ready.completeExceptionally(new IllegalStateException("closed before ready: " + cause));
        closed.complete(session != null);
      }
    }

    Conn dial(EventLoopGroup group, Node target) {
      Conn conn = new Conn();
      new Bootstrap().group(group).channel(EventLoops.socketChannel())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
          .handler(PeerPipeline.initializer(settings, target.id(), conn))
          .connect(target.listenAddress().ip(), target.listenAddress().port());
      return conn;
    }
  }
}
