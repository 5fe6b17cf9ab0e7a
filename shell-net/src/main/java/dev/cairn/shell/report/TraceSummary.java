package dev.cairn.shell.report;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A trace at a glance ({@code cairn trace summary}): its span, its events by kind, the events the
 * core rejected by reason, its decisions (effects) by kind with the disconnects by reason and the
 * addresses PEX sent, the peers its events name and the most named, and the node's connections,
 * book and bans before the first step and after the last. Built from the replayed steps by
 * {@link Builder}.
 *
 * <p>Bounded: at most {@link #MAX_PEERS} peers are counted one by one (the others in {@link
 * #untrackedPeers}).
 */
public record TraceSummary(long firstStep, long lastStep, long firstWallMillis, long lastWallMillis, double seconds,
    Map<String, Long> events, Map<String, Long> rejected, Map<String, Long> effects, Map<String, Long> disconnects,
    long addressesSent, long addressesReceived, int peersNamed, List<Map.Entry<NodeId, Long>> mostNamed,
    int untrackedPeers, Counts start, Counts end) {

  public static final int MAX_PEERS = 100_000;

  /** How many of the most named peers are listed. */
  public static final int MOST_NAMED = 5;

  /** The node's connections, book and bans in one state. */
  public record Counts(int connected, int inbound, int outbound, int dialing, int bookSize, int bookNew, int bookOld,
      int banned) {

    static Counts of(CoreState s) {
      PeerState p = s.peer();
      // the connections by direction (a peer being evicted, or an unconditional one, holds no slot, and is one)
      int inbound = (int) p.connected().values().stream()
          .filter(c -> c.direction() == dev.cairn.core.peer.Direction.INBOUND).count();
      return new Counts(p.connected().size(), inbound, p.connected().size() - inbound, p.dialing().size(),
          p.book().size(), p.book().nNew(), p.book().nOld(), p.book().bannedEntries().size() + p.bannedIds().size());
    }
  }

  /** The number of steps summed up. */
  public long steps() {
    return lastStep - firstStep + 1;
  }

  /** Sums up replayed steps, given in step order from the state {@code before} the first. */
  public static final class Builder {
    private final Counts start;
    private long firstStep = -1;
    private long lastStep;
    private long firstMono;
    private long lastMono;
    private long firstWall;
    private long lastWall;
    private final Map<String, Long> events = new TreeMap<>();
    private final Map<String, Long> rejected = new TreeMap<>();
    private final Map<String, Long> effects = new TreeMap<>();
    private final Map<String, Long> disconnects = new TreeMap<>();
    private long addressesSent;
    private long addressesReceived;
    private final Map<NodeId, Long> named = new HashMap<>();
    private int untracked;
    private CoreState last;

    public Builder(CoreState before) {
      start = Counts.of(before);
      last = before;
    }

    /** One step: its number, times, event, outcome, the state after it and its effects. */
    public void observe(long step, long monoNanos, long wallMillis, CoreEvent event, Outcome outcome, CoreState after,
        List<CoreEffect> stepEffects) {
      if (firstStep < 0) {
        firstStep = step;
        firstMono = monoNanos;
        firstWall = wallMillis;
      }
      lastStep = step;
      lastMono = monoNanos;
      lastWall = wallMillis;
      last = after;
      events.merge(dev.cairn.shell.trace.EventCodec.name(event), 1L, Long::sum);
      if (outcome instanceof Outcome.Rejected r) {
        rejected.merge(r.reason(), 1L, Long::sum);
      }
      addressesReceived += received(event);
      subject(event).ifPresent(id -> {
        if (named.containsKey(id) || named.size() < MAX_PEERS) {
          named.merge(id, 1L, Long::sum);
        } else {
          untracked++;
        }
      });
      for (CoreEffect f : stepEffects) {
        switch (f) {
          case CoreEffect.Peer p -> {
            effects.merge(p.effect().getClass().getSimpleName(), 1L, Long::sum);
            if (p.effect() instanceof PeerEffect.Disconnect d) {
              disconnects.merge(d.reason().name(), 1L, Long::sum);
            }
          }
          case CoreEffect.Pex x -> {
            effects.merge(x.effect().getClass().getSimpleName(), 1L, Long::sum);
            switch (x.effect()) {
              case PexEffect.SendPexAddrs a -> addressesSent += a.addresses().size();
              case PexEffect.SendPexAddrsThenDisconnect a -> {
                // a seed lets an inbound peer go once its answer is flushed (the reactor's reason)
                addressesSent += a.addresses().size();
                disconnects.merge("PEX " + PexEffect.SendPexAddrsThenDisconnect.REASON, 1L, Long::sum);
              }
              case PexEffect.DisconnectPeer d -> disconnects.merge("PEX " + d.reason(), 1L, Long::sum);
              case PexEffect.SendPexRequest r -> { }
            }
          }
        }
      }
    }

    public TraceSummary build() {
      if (firstStep < 0) {
        throw new IllegalStateException("no step observed");
      }
      List<Map.Entry<NodeId, Long>> most = new ArrayList<>(named.entrySet());
      most.sort(Map.Entry.<NodeId, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
      most = most.subList(0, Math.min(MOST_NAMED, most.size())).stream()
          .map(e -> Map.entry(e.getKey(), e.getValue())).toList();
      return new TraceSummary(firstStep, lastStep, firstWall, lastWall, (lastMono - firstMono) / 1e9,
          byCount(events), byCount(rejected), byCount(effects), byCount(disconnects), addressesSent,
          addressesReceived, named.size() + untracked, most, untracked, start, Counts.of(last));
    }
  }

  /** The counts, the largest first (ties by name). */
  private static Map<String, Long> byCount(Map<String, Long> counts) {
    List<Map.Entry<String, Long>> l = new ArrayList<>(counts.entrySet());
    l.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    l.forEach(e -> out.put(e.getKey(), e.getValue()));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The addresses a PEX answer brought. */
  private static long received(CoreEvent event) {
    if (event instanceof CoreEvent.PexMessage m && m.event() instanceof PexEvent.PexAddrsReceived r) {
      return r.addresses().size();
    }
    return 0;
  }

  /** The peer an event is about: the one it came from or concerns; none for a timer or the start. */
  static Optional<NodeId> subject(CoreEvent event) {
    return switch (event) {
      case CoreEvent.PeerReady r -> Optional.of(r.peer());
      case CoreEvent.TimerFired t -> Optional.empty();
      case CoreEvent.PexMessage m -> Optional.of(switch (m.event()) {
        case PexEvent.PexRequestReceived r -> r.peer();
        case PexEvent.PexAddrsReceived r -> r.peer();
        case PexEvent.PexMessageMalformed r -> r.peer();
      });
      case CoreEvent.Peer p -> switch (p.event()) {
        case PeerEvent.AddressesLearned l -> Optional.of(l.source().id());
        case PeerEvent.DialRequested d -> Optional.of(d.address().id());
        case PeerEvent.DialSucceeded d -> Optional.of(d.address().id());
        case PeerEvent.DialFailed d -> Optional.of(d.address().id());
        case PeerEvent.InboundAccepted i -> Optional.of(i.remote().id());
        case PeerEvent.PeerDisconnected d -> Optional.of(d.address().id());
        case PeerEvent.PeerErrored r -> Optional.of(r.peer());
        case PeerEvent.PeerReported r -> Optional.of(r.peer());
        case PeerEvent.PeerBanned b -> Optional.of(b.peer());
        case PeerEvent.PeerReady r -> Optional.of(r.peer());
        case PeerEvent.Started s -> Optional.empty();
        case PeerEvent.TimerFired t -> Optional.empty();
      };
    };
  }
}
