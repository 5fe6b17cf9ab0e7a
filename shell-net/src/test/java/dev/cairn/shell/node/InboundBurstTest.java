package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.shell.crypto.NodeKey;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1,000 inbound connection attempts against one node with {@code max_num_inbound_peers = 10}
 * and a 1 s handshake timeout, at most {@value #CONCURRENCY} at a time: one in three is a
 * slowloris (connects, then sends nothing), the others run a real handshake with a fresh key and
 * then stay if the node keeps them. The node runs at most 32 inbound handshakes at once
 * ({@code maxHandshakingInbound}); attempts past that are closed as soon as they are accepted,
 * so both the handshake-slot limit and the inbound-peer limit are exercised.
 *
 * <p>Asserted: the node never reports more than 10 inbound peers (status polled every 10 ms);
 * every attempt is resolved by the node — handshake completed, or connection closed by the node
 * — within the handshake timeout plus {@value #SLACK_MS} ms of slack (a loaded 2-core CI
 * machine); the node ends with exactly 10 inbound peers (so the limit was really reached); the
 * heap retained after the burst (used heap after full collections settle, the 10 kept peers
 * still connected) grows by less than {@value #HEAP_GROWTH_BYTES_MAX} bytes (16 MiB; measured
 * 4.5 to 5.7 MiB on a 2-core machine, test-side objects included) and the node's event-loop
 * thread allocates less than {@value #LOOP_ALLOCATED_BYTES_MAX} bytes in all (128 MiB; measured
 * 15 to 20 MiB, i.e. 15 to 20 KiB per attempt, most of it handshake crypto and pipelines that
 * die with their connection). The whole burst takes about 2 to 3 s.
 */
class InboundBurstTest {

  private static final int ATTEMPTS = 1000;
  private static final int CONCURRENCY = 48;
  private static final int MAX_INBOUND = 10;
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
  private static final long SLACK_MS = 2000;
  private static final long RESOLVE_MS_MAX = HANDSHAKE_TIMEOUT.toMillis() + SLACK_MS;
  /** How long a peer that finished its handshake waits to see whether the node keeps it. */
  private static final long KEPT_AFTER_MS = 1000;
  private static final long HEAP_GROWTH_BYTES_MAX = 16L << 20;
  private static final long LOOP_ALLOCATED_BYTES_MAX = 128L << 20;

  private static final SecureRandom RANDOM = new SecureRandom();

  enum Outcome { SLOWLORIS_CLOSED, CLOSED_IN_HANDSHAKE, REFUSED_AFTER_HANDSHAKE, KEPT }

  record Result(int attempt, Outcome outcome, long resolvedMs) {}

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aThousandInboundAttemptsNeverExceedTheLimitAndAreAllResolvedInTime() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(2);
    ExecutorService workers = Executors.newFixedThreadPool(CONCURRENCY);
    ConcurrentLinkedQueue<WirePeer.Conn> keptQueue = new ConcurrentLinkedQueue<>();
    Node node = null;
    try {
      int port = TestNodes.freePort();
      node = Node.start(TestNodes.settings(NodeKey.generate(RANDOM), port,
          "max_num_inbound_peers = " + MAX_INBOUND + "\n", TestNodes.emptyBook(), BookPersister.NONE,
          HANDSHAKE_TIMEOUT, 32), nodeGroup, null);
      final Node target = node;
      Thread loopThread = node.driver().loop().submit(Thread::currentThread).get();
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long heapBefore = TestNodes.settledUsedHeap();
      long allocatedBefore = threads.getThreadAllocatedBytes(loopThread.threadId());

      AtomicInteger maxInbound = new AtomicInteger();
      AtomicBoolean polling = new AtomicBoolean(true);
      AtomicInteger polls = new AtomicInteger();
      java.util.concurrent.atomic.AtomicReference<Exception> pollFailure = new java.util.concurrent.atomic.AtomicReference<>();
      Thread poller = new Thread(() -> {
        while (polling.get()) {
          try {
            int in = TestNodes.status(target).inbound().size();
            maxInbound.accumulateAndGet(in, Math::max);
            polls.incrementAndGet();
            Thread.sleep(10);
          } catch (Exception e) {
            pollFailure.set(e);
            return;
          }
        }
      }, "status-poller");
      poller.start();

      long t0 = System.nanoTime();
      List<Future<Result>> futures = new ArrayList<>();
      for (int i = 0; i < ATTEMPTS; i++) {
        int attempt = i;
        futures.add(workers.submit(() -> attempt % 3 == 0
            ? slowloris(attempt, port)
            : handshake(attempt, clients, target, keptQueue)));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      long burstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      polling.set(false);
      poller.join(5000);
      assertThat(pollFailure.get()).as("the status poller's failure (the limit was watched only until then)").isNull();
      assertThat(polls.get()).as("status polls during the burst").isGreaterThan(10);

      Node.Status after = TestNodes.status(node);
      long allocated = threads.getThreadAllocatedBytes(loopThread.threadId()) - allocatedBefore;
      long heapGrowth = TestNodes.settledUsedHeap() - heapBefore;
      Map<Outcome, Integer> counts = new TreeMap<>();
      results.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
      long slowest = results.stream().mapToLong(Result::resolvedMs).max().orElse(0);
      System.out.printf("burst: %d attempts in %d ms, outcomes %s, slowest resolution %d ms, max inbound seen %d,"
              + " heap growth %d bytes, node loop allocated %d bytes (%d per attempt)%n", ATTEMPTS, burstMs, counts,
          slowest, maxInbound.get(), heapGrowth, allocated, allocated / ATTEMPTS);

      assertThat(maxInbound.get()).as("most inbound peers the node ever reported").isLessThanOrEqualTo(MAX_INBOUND);
      assertThat(after.inbound()).as("the limit was reached and held").hasSize(MAX_INBOUND);
      assertThat(counts.getOrDefault(Outcome.KEPT, 0)).as("peers the node kept").isEqualTo(MAX_INBOUND);
      assertThat(counts.getOrDefault(Outcome.REFUSED_AFTER_HANDSHAKE, 0)).as("refused for being over the limit")
          .isPositive();
      assertThat(counts.getOrDefault(Outcome.SLOWLORIS_CLOSED, 0)).isEqualTo((ATTEMPTS + 2) / 3);
      assertThat(results).as("attempts resolved later than %d ms", RESOLVE_MS_MAX)
          .filteredOn(r -> r.resolvedMs() > RESOLVE_MS_MAX).isEmpty();
      assertThat(heapGrowth).as("heap retained after the burst").isLessThan(HEAP_GROWTH_BYTES_MAX);
      assertThat(allocated).as("bytes allocated by the node's loop").isLessThan(LOOP_ALLOCATED_BYTES_MAX);
    } finally {
      workers.shutdownNow();
      for (WirePeer.Conn c : keptQueue) {
        c.ready.thenAccept(PeerSession::close);
      }
      if (node != null) {
        node.close();
      }
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      nodeGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Connects and sends nothing; returns once the node has closed the connection. */
  private static Result slowloris(int attempt, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
      long t0 = System.nanoTime();
      s.setSoTimeout((int) RESOLVE_MS_MAX + 1000);
      InputStream in = s.getInputStream();
      byte[] sink = new byte[256];
      try {
        while (in.read(sink) >= 0) {
          // the node's half of the handshake: ignored
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("slowloris " + attempt + " still open after " + (RESOLVE_MS_MAX + 1000) + " ms");
      } catch (IOException reset) {
        // closed with a reset: closed all the same
      }
      return new Result(attempt, Outcome.SLOWLORIS_CLOSED, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  }

  /** A real handshake with a fresh key; a peer the node keeps stays connected until the end. */
  private static Result handshake(int attempt, EventLoopGroup clients, Node target,
      ConcurrentLinkedQueue<WirePeer.Conn> kept) throws Exception {
    WirePeer peer = new WirePeer(NodeKey.generate(RANDOM), TestNodes.NETWORK, "127.0.0.1:1", Duration.ofSeconds(5));
    long t0 = System.nanoTime();
    WirePeer.Conn conn = peer.dial(clients, target.listenAddress(), s -> { }, (s, pex) -> { });
    try {
      conn.ready.get(RESOLVE_MS_MAX + 1000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException closedFirst) {
      return new Result(attempt, Outcome.CLOSED_IN_HANDSHAKE, TestNodes.millisSince(t0));
    } catch (TimeoutException e) {
      throw new AssertionError("handshake " + attempt + " neither completed nor closed in time");
    }
    long readyMs = TestNodes.millisSince(t0);
    try {
      conn.closed.get(KEPT_AFTER_MS, TimeUnit.MILLISECONDS);
      return new Result(attempt, Outcome.REFUSED_AFTER_HANDSHAKE, readyMs);
    } catch (TimeoutException stillOpen) {
      kept.add(conn);
      return new Result(attempt, Outcome.KEPT, readyMs);
    }
  }
}
