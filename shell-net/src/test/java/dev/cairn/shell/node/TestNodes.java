package dev.cairn.shell.node;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookKey;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.metrics.NodeMetrics;
import dev.cairn.shell.p2p.HostResolver;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Node settings for tests, built from config.toml text as an operator would write it. */
final class TestNodes {

  static final String NETWORK = "cairn-it";

  private TestNodes() {}

  /** A port free on 127.0.0.1 at the time of the call. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Settings of a node listening on 127.0.0.1:{@code port}, whose {@code [p2p]} section is
   * {@code p2pToml} (plus the listen address and the network).
   */
  static Node.Settings settings(NodeKey key, int port, String p2pToml, AddressBook book, BookPersister persister,
      Duration handshakeTimeout, int maxHandshakingInbound) throws Exception {
    return settings(key, port, p2pToml, "", book, persister, handshakeTimeout, maxHandshakingInbound);
  }

  /** {@link #settings} with {@code cairnToml} added to the {@code [cairn]} section. */
  static Node.Settings settings(NodeKey key, int port, String p2pToml, String cairnToml, AddressBook book,
      BookPersister persister, Duration handshakeTimeout, int maxHandshakingInbound) throws Exception {
    String toml = "[p2p]\n"
        + "laddr = \"tcp://127.0.0.1:" + port + "\"\n"
        + p2pToml
        + "[cairn]\n"
        + "network = \"" + NETWORK + "\"\n"
        + "moniker = \"n" + port + "\"\n"
        + cairnToml;
    NodeConfig cfg = ConfigLoader.parse(toml, "config.toml", Optional.empty());
    CoreConfig core = CoreConfigs.from(cfg, key.id(), List.of(new NodeAddress(key.id(), "127.0.0.1", port)),
        HostResolver.none());
    return new Node.Settings(key, NETWORK, cfg.cairn().moniker(), "127.0.0.1", port, core, 7L * port, book,
        MConnConfig.defaults().withFlushThrottle(Duration.ofMillis(10)), handshakeTimeout, Duration.ofSeconds(3),
        maxHandshakingInbound, persister, NodeMetrics.disabled());
  }

  /**
   * Starts a node with {@code p2p} config lines, {@code slots} handshake slots and a 3 s handshake
   * timeout that reports to {@code metrics} and admits duplicate IPs as {@code allowDuplicateIp} says.
   */
  static Node startMeasured(String p2p, int slots, NodeMetrics metrics, EventLoopGroup group,
      boolean allowDuplicateIp) throws Exception {
    return startMeasured(p2p, slots, metrics, group, allowDuplicateIp, Integer.MAX_VALUE);
  }

  /** {@link #startMeasured(String, int, NodeMetrics, EventLoopGroup, boolean)} with a limit of handshakes per group. */
  static Node startMeasured(String p2p, int slots, NodeMetrics metrics, EventLoopGroup group,
      boolean allowDuplicateIp, int maxHandshakesPerGroup) throws Exception {
    Node.Settings s = settings(NodeKey.generate(new java.security.SecureRandom()), freePort(), p2p, emptyBook(),
        BookPersister.NONE, Duration.ofSeconds(3), slots);
    Node.Settings measured = new Node.Settings(s.key(), s.network(), s.moniker(), s.listenHost(), s.listenPort(),
        s.core(), s.prngSeed(), s.initialBook(), s.mconn(), s.handshakeTimeout(), s.dialTimeout(),
        s.maxHandshakingInbound(), s.persister(), metrics, s.initialBannedIds());
    return Node.start(measured, group, null, List.of(),
        new Node.Options(Node.Options.of(measured).advertised(), allowDuplicateIp, maxHandshakesPerGroup));
  }

  static AddressBook emptyBook() {
    return AddressBook.empty(BookKey.of("0123456789abcdef01234567"));
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code within} has passed. */
  static boolean eventually(Duration within, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      if (condition.call()) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /**
   * The end of a test with wire peers: closes the connections that completed their handshake,
   * the node if it started, then the event loops.
   */
  static void closeAll(List<WirePeer.Conn> conns, Node node, EventLoopGroup... groups) throws Exception {
    for (WirePeer.Conn c : conns) {
      if (c.ready.isDone() && !c.ready.isCompletedExceptionally()) {
        c.ready.get().close();
      }
    }
    if (node != null) {
      node.close();
    }
    for (EventLoopGroup g : groups) {
      g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  static Node.Status status(Node node) throws Exception {
    return node.status().get(5, TimeUnit.SECONDS);
  }

  static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  /** Used heap once repeated full collections stop changing it by more than 256 KiB. */
  static long settledUsedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(100);
      long used = rt.totalMemory() - rt.freeMemory();
      if (Math.abs(previous - used) < (256 << 10)) {
        return used;
      }
      previous = used;
    }
    return previous;
  }
}
