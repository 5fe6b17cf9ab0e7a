package dev.cairn.sim;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pcollections.TreePSet;

/**
 * A persistent peer under heavy churn. Node {@value #HOLDER} (the first ordinary node) lists node
 * {@value #PEER} as its persistent peer, with a linear retry step of 2 s and the persistent retry
 * cap set to {@code cap}, so that long outages reach the cap. For most of the run node
 * {@value #PEER} goes up for 2 to 30 s and down for 1 to 240 s, over and
 * over (restarting from its persisted book); meanwhile every 5 s some other ordinary node goes
 * down for 1 to 30 s. No adversary identities: the churn is the attack. Then a quiet tail.
 *
 * <p>Watched every 250 ms: while the holder is up and not connected to its persistent peer, the
 * time since its last dial to it (or since it last saw it connected) — the dial gap — never
 * exceeds the capped backoff ({@code cap} + the retry jitter) plus one second; and after each
 * restart of the persistent peer, how long until the holder is connected to it again.
 */
final class PersistentChurn implements Attack {

  static final int HOLDER = 2;
  static final int PEER = 3;
  /** The linear retry step of the holder: the 15th consecutive failure already waits the 30 s cap. */
  static final Duration MIN_RETRY = Duration.ofSeconds(2);
  private static final long SECOND = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  /**
   * {@code peerRestarts}: restarts of the persistent peer; {@code otherCrashes}: crashes of other
   * nodes; {@code dials}: the holder's dials to it; {@code maxGapMillis}: longest dial gap;
   * {@code reconnects}: restarts followed by a reconnection before the next crash;
   * {@code maxReconnectMillis}: longest wait for one; {@code abandoned}: restarts after which
   * the peer stayed up at least the bound and the holder still had not reconnected;
   * {@code connectedAtEnd}: after the quiet tail; {@code bannersOfPeer}: other honest nodes that
   * hold a ban of the persistent peer at the end (after 16 failed dials of it while it was down);
   * {@code shortUps}: restarts after which the peer went down again, unreached, before the bound
   * (the holder's retry may legitimately not have been due yet: not a failure).
   */
  record Outcome(long peerRestarts, long otherCrashes, long dials, long maxGapMillis, long boundMillis,
      long reconnects, long maxReconnectMillis, long abandoned, boolean connectedAtEnd, int bannersOfPeer,
      long shortUps) {}

  private final Duration runFor;
  private final Duration churnFor;
  private final Duration cap;
  private final Duration jitter;
  private final SimRandom churn;
  private long peerRestarts;
  private long otherCrashes;
  private long dials;
  private long lastDialOrSeen = -1;
  private long maxGap;
  private long reconnects;
  private long maxReconnect;
  private long abandoned;
  private long shortUps;
  /** When the persistent peer last came up and the holder has not been connected to it since; -1 if none. */
  private long upSince = -1;
  private boolean connectedAtEnd;

  PersistentChurn(long seed, Duration runFor, Duration churnFor, Duration cap, Duration jitter) {
    this.runFor = runFor;
    this.churnFor = churnFor;
    this.cap = cap;
    this.jitter = jitter;
    this.churn = SimRandom.derive(seed, "persistent-churn");
  }

  long boundMillis() {
    return cap.toMillis() + jitter.toMillis() + 1000;
  }

  @Override
  public List<NodeAddress> identities() {
    return List.of();
  }

  @Override
  public Duration runFor() {
    return runFor;
  }

  @Override
  public CoreConfig configure(int index, CoreConfig base, List<NodeAddress> listens) {
    if (index != HOLDER) {
      return base;
    }
    PeerConfig p = base.peer();
    PeerConfig withPeer = p.withPersistentPeers(TreePSet.singleton(listens.get(PEER)))
        .withRetry(MIN_RETRY, p.maxRetryTime(), cap, jitter, p.disconnectCooldown());
    return new CoreConfig(withPeer, base.pex());
  }

  @Override
  public void begin(Simulator.Hooks h) {
    SimNode peer = h.honest().get(PEER);
    h.after(churn.between(2, 30) * SECOND, () -> peerDown(h, peer));
    h.after(5 * SECOND, () -> otherDown(h));
    h.after(250 * MILLI, () -> watch(h));
  }

  private boolean churning(Simulator.Hooks h) {
    return h.elapsed() < churnFor.toNanos();
  }

  private void peerDown(Simulator.Hooks h, SimNode peer) {
    if (!churning(h)) {
      return;
    }
    long down = churn.between(1_000, 240_000) * MILLI;
    if (upSince >= 0 && h.elapsed() - upSince >= boundMillis() * MILLI) {
      abandoned++; // up long enough, never reconnected
    } else if (upSince >= 0) {
      shortUps++; // down again before a redial was due
    }
    upSince = -1;
    h.crash(peer, down);
    peerRestarts++;
    h.after(down, () -> upSince = h.elapsed());
    h.after(down + churn.between(2, 30) * SECOND, () -> peerDown(h, peer));
  }

  private void otherDown(Simulator.Hooks h) {
    if (!churning(h)) {
      return;
    }
    List<SimNode> others = h.honest().stream()
        .filter(n -> n.ordinary && n.up && n.index != HOLDER && n.index != PEER).toList();
    if (!others.isEmpty()) {
      h.crash(others.get((int) churn.below(others.size())), churn.between(1_000, 30_000) * MILLI);
      otherCrashes++;
    }
    h.after(5 * SECOND, () -> otherDown(h));
  }

  @Override
  public void dialed(Simulator.Hooks h, SimNode from, NodeAddress address) {
    if (from.index == HOLDER && !h.honest().isEmpty() && address.equals(h.honest().get(PEER).listen)) {
      dials++;
      lastDialOrSeen = h.elapsed();
    }
  }

  private void watch(Simulator.Hooks h) {
    SimNode holder = h.honest().get(HOLDER);
    SimNode peer = h.honest().get(PEER);
    boolean connected = h.connected(holder, peer.id);
    if (connected) {
      lastDialOrSeen = h.elapsed();
      if (upSince >= 0) {
        reconnects++;
        maxReconnect = Math.max(maxReconnect, h.elapsed() - upSince);
        upSince = -1;
      }
    } else if (lastDialOrSeen >= 0) {
      maxGap = Math.max(maxGap, h.elapsed() - lastDialOrSeen);
    }
    connectedAtEnd = connected;
    h.after(250 * MILLI, () -> watch(h));
  }

  Outcome outcome(Simulator.Hooks h) {
    SimNode peer = h.honest().get(PEER);
    int banners = 0;
    for (SimNode n : h.honest()) {
      if (n != peer && n.up && PeerManager.isBanned(n.state.peer(), peer.id, h.wallNow())) {
        banners++;
      }
    }
    return new Outcome(peerRestarts, otherCrashes, dials, maxGap / MILLI, boundMillis(), reconnects,
        maxReconnect / MILLI, abandoned, connectedAtEnd, banners, shortUps);
  }

  /** Reports what remains of an unfinished wait (the run ended while the peer was up and unreached). */
  List<String> notes() {
    List<String> out = new ArrayList<>();
    if (upSince >= 0) {
      out.add("persistent peer up since t=" + upSince / MILLI + "ms, not reconnected at the end");
    }
    return out;
  }
}
