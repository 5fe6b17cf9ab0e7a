package dev.cairn.core.peer;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.KnownAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

/**
 * The PeerManager's cross-field invariants. Each constant's name is the name of the invariant
 * in {@code PeerManager.tla} and {@code MCPeerManager.cfg}; tests check all of them after every
 * step. Counts are over limited peers (unconditional peers bypass limits); "occupied" means
 * connected and not being evicted.
 */
public enum PeerInvariants {

  /** At most maxConnected occupied connections, at most maxConnected + maxConnectedUpgrade open. */
  ConnectedWithinLimit((cfg, s) -> {
    PeerManager.Counts c = PeerManager.countsByScan(cfg, s);
    return c.connectedNotEvicting() <= cfg.maxConnected()
        && c.connectedAll() <= cfg.maxConnected() + cfg.maxConnectedUpgrade();
  }),

  /** At most maxOutbound occupied outbound connections. */
  OutboundWithinLimit((cfg, s) -> PeerManager.countsByScan(cfg, s).outbound() <= cfg.maxOutbound()),

  /** At most maxInbound occupied inbound connections. */
  InboundWithinLimit((cfg, s) -> PeerManager.countsByScan(cfg, s).inbound() <= cfg.maxInbound()),

  /** Dials in flight stay within the outbound limit plus the upgrade slots. */
  DialingWithinLimit((cfg, s) ->
      PeerManager.countsByScan(cfg, s).dialing() <= cfg.maxOutbound() + cfg.maxConnectedUpgrade()),

  /** A peer has at most one admitted connection, and it is the peer's own. */
  OneConnectionPerPeer((cfg, s) -> {
    for (Map.Entry<NodeId, Connection> e : s.connected().entrySet()) {
      if (!e.getValue().address().id().equals(e.getKey())) {
        return false;
      }
    }
    return true;
  }),

  /** A peer has at most one dial in flight, to one of its own addresses. */
  OneDialPerPeer((cfg, s) -> {
    for (Map.Entry<NodeId, NodeAddress> e : s.dialing().entrySet()) {
      if (!e.getValue().id().equals(e.getKey())) {
        return false;
      }
    }
    return true;
  }),

  /** No peer is both dialing and connected. */
  DialingDisjointConnected((cfg, s) -> {
    for (NodeId id : s.dialing().keySet()) {
      if (s.connected().containsKey(id)) {
        return false;
      }
    }
    return true;
  }),

  /** ready and evicting name connected peers only. */
  ReadyAndEvictingConnected((cfg, s) ->
      s.connected().keySet().containsAll(s.ready())
          && s.connected().keySet().containsAll(s.evicting().keySet())),

  /**
   * Every reservation victim → upgrader has an occupied victim, an upgrader being dialed, and
   * the upgrader's score strictly above the victim's.
   */
  ReservationFromHigherScore((cfg, s) -> {
    for (Map.Entry<NodeId, NodeId> e : s.upgrading().entrySet()) {
      NodeId victim = e.getKey();
      NodeId upgrader = e.getValue();
      if (!s.connected().containsKey(victim) || s.evicting().containsKey(victim)
          || !s.dialing().containsKey(upgrader)
          || PeerManager.score(cfg, s, upgrader) <= PeerManager.score(cfg, s, victim)) {
        return false;
      }
    }
    return true;
  }),

  /**
   * No banned peer is being dialed or occupies a connection. Read from the dials and connections
   * (bounded by the connection limits) rather than from the bans (up to the book's {@code
   * maxBanned}, hundreds on a public node): the same pairs are looked at.
   */
  BannedNeverDialedOrAccepted((cfg, s) -> {
    for (NodeId id : s.dialing().keySet()) {
      if (banned(s, id)) {
        return false;
      }
    }
    for (NodeId id : s.connected().keySet()) {
      if (!s.evicting().containsKey(id) && banned(s, id)) {
        return false;
      }
    }
    return true;
  }),

  /**
   * Bans by ID are bounded by the book's {@code maxBanned}, and a banned peer has one record:
   * never both a ban by ID and a ban in the book.
   */
  BannedIdsWithinBound((cfg, s) -> {
    if (s.bannedIds().size() > cfg.book().maxBanned()) {
      return false;
    }
    for (NodeId id : s.bannedIds().keySet()) {
      if (s.book().bans().containsKey(id)) {
        return false;
      }
    }
    return true;
  }),

  /** We never dial nor admit ourselves. */
  SelfNeverDialed((cfg, s) ->
      !s.dialing().containsKey(cfg.self()) && !s.connected().containsKey(cfg.self())),

  /** A persistent peer is never an upgrade victim, trimmed by maintenance, nor replaced as idle. */
  PersistentNeverEvictedForNonPersistent((cfg, s) -> {
    for (NodeAddress a : cfg.persistentPeers()) {
      DisconnectReason r = s.evicting().get(a.id());
      if (r == DisconnectReason.EVICTED_FOR_UPGRADE || r == DisconnectReason.ABOVE_MAX_THRESHOLD
          || r == DisconnectReason.EVICTED_IDLE || s.upgrading().containsKey(a.id())) {
        return false;
      }
    }
    return true;
  }),

  /**
   * Idle inbound peers are connected inbound, limited and not persistent: persistent and
   * unconditional peers are never replaced as idle. Bounded by the connections.
   */
  IdleInboundAreLimitedInbound((cfg, s) -> {
    for (NodeId id : s.idleInbound().keySet()) {
      Connection c = s.connected().get(id);
      if (c == null || c.direction() != Direction.INBOUND || !cfg.isLimited(id) || cfg.isPersistent(id)) {
        return false;
      }
    }
    return true;
  }),

  /** A peer evicted as idle is still one of the idle inbound peers (no report took it out since). */
  EvictedIdleOnlyIdle((cfg, s) -> {
    for (Map.Entry<NodeId, DisconnectReason> e : s.evicting().entrySet()) {
      if (e.getValue() == DisconnectReason.EVICTED_IDLE && !s.idleInbound().containsKey(e.getKey())) {
        return false;
      }
    }
    return true;
  }),

  /** Per-peer timers exist only for peers we would dial (persistent or in the book): bounded by config. */
  TimersOnlyForKnownPeers((cfg, s) -> {
    for (TimerKey k : s.timers().deadlines().keySet()) {
      NodeId id = switch (k) {
        case TimerKey.Maintenance m -> null;
        case TimerKey.RetryDial r -> r.peer();
        case TimerKey.DisconnectCooldown d -> d.peer();
      };
      if (id != null && !cfg.isPersistent(id) && !s.book().contains(id)) {
        return false;
      }
    }
    return true;
  }),

  /** Scores are kept only for connected peers and book entries: bounded by config. */
  ScoresOnlyForKnownPeers((cfg, s) -> {
    for (NodeId id : s.scores().keySet()) {
      if (!s.connected().containsKey(id) && !s.book().contains(id)) {
        return false;
      }
    }
    return true;
  }),

  /** Failure counts of persistent peers only. */
  PersistentFailuresOnlyForPersistent((cfg, s) -> {
    for (NodeId id : s.persistentDialFailures().keySet()) {
      if (!cfg.isPersistent(id)) {
        return false;
      }
    }
    return true;
  }),

  /** The maintenance timer is armed once started. */
  MaintenanceArmedWhenStarted((cfg, s) ->
      !s.started() || s.timers().isArmed(TimerKey.MAINTENANCE));

  private final BiPredicate<PeerConfig, PeerState> holds;

  /** Banned in the book or by ID, whether or not the ban has expired (the state's records). */
  private static boolean banned(PeerState s, NodeId id) {
    return s.book().bans().containsKey(id) || s.bannedIds().containsKey(id);
  }

  PeerInvariants(BiPredicate<PeerConfig, PeerState> holds) {
    this.holds = holds;
  }

  public boolean holds(PeerConfig cfg, PeerState s) {
    return holds.test(cfg, s);
  }

  /**
   * The name of the implementation-only check that the state's derived
   * {@link PeerState#occupied()} equals a recount of {@code connected} and {@code evicting}. It
   * is not a TLA+ invariant (the spec has no derived counts) and so not a constant here, but
   * {@link #violations} reports it like one.
   */
  public static final String OCCUPIED_MATCHES_CONNECTED = "OccupiedMatchesConnected";

  /** Whether the derived counts of {@code s} equal a recount (see {@link #OCCUPIED_MATCHES_CONNECTED}). */
  public static boolean occupiedMatchesConnected(PeerState s) {
    return s.occupied().equals(PeerState.Occupied.of(s.connected(), s.evicting()));
  }

  /**
   * Names of the invariants {@code s} violates, in declaration order, then
   * {@link #OCCUPIED_MATCHES_CONNECTED} if the derived counts drifted; empty when all hold.
   */
  public static List<String> violations(PeerConfig cfg, PeerState s) {
    List<String> broken = new ArrayList<>();
    for (PeerInvariants inv : values()) {
      if (!inv.holds(cfg, s)) {
        broken.add(inv.name());
      }
    }
    if (!occupiedMatchesConnected(s)) {
      broken.add(OCCUPIED_MATCHES_CONNECTED);
    }
    return broken;
  }

  /** Throws {@link AssertionError} naming every violated invariant: a violation is a bug. */
  public static void check(PeerConfig cfg, PeerState s) {
    List<String> broken = violations(cfg, s);
    if (!broken.isEmpty()) {
      throw new AssertionError("PeerManager invariants violated: " + broken + " in " + s);
    }
  }
}
