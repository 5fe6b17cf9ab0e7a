package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.secret.SecretConnectionException;
import dev.cairn.shell.secret.SecretHandshake;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Socket-level abuse of one node on 127.0.0.1 with {@code max_num_inbound_peers = }
 * {@value #MAX_INBOUND}, a {@value #TIMEOUT_MS} ms handshake timeout (secret handshake and
 * NodeInfo exchange each) and at most {@value #MAX_HANDSHAKING} inbound handshakes at once (more
 * than the attempts in flight, so that abusers hold a handshake slot until the timeout fires;
 * refusal at accept is {@code InboundBurstTest}'s part). First {@value #HONEST_BEFORE}
 * honest peers connect and stay. Then {@value #ATTEMPTS} connection attempts, at most
 * {@value #CONCURRENCY} at a time, in four kinds by turn:
 * <ul>
 *   <li><b>churn</b>: connect and close at once;
 *   <li><b>silent</b> (half-open): connect and send nothing;
 *   <li><b>dribble</b> (slowloris): connect and send the 35-byte ephemeral-key message one byte
 *       every {@value #DRIBBLE_MS} ms (3.5 s for the whole message, longer than the timeout);
 *   <li><b>mute</b>: connect, complete the secret handshake with a fresh key, never send NodeInfo.
 * </ul>
 * Asserted: the node never reports more inbound peers than its limit, and none of the abusers
 * becomes a peer (the inbound peers stay the honest ones); every silent, dribbling and mute
 * connection is closed by the node within the timeout plus {@value #SLACK_MS} ms of slack (for
 * a mute one, counted from the end of its secret handshake), and at least 100 of each slow kind
 * are closed by the timeout itself (not refused at accept); the heap retained after the burst
 * (used heap after full collections settle) grows by less than {@value #HEAP_GROWTH_BYTES_MAX}
 * bytes; afterwards one more honest peer is accepted and kept (filling the limit), and the next
 * one is refused.
 */
class SocketAbuseTest {

  private static final int ATTEMPTS = 2000;
  private static final int CONCURRENCY = 100;
  private static final int MAX_HANDSHAKING = 128;
  private static final int MAX_INBOUND = 4;
  private static final int HONEST_BEFORE = MAX_INBOUND - 1;
  private static final long TIMEOUT_MS = 1000;
  private static final long SLACK_MS = 2000;
  /** A close this late was the handshake timeout's doing, not a refusal at accept. */
  private static final long TIMED_OUT_MS = TIMEOUT_MS * 9 / 10;
  private static final long DRIBBLE_MS = 100;
  private static final long HEAP_GROWTH_BYTES_MAX = 16L << 20;
  private static final long KEPT_AFTER_MS = 1000;

  private static final SecureRandom RANDOM = new SecureRandom();

  enum Kind { CHURN, SILENT, DRIBBLE, MUTE }

  /**
   * How an attempt ended: {@code closedByNode} (the node closed it; false for churn, which closes
   * itself), {@code resolvedMs} (from connect, or for a mute attempt from the end of its secret
   * handshake, until the node closed it), {@code secretDone} (a mute attempt got through the
   * secret handshake; false when the node refused it at once for too many handshakes).
   */
  record Result(int attempt, Kind kind, boolean closedByNode, long resolvedMs, boolean secretDone) {}

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twoThousandAbusiveConnectionsLeaveTheLimitsTheHeapAndTheNodeIntact() throws Exception {
    EventLoopGroup nodeGroup = EventLoops.newGroup(1);
    EventLoopGroup clients = EventLoops.newGroup(1);
    ExecutorService workers = Executors.newFixedThreadPool(CONCURRENCY);
    List<WirePeer.Conn> honest = new ArrayList<>();
    Node node = null;
    try {
      int port = TestNodes.freePort();
      node = Node.start(TestNodes.settings(NodeKey.generate(RANDOM), port,
          "max_num_inbound_peers = " + MAX_INBOUND + "\n", TestNodes.emptyBook(), BookPersister.NONE,
          Duration.ofMillis(TIMEOUT_MS), MAX_HANDSHAKING), nodeGroup, null);
      final Node target = node;
      for (int i = 0; i < HONEST_BEFORE; i++) {
        honest.add(connectHonest(clients, target));
      }
      assertThat(TestNodes.eventually(Duration.ofSeconds(5),
          () -> TestNodes.status(target).inbound().size() == HONEST_BEFORE)).as("honest peers admitted").isTrue();
      List<NodeId> honestIds = List.copyOf(TestNodes.status(node).inbound());
      long heapBefore = TestNodes.settledUsedHeap();

      AtomicInteger maxInbound = new AtomicInteger();
      AtomicBoolean strangerAdmitted = new AtomicBoolean();
      AtomicBoolean polling = new AtomicBoolean(true);
      AtomicInteger polls = new AtomicInteger();
      java.util.concurrent.atomic.AtomicReference<Exception> pollFailure = new java.util.concurrent.atomic.AtomicReference<>();
      Thread poller = new Thread(() -> {
        while (polling.get()) {
          try {
            List<NodeId> in = TestNodes.status(target).inbound();
            maxInbound.accumulateAndGet(in.size(), Math::max);
            if (!honestIds.containsAll(in)) {
              strangerAdmitted.set(true);
            }
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
        Kind kind = Kind.values()[i % Kind.values().length];
        futures.add(workers.submit(() -> abuse(attempt, kind, port)));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : futures) {
        results.add(f.get(90, TimeUnit.SECONDS));
      }
      long burstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      polling.set(false);
      poller.join(5000);
      assertThat(pollFailure.get()).as("the status poller's failure (the limit was watched only until then)").isNull();
      assertThat(polls.get()).as("status polls during the burst").isGreaterThan(10);
      long heapGrowth = TestNodes.settledUsedHeap() - heapBefore;

      Map<String, Integer> counts = new TreeMap<>();
      Map<Kind, Long> slowest = new TreeMap<>();
      Map<Kind, Integer> timedOut = new TreeMap<>();
      for (Result r : results) {
        counts.merge(r.kind() + (r.kind() == Kind.MUTE ? (r.secretDone() ? "_after_secret" : "_refused_at_once") : ""),
            1, Integer::sum);
        slowest.merge(r.kind(), r.resolvedMs(), Math::max);
        if (r.kind() != Kind.CHURN && r.resolvedMs() >= TIMED_OUT_MS) {
          timedOut.merge(r.kind(), 1, Integer::sum);
        }
      }
      System.out.printf("socket abuse: %d attempts in %d ms, outcomes %s, closed by the handshake timeout %s,"
              + " slowest close by kind %s ms, max inbound seen %d (limit %d), heap growth %d bytes%n", ATTEMPTS,
          burstMs, counts, timedOut, slowest, maxInbound.get(), MAX_INBOUND, heapGrowth);

      assertThat(maxInbound.get()).as("most inbound peers reported").isLessThanOrEqualTo(MAX_INBOUND);
      assertThat(strangerAdmitted.get()).as("an abuser became an inbound peer").isFalse();
      assertThat(TestNodes.status(node).inbound()).as("inbound peers after the burst")
          .containsExactlyInAnyOrderElementsOf(honestIds);
      assertThat(results).as("abusive connections the node did not close")
          .filteredOn(r -> r.kind() != Kind.CHURN && !r.closedByNode()).isEmpty();
      assertThat(results).as("abusive connections closed later than %d ms", TIMEOUT_MS + SLACK_MS)
          .filteredOn(r -> r.resolvedMs() > TIMEOUT_MS + SLACK_MS).isEmpty();
      for (Kind k : List.of(Kind.SILENT, Kind.DRIBBLE, Kind.MUTE)) {
        assertThat(timedOut.getOrDefault(k, 0)).as("%s connections closed by the handshake timeout", k)
            .isGreaterThanOrEqualTo(100);
      }
      assertThat(counts.getOrDefault("MUTE_after_secret", 0)).as("mute attempts that reached the NodeInfo stage")
          .isGreaterThanOrEqualTo(100);
      assertThat(heapGrowth).as("heap retained after the burst").isLessThan(HEAP_GROWTH_BYTES_MAX);

      WirePeer.Conn after = connectHonest(clients, node);
      assertThat(after.closed.isDone()).as("an honest peer after the burst is kept").isFalse();
      assertThat(TestNodes.status(node).inbound()).hasSize(MAX_INBOUND);
      honest.add(after);
      WirePeer.Conn extra = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:1")
          .dial(clients, node.listenAddress(), s -> { }, (s, pex) -> { });
      extra.closed.get(5, TimeUnit.SECONDS); // one over the limit is refused (throws if still open)
      assertThat(TestNodes.status(node).inbound()).hasSize(MAX_INBOUND);
    } finally {
      workers.shutdownNow();
      for (WirePeer.Conn c : honest) {
        c.ready.thenAccept(PeerSession::close);
      }
      if (node != null) {
        node.close();
      }
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      nodeGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** An honest peer with a fresh key, connected and kept for at least {@value #KEPT_AFTER_MS} ms. */
  private static WirePeer.Conn connectHonest(EventLoopGroup clients, Node target) throws Exception {
    WirePeer peer = WirePeer.fresh(TestNodes.NETWORK, "127.0.0.1:1");
    WirePeer.Conn conn = peer.dial(clients, target.listenAddress(), s -> { }, (s, pex) -> { });
    conn.ready.get(5, TimeUnit.SECONDS);
    Thread.sleep(KEPT_AFTER_MS);
    assertThat(conn.closed.isDone()).as("honest peer kept").isFalse();
    return conn;
  }

  private static Result abuse(int attempt, Kind kind, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      long t0 = System.nanoTime();
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      long deadlineMs = TIMEOUT_MS + SLACK_MS + 1000;
      switch (kind) {
        case CHURN -> {
          return new Result(attempt, kind, false, 0, false);
        }
        case SILENT -> {
          return new Result(attempt, kind, awaitClose(s, in, deadlineMs), TestNodes.millisSince(t0), false);
        }
        case DRIBBLE -> {
          byte[] eph = SecretHandshake.ephemeralMessage(new byte[32]);
          s.setSoTimeout((int) DRIBBLE_MS);
          byte[] sink = new byte[256];
          for (int i = 0; i < eph.length; i++) {
            try {
              out.write(eph[i]);
              out.flush();
            } catch (IOException closed) {
              return new Result(attempt, kind, true, TestNodes.millisSince(t0), false);
            }
            if (drained(in, sink)) {
              return new Result(attempt, kind, true, TestNodes.millisSince(t0), false);
            }
          }
          return new Result(attempt, kind, false, TestNodes.millisSince(t0), false);
        }
        case MUTE -> {
          SecretHandshake hs = new SecretHandshake(NodeKey.generate(RANDOM), RANDOM);
          s.setSoTimeout((int) deadlineMs);
          try {
            out.write(hs.takeOutbound());
            out.flush();
            byte[] buf = new byte[4096];
            while (!hs.isDone()) {
              int n = in.read(buf);
              if (n < 0) {
                return new Result(attempt, kind, true, TestNodes.millisSince(t0), false);
              }
              hs.receive(Arrays.copyOf(buf, n));
              byte[] reply = hs.takeOutbound();
              if (reply.length > 0) {
                out.write(reply);
                out.flush();
              }
            }
          } catch (IOException | SecretConnectionException closed) {
            return new Result(attempt, kind, true, TestNodes.millisSince(t0), false);
          }
          long t1 = System.nanoTime();
          return new Result(attempt, kind, awaitClose(s, in, deadlineMs), TestNodes.millisSince(t1), true);
        }
        default -> throw new IllegalStateException(kind.name());
      }
    }
  }

  /** Reads until the node closes the connection (true) or {@code ms} pass (false). */
  private static boolean awaitClose(Socket s, InputStream in, long ms) throws IOException {
    s.setSoTimeout((int) ms);
    byte[] sink = new byte[1024];
    try {
      while (in.read(sink) >= 0) {
        // what the node sends: ignored
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** Reads what is there for up to the socket timeout; true if the node closed the connection. */
  private static boolean drained(InputStream in, byte[] sink) {
    try {
      return in.read(sink) < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
