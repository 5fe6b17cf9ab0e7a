package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.book.AddressBook;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.store.AddrBookDocument;
import dev.cairn.shell.store.AddrBookFile;
import dev.cairn.shell.store.AddrBookMapping;
import dev.cairn.shell.store.KnownAddressJson;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node persists what it learned and whom it banned, and a restart reads both back: node A
 * learns addresses from a seed's PexAddrs and from an inbound peer's NodeInfo, bans a peer that
 * sends an unsolicited PexAddrs, stops gracefully; addrbook.json then holds the learned entries
 * under {@code addrs} and the ban under {@code cairn_banned}; after a restart from that file
 * the learned addresses are still known and the banned peer is refused right after its
 * handshake, while a well-behaved peer is still admitted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeRestartTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path home;

  private final EventLoopGroup nodeGroup = EventLoops.newGroup(1);
  private final EventLoopGroup peers = EventLoops.newGroup(1);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
    peers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    nodeGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void restartKeepsTheLearnedAddressesAndTheBan() throws Exception {
    Path bookFile = home.resolve("config").resolve("addrbook.json");
    Files.createDirectories(bookFile.getParent());

    // The seed answers every PexRequest with five addresses nobody listens on.
    List<NodeAddress> gossip = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      gossip.add(new NodeAddress(NodeKey.generate(RANDOM).id(), "127.0.0." + (2 + i), 9));
    }
    WirePeer seed = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:1");
    Channel seedServer = seed.listen(peers, 0, () -> new WirePeer.Conn(s -> { }, (s, pex) -> {
      if (pex instanceof PexMessages.Request) {
        s.send(PexMessages.CHANNEL, PexMessages.encodeAddrs(gossip));
      }
    }));
    toClose.add(() -> seedServer.close().syncUninterruptibly());

    NodeKey keyA = NodeKey.generate(RANDOM);
    int portA = TestNodes.freePort();
    String p2p = "addr_book_strict = false\n"
        + "allow_duplicate_ip = true\n"
        + "seeds = \"" + seed.id().hex() + "@127.0.0.1:" + WirePeer.port(seedServer) + "\"\n";
    Node a = Node.start(TestNodes.settings(keyA, portA, p2p, TestNodes.emptyBook(), BookPersister.toFile(bookFile),
        Duration.ofSeconds(3), 16), nodeGroup, null);
    AtomicBoolean aClosed = new AtomicBoolean();
    toClose.add(() -> {
      if (!aClosed.get()) {
        a.close();
      }
    });
    NodeAddress addrA = a.listenAddress();

    // 1. A dials the seed (its book is empty), asks it for addresses and learns them.
    assertThat(TestNodes.eventually(Duration.ofSeconds(10), () -> TestNodes.status(a).knownAddresses() >= 5))
        .as("A learned the seed's addresses; status %s", TestNodes.status(a)).isTrue();

    // 2. A well-behaved inbound peer B: A learns its advertised listen address.
    int portB = TestNodes.freePort();
    WirePeer b = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:" + portB);
    WirePeer.Conn bConn = b.dial(peers, addrA, s -> { }, (s, pex) -> { });
    bConn.ready.get(5, TimeUnit.SECONDS);
    assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().contains(b.id())))
        .as("A admitted B").isTrue();

    // 3. A misbehaving inbound peer M: once admitted, it sends a PexAddrs nobody asked for.
    int portM = TestNodes.freePort();
    WirePeer m = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:" + portM);
    WirePeer.Conn mConn = m.dial(peers, addrA, s -> { }, (s, pex) -> { });
    PeerSession mSession = mConn.ready.get(5, TimeUnit.SECONDS);
    assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a).inbound().contains(m.id())))
        .as("A admitted M").isTrue();
    mSession.send(PexMessages.CHANNEL, PexMessages.encodeAddrs(List.of(
        new NodeAddress(NodeKey.generate(RANDOM).id(), "127.0.0.99", 9))));
    assertThat(mConn.closed.get(5, TimeUnit.SECONDS)).as("A cut M off after its handshake").isTrue();
    assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> !TestNodes.status(a).inbound().contains(m.id())))
        .isTrue();

    // 4. Graceful stop: the book on disk holds the learned entries and the ban.
    a.close();
    aClosed.set(true);
    bConn.closed.get(5, TimeUnit.SECONDS);
    AddrBookDocument doc = AddrBookFile.load(bookFile).orElseThrow();
    List<String> known = doc.addrs().stream().map(e -> e.addr().id()).toList();
    List<String> banned = doc.banned().stream().map(e -> e.addr().id()).toList();
    for (NodeAddress g : gossip) {
      assertThat(known).as("learned by PEX: %s", g).contains(g.id().hex());
    }
    assertThat(known).as("B's advertised address").contains(b.id().hex());
    assertThat(known).as("a banned peer is not among the dialable entries").doesNotContain(m.id().hex());
    assertThat(banned).as("cairn_banned").containsExactly(m.id().hex());
    KnownAddressJson mEntry = doc.banned().get(0);
    assertThat(mEntry.lastBanTime().toInstant()).as("M's ban runs into the future")
        .isAfter(java.time.Instant.now());
    assertThat(Files.readString(bookFile)).contains("\"cairn_banned\"");

    // 5. Restart from the file, same key and port.
    Node.Settings again = TestNodes.settings(keyA, portA, p2p, TestNodes.emptyBook(),
        BookPersister.toFile(bookFile), Duration.ofSeconds(3), 16);
    AddressBook restored = AddrBookMapping.toCore(bookFile, again.core().peer().book(), doc);
    Node a2 = Node.start(withBook(again, restored), nodeGroup, null);
    toClose.add(a2);
    Node.Status fresh = TestNodes.status(a2);
    assertThat(fresh.knownAddresses()).as("learned addresses after restart").isGreaterThanOrEqualTo(known.size());

    // The banned peer completes its handshake, then is refused and never admitted.
    WirePeer.Conn mAgain = m.dial(peers, addrA, s -> { }, (s, pex) -> { });
    mAgain.ready.get(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!mAgain.closed.isDone() && System.nanoTime() - deadline < 0) {
      assertThat(TestNodes.status(a2).inbound()).as("banned M admitted after restart").doesNotContain(m.id());
      Thread.sleep(20);
    }
    assertThat(mAgain.closed.isDone()).as("banned M closed within 3 s of its handshake").isTrue();
    assertThat(mAgain.closed.get()).as("closed after, not during, the handshake").isTrue();

    // A peer that did nothing wrong is still welcome.
    WirePeer.Conn bAgain = b.dial(peers, addrA, s -> { }, (s, pex) -> { });
    bAgain.ready.get(5, TimeUnit.SECONDS);
    assertThat(TestNodes.eventually(Duration.ofSeconds(5), () -> TestNodes.status(a2).inbound().contains(b.id())))
        .as("B admitted after restart").isTrue();
    assertThat(TestNodes.status(a2).knownAddresses()).isGreaterThanOrEqualTo(known.size());
    assertThat(TestNodes.status(a2).inbound()).doesNotContain(m.id());
  }

  private static Node.Settings withBook(Node.Settings s, AddressBook book) {
    return new Node.Settings(s.key(), s.network(), s.moniker(), s.listenHost(), s.listenPort(), s.core(),
        s.prngSeed(), book, s.mconn(), s.handshakeTimeout(), s.dialTimeout(), s.maxHandshakingInbound(),
        s.persister(), s.metrics());
  }
}
