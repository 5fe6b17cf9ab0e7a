package dev.cairn.core.pex;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * The whole PEX state, one immutable value. Component names are the VARIABLE names of
 * {@code Pex.tla}. Cross-field facts are {@link PexInvariants}; the compact constructor checks
 * only non-null. Every per-peer map is keyed by peers in {@code peers} (bounded by
 * {@link PexConfig#maxPeers()}); {@code crawled} is bounded by {@link PexConfig#maxCrawled()}.
 *
 * @param peers                peers the router is routing, with their direction and self-reported address
 * @param requestsSent         peers we sent a PexRequest to and have no PexAddrs from yet, with when we sent it
 *                             (v0.34 {@code requestsSent})
 * @param lastAddrsReceived    when the last awaited PexAddrs of a peer reached us: the start of the window in
 *                             which we do not ask it again
 * @param lastReceivedRequests the requests a peer sent us on this connection (v0.34 {@code lastReceivedRequests})
 * @param disconnecting        peers we asked to be disconnected (abuse, seed answer, crawl done, aged); what they
 *                             still send is ignored
 * @param crawled              seed mode: when we last dialed an ID to crawl it (v0.34 {@code crawlPeerInfos})
 * @param dropped              received addresses not handed to the book, by reason (saturating counters)
 * @param timers               armed round timers
 * @param prng                 the random source for the first round's jitter and random choices
 * @param started              whether {@link PexEvent.Started} happened
 */
public record PexState(
    PSortedMap<NodeId, PexPeer> peers,
    PSortedMap<NodeId, MonoTime> requestsSent,
    PSortedMap<NodeId, MonoTime> lastAddrsReceived,
    PSortedMap<NodeId, ReceivedRequests> lastReceivedRequests,
    PSortedSet<NodeId> disconnecting,
    PSortedMap<NodeId, MonoTime> crawled,
    PSortedMap<DropReason, Long> dropped,
    PSortedMap<PexTimerKey, MonoTime> timers,
    Prng prng,
    boolean started) {

  public PexState {
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(requestsSent, "requestsSent");
    Objects.requireNonNull(lastAddrsReceived, "lastAddrsReceived");
    Objects.requireNonNull(lastReceivedRequests, "lastReceivedRequests");
    Objects.requireNonNull(disconnecting, "disconnecting");
    Objects.requireNonNull(crawled, "crawled");
    Objects.requireNonNull(dropped, "dropped");
    Objects.requireNonNull(timers, "timers");
    Objects.requireNonNull(prng, "prng");
  }

  /** Before {@link PexEvent.Started}: no peers, no timers. */
  public static PexState initial(Prng prng) {
    return new PexState(TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty(),
        TreePSet.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), prng, false);
  }

  /** The earliest armed timer. */
  public Optional<MonoTime> nextDeadline() {
    MonoTime min = null;
    for (Map.Entry<PexTimerKey, MonoTime> e : timers.entrySet()) {
      if (min == null || e.getValue().isBefore(min)) {
        min = e.getValue();
      }
    }
    return Optional.ofNullable(min);
  }

  /** How many received addresses were dropped for {@code reason}. */
  public long droppedCount(DropReason reason) {
    return dropped.getOrDefault(reason, 0L);
  }

  PexState withPeers(PSortedMap<NodeId, PexPeer> v) {
    return new PexState(v, requestsSent, lastAddrsReceived, lastReceivedRequests, disconnecting,
        crawled, dropped, timers, prng, started);
  }

  PexState withRequestsSent(PSortedMap<NodeId, MonoTime> v) {
    return new PexState(peers, v, lastAddrsReceived, lastReceivedRequests, disconnecting,
        crawled, dropped, timers, prng, started);
  }

  PexState withLastAddrsReceived(PSortedMap<NodeId, MonoTime> v) {
    return new PexState(peers, requestsSent, v, lastReceivedRequests, disconnecting,
        crawled, dropped, timers, prng, started);
  }

  PexState withLastReceivedRequests(PSortedMap<NodeId, ReceivedRequests> v) {
    return new PexState(peers, requestsSent, lastAddrsReceived, v, disconnecting,
        crawled, dropped, timers, prng, started);
  }

  PexState withDisconnecting(PSortedSet<NodeId> v) {
    return new PexState(peers, requestsSent, lastAddrsReceived, lastReceivedRequests, v,
        crawled, dropped, timers, prng, started);
  }

  PexState withCrawled(PSortedMap<NodeId, MonoTime> v) {
    return new PexState(peers, requestsSent, lastAddrsReceived, lastReceivedRequests, disconnecting,
        v, dropped, timers, prng, started);
  }

  PexState withDropped(PSortedMap<DropReason, Long> v) {
    return new PexState(peers, requestsSent, lastAddrsReceived, lastReceivedRequests, disconnecting,
        crawled, v, timers, prng, started);
  }

  PexState withTimers(PSortedMap<PexTimerKey, MonoTime> v) {
    return new PexState(peers, requestsSent, lastAddrsReceived, lastReceivedRequests, disconnecting,
        crawled, dropped, v, prng, started);
  }

  PexState withPrng(Prng v) {
    return new PexState(peers, requestsSent, lastAddrsReceived, lastReceivedRequests, disconnecting,
        crawled, dropped, timers, v, started);
  }

  PexState withStarted(boolean v) {
    return new PexState(peers, requestsSent, lastAddrsReceived, lastReceivedRequests, disconnecting,
        crawled, dropped, timers, prng, v);
  }
}
