package dev.cairn.core.peer;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
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
    PSortedMap<NodeId, WallTime> bannedIds) {

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
  }

  /**
   * A state with no ID-only bans: the shape of {@link PeerState} before {@code bannedIds}, kept
   * for callers that build states field by field. Rebuilding an existing state with it drops its
   * {@code bannedIds}; pass them on with the canonical constructor instead.
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
        Timers.empty(), prng, false, TreePMap.empty());
  }

  PeerState withBook(AddressBook b) {
    return new PeerState(b, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds);
  }

  PeerState withDialing(PSortedMap<NodeId, NodeAddress> d) {
    return new PeerState(book, d, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds);
  }

  PeerState withConnected(PSortedMap<NodeId, Connection> c) {
    return new PeerState(book, dialing, c, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds);
  }

  PeerState withReady(PSortedSet<NodeId> r) {
    return new PeerState(book, dialing, connected, r, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds);
  }

  PeerState withEvicting(PSortedMap<NodeId, DisconnectReason> e) {
    return new PeerState(book, dialing, connected, ready, e, upgrading, scores,
        persistentDialFailures, timers, prng, started, bannedIds);
  }

  PeerState withUpgrading(PSortedMap<NodeId, NodeId> u) {
    return new PeerState(book, dialing, connected, ready, evicting, u, scores,
        persistentDialFailures, timers, prng, started, bannedIds);
  }

  PeerState withScores(PSortedMap<NodeId, Integer> s) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, s,
        persistentDialFailures, timers, prng, started, bannedIds);
  }

  PeerState withPersistentDialFailures(PSortedMap<NodeId, Integer> f) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        f, timers, prng, started, bannedIds);
  }

  PeerState withTimers(Timers t) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, t, prng, started, bannedIds);
  }

  PeerState withPrng(Prng p) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, p, started, bannedIds);
  }

  PeerState withStarted(boolean s) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, s, bannedIds);
  }

  /** This state with {@code b} as the bans by ID (the shell restores persisted ones at start). */
  public PeerState withBannedIds(PSortedMap<NodeId, WallTime> b) {
    return new PeerState(book, dialing, connected, ready, evicting, upgrading, scores,
        persistentDialFailures, timers, prng, started, b);
  }
}
