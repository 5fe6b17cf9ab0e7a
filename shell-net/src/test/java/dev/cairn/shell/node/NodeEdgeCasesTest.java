package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.AddressBook;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.store.AddrBookDocument;
import dev.cairn.shell.store.AddrBookFile;
import dev.cairn.shell.store.AddrBookMapping;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Corners of the node's connection lifecycle seen from a scripted peer on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeEdgeCasesTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path home;

  private final EventLoopGroup nodeGroup = EventLoops.newGroup(1);
  private final EventLoopGroup peers = EventLoops.newGroup(1);
  private Node node;

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    peers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    nodeGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Node start(String p2p, BookPersister persister) throws Exception {
    node = Node.start(TestNodes.settings(NodeKey.generate(RANDOM), TestNodes.freePort(), p2p, TestNodes.emptyBook(),
        persister, Duration.ofSeconds(3), 16), nodeGroup, null);
    return node;
  }

  /** Control for the test below: a request sent once the node has admitted the peer is answered. */
  @Test
  void aPexRequestAfterAdmissionIsAnswered() throws Exception {
    WirePeer.Conn c = requestOnceAdmitted(start("", BookPersister.NONE));
    assertThat(c.received.poll(3, TimeUnit.SECONDS)).isInstanceOf(PexMessages.Addrs.class);
  }

  /** A fresh peer that dials {@code a}, waits until {@code a} has admitted it, then sends a PexRequest. */
  private WirePeer.Conn requestOnceAdmitted(Node a) throws Exception {
    WirePeer p = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:1");
    WirePeer.Conn c = p.dial(peers, a.listenAddress(), s -> { }, (s, pex) -> { });
    PeerSession session = c.ready.get(5, TimeUnit.SECONDS);
    assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().contains(p.id())))
        .isTrue();
    session.send(PexMessages.CHANNEL, PexMessages.encodeRequest());
    return c;
  }

  /**
   * A seed answers an inbound peer's request and lets it go: the connection's end is logged as
   * this node's close for that reason (it said {@code closed}, as if the peer had left).
   */
  @Test
  void aSeedsCloseAfterItsAnswerIsLoggedAsTheNodes() throws Exception {
    Node a = start("seed_mode = true\n", BookPersister.NONE);
    try (dev.cairn.shell.LogLines lines = dev.cairn.shell.LogLines.of(Node.class)) {
      WirePeer.Conn c = requestOnceAdmitted(a);
      assertThat(c.closed.get(10, TimeUnit.SECONDS)).as("let go after the answer").isTrue();
      assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> lines.events().stream()
          .anyMatch(e -> e.getFormattedMessage().startsWith("event=disconnected ")))).isTrue();
      assertThat(lines.events().stream().map(e -> e.getFormattedMessage())
          .filter(m -> m.startsWith("event=disconnected ")))
          .singleElement().asString().contains("reason=\"closed by this node: SEED_ANSWERED_REQUEST\"");
    }
  }

  /**
   * A client that does not listen (as {@code cairn probe}: {@code listen_addr} {@code
   * tcp://0.0.0.0:0}) never reaches the book, nor the addresses we pass on: it cannot be dialed.
   * A peer that listens does (the control), and both see the address the node advertises.
   */
  @Test
  void aPeerThatDoesNotListenIsNotLearnedAndTheAdvertisedAddressIsSent() throws Exception {
    node = Node.start(TestNodes.settings(NodeKey.generate(RANDOM), TestNodes.freePort(), "addr_book_strict = false\n",
        TestNodes.emptyBook(), BookPersister.NONE, Duration.ofSeconds(3), 16), nodeGroup, null, List.of(),
        new Node.Options("[2001:db8::7]:26656", true, Integer.MAX_VALUE));
    Node a = node;
    WirePeer listening = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:27999");
    WirePeer.Conn l = listening.dial(peers, a.listenAddress(), s -> { }, (s, pex) -> { });
    PeerSession ls = l.ready.get(5, TimeUnit.SECONDS);
    assertThat(ls.remoteInfo().listenAddr()).isEqualTo("[2001:db8::7]:26656");
    ls.send(PexMessages.CHANNEL, PexMessages.encodeRequest());
    assertThat(l.received.poll(3, TimeUnit.SECONDS)).isInstanceOf(PexMessages.Addrs.class);
    assertThat(TestNodes.status(a).knownAddresses()).as("the listening peer is learned").isEqualTo(1);

    WirePeer client = WirePeer.fresh(TestNodes.NETWORK, "tcp://0.0.0.0:0");
    WirePeer.Conn c = client.dial(peers, a.listenAddress(), s -> { }, (s, pex) -> { });
    PeerSession session = c.ready.get(5, TimeUnit.SECONDS);
    session.send(PexMessages.CHANNEL, PexMessages.encodeRequest());
    // the step that answers is the step that would have learned its address
    assertThat(c.received.poll(3, TimeUnit.SECONDS)).isInstanceOf(PexMessages.Addrs.class);
    assertThat(TestNodes.status(a).knownAddresses()).as("the client is not learned").isEqualTo(1);
  }

  @Test
  void aListenAddressWithoutAPortIsNoAddress() {
    NodeId id = NodeId.of("ab".repeat(20));
    NodeAddress conn = new NodeAddress(id, "10.0.0.5", 51234);
    assertThat(Node.listenAddressOf(conn, false, "tcp://0.0.0.0:0")).isEqualTo(new NodeAddress(id, "0.0.0.0", 0));
    assertThat(Node.listenAddressOf(conn, false, "10.0.0.5:0")).isEqualTo(new NodeAddress(id, "0.0.0.0", 0));
    assertThat(Node.listenAddressOf(conn, false, "not an address")).isEqualTo(new NodeAddress(id, "0.0.0.0", 0));
    assertThat(Node.listenAddressOf(conn, true, "tcp://0.0.0.0:0")).as("we dialed it there").isEqualTo(conn);
    assertThat(Node.listenAddressOf(conn, false, "tcp://0.0.0.0:26656")).as("listening on every interface")
        .isEqualTo(new NodeAddress(id, "10.0.0.5", 26656));
    assertThat(Node.listenAddressOf(conn, false, "[2001:db8::1]:26656"))
        .isEqualTo(new NodeAddress(id, "2001:db8::1", 26656));
  }

  /**
   * A peer that dialed us sends its PexRequest as soon as its side of the handshake is done
   * (CometBFT v0.34 {@code AddPeer} of an outbound peer, and Cairn's own PEX): those bytes can
   * arrive in the same read as the last handshake bytes, before our core has admitted the
   * connection, and must not be lost — the peer keeps its request outstanding and never asks
   * again. The peer here shares the node's event loop (as nodes of a {@link LocalNetwork} may)
   * and flushes without throttle, so when its read of our NodeInfo is processed before ours of
   * its NodeInfo (about one try in two) its request lands in the same read as its NodeInfo.
   */
  @Test
  void aPexRequestSentRightAfterTheHandshakeIsAnswered() throws Exception {
    Node a = start("", BookPersister.NONE);
    int answered = 0;
    int tries = 10;
    for (int i = 0; i < tries; i++) {
      WirePeer p = new WirePeer(NodeKey.generate(RANDOM), TestNodes.NETWORK, "127.0.0.1:1", Duration.ofSeconds(3),
          MConnConfig.defaults().withFlushThrottle(Duration.ZERO));
      WirePeer.Conn c = p.dial(nodeGroup, a.listenAddress(),
          s -> s.send(PexMessages.CHANNEL, PexMessages.encodeRequest()), (s, pex) -> { });
      PeerSession session = c.ready.get(5, TimeUnit.SECONDS);
      if (c.received.poll(2, TimeUnit.SECONDS) instanceof PexMessages.Addrs) {
        answered++;
      }
      session.close();
      c.closed.get(5, TimeUnit.SECONDS);
    }
    assertThat(answered).as("early PexRequests answered out of %d", tries).isEqualTo(tries);
  }

  /**
   * A peer that floods messages before the core has decided on its connection is closed after
   * {@link Node#EARLY_MESSAGES_MAX} of them, with one {@code early_messages_overflow} line: the
   * messages decoded from the same read after the close are dropped unsaid (they used to log a
   * line each, so a peer could write megabytes of log a second from fresh keys). The peer shares
   * the node's event loop and flushes at once, so its flood mostly lands in the node's reads before
   * the core's decision comes back; a flood that lands after it is a PexRequest flood of an
   * admitted peer, banned. Either way a flooding peer is named in a few lines, not one a message.
   */
  @Test
  void aFloodBeforeAdmissionClosesTheConnectionWithOneLogLine() throws Exception {
    Node a = start("", BookPersister.NONE);
    dev.cairn.shell.LogLines lines = dev.cairn.shell.LogLines.of(Node.class);
    try {
      int floods = 5;
      for (int i = 0; i < floods; i++) {
        WirePeer p = new WirePeer(NodeKey.generate(RANDOM), TestNodes.NETWORK, "127.0.0.1:1", Duration.ofSeconds(3),
            MConnConfig.defaults().withFlushThrottle(Duration.ZERO),
            new dev.cairn.shell.mconn.ChannelDescriptor(0x00, 1, 1000, 4096, 64000));
        WirePeer.Conn c = p.dial(nodeGroup, a.listenAddress(), s -> {
          for (int m = 0; m < 500; m++) {
            s.trySend(PexMessages.CHANNEL, PexMessages.encodeRequest());
          }
        }, (s, pex) -> { });
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).as("flood %d: closed after its handshake", i).isTrue();
        List<String> naming = lines.events().stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains(p.id().hex())).toList();
        // accepted, then early_messages_overflow and disconnected; or accepted, ban, disconnect, disconnected
        assertThat(naming).as("flood %d: lines naming the peer", i).hasSizeBetween(1, 4);
      }
      List<String> overflows = lines.events().stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .filter(m -> m.startsWith("event=early_messages_overflow")).toList();
      assertThat(overflows).as("at most one line per flooding connection").hasSizeLessThanOrEqualTo(floods);
    } finally {
      lines.close();
    }
  }

  /**
   * A peer whose NodeInfo advertises a host name ({@code external_address} set to a name, as
   * CometBFT allows) is admitted; its address is not learned from the name (the node resolves no
   * names), so the book stays without it.
   */
  @Test
  void aPeerAdvertisingAHostNameIsAdmittedAndItsNameNotLearned() throws Exception {
    Node a = start("", BookPersister.NONE);
    WirePeer p = new WirePeer(NodeKey.generate(RANDOM), TestNodes.NETWORK, "node.example.com:26656",
        Duration.ofSeconds(3));
    WirePeer.Conn c = p.dial(peers, a.listenAddress(), s -> { }, (s, pex) -> { });
    c.ready.get(5, TimeUnit.SECONDS);
    assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().contains(p.id())))
        .isTrue();
    Thread.sleep(200);
    assertThat(c.closed).as("kept").isNotDone();
    assertThat(a.driver().state().peer().book().size()).isZero();
    c.ready.get().close();
  }

  /**
   * Throw-away identities banned in a burst, each for an unasked PexAddrs whose IP is a long text
   * with a line end and a terminal escape in it: the ban lines stay within {@link
   * Node#BAN_LINES_PER_MINUTE} at info (the rest go to debug), and no line carries the peer's text
   * raw or more than {@link dev.cairn.shell.p2p.PeerText#MAX_CHARS} characters of it.
   */
  @Test
  void bansInABurstLogWithinTheirBudgetAndNeverAPeersTextRaw() throws Exception {
    Node a = start("", BookPersister.NONE);
    dev.cairn.shell.LogLines lines = dev.cairn.shell.LogLines.of(Node.class);
    String forged = "1.2.3.4\n2026-01-01T00:00:00.000Z INFO  d.c.shell.node.Node event=accepted \u001b[31m"
        + "x".repeat(10_000);
    byte[] addrs = dev.cairn.proto.p2p.Message.newBuilder().setPexAddrs(dev.cairn.proto.p2p.PexAddrs.newBuilder()
        .addAddrs(dev.cairn.proto.p2p.NetAddress.newBuilder().setId(NodeKey.generate(RANDOM).id().hex())
            .setIp(forged).setPort(26656))).build().toByteArray();
    int bans = Node.BAN_LINES_PER_MINUTE / 2 + 5; // two lines a ban: more than the budget
    try {
      for (int i = 0; i < bans; i++) {
        WirePeer p = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:1");
        WirePeer.Conn c = p.dial(peers, a.listenAddress(), s -> s.trySend(PexMessages.CHANNEL, addrs), (s, pex) -> { });
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).as("identity %d: closed after its handshake", i).isTrue();
      }
      List<String> info = lines.events().stream()
          .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
          .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
      List<String> banLines = info.stream()
          .filter(m -> m.startsWith("event=ban ") || m.startsWith("event=disconnect ") && m.contains("reason=BANNED"))
          .toList();
      assertThat(banLines).as("ban lines at info").hasSize(Node.BAN_LINES_PER_MINUTE);
      assertThat(banLines.get(0)).contains("malformed PEX message").contains("\\n2026-01-01").contains("\\x1b[31m")
          .containsPattern("'\\.\\.\\. \\(10\\d{3} characters\\)");
      for (String m : info) {
        assertThat(m).doesNotContain("\n").doesNotContain("\u001b").hasSizeLessThan(800);
      }
      // each connection's end says the node closed it for the ban, past the ban lines' budget too
      assertThat(info.stream().filter(m -> m.startsWith("event=disconnected "))).hasSize(bans)
          .allMatch(m -> m.contains("reason=\"closed by this node: BANNED\""));
    } finally {
      lines.close();
    }
  }

  /**
   * Peers that connect and leave in a burst (throw-away identities, a handshake and a close each):
   * their {@code accepted} and {@code disconnected} lines stay within {@link
   * Node#CONNECTION_LINES_PER_MINUTE} at info, the rest at debug.
   */
  @Test
  void connectionsInABurstLogWithinTheirBudget() throws Exception {
    Node a = start("", BookPersister.NONE);
    dev.cairn.shell.LogLines lines = dev.cairn.shell.LogLines.of(Node.class);
    int count = Node.CONNECTION_LINES_PER_MINUTE / 2 + 20; // two lines each: more than the budget
    try {
      for (int i = 0; i < count; i++) {
        WirePeer.Conn c = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:1").dial(peers, a.listenAddress(),
            s -> { }, (s, pex) -> { });
        c.ready.get(10, TimeUnit.SECONDS).close();
        c.closed.get(10, TimeUnit.SECONDS);
      }
      assertThat(TestNodes.eventually(Duration.ofSeconds(10), () -> TestNodes.status(a).inbound().isEmpty())).isTrue();
      long info = lines.events().stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
          .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .filter(m -> m.startsWith("event=accepted ") || m.startsWith("event=disconnected ")).count();
      assertThat(info).isEqualTo(Node.CONNECTION_LINES_PER_MINUTE);
    } finally {
      lines.close();
    }
  }

  /**
   * With the default {@code addr_book_strict = true}, an inbound peer on a loopback or private
   * address has no routable listen address for the book, so the core bans it by ID alone
   * ({@code bannedIds}); such a ban must still reach addrbook.json and hold after a restart
   * (DESIGN.md §2: "bans are persisted and enforced on inbound connections too").
   */
  @Test
  void aBanOfAnInboundPeerWithoutARoutableAddressIsPersisted() throws Exception {
    Path bookFile = home.resolve("addrbook.json");
    int port = TestNodes.freePort();
    NodeKey key = NodeKey.generate(RANDOM);
    Node a = Node.start(TestNodes.settings(key, port, "", TestNodes.emptyBook(), BookPersister.toFile(bookFile),
        Duration.ofSeconds(3), 16), nodeGroup, null);
    node = a;
    WirePeer m = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:" + TestNodes.freePort());
    WirePeer.Conn c = m.dial(peers, a.listenAddress(), s -> { }, (s, pex) -> { });
    PeerSession session = c.ready.get(5, TimeUnit.SECONDS);
    assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().contains(m.id())))
        .isTrue();
    session.send(PexMessages.CHANNEL, PexMessages.encodeAddrs(List.of(
        new NodeAddress(NodeKey.generate(RANDOM).id(), "8.8.8.8", 26656))));
    assertThat(c.closed.get(5, TimeUnit.SECONDS)).as("banned and cut off").isTrue();
    a.close();
    node = null;
    assertThat(bookFile).exists();
    AddrBookDocument doc = AddrBookFile.load(bookFile).orElseThrow();
    assertThat(doc.bannedIds()).extracting(AddrBookDocument.BannedId::id)
        .as("cairn_banned_ids of " + Files.readString(bookFile)).containsExactly(m.id().hex());
    assertThat(doc.bannedIds().get(0).until()).isAfter(java.time.OffsetDateTime.now());

    Node.Settings again = TestNodes.settings(key, port, "", TestNodes.emptyBook(), BookPersister.NONE,
        Duration.ofSeconds(3), 16);
    AddressBook restored = AddrBookMapping.toCore(bookFile, again.core().peer().book(), doc);
    node = Node.start(new Node.Settings(again.key(), again.network(), again.moniker(), again.listenHost(),
        again.listenPort(), again.core(), again.prngSeed(), restored, again.mconn(), again.handshakeTimeout(),
        again.dialTimeout(), again.maxHandshakingInbound(), again.persister(), again.metrics(),
        AddrBookMapping.bannedIds(doc)), nodeGroup, null);
    WirePeer.Conn back = m.dial(peers, node.listenAddress(), s -> { }, (s, pex) -> { });
    back.ready.get(5, TimeUnit.SECONDS);
    assertThat(back.closed.get(3, TimeUnit.SECONDS)).as("refused after its handshake").isTrue();
  }
}
