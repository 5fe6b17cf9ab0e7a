package dev.cairn.core.peer;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddAllResult;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.book.Pick;
import dev.cairn.core.peer.PeerEffect.Dial;
import dev.cairn.core.peer.PeerEffect.Disconnect;
import dev.cairn.core.peer.PeerEffect.PersistBook;
import dev.cairn.core.peer.PeerEffect.PublishPeerUpdate;
import dev.cairn.core.peer.PeerEvent.AddressesLearned;
import dev.cairn.core.peer.PeerEvent.DialFailed;
import dev.cairn.core.peer.PeerEvent.DialRequested;
import dev.cairn.core.peer.PeerEvent.DialSucceeded;
import dev.cairn.core.peer.PeerEvent.InboundAccepted;
import dev.cairn.core.peer.PeerEvent.PeerBanned;
import dev.cairn.core.peer.PeerEvent.PeerDisconnected;
import dev.cairn.core.peer.PeerEvent.PeerErrored;
import dev.cairn.core.peer.PeerEvent.PeerReady;
import dev.cairn.core.peer.PeerEvent.PeerReported;
import dev.cairn.core.peer.PeerEvent.Started;
import dev.cairn.core.peer.PeerEvent.TimerFired;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.pcollections.PSortedMap;

/**
 * The PeerManager: Tendermint v0.35's connection lifecycle, limits, scores, upgrades and retry
 * (ADR-062), over CometBFT v0.34's address book, with Tezos' connection-count maintenance, as
 * one pure function. Each {@code on*} handler is the TLA+ action of the same name as its event
 * in {@code PeerManager.tla}. Decisions that differ from the Go code are listed in
 * {@code core-fsm/DECISIONS.md}.
 *
 * <p>Every accepted event of a started manager ends with {@link #maintain}: trim above
 * {@code maxThreshold}, then dial (persistent peers first, then the book's biased pick) while
 * slots are free.
 */
public final class PeerManager {

  /** The most addresses one {@link AddressesLearned} may carry (CometBFT's maxGetSelection). */
  public static final int MAX_ADDRESSES_PER_EVENT = 250;

  /** v0.35 {@code PeerScorePersistent} (int16 max): persistent and unconditional peers. */
  public static final int SCORE_PERSISTENT = 32767;

  /** Highest score reactor feedback can give a non-persistent peer ({@code PeerManager.tla} ScoreMax). */
  public static final int SCORE_MAX = 32766;

  /** Lowest score (int16 min). */
  public static final int SCORE_MIN = -32768;

  /** Book picks tried per free slot before giving up this round (v0.34 ensurePeers tries 3 per slot). */
  static final int PICK_TRIES = 3;

  private PeerManager() {}

  /** One transition. Never throws for an impossible event: it is {@code Rejected}, state unchanged. */
  public static Step<PeerState, PeerEffect> step(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, PeerEvent event) {
    return switch (event) {
      case Started e -> onStarted(cfg, s, now, wallNow);
      case AddressesLearned e -> onAddressesLearned(cfg, s, now, wallNow, e);
      case DialRequested e -> onDialRequested(cfg, s, now, wallNow, e.address());
      case DialSucceeded e -> onDialSucceeded(cfg, s, now, wallNow, e.address());
      case DialFailed e -> onDialFailed(cfg, s, now, wallNow, e.address());
      case InboundAccepted e -> onInboundAccepted(cfg, s, now, wallNow, e.remote());
      case PeerReady e -> onPeerReady(cfg, s, e.peer());
      case PeerDisconnected e -> onPeerDisconnected(cfg, s, now, wallNow, e.address());
      case PeerErrored e -> onPeerErrored(cfg, s, now, wallNow, e.peer());
      case PeerReported e -> onPeerReported(cfg, s, now, wallNow, e.peer(), e.feedback());
      case PeerBanned e -> onPeerBanned(cfg, s, now, wallNow, e.peer(), e.duration());
      case TimerFired e -> onTimerFired(cfg, s, now, wallNow);
    };
  }

  /** The earliest armed timer; the shell keeps exactly one wake-up scheduled at it. */
  public static Optional<MonoTime> nextDeadline(PeerState s) {
    return s.timers().nextDeadline();
  }

  // ---------------------------------------------------------------- handlers (TLA+ actions)

  /** @see "PeerManager.tla Started" */
  static Step<PeerState, PeerEffect> onStarted(PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow) {
    if (s.started()) {
      return Step.rejected(s, "already started");
    }
    Tx tx = new Tx(cfg, s.withStarted(true));
    tx.arm(TimerKey.MAINTENANCE, now.plusNanos(cfg.maintenanceInterval().toNanos()));
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla AddressesLearned" */
  static Step<PeerState, PeerEffect> onAddressesLearned(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, AddressesLearned e) {
    if (e.addresses().size() > MAX_ADDRESSES_PER_EVENT) {
      return Step.rejected(s, e.addresses().size() + " addresses in one event, more than "
          + MAX_ADDRESSES_PER_EVENT);
    }
    Tx tx = new Tx(cfg, s);
    List<NodeAddress> learned = e.addresses();
    if (!s.bannedIds().isEmpty()) {
      learned = new ArrayList<>(learned.size());
      for (NodeAddress a : e.addresses()) {
        // Refused while the ban is on record, expired or not: an expired ban ends only where
        // bans are lifted (then the peer may be learned again), never half-way, with its ID
        // still banned while its address is already dialable (PeerManager.tla AddressesLearned).
        if (!s.bannedIds().containsKey(a.id())) {
          learned.add(a); // as the book refuses its own banned IDs
        }
      }
    }
    // one batch: the same book and draws as adding one by one, at a fraction of the cost
    AddAllResult r = s.book().addAll(cfg.book(), learned, e.source(), wallNow, s.prng());
    tx.s = tx.s.withPrng(r.prng());
    tx.setBook(r.book());
    tx.forget(cfg, r.forgotten());
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla DialRequested" */
  static Step<PeerState, PeerEffect> onDialRequested(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, NodeAddress address) {
    NodeId id = address.id();
    if (id.equals(cfg.self())) {
      return Step.rejected(s, "dial of ourselves");
    }
    if (s.connected().containsKey(id) || s.dialing().containsKey(id)) {
      return Step.rejected(s, id + " is already connected or dialing");
    }
    Tx tx = new Tx(cfg, s);
    tx.reinstateExpiredBans(cfg, wallNow);
    if (isBanned(tx.s, id, wallNow)) {
      return Step.rejected(s, id + " is banned");
    }
    Optional<Optional<NodeId>> room = dialRoom(cfg, tx.s, tx.counts(), id);
    if (room.isEmpty()) {
      return Step.rejected(s, "no outbound slot free for " + id);
    }
    tx.dial(address, room.get());
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla DialSucceeded" */
  static Step<PeerState, PeerEffect> onDialSucceeded(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, NodeAddress address) {
    NodeId id = address.id();
    if (!address.equals(s.dialing().get(id))) {
      Connection admitted = s.connected().get(id);
      if (admitted != null && admitted.address().equals(address)) {
        return Step.rejected(s, id + " is already connected at " + address);
      }
      // the dial was cancelled (ban, inbound won): close this connection, keep everything else
      DisconnectReason why = s.connected().containsKey(id) ? DisconnectReason.DUPLICATE
          : DisconnectReason.NOT_DIALING;
      return Step.accepted(s, List.of(new Disconnect(id, address, why)));
    }
    Tx tx = new Tx(cfg, s);
    tx.stopDialing(id); // its reservation is released: the lowest victim is chosen afresh
    if (isBanned(tx.s, id, wallNow)) {
      tx.refuse(id, address, DisconnectReason.BANNED);
      return tx.finish(cfg, now, wallNow);
    }
    Optional<Optional<NodeId>> admission = admission(cfg, tx.s, tx.counts(), id, Direction.OUTBOUND);
    if (admission.isEmpty()) {
      tx.refuse(id, address, DisconnectReason.FULL);
      tx.coolDown(cfg, id, now);
      return tx.finish(cfg, now, wallNow);
    }
    tx.connect(id, new Connection(Direction.OUTBOUND, address), admission.get());
    if (!tx.s.persistentDialFailures().isEmpty()) {
      tx.s = tx.s.withPersistentDialFailures(tx.s.persistentDialFailures().minus(id));
    }
    tx.cancel(new TimerKey.RetryDial(id));
    // a promotion may demote an old entry, which may push a new one out of its bucket; an ID the
    // book does not hold leaves it unchanged (the same object)
    tx.setBook(cfg, tx.s.book().markGood(cfg.book(), id, wallNow), tx.s.book().size());
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla DialFailed" */
  static Step<PeerState, PeerEffect> onDialFailed(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, NodeAddress address) {
    NodeId id = address.id();
    if (!address.equals(s.dialing().get(id))) {
      return Step.rejected(s, id + " is not being dialed at " + address);
    }
    Tx tx = new Tx(cfg, s);
    tx.stopDialing(id);
    boolean persistent = cfg.isPersistent(id);
    int failures;
    if (persistent) {
      failures = saturatedIncrement(tx.s.persistentDialFailures().getOrDefault(id, 0));
      tx.s = tx.s.withPersistentDialFailures(tx.s.persistentDialFailures().plus(id, failures));
    } else if (tx.s.book().contains(id)) {
      tx.setBook(tx.s.book().markAttempt(id, wallNow));
      failures = tx.s.book().lookup().get(id).attempts(); // still there: markAttempt keeps entries
      if (failures >= cfg.maxDialAttempts()) {
        // Given up on for unreachableRetryTime, not banned: v0.34 drops the address after 16
        // failures (counted in memory by IP:port, tendermint#3532), and a ban would refuse the
        // peer's own inbound connections too, so a node back from an outage would find itself
        // banned by every peer that kept dialing it. Only our dials stop.
        tx.arm(new TimerKey.RetryDial(id), now.plusNanos(cfg.unreachableRetryTime().toNanos()));
        return tx.finishWithoutPicks(cfg, now, wallNow);
      }
    } else {
      return tx.finishWithoutPicks(cfg, now, wallNow); // an operator's dial of an address we do not keep
    }
    long delay = tx.retryDelayNanos(cfg, failures, persistent);
    tx.arm(new TimerKey.RetryDial(id), now.plusNanos(delay));
    return tx.finishWithoutPicks(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla InboundAccepted" */
  static Step<PeerState, PeerEffect> onInboundAccepted(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, NodeAddress remote) {
    NodeId id = remote.id();
    if (id.equals(cfg.self())) {
      return Step.accepted(s, List.of(new Disconnect(id, remote, DisconnectReason.SELF)));
    }
    if (s.connected().containsKey(id)) {
      return Step.accepted(s, List.of(new Disconnect(id, remote, DisconnectReason.DUPLICATE)));
    }
    Tx tx = new Tx(cfg, s);
    tx.reinstateExpiredBans(cfg, wallNow);
    if (isBanned(tx.s, id, wallNow)) {
      tx.refuse(id, remote, DisconnectReason.BANNED);
      return tx.finish(cfg, now, wallNow);
    }
    PeerState before = tx.s;
    tx.stopDialing(id); // an inbound connection wins over our dial
    Counts c = tx.counts();
    Optional<Optional<NodeId>> admission = admission(cfg, tx.s, c, id, Direction.INBOUND);
    if (admission.isPresent()) {
      tx.connect(id, new Connection(Direction.INBOUND, remote), admission.get());
    } else {
      Optional<NodeId> idle = idleVictim(cfg, tx.s, c, id);
      if (idle.isEmpty()) {
        tx.s = before; // refused: our dial (if any) goes on
        tx.refuse(id, remote, DisconnectReason.FULL);
        return tx.finish(cfg, now, wallNow);
      }
      tx.s = tx.s.withConnection(id, new Connection(Direction.INBOUND, remote));
      tx.evict(idle.get(), DisconnectReason.EVICTED_IDLE);
    }
    if (cfg.idleInboundEviction() && cfg.isLimited(id) && !cfg.isPersistent(id)) {
      tx.s = tx.s.withIdleInbound(tx.s.idleInbound().plus(id, now)); // idle until reported good
    }
    tx.s = tx.s.withPersistentDialFailures(tx.s.persistentDialFailures().minus(id));
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla PeerReady" */
  static Step<PeerState, PeerEffect> onPeerReady(PeerConfig cfg, PeerState s, NodeId peer) {
    if (!s.connected().containsKey(peer)) {
      return Step.rejected(s, peer + " is not connected");
    }
    if (s.ready().contains(peer)) {
      return Step.rejected(s, peer + " is already ready");
    }
    if (s.evicting().containsKey(peer)) {
      return Step.rejected(s, peer + " is being evicted");
    }
    return Step.accepted(s.withReady(s.ready().plus(peer)),
        List.of(new PublishPeerUpdate(peer, PeerStatus.UP)));
  }

  /** @see "PeerManager.tla PeerDisconnected" */
  static Step<PeerState, PeerEffect> onPeerDisconnected(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, NodeAddress address) {
    NodeId id = address.id();
    Connection c = s.connected().get(id);
    if (c == null || !c.address().equals(address)) {
      return Step.rejected(s, "no admitted connection of " + id + " at " + address);
    }
    Tx tx = new Tx(cfg, s);
    tx.s = tx.s.withoutConnection(id).withUpgrading(tx.s.upgrading().minus(id));
    if (tx.s.ready().contains(id)) {
      tx.s = tx.s.withReady(tx.s.ready().minus(id));
      tx.out.add(new PublishPeerUpdate(id, PeerStatus.DOWN));
    }
    if (!tx.s.book().contains(id)) {
      tx.s = tx.s.withScores(tx.s.scores().minus(id));
    }
    tx.coolDown(cfg, id, now);
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla PeerErrored" */
  static Step<PeerState, PeerEffect> onPeerErrored(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, NodeId peer) {
    if (!s.connected().containsKey(peer)) {
      return Step.rejected(s, peer + " is not connected");
    }
    Tx tx = new Tx(cfg, s);
    if (!s.evicting().containsKey(peer)) {
      tx.evict(peer, DisconnectReason.ERRORED);
    }
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla PeerReported" */
  static Step<PeerState, PeerEffect> onPeerReported(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, NodeId peer, Feedback feedback) {
    if (!s.connected().containsKey(peer)) {
      return Step.rejected(s, peer + " is not connected");
    }
    if (feedback == Feedback.GOOD && s.isIdleInbound(peer)) {
      // the first good report of an idle inbound peer ends its idleness (it keeps its slot when
      // inbound is full); later reports move its score
      Tx tx = new Tx(cfg, s.withIdleInbound(s.idleInbound().minus(peer)));
      return tx.finish(cfg, now, wallNow);
    }
    int old = s.scores().getOrDefault(peer, 0);
    int updated = switch (feedback) {
      case GOOD -> Math.min(SCORE_MAX, old + 1);
      case BAD -> Math.max(SCORE_MIN, old - 1);
    };
    Tx tx = new Tx(cfg, s.withScores(s.scores().plus(peer, updated)));
    NodeId upgrader = tx.s.upgrading().get(peer);
    if (upgrader != null && score(cfg, tx.s, peer) >= score(cfg, tx.s, upgrader)) {
      tx.s = tx.s.withUpgrading(tx.s.upgrading().minus(peer)); // no longer a strictly lower victim
    }
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla PeerBanned" */
  static Step<PeerState, PeerEffect> onPeerBanned(
      PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, NodeId peer, Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      return Step.rejected(s, "ban duration " + duration + " is not positive");
    }
    if (peer.equals(cfg.self())) {
      return Step.rejected(s, "ban of ourselves");
    }
    Tx tx = new Tx(cfg, s);
    if (cfg.isPersistent(peer) || cfg.isUnconditional(peer)) {
      if (s.connected().containsKey(peer) && !s.evicting().containsKey(peer)) {
        tx.evict(peer, DisconnectReason.BANNED); // disconnected, not banned: redialed after cool-down
      }
      return tx.finish(cfg, now, wallNow);
    }
    // an inbound connection's remote socket is not a dialable address: such a peer is banned by ID
    Connection c = s.connected().get(peer);
    Optional<NodeAddress> known = c != null
        ? Optional.of(c.address()).filter(a -> c.direction() == Direction.OUTBOUND)
        : Optional.ofNullable(s.dialing().get(peer));
    tx.ban(cfg, peer, known, wallNow.plusMillis(duration.toMillis()));
    return tx.finish(cfg, now, wallNow);
  }

  /** @see "PeerManager.tla TimerFired" */
  static Step<PeerState, PeerEffect> onTimerFired(PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow) {
    List<TimerKey> expired = s.timers().expired(now);
    if (expired.isEmpty()) {
      return Step.rejected(s, "no timer expired at " + now);
    }
    Tx tx = new Tx(cfg, s);
    for (TimerKey key : expired) {
      tx.cancel(key);
      switch (key) {
        case TimerKey.Maintenance m -> {
          tx.arm(TimerKey.MAINTENANCE, now.plusNanos(cfg.maintenanceInterval().toNanos()));
          tx.reinstateExpiredBans(cfg, wallNow);
        }
        case TimerKey.RetryDial r -> { } // the peer may be dialed again: a persistent one now, a book one
        case TimerKey.DisconnectCooldown d -> { } // at the next maintenance or news
      }
    }
    return expired.contains(TimerKey.MAINTENANCE) ? tx.finish(cfg, now, wallNow)
        : tx.finishWithoutPicks(cfg, now, wallNow);
  }

  // ---------------------------------------------------------------- queries used by handlers and invariants

  /** Whether {@code id} is banned at {@code wallNow}: in the book, or by ID only ({@code bannedIds}). */
  public static boolean isBanned(PeerState s, NodeId id, WallTime wallNow) {
    return s.book().isBanned(id, wallNow) || isBannedById(s, id, wallNow);
  }

  private static boolean isBannedById(PeerState s, NodeId id, WallTime wallNow) {
    if (s.bannedIds().isEmpty()) {
      return false; // the common case: no search
    }
    WallTime until = s.bannedIds().get(id);
    return until != null && until.isAfter(wallNow);
  }

  /**
   * v0.35 {@code Score}: persistent and unconditional peers score {@link #SCORE_PERSISTENT};
   * others their reactor feedback (at most {@link #SCORE_MAX}) minus their consecutive
   * failed dials, at least {@link #SCORE_MIN}.
   */
  public static int score(PeerConfig cfg, PeerState s, NodeId id) {
    if (cfg.isPersistent(id) || cfg.isUnconditional(id)) {
      return SCORE_PERSISTENT;
    }
    long mutable = Math.min(SCORE_MAX, s.scores().getOrDefault(id, 0));
    long failures = s.book().get(id).map(KnownAddress::attempts).orElse(0);
    return (int) Math.max(SCORE_MIN, mutable - failures);
  }

  /** Connection counts over limited peers; evicting peers are not counted as occupying a slot. */
  record Counts(int inbound, int outbound, int dialing, int connectedNotEvicting, int connectedAll) {

    /** Outbound connections plus dials in flight, as CometBFT's ensurePeers counts them. */
    int outboundWithDialing() {
      return outbound + dialing;
    }
  }

  /**
   * The counts, from the state's derived {@link PeerState#occupied()} and the map sizes, minus
   * the unconditional peers (a config-bounded set, usually empty): no scan of {@code connected}.
   */
  static Counts counts(PeerConfig cfg, PeerState s) {
    int in = s.occupied().inbound();
    int out = s.occupied().outbound();
    int all = s.connected().size();
    int dialing = s.dialing().size();
    if (cfg.unconditionalPeerIds().isEmpty()) {
      return new Counts(in, out, dialing, in + out, all); // the usual case: no iterator
    }
    for (NodeId u : cfg.unconditionalPeerIds()) {
      Connection c = s.connected().get(u);
      if (c != null) {
        all--;
        if (!s.evicting().containsKey(u)) {
          switch (c.direction()) {
            case INBOUND -> in--;
            case OUTBOUND -> out--;
          }
        }
      }
      if (s.dialing().containsKey(u)) {
        dialing--;
      }
    }
    return new Counts(in, out, dialing, in + out, all);
  }

  /** {@link #counts} by a scan of every connection and dial, without the derived counts: what they must equal. */
  static Counts countsByScan(PeerConfig cfg, PeerState s) {
    int in = 0;
    int out = 0;
    int all = 0;
    for (Map.Entry<NodeId, Connection> e : s.connected().entrySet()) {
      if (!cfg.isLimited(e.getKey())) {
        continue;
      }
      all++;
      if (s.evicting().containsKey(e.getKey())) {
        continue;
      }
      switch (e.getValue().direction()) {
        case INBOUND -> in++;
        case OUTBOUND -> out++;
      }
    }
    int dialing = 0;
    for (NodeId id : s.dialing().keySet()) {
      if (cfg.isLimited(id)) {
        dialing++;
      }
    }
    return new Counts(in, out, dialing, in + out, all);
  }

  /**
   * Whether {@code id} may be admitted in {@code direction} now (its own dial already removed
   * from {@code dialing}, its reservation released). Empty: refused. Present and empty: a free
   * slot. Present with a victim: the slot of that strictly lower-scored peer, to be evicted
   * (v0.35 upgrade; the lowest victim at this moment, which is the reserved one or an even
   * lower one that connected meanwhile).
   */
  static Optional<Optional<NodeId>> admission(
      PeerConfig cfg, PeerState s, Counts c, NodeId id, Direction direction) {
    if (!cfg.isLimited(id)) {
      return Optional.of(Optional.empty());
    }
    if (c.connectedAll() >= cfg.maxConnected() + cfg.maxConnectedUpgrade()) {
      return Optional.empty();
    }
    boolean directionFull = switch (direction) {
      case INBOUND -> c.inbound() >= cfg.maxInbound();
      case OUTBOUND -> c.outboundWithDialing() >= cfg.maxOutbound();
    };
    boolean totalFull = c.connectedNotEvicting() >= cfg.maxConnected();
    if (!directionFull && !totalFull) {
      return Optional.of(Optional.empty());
    }
    Optional<Direction> restrict = directionFull ? Optional.of(direction) : Optional.empty();
    return findVictim(cfg, s, id, restrict).map(Optional::of);
  }

  /**
   * The inbound slot an inbound newcomer {@code id} that {@link #admission} refused may take:
   * the idle inbound peer ({@link PeerState#idleInbound}) admitted longest ago (ties: the smallest
   * ID), not being evicted and not reserved by an upgrade; empty when there is none, or when the
   * newcomer is unconditional or no connection may be opened beside the closing one (at
   * {@code maxConnected + maxConnectedUpgrade}). Evicting it frees a slot whichever limit was
   * reached: it occupies an inbound slot and a connected one. Persistent and unconditional peers
   * are never idle, so never taken this way.
   */
  static Optional<NodeId> idleVictim(PeerConfig cfg, PeerState s, Counts c, NodeId id) {
    if (!cfg.isLimited(id) || s.idleInbound().isEmpty()
        || c.connectedAll() >= cfg.maxConnected() + cfg.maxConnectedUpgrade()) {
      return Optional.empty();
    }
    NodeId oldest = null;
    MonoTime oldestSince = null;
    for (Map.Entry<NodeId, MonoTime> e : s.idleInbound().entrySet()) {
      NodeId v = e.getKey();
      if (s.evicting().containsKey(v) || s.upgrading().containsKey(v)) {
        continue;
      }
      if (oldestSince == null || e.getValue().isBefore(oldestSince)) {
        oldest = v;
        oldestSince = e.getValue();
      }
    }
    return Optional.ofNullable(oldest);
  }

  /**
   * Whether a dial of {@code id} may start now: empty if not; present and empty for a free
   * slot; present with a victim for an upgrade dial (only peers scored above every
   * non-persistent peer, i.e. persistent ones, find a victim among book candidates' scores).
   */
  static Optional<Optional<NodeId>> dialRoom(PeerConfig cfg, PeerState s, Counts c, NodeId id) {
    if (!cfg.isLimited(id)) {
      return Optional.of(Optional.empty());
    }
    if (c.connectedAll() + c.dialing() >= cfg.maxConnected() + cfg.maxConnectedUpgrade()
        || c.dialing() >= cfg.maxOutbound() + cfg.maxConnectedUpgrade()) {
      // the second: an upgrade dial whose reservation was dropped (its victim's score rose) still
      // dials, and the upgrades after it would pile dials past the limit (core revision 5)
      return Optional.empty();
    }
    boolean outboundFull = c.outboundWithDialing() >= cfg.maxOutbound();
    boolean totalFull = c.connectedNotEvicting() + c.dialing() >= cfg.maxConnected();
    if (!outboundFull && !totalFull) {
      return Optional.of(Optional.empty());
    }
    Optional<Direction> restrict = outboundFull ? Optional.of(Direction.OUTBOUND) : Optional.empty();
    return findVictim(cfg, s, id, restrict).map(Optional::of);
  }

  /**
   * v0.35 {@code findUpgradeCandidate}: the lowest-scored connected, limited, not evicting peer
   * (ties: the smallest ID) whose score is strictly below the candidate's and which no other
   * upgrader has reserved; the candidate's own reservation counts as free.
   */
  static Optional<NodeId> findVictim(
      PeerConfig cfg, PeerState s, NodeId candidate, Optional<Direction> direction) {
    int candidateScore = score(cfg, s, candidate);
    NodeId best = null;
    int bestScore = Integer.MAX_VALUE;
    for (Map.Entry<NodeId, Connection> e : s.connected().entrySet()) {
      NodeId v = e.getKey();
      if (!cfg.isLimited(v) || s.evicting().containsKey(v)) {
        continue;
      }
      if (direction.isPresent() && e.getValue().direction() != direction.get()) {
        continue;
      }
      NodeId holder = s.upgrading().get(v);
      if (holder != null && !holder.equals(candidate)) {
        continue;
      }
      int sc = score(cfg, s, v);
      if (sc < candidateScore && sc < bestScore) {
        best = v;
        bestScore = sc;
      }
    }
    return Optional.ofNullable(best);
  }

  /** v0.35.2+ linear retry: {@code minRetryTime × failures + U[0, jitter)}, capped; 0 for no failure. */
  static long retryDelayNanos(PeerConfig cfg, int failures, boolean persistent, long jitterNanos) {
    if (failures <= 0) {
      return 0;
    }
    long cap = (persistent ? cfg.maxRetryTimePersistent() : cfg.maxRetryTime()).toNanos();
    long base = cfg.minRetryTime().toNanos();
    long linear = base > cap / failures ? cap : base * failures;
    long delay = linear > cap - jitterNanos ? cap : linear + jitterNanos;
    return Math.min(delay, cap);
  }

  private static int saturatedIncrement(int n) {
    return n == Integer.MAX_VALUE ? n : n + 1;
  }

  // ---------------------------------------------------------------- the transaction of one step

  /**
   * The state and effects being built by one step. Local to a step and never shared, so the
   * step stays a pure function; leaf helpers here compute what changes.
   */
  private static final class Tx {
    PeerState s;
    final List<PeerEffect> out = new ArrayList<>();
    private final PeerState initial;
    private final PeerConfig cfg;

    Tx(PeerConfig cfg, PeerState s) {
      this.cfg = cfg;
      this.s = s;
      this.initial = s;
    }

    Counts counts() {
      Counts c = PeerManager.counts(cfg, s);
      // tests run with -ea: the derived counts are checked against a full count at every use
      assert c.equals(countsByScan(cfg, s)) : c + " != " + countsByScan(cfg, s) + " in " + s;
      return c;
    }

    Step<PeerState, PeerEffect> finish(PeerConfig cfg, MonoTime now, WallTime wallNow) {
      return finish(cfg, now, wallNow, true);
    }

    /**
     * {@link #finish} without book picks: a step that only ends a dial, a retry delay or a
     * cool-down. Book picks follow news (an address learned, a slot freed) and the maintenance
     * timer, as CometBFT's ensure-peers round: failing dials do not chain into more dials (a PEX
     * answer of unreachable addresses made a node dial them as fast as they failed).
     */
    Step<PeerState, PeerEffect> finishWithoutPicks(PeerConfig cfg, MonoTime now, WallTime wallNow) {
      return finish(cfg, now, wallNow, false);
    }

    private Step<PeerState, PeerEffect> finish(PeerConfig cfg, MonoTime now, WallTime wallNow, boolean picks) {
      if (s.started()) {
        maintain(cfg, this, now, wallNow, picks);
      }
      if (s.book() != initial.book()) {
        out.add(new PersistBook(s.book()));
      }
      return Step.accepted(s, out);
    }

    void setBook(AddressBook b) {
      if (b != s.book()) {
        s = s.withBook(b);
      }
    }

    void arm(TimerKey key, MonoTime at) {
      s = s.withTimers(s.timers().arm(key, at));
    }

    void cancel(TimerKey key) {
      Timers t = s.timers().cancel(key);
      if (t != s.timers()) { // none armed: the same timers, no new state
        s = s.withTimers(t);
      }
    }

    /** Removes {@code id} from dialing and returns the victim it had reserved, if any. */
    Optional<NodeId> stopDialing(NodeId id) {
      s = s.withDialing(s.dialing().minus(id));
      if (s.upgrading().isEmpty()) {
        return Optional.empty(); // no iterator for the common case
      }
      for (Map.Entry<NodeId, NodeId> e : s.upgrading().entrySet()) {
        if (e.getValue().equals(id)) {
          s = s.withUpgrading(s.upgrading().minus(e.getKey()));
          return Optional.of(e.getKey());
        }
      }
      return Optional.empty();
    }

    void dial(NodeAddress address, Optional<NodeId> victim) {
      NodeId id = address.id();
      s = s.withDialing(s.dialing().plus(id, address));
      victim.ifPresent(v -> s = s.withUpgrading(s.upgrading().plus(v, id)));
      out.add(new Dial(address));
    }

    void connect(NodeId id, Connection c, Optional<NodeId> victim) {
      s = s.withConnection(id, c);
      victim.ifPresent(v -> evict(v, DisconnectReason.EVICTED_FOR_UPGRADE));
    }

    /** Asks the shell to close an admitted connection; the peer stays connected until PeerDisconnected. */
    void evict(NodeId id, DisconnectReason reason) {
      Connection c = s.connected().get(id);
      s = s.withEviction(id, reason).withUpgrading(s.upgrading().minus(id));
      out.add(new Disconnect(id, c.address(), reason));
    }

    /** Closes a connection that is not admitted. */
    void refuse(NodeId id, NodeAddress address, DisconnectReason reason) {
      out.add(new Disconnect(id, address, reason));
    }

    /** Holds back redials of a peer we would dial (persistent or in the book). */
    void coolDown(PeerConfig cfg, NodeId id, MonoTime now) {
      if (!cfg.disconnectCooldown().isZero() && (cfg.isPersistent(id) || s.book().contains(id))) {
        arm(new TimerKey.DisconnectCooldown(id), now.plusNanos(cfg.disconnectCooldown().toNanos()));
      }
    }

    long retryDelayNanos(PeerConfig cfg, int failures, boolean persistent) {
      long jitter = 0;
      long bound = cfg.retryTimeJitter().toNanos();
      if (bound > 0) {
        Prng.Bounded d = s.prng().nextBelow(bound);
        jitter = d.value();
        s = s.withPrng(d.next());
      }
      return PeerManager.retryDelayNanos(cfg, failures, persistent, jitter);
    }

    /**
     * Bans a non-persistent peer: book entry banned (or, for a peer the book does not know, its
     * dialable address; for one connected inbound, its ID alone in {@code bannedIds}; otherwise
     * nothing is recorded), dial cancelled, connection evicted, timers dropped.
     */
    void ban(PeerConfig cfg, NodeId id, Optional<NodeAddress> address, WallTime until) {
      AddressBook b = s.book();
      boolean inBook = b.contains(id) || b.bans().containsKey(id);
      if (inBook || address.isPresent()) {
        setBook(inBook ? b.ban(cfg.book(), id, until) : b.ban(cfg.book(), address.get(), until));
        s = s.withBannedIds(s.bannedIds().minus(id)); // one record per banned peer
      } else if (s.connected().containsKey(id)) {
        banById(cfg, id, until); // connected inbound: its remote socket must not become dialable
      }
      if (s.dialing().containsKey(id)) {
        stopDialing(id);
      }
      if (s.connected().containsKey(id) && !s.evicting().containsKey(id)) {
        evict(id, DisconnectReason.BANNED);
      }
      cancel(new TimerKey.RetryDial(id));
      cancel(new TimerKey.DisconnectCooldown(id));
      if (!s.connected().containsKey(id)) {
        s = s.withScores(s.scores().minus(id));
      }
    }

    /**
     * Records a ban of a peer with no dialable address by its ID alone; a repeated ban keeps the
     * later expiry. At the book's {@code maxBanned} the ban expiring first (ties: smallest ID)
     * is forgotten, as the book does with its own bans.
     */
    void banById(PeerConfig cfg, NodeId id, WallTime until) {
      WallTime previous = s.bannedIds().get(id);
      WallTime later = previous != null && previous.isAfter(until) ? previous : until;
      var bans = s.bannedIds().plus(id, later);
      while (bans.size() > cfg.book().maxBanned()) {
        NodeId first = null;
        for (Map.Entry<NodeId, WallTime> e : bans.entrySet()) {
          if (first == null || e.getValue().isBefore(bans.get(first))) {
            first = e.getKey();
          }
        }
        bans = bans.minus(first);
      }
      s = s.withBannedIds(bans);
    }

    void reinstateExpiredBans(PeerConfig cfg, WallTime wallNow) {
      liftExpiredBansById(wallNow);
      AddressBook b = s.book().reinstateExpiredBans(cfg.book(), wallNow);
      if (b != s.book()) {
        setBook(b); // a reinstated entry may push another out of a full bucket
        pruneForgotten(cfg);
      }
    }

    /** Forgets expired bans by ID; nothing enters the book (there is no address to dial). */
    void liftExpiredBansById(WallTime wallNow) {
      var bans = s.bannedIds();
      for (Map.Entry<NodeId, WallTime> e : s.bannedIds().entrySet()) {
        if (!e.getValue().isAfter(wallNow)) {
          bans = bans.minus(e.getKey());
        }
      }
      if (bans != s.bannedIds()) {
        s = s.withBannedIds(bans);
      }
    }

    /**
     * Sets a book that should hold {@code expectedSize} entries if nothing was pushed out of a
     * full bucket; when something was, forgets that peer's timers and score.
     */
    void setBook(PeerConfig cfg, AddressBook b, int expectedSize) {
      setBook(b);
      if (b.size() < expectedSize) {
        pruneForgotten(cfg);
      }
    }

    /**
     * {@link #pruneForgotten} for the peers that just left the book, named by the book: the
     * invariants (timers and scores only for known peers) held before, so only these can break
     * them now, and no scan of every timer and score is needed.
     *
     * @see "PeerManager.tla Forget (which peers leave: ForgetChoices, the environment's there)"
     */
    void forget(PeerConfig cfg, List<NodeId> leftTheBook) {
      for (NodeId id : leftTheBook) {
        if (!cfg.isPersistent(id)) {
          cancel(new TimerKey.RetryDial(id));
          cancel(new TimerKey.DisconnectCooldown(id));
        }
        if (!s.scores().isEmpty() && s.scores().containsKey(id) && !s.connected().containsKey(id)) {
          s = s.withScores(s.scores().minus(id));
        }
      }
    }

    /** Drops per-peer timers and scores of peers the book no longer holds (bounded by the book). */
    void pruneForgotten(PeerConfig cfg) {
      Timers t = s.timers();
      for (TimerKey k : t.deadlines().keySet()) {
        NodeId id = switch (k) {
          case TimerKey.Maintenance m -> null;
          case TimerKey.RetryDial r -> r.peer();
          case TimerKey.DisconnectCooldown d -> d.peer();
        };
        if (id != null && !cfg.isPersistent(id) && !s.book().contains(id)) {
          t = t.cancel(k);
        }
      }
      var scores = s.scores();
      for (NodeId id : s.scores().keySet()) {
        if (!s.connected().containsKey(id) && !s.book().contains(id)) {
          scores = scores.minus(id);
        }
      }
      s = s.withTimers(t).withScores(scores);
    }
  }

  // ---------------------------------------------------------------- maintenance (run after every accepted event)

  /**
   * Tezos maintenance over the v0.35 limits: above {@code maxThreshold} disconnect inbound
   * peers, lowest score first, then outbound ones (never persistent or unconditional) down to
   * {@code maxTarget}; then dial persistent peers that are due, then book picks while outbound
   * slots are free and the total stays at or below {@code maxThreshold}. A seed makes no book
   * picks: CometBFT seeds never run ensure-peers, they dial only to crawl (PEX's
   * {@link PeerEvent.DialRequested} hand-offs, which meet the same limits, bans and cool-downs).
   *
   * @see "PeerManager.tla Maintain"
   */
  static void maintain(PeerConfig cfg, Tx tx, MonoTime now, WallTime wallNow, boolean picks) {
    trimAboveMaxThreshold(cfg, tx);
    // the persistent peers once per maintenance (a walk of the config's sorted set), for both
    NodeAddress[] persistent = cfg.persistentPeers().isEmpty() ? NO_ADDRESSES
        : cfg.persistentPeers().toArray(NO_ADDRESSES);
    dialPersistentPeers(cfg, tx, wallNow, persistent);
    if (!cfg.seedMode() && picks) {
      dialBookPicks(cfg, tx, wallNow, persistent);
    }
  }

  private static final NodeAddress[] NO_ADDRESSES = new NodeAddress[0];

  static void trimAboveMaxThreshold(PeerConfig cfg, Tx tx) {
    if (tx.s.connected().size() <= cfg.maxThreshold()) {
      return; // occupied connections are a subset of connected ones: nothing to count
    }
    int n = tx.counts().connectedNotEvicting();
    if (n <= cfg.maxThreshold()) {
      return;
    }
    for (int excess = n - cfg.maxTarget(); excess > 0; excess--) {
      NodeId lowest = null;
      long lowestRank = Long.MAX_VALUE;
      for (Map.Entry<NodeId, Connection> e : tx.s.connected().entrySet()) {
        NodeId id = e.getKey();
        if (!cfg.isLimited(id) || cfg.isPersistent(id) || tx.s.evicting().containsKey(id)) {
          continue;
        }
        // inbound peers go first: outbound peers are the ones we chose (eclipse resistance)
        long rank = (e.getValue().direction() == Direction.INBOUND ? 0L : 1L << 32)
            + score(cfg, tx.s, id) - SCORE_MIN;
        if (rank < lowestRank) {
          lowest = id;
          lowestRank = rank;
        }
      }
      if (lowest == null) {
        return; // only persistent peers left above the threshold: they stay
      }
      tx.evict(lowest, DisconnectReason.ABOVE_MAX_THRESHOLD);
    }
  }

  /**
   * Whether {@code id} may be dialed now, apart from limits: not ourselves, connected or dialing,
   * not in retry delay or disconnect cool-down, not banned. PEX's crawl reads it too.
   */
  public static boolean dialable(PeerConfig cfg, PeerState s, NodeId id, WallTime wallNow) {
    return !id.equals(cfg.self())
        && !s.connected().containsKey(id)
        && !s.dialing().containsKey(id)
        && !s.timers().isRetryDialArmed(id)
        && !s.timers().isDisconnectCooldownArmed(id)
        && !isBanned(s, id, wallNow);
  }

  /** Dials the persistent peers ({@code persistent}: the config's, in its order) that are due. */
  static void dialPersistentPeers(PeerConfig cfg, Tx tx, WallTime wallNow, NodeAddress[] persistent) {
    for (NodeAddress a : persistent) {
      if (!dialable(cfg, tx.s, a.id(), wallNow)) {
        continue;
      }
      Optional<Optional<NodeId>> room = dialRoom(cfg, tx.s, tx.counts(), a.id());
      if (room.isPresent()) {
        tx.dial(a, room.get());
      }
    }
  }

  /**
   * CometBFT's ensurePeers: the bias towards new addresses grows with the outbound count
   * ({@code min(out, 8) × 10 + 10}); {@link #PICK_TRIES} picks per free slot. A configured seed is
   * never picked ({@link PeerConfig#seedIds}): PEX dials seeds for addresses when the book needs them.
   */
  static void dialBookPicks(PeerConfig cfg, Tx tx, WallTime wallNow, NodeAddress[] persistentPeers) {
    Counts c = tx.counts();
    // never dial past maxThreshold, so that our own dials never trigger a trim
    int budget = Math.min(cfg.maxOutbound() - c.outboundWithDialing(),
        cfg.maxThreshold() - (c.connectedNotEvicting() + c.dialing()));
    int bias = Math.min(c.outbound(), 8) * 10 + 10;
    if (budget <= 0) {
      return;
    }
    // the persistent IDs once, not a search of the address set per drawn entry
    NodeId[] persistent = new NodeId[persistentPeers.length];
    for (int i = 0; i < persistent.length; i++) {
      persistent[i] = persistentPeers[i].id();
    }
    while (budget > 0) {
      PeerState now = tx.s;
      Predicate<KnownAddress> eligible = ka -> !isAmong(ka.id(), persistent) && !cfg.isSeed(ka.id())
          && dialable(cfg, now, ka.id(), wallNow);
      Pick p = now.book().pickAddress(bias, now.prng(), eligible, PICK_TRIES);
      tx.s = tx.s.withPrng(p.prng());
      if (p.picked().isEmpty()) {
        return;
      }
      tx.dial(p.picked().get().addr(), Optional.empty());
      budget--;
    }
  }

  private static boolean isAmong(NodeId id, NodeId[] ids) {
    for (NodeId x : ids) {
      if (x.equals(id)) {
        return true;
      }
    }
    return false;
  }
}
