package dev.cairn.shell.report;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.DisconnectReason;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.pcollections.PSortedMap;

/**
 * What a node did with each peer over a trace, one lane per peer: when it was dialing it, when
 * it was connected (inbound or outbound), and the moments it refused, disconnected, banned or
 * failed to dial it, with the step of each. Built from the replayed steps (the state after each
 * step and its effects) by {@link Builder}; drawn by {@link PeerTimelineImage}.
 *
 * <p>Bounded: at most {@link #MAX_PEERS} lanes are tracked (peers first seen later are counted in
 * {@link #untrackedPeers}) and at most {@link #MAX_ITEMS} segments and marks in all (the rest
 * counted in {@link #droppedItems}).
 */
public record PeerTimeline(List<Lane> lanes, double seconds, long firstStep, long lastStep, long firstWallMillis,
    int untrackedPeers, long droppedItems) {

  public static final int MAX_PEERS = 10_000;
  public static final int MAX_ITEMS = 1_000_000;

  /** What the node was doing with a peer during a segment. */
  public enum Activity { DIALING, OUTBOUND, INBOUND }

  /** A moment worth a mark: a failed dial, a disconnect or refusal (with its reason), a ban. */
  public enum MarkKind { DIAL_FAILED, DISCONNECT, BANNED }

  /** {@code [start, end)} in seconds since the first step; {@code open} when it lasted to the end. */
  public record Segment(Activity activity, double start, double end, long startStep, long endStep, boolean open) {}

  /** {@code detail} is the disconnect reason, or empty. */
  public record Mark(MarkKind kind, double at, long step, String detail) {}

  /** One peer's history; {@code persistent} when it is one of the node's persistent peers. */
  public record Lane(NodeId peer, boolean persistent, List<Segment> segments, List<Mark> marks) {

    /** Seconds spent connected, inbound or outbound. */
    public double connectedSeconds() {
      double s = 0;
      for (Segment g : segments) {
        if (g.activity() != Activity.DIALING) {
          s += g.end() - g.start();
        }
      }
      return s;
    }

    public long count(MarkKind kind) {
      return marks.stream().filter(m -> m.kind() == kind).count();
    }
  }

  public PeerTimeline {
    lanes = List.copyOf(lanes);
  }

  /** The lanes of the peers whose ID (lower-case hex) starts with {@code prefix}. */
  public PeerTimeline only(String prefix) {
    String p = prefix.toLowerCase(Locale.ROOT);
    return new PeerTimeline(lanes.stream().filter(l -> l.peer().hex().startsWith(p)).toList(), seconds, firstStep,
        lastStep, firstWallMillis, untrackedPeers, droppedItems);
  }

  /**
   * The {@code n} lanes that matter most, in their original order: persistent peers, then those
   * with the most marks and connected time; the rest are left out.
   */
  public PeerTimeline top(int n) {
    if (lanes.size() <= n) {
      return this;
    }
    Comparator<Lane> weight = Comparator.comparing((Lane l) -> !l.persistent())
        .thenComparing(l -> -(l.marks().size() + l.connectedSeconds() / Math.max(seconds, 1e-9) * 10));
    Set<Lane> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    lanes.stream().sorted(weight).limit(n).forEach(kept::add);
    return new PeerTimeline(lanes.stream().filter(kept::contains).toList(), seconds, firstStep, lastStep,
        firstWallMillis, untrackedPeers, droppedItems);
  }

  /**
   * Feeds on replayed steps in order. {@link #observe} looks only at what changed: the dialing and
   * connected maps when the step replaced them, the event and the effects.
   */
  public static final class Builder {

    private final Predicate<NodeId> persistent;
    private final Map<NodeId, LaneDraft> lanes = new TreeMap<>();
    private final List<NodeId> order = new ArrayList<>();
    private int untracked;
    private long items;
    private long dropped;
    private PSortedMap<NodeId, NodeAddress> dialing;
    private PSortedMap<NodeId, Connection> connected;
    private long firstNanos = Long.MIN_VALUE;
    private long firstStep = -1;
    private long lastStep = -1;
    private long firstWall;
    private double now;

    /** Starts from the state the trace starts from (a rotated file's header state included). */
    public Builder(CoreState initial, Predicate<NodeId> persistent) {
      this.persistent = Objects.requireNonNull(persistent, "persistent");
      this.dialing = initial.peer().dialing();
      this.connected = initial.peer().connected();
    }

    /** One replayed step: its number, clocks, event, the state after it and its effects. */
    public void observe(long step, long monoNanos, long wallMillis, CoreEvent event, CoreState after,
        List<CoreEffect> effects) {
      if (firstNanos == Long.MIN_VALUE) {
        firstNanos = monoNanos;
        firstStep = step;
        firstWall = wallMillis;
        // what was in progress before the first step is drawn from its start
        dialing.keySet().forEach(p -> open(p, Activity.DIALING, 0, step));
        connected.forEach((p, c) -> open(p, activity(c), 0, step));
      }
      now = (monoNanos - firstNanos) / 1e9;
      lastStep = step;
      PeerState ps = after.peer();
      if (ps.dialing() != dialing) {
        diff(dialing, ps.dialing(), p -> Activity.DIALING, step);
        dialing = ps.dialing();
      }
      if (ps.connected() != connected) {
        PSortedMap<NodeId, Connection> before = connected;
        PSortedMap<NodeId, Connection> next = ps.connected();
        diff(before, next, p -> activity(next.containsKey(p) ? next.get(p) : before.get(p)), step);
        connected = next;
      }
      if (event instanceof CoreEvent.Peer(PeerEvent.DialFailed(NodeAddress a))) {
        mark(a.id(), MarkKind.DIAL_FAILED, step, "");
      }
      boolean bannedMarked = false;
      for (CoreEffect f : effects) {
        if (f instanceof CoreEffect.Peer(PeerEffect.Disconnect d)) {
          boolean ban = d.reason() == DisconnectReason.BANNED;
          mark(d.peer(), ban ? MarkKind.BANNED : MarkKind.DISCONNECT, step, d.reason().name().toLowerCase(Locale.ROOT));
          bannedMarked |= ban;
        } else if (f instanceof CoreEffect.Pex(PexEffect.DisconnectPeer d)) {
          mark(d.peer(), MarkKind.DISCONNECT, step, d.reason().name().toLowerCase(Locale.ROOT));
        } else if (f instanceof CoreEffect.Pex(PexEffect.SendPexAddrsThenDisconnect a)) {
          mark(a.peer(), MarkKind.DISCONNECT, step,
              PexEffect.SendPexAddrsThenDisconnect.REASON.toLowerCase(Locale.ROOT));
        }
      }
      if (event instanceof CoreEvent.Peer(PeerEvent.PeerBanned b) && !bannedMarked) {
        mark(b.peer(), MarkKind.BANNED, step, "banned");  // not connected: no disconnect to mark
      }
    }

    public PeerTimeline build() {
      List<Lane> out = new ArrayList<>();
      for (NodeId p : order) {
        LaneDraft d = lanes.get(p);
        List<Segment> segments = new ArrayList<>(d.closed);
        d.open.forEach((a, s) -> segments.add(new Segment(a, s.start, now, s.step, lastStep, true)));
        segments.sort(Comparator.comparingDouble(Segment::start));
        out.add(new Lane(p, persistent.test(p), segments, d.marks));
      }
      return new PeerTimeline(out, now, firstStep, lastStep, firstWall, untracked, dropped);
    }

    private static Activity activity(Connection c) {
      return c.direction() == Direction.INBOUND ? Activity.INBOUND : Activity.OUTBOUND;
    }

    private <V> void diff(PSortedMap<NodeId, V> before, PSortedMap<NodeId, V> after,
        java.util.function.Function<NodeId, Activity> activity, long step) {
      for (NodeId p : before.keySet()) {
        if (!after.containsKey(p)) {
          close(p, activity.apply(p), step);
        }
      }
      for (NodeId p : after.keySet()) {
        if (!before.containsKey(p)) {
          open(p, activity.apply(p), now, step);
        }
      }
    }

    private Optional<LaneDraft> lane(NodeId p) {
      LaneDraft d = lanes.get(p);
      if (d == null) {
        if (lanes.size() >= MAX_PEERS) {
          untracked++;
          return Optional.empty();
        }
        d = new LaneDraft();
        lanes.put(p, d);
        order.add(p);
      }
      return Optional.of(d);
    }

    private boolean room() {
      if (items >= MAX_ITEMS) {
        dropped++;
        return false;
      }
      items++;
      return true;
    }

    private void open(NodeId p, Activity a, double at, long step) {
      lane(p).ifPresent(d -> {
        if (!d.open.containsKey(a) && room()) {
          d.open.put(a, new Opened(at, step));
        }
      });
    }

    private void close(NodeId p, Activity a, long step) {
      LaneDraft d = lanes.get(p);
      if (d != null) {
        Opened o = d.open.remove(a);
        if (o != null) {
          d.closed.add(new Segment(a, o.start, now, o.step, step, false));
        }
      }
    }

    private void mark(NodeId p, MarkKind kind, long step, String detail) {
      lane(p).ifPresent(d -> {
        if (room()) {
          d.marks.add(new Mark(kind, now, step, detail));
        }
      });
    }

    private record Opened(double start, long step) {}

    private static final class LaneDraft {
      final Map<Activity, Opened> open = new java.util.EnumMap<>(Activity.class);
      final List<Segment> closed = new ArrayList<>();
      final List<Mark> marks = new ArrayList<>();
    }
  }
}
