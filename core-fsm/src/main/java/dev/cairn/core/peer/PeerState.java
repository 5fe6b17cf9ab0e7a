package dev.cairn.core.peer;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import java.util.Map;
import java.util.Objects;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * The whole PeerManager state, one immutable value. Component names are the VARIABLE names of
 * {@code PeerManager.tla}. Cross-field facts are {@link PeerInvariants}; the compact constructor
 * checks only non-null.
 *
 * @param book                   the address book (known addresses, attempts, bans; persisted)
 * @param dialing                peers with a dial in flight, and the address being dialed
 * @param connected              admitted connections, one per peer
 * @param ready                  connected peers the router is routing (reactors were told UP)
 * @param evicting               connected peers we asked the shell to disconnect, awaiting PeerDisconnected
 * @param upgrading              upgrade reservations: victim → the higher-scored peer being dialed to replace it
 * @param scores                 mutable (reactor feedback) scores, kept for connected or known peers only
 * @param persistentDialFailures consecutive failed dials of persistent peers (the book holds everyone else's)
 * @param timers                 armed timers
 * @param prng                   the random source for jitter and address picks
 * @param started                whether {@link PeerEvent.Started} happened
 * @param bannedIds              bans of peers that have no dialable address (banned while connected
 *                               inbound and not in the book), by ID, with their expiry; bounded by the
 *                               book's {@code maxBanned}. Lifted without adding anything to the book.
 * @param idleInbound            inbound peers (limited, not persistent) admitted at the given time that
 *                               no reactor has reported good since (PEX reports a peer whose message it
 *                               accepts): the only peers an inbound newcomer may replace when inbound is
 *                               full, the one idle longest first. A subset of {@code connected}.
 * @param occupied               derived, not a spec variable: the connected peers that are not being
 *                               evicted, counted by direction, so that a step checks the limits without
 *                               a scan of {@code connected}. Kept up to date by the transitions; the
 *                               constructors without it count it. {@link PeerInvariants#violations}
 *                               recounts it.
 */
public record PeerState(
    AddressBook book,
    PSortedMap<NodeId, NodeAddress> dialing,
    PSortedMap<NodeId, Connection> connected,
    PSortedSet<NodeId> ready,
    PSortedMap<NodeId, DisconnectReason> evicting,
    PSortedMap<NodeId, NodeId> upgrading,
    PSortedMap<NodeId, Integer> scores,
    PSortedMap<NodeId, Integer> persistentDialFailures,
    Timers timers,
    Prng prng,
    boolean started,
    PSortedMap<NodeId, WallTime> bannedIds,
    PSortedMap<NodeId, MonoTime> idleInbound,
    Occupied occupied) {

  /**
   * Connected peers not being evicted, by direction, over every peer (unconditional ones too:
   * {@code PeerManager.counts} takes those out). Derived from {@code connected} and
   * {@code evicting}.
   */
  public record Occupied(int inbound, int outbound) {

    static final Occupied NONE = new Occupied(0, 0);

    /** Counts {@code connected} minus {@code evicting}: one scan. */
    public static Occupied of(PSortedMap<NodeId, Connection> connected,
        PSortedMap<NodeId, DisconnectReason> evicting) {
      int in = 0;
      int out = 0;
      for (Map.Entry<NodeId, Connection> e : connected.entrySet()) {
        if (evicting.isEmpty() || !evicting.containsKey(e.getKey())) {
          if (e.getValue().direction() == Direction.INBOUND) {
            in++;
          } else {
            out++;
          }
        }
      }
      return new Occupied(in, out);
    }

    /** These counts with one occupied connection of {@code c}'s direction more ({@code +1}) or less ({@code -1}). */
    Occupied plus(Connection c, int delta) {
      return c.direction() == Direction.INBOUND ? new Occupied(inbound + delta, outbound)
          : new Occupied(inbound, outbound + delta);
    }
  }

  public PeerState {
    Objects.requireNonNull(book, "book");
    Objects.requireNonNull(dialing, "dialing");
    Objects.requireNonNull(connected, "connected");
    Objects.requireNonNull(ready, "ready");
    Objects.requireNonNull(evicting, "evicting");
    Objects.requireNonNull(upgrading, "upgrading");
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(persistentDialFailures, "persistentDialFailures");
    Objects.requireNonNull(timers, "timers");
    Objects.requireNonNull(prng, "prng");
    Objects.requireNonNull(bannedIds, "bannedIds");
    Objects.requireNonNull(idleInbound, "idleInbound");
    Objects.requireNonNull(occupied, "occupied");
  }

  /**
   * A state with no idle inbound peers, its derived {@code occupied} counted: the shape of
   * {@link PeerState} before {@code idleInbound}. Rebuilding an existing state with it drops its
   * {@code idleInbound}; pass them on with the constructor that takes them instead.
   */
  public PeerState(AddressBook book, PSortedMap<NodeId, NodeAddress> dialing,
      PSortedMap<NodeId, Connection> connected, PSortedSet<NodeId> ready,
      PSortedMap<NodeId, DisconnectReason> evicting, PSortedMap<NodeId, NodeId> upgrading,
      PSortedMap<NodeId, Integer> scores, PSortedMap<NodeId, Integer> persistentDialFailures,
      Timers timers, Prng prng, boolean started, PSortedMap<NodeId, WallTime> bannedIds) {
    this(book, dialing, connected, ready, evicting, upgrading, scores, persistentDialFailures,
        timers, prng, started, bannedIds, TreePMap.empty());
  }

  /** A state whose derived {@code occupied} is counted from {@code connected} and {@code evicting}. */
  public PeerState(AddressBook book, PSortedMap<NodeId, NodeAddress> dialing,
      PSortedMap<NodeId, Connection> connected, PSortedSet<NodeId> ready,
      PSortedMap<NodeId, DisconnectReason> evicting, PSortedMap<NodeId, NodeId> upgrading,
      PSortedMap<NodeId, Integer> scores, PSortedMap<NodeId, Integer> persistentDialFailures,
      Timers timers, Prng prng, boolean started, PSortedMap<NodeId, WallTime> bannedIds,
      PSortedMap<NodeId, MonoTime> idleInbound) {
    this(book, dialing, connected, ready, evicting, upgrading, scores, persistentDialFailures,
        timers, prng, started, bannedIds, idleInbound,
        Occupied.of(Objects.requireNonNull(connected, "connected"),
            Objects.requireNonNull(evicting, "evicting")));
  }

  /**
   * A state with no ID-only bans: the shape of {@link PeerState} before {@code bannedIds}, kept
   * for callers that build states field by field. Rebuilding an existing state with it drops its
   * {@code bannedIds}; pass them on with the constructor that takes them instead.
   */
  public PeerState(AddressBook book, PSortedMap<NodeId, NodeAddress> dialing,
      PSortedMap<NodeId, Connection> connected, PSortedSet<NodeId> ready,
      PSortedMap<NodeId, DisconnectReason> evicting, PSortedMap<NodeId, NodeId> upgrading,
      PSortedMap<NodeId, Integer> scores, PSortedMap<NodeId, Integer> persistentDialFailures,
      Timers timers, Prng prng, boolean started) {
    this(book, dialing, connected, ready, evicting, upgrading, scores, persistentDialFailures,
        timers, prng, started, TreePMap.empty());
  }

  /** A node that has not started: the loaded (or empty) book, nothing else. */
  public static PeerState initial(AddressBook book, Prng prng) {
    return new PeerState(book, TreePMap.empty(), TreePMap.empty(), TreePSet.empty(),
        TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty(),
        Timers.empty(), prng, false, TreePMap.empty(), TreePMap.empty(), Occupied.NONE);
  }

  PeerState withBook(AddressBook b) {
    return new PeerState(b, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds, idleInbound, occupied);
  }

  PeerState withDialing(PSortedMap<NodeId, NodeAddress> d) {
    return new PeerState(book, d, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds, idleInbound, occupied);
  }

  /** This state with {@code c} as the connections, its derived counts recounted (one scan). */
  PeerState withConnected(PSortedMap<NodeId, Connection> c) {
    return new PeerState(book, dialing, c, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds, idleInbound, Occupied.of(c, evicting));
  }

  /** This state with {@code e} as the evictions, its derived counts recounted (one scan). */
  PeerState withEvicting(PSortedMap<NodeId, DisconnectReason> e) {
    return new PeerState(book, dialing, connected, ready, e, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds, idleInbound, Occupied.of(connected, e));
  }

  /** Admits {@code c} as {@code id}'s connection (replacing any earlier one). */
  PeerState withConnection(NodeId id, Connection c) {
    PSortedMap<NodeId, Connection> next = connected.plus(id, c);
    Occupied o = occupied;
    boolean occupies = evicting.isEmpty() || !evicting.containsKey(id);
    if (occupies) {
      // a new peer grows the map: no second search for an earlier connection
      Connection old = next.size() > connected.size() ? null : connected.get(id);
      o = (old == null ? o : o.plus(old, -1)).plus(c, 1);
    }
    return new PeerState(book, dialing, next, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds, idleInbound, o);
  }

  /** Removes {@code id}'s connection, its eviction if it was being evicted, and its idle mark. */
  PeerState withoutConnection(NodeId id) {
    Connection old = connected.get(id);
    boolean wasEvicting = !evicting.isEmpty() && evicting.containsKey(id);
    Occupied o = old != null && !wasEvicting ? occupied.plus(old, -1) : occupied;
    return new PeerState(book, dialing, connected.minus(id), ready,
        wasEvicting ? evicting.minus(id) : evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds,
        idleInbound.isEmpty() ? idleInbound : idleInbound.minus(id), o);
  }

  /** Marks {@code id} as being evicted for {@code reason}: its connection no longer occupies a slot. */
  PeerState withEviction(NodeId id, DisconnectReason reason) {
    Connection c = connected.get(id);
    Occupied o = c != null && !evicting.containsKey(id) ? occupied.plus(c, -1) : occupied;
    return new PeerState(book, dialing, connected, ready, evicting.plus(id, reason), upgrading,
        scores, persistentDialFailures, timers, prng, started, bannedIds, idleInbound, o);
  }

  PeerState withReady(PSortedSet<NodeId> r) {
    return new PeerState(book, dialing, connected, r, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds, idleInbound, occupied);
  }

  PeerState withUpgrading(PSortedMap<NodeId, NodeId> u) {
    return new PeerState(book, dialing, connected, ready, evicting, u, scores,
        persistentDialFailures, timers, prng, started, bannedIds, idleInbound, occupied);
  }

  PeerState withScores(PSortedMap<NodeId, Integer> s) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, s,
        persistentDialFailures, timers, prng, started, bannedIds, idleInbound, occupied);
  }

  PeerState withPersistentDialFailures(PSortedMap<NodeId, Integer> f) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        f, timers, prng, started, bannedIds, idleInbound, occupied);
  }

  PeerState withTimers(Timers t) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, t, prng, started, bannedIds, idleInbound, occupied);
  }

  PeerState withPrng(Prng p) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, p, started, bannedIds, idleInbound, occupied);
  }

  PeerState withStarted(boolean s) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, s, bannedIds, idleInbound, occupied);
  }

  /**
   * Whether {@code id} is an idle inbound peer not being evicted: one whose first good report ends
   * its idleness (a peer on its way out is not reported). {@code PeerManager.tla} /
   * {@code Pex.tla IsIdleInbound}.
   */
  public boolean isIdleInbound(NodeId id) {
    return !idleInbound.isEmpty() && idleInbound.containsKey(id) && !evicting.containsKey(id);
  }

  /** This state with {@code i} as the idle inbound peers. */
  PeerState withIdleInbound(PSortedMap<NodeId, MonoTime> i) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds, i, occupied);
  }

  /** This state with {@code b} as the bans by ID (the shell restores persisted ones at start). */
  public PeerState withBannedIds(PSortedMap<NodeId, WallTime> b) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, b, idleInbound, occupied);
  }
}
