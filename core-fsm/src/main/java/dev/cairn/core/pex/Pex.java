package dev.cairn.core.pex;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.EntryFilter;
import dev.cairn.core.book.IpClass;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.book.Selection;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerManager;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.pex.PexEffect.BanPeer;
import dev.cairn.core.pex.PexEffect.DisconnectPeer;
import dev.cairn.core.pex.PexEffect.LearnAddresses;
import dev.cairn.core.pex.PexEffect.ReportPeer;
import dev.cairn.core.pex.PexEffect.RequestDial;
import dev.cairn.core.pex.PexEffect.SendPexAddrs;
import dev.cairn.core.pex.PexEffect.SendPexAddrsThenDisconnect;
import dev.cairn.core.pex.PexEffect.SendPexRequest;
import dev.cairn.core.pex.PexEvent.PeerDown;
import dev.cairn.core.pex.PexEvent.PeerUp;
import dev.cairn.core.pex.PexEvent.PexAddrsReceived;
import dev.cairn.core.pex.PexEvent.PexMessageMalformed;
import dev.cairn.core.pex.PexEvent.PexRequestReceived;
import dev.cairn.core.pex.PexEvent.Started;
import dev.cairn.core.pex.PexEvent.TimerFired;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;

/**
 * PEX on channel 0x00 as one pure function: CometBFT v0.34's reactor ({@code p2p/pex/pex_reactor.go})
 * with its seed mode, wire-compatible and rate-limit-compatible with Go peers. Each {@code on*}
 * handler is the TLA+ action of the same name as its event in {@code Pex.tla}. PEX reads the
 * PeerManager ({@link PeerView}) and changes it only through {@link PexEffect.HandOff}s.
 * Decisions that differ from the Go code are listed under "PEX" in {@code core-fsm/DECISIONS.md}.
 */
public final class Pex {

  private Pex() {}

  /** One transition. Never throws for an impossible event: it is {@code Rejected}, state unchanged. */
  public static Step<PexState, PexEffect> step(
      PexConfig cfg, PexState s, PeerView view, MonoTime now, WallTime wallNow, PexEvent event) {
    return switch (event) {
      case Started e -> onPexStarted(cfg, s, view, now, wallNow);
      case PeerUp e -> onPeerUp(cfg, s, view, now, e);
      case PeerDown e -> onPeerDown(s, e.peer());
      case PexRequestReceived e -> onPexRequestReceived(cfg, s, view, now, wallNow, e.peer());
      case PexAddrsReceived e -> onPexAddrsReceived(cfg, s, view, now, e);
      case PexMessageMalformed e -> onPexMessageMalformed(cfg, s, e.peer());
      case TimerFired e -> onPexTimerFired(cfg, s, view, now, wallNow);
    };
  }

  /** The earliest armed PEX timer. */
  public static Optional<MonoTime> nextDeadline(PexState s) {
    return s.nextDeadline();
  }

  // ---------------------------------------------------------------- handlers (TLA+ actions)

  /**
   * Arms the first round. As v0.34's {@code ensurePeersRoutine}: if the node already has a
   * connection or a dial in flight, the first round waits a random U[0, ensurePeersPeriod)
   * (thundering herd); otherwise it runs now. Seed mode crawls now (v0.34 dials the seeds or
   * crawls the book at start).
   *
   * @see "Pex.tla OnPexStarted"
   */
  static Step<PexState, PexEffect> onPexStarted(
      PexConfig cfg, PexState s, PeerView view, MonoTime now, WallTime wallNow) {
    if (s.started()) {
      return Step.rejected(s, "already started");
    }
    Tx tx = new Tx(s.withStarted(true));
    if (cfg.seedMode()) {
      crawlRound(cfg, tx, view, now, wallNow);
    } else if (!view.state().connected().isEmpty() || !view.state().dialing().isEmpty()) {
      long jitter = tx.draw(cfg.ensurePeersPeriod().toNanos());
      tx.arm(PexTimerKey.ENSURE_PEERS, now.plusNanos(jitter));
    } else {
      ensurePeersRound(cfg, tx, view, now, wallNow);
    }
    return tx.finish();
  }

  /**
   * v0.34 {@code AddPeer}: an inbound peer's self-reported address is learned with itself as the
   * source; an outbound peer is asked for addresses when the book needs more (in seed mode
   * always: we dialed it to crawl it).
   *
   * @see "Pex.tla OnPeerUp"
   */
  static Step<PexState, PexEffect> onPeerUp(
      PexConfig cfg, PexState s, PeerView view, MonoTime now, PeerUp e) {
    NodeId id = e.peer();
    if (s.peers().containsKey(id)) {
      return Step.rejected(s, id + " is already up");
    }
    if (s.peers().size() >= cfg.maxPeers()) {
      return Step.rejected(s, "already " + s.peers().size() + " peers up, the most maxPeers allows");
    }
    Tx tx = new Tx(s.withPeers(s.peers().plus(id, new PexPeer(e.direction(), e.listenAddress(), now))));
    switch (e.direction()) {
      case INBOUND -> {
        // an idle inbound peer's self-reported address waits for its first accepted message
        // (reportIdle): a peer that only holds a slot never reaches the book, nor our answers
        if (!isIdleInbound(view, id)) {
          learn(view, tx, List.of(e.listenAddress()), e.listenAddress());
        }
      }
      case OUTBOUND -> {
        if (cfg.seedMode()) {
          tx.recordCrawl(cfg, id, now);
          tx.requestAddrs(cfg, id, now);
        } else if (view.state().book().needsMoreAddresses(view.config().book())) {
          tx.requestAddrs(cfg, id, now);
        }
      }
    }
    return tx.finish();
  }

  /**
   * v0.34 {@code RemovePeer}: forget the connection's outstanding request, request history and
   * window, so a reconnecting peer starts afresh (as the Go peer on its side does). Crawl
   * records are kept: they are about the ID, not the connection.
   *
   * @see "Pex.tla OnPeerDown"
   */
  static Step<PexState, PexEffect> onPeerDown(PexState s, NodeId id) {
    if (!s.peers().containsKey(id)) {
      return Step.rejected(s, id + " is not up");
    }
    PexState t = s.withPeers(s.peers().minus(id))
        .withRequestsSent(s.requestsSent().minus(id))
        .withLastAddrsReceived(s.lastAddrsReceived().minus(id))
        .withLastReceivedRequests(s.lastReceivedRequests().minus(id))
        .withDisconnecting(s.disconnecting().minus(id));
    return Step.accepted(t, List.of());
  }

  /**
   * v0.34 {@code Receive(PexRequest)}. Seed mode and an inbound, non-persistent requester: answer
   * once with a selection biased towards new addresses, flush, disconnect. Otherwise the rate
   * check (free requests, then one per window; a request inside the window is abuse) and an
   * unbiased selection.
   *
   * @see "Pex.tla OnPexRequestReceived"
   */
  static Step<PexState, PexEffect> onPexRequestReceived(
      PexConfig cfg, PexState s, PeerView view, MonoTime now, WallTime wallNow, NodeId id) {
    PexPeer p = s.peers().get(id);
    if (p == null) {
      return Step.rejected(s, id + " is not up");
    }
    if (s.disconnecting().contains(id)) {
      return Step.accepted(s, List.of()); // already being disconnected: ignored, as v0.34's seed
    }
    Tx tx = new Tx(s);
    if (cfg.seedMode() && p.direction() == Direction.INBOUND && !view.config().isPersistent(id)) {
      List<NodeAddress> answer = tx.select(cfg, view, wallNow, id, Optional.of(cfg.seedBiasTowardsNew()));
      tx.reportIdle(view, id);
      tx.s = tx.s.withDisconnecting(tx.s.disconnecting().plus(id));
      tx.out.add(new SendPexAddrsThenDisconnect(id, answer));
      return tx.finish();
    }
    ReceivedRequests r = s.lastReceivedRequests().get(id);
    ReceivedRequests next;
    if (r == null) {
      next = new ReceivedRequests(1, now);
    } else if (r.count() < cfg.freeRequests()) {
      next = new ReceivedRequests(r.count() + 1, now);
    } else if (now.nanosSince(r.last()) < cfg.minReceiveRequestInterval().toNanos()) {
      tx.punish(cfg, id);
      return tx.finish();
    } else {
      next = new ReceivedRequests(r.count(), now);
    }
    tx.s = tx.s.withLastReceivedRequests(tx.s.lastReceivedRequests().plus(id, next));
    tx.reportIdle(view, id);
    tx.out.add(new SendPexAddrs(id, tx.select(cfg, view, wallNow, id, Optional.empty())));
    return tx.finish();
  }

  /**
   * v0.34 {@code Receive(PexAddrs)} / {@code ReceiveAddrs}: an answer is accepted only while our
   * request is outstanding and only with at most {@code maxAddressesPerMessage} entries; anything
   * else is abuse. Accepted addresses are filtered (counted) and handed to the book with the
   * sender's self-reported address as source. Seed mode frees the slot of a crawled peer; a node
   * that is not a seed frees the slot of a configured seed it dialed, once it answered.
   *
   * @see "Pex.tla OnPexAddrsReceived"
   */
  static Step<PexState, PexEffect> onPexAddrsReceived(
      PexConfig cfg, PexState s, PeerView view, MonoTime now, PexAddrsReceived e) {
    NodeId id = e.peer();
    PexPeer p = s.peers().get(id);
    if (p == null) {
      return Step.rejected(s, id + " is not up");
    }
    if (s.disconnecting().contains(id)) {
      return Step.accepted(s, List.of());
    }
    Tx tx = new Tx(s);
    if (e.addresses().size() > cfg.maxAddressesPerMessage() || !s.requestsSent().containsKey(id)) {
      tx.punish(cfg, id); // too many addresses (v0.36), or unsolicited (v0.34 ErrUnsolicitedList)
      return tx.finish();
    }
    tx.s = tx.s.withRequestsSent(tx.s.requestsSent().minus(id))
        .withLastAddrsReceived(tx.s.lastAddrsReceived().plus(id, now));
    tx.reportIdle(view, id);
    learn(view, tx, e.addresses(), p.listenAddress());
    if (p.direction() == Direction.OUTBOUND && !view.config().isPersistent(id)) {
      if (cfg.seedMode()) {
        tx.s = tx.s.withDisconnecting(tx.s.disconnecting().plus(id));
        tx.out.add(new DisconnectPeer(id, PexDisconnectReason.CRAWLED));
      } else if (cfg.isSeed(id)) {
        // a seed that keeps us (not in seed mode, or a Go seed slow to close) would otherwise hold
        // an outbound slot forever: with max_num_outbound_peers = 1 the book is never dialed
        tx.s = tx.s.withDisconnecting(tx.s.disconnecting().plus(id));
        tx.out.add(new DisconnectPeer(id, PexDisconnectReason.SEED_ANSWERED));
      }
    }
    return tx.finish();
  }

  /**
   * Bytes on channel 0x00 that did not decode: as v0.34's conversion error, disconnect and ban.
   *
   * @see "Pex.tla OnPexMessageMalformed"
   */
  static Step<PexState, PexEffect> onPexMessageMalformed(PexConfig cfg, PexState s, NodeId id) {
    if (!s.peers().containsKey(id)) {
      return Step.rejected(s, id + " is not up");
    }
    if (s.disconnecting().contains(id)) {
      return Step.accepted(s, List.of());
    }
    Tx tx = new Tx(s);
    tx.punish(cfg, id);
    return tx.finish();
  }

  /** @see "Pex.tla OnPexTimerFired" */
  static Step<PexState, PexEffect> onPexTimerFired(
      PexConfig cfg, PexState s, PeerView view, MonoTime now, WallTime wallNow) {
    List<PexTimerKey> expired = new ArrayList<>();
    for (Map.Entry<PexTimerKey, MonoTime> e : s.timers().entrySet()) {
      if (!e.getValue().isAfter(now)) {
        expired.add(e.getKey()); // in key order
      }
    }
    if (expired.isEmpty()) {
      return Step.rejected(s, "no PEX timer expired at " + now);
    }
    Tx tx = new Tx(s);
    for (PexTimerKey k : expired) {
      switch (k) {
        case PexTimerKey.EnsurePeers t -> ensurePeersRound(cfg, tx, view, now, wallNow);
        case PexTimerKey.CrawlPeers t -> crawlRound(cfg, tx, view, now, wallNow);
      }
    }
    return tx.finish();
  }

  // ---------------------------------------------------------------- rounds

  /**
   * One round of v0.34's {@code ensurePeers}, minus the dialing, which is the PeerManager's
   * maintenance: when the book needs addresses, ask one random peer that may be asked (no
   * request outstanding, outside its window, not being disconnected), and, when the PeerManager
   * has nothing to dial and an outbound slot is free, dial one random seed.
   *
   * @see "Pex.tla EnsurePeers"
   */
  static void ensurePeersRound(PexConfig cfg, Tx tx, PeerView view, MonoTime now, WallTime wallNow) {
    tx.arm(PexTimerKey.ENSURE_PEERS, now.plusNanos(cfg.ensurePeersPeriod().toNanos()));
    if (!view.state().book().needsMoreAddresses(view.config().book())) {
      return;
    }
    List<NodeId> askable = new ArrayList<>();
    for (NodeId id : tx.s.peers().keySet()) {
      if (tx.mayRequest(cfg, id, now)) {
        askable.add(id);
      }
    }
    if (!askable.isEmpty()) {
      tx.requestAddrs(cfg, askable.get((int) tx.draw(askable.size())), now);
    }
    if (view.state().dialing().isEmpty() && outboundSlotsFree(view) > 0) {
      dialRandomSeed(cfg, tx, view, wallNow);
    }
  }

  /**
   * One round of v0.34's {@code crawlPeersRoutine}: disconnect aged peers, forget old crawl
   * records, then dial (as many as outbound slots are free) addresses of a book selection not
   * crawled in the last {@code minTimeBetweenCrawls}; they are asked for addresses when they
   * come up. When the book needs addresses and nothing could be dialed, dial a seed.
   *
   * @see "Pex.tla CrawlPeers"
   */
  static void crawlRound(PexConfig cfg, Tx tx, PeerView view, MonoTime now, WallTime wallNow) {
    tx.arm(PexTimerKey.CRAWL_PEERS, now.plusNanos(cfg.crawlPeriod().toNanos()));
    disconnectAged(cfg, tx, view, now);
    tx.pruneCrawled(cfg, now);
    int slots = outboundSlotsFree(view);
    if (slots <= 0) {
      return;
    }
    PeerConfig pc = view.config();
    PeerState ps = view.state();
    long minGap = cfg.minTimeBetweenCrawls().toNanos();
    PexState before = tx.s;
    // what the PeerManager would dial (not in retry delay or disconnect cool-down, not banned):
    // a crawl is a dial like any other, and a refused hand-off would waste the crawl slot
    Predicate<KnownAddress> crawlable = ka -> {
      NodeId id = ka.id();
      MonoTime last = before.crawled().get(id);
      return PeerManager.dialable(pc, ps, id, wallNow)
          && (last == null || now.nanosSince(last) >= minGap);
    };
    Selection sel = ps.book().selection(pc.book(), tx.s.prng(), crawlable);
    tx.s = tx.s.withPrng(sel.prng());
    int dialed = 0;
    for (NodeAddress a : sel.addresses()) {
      if (dialed == slots) {
        break;
      }
      tx.recordCrawl(cfg, a.id(), now);
      tx.out.add(new RequestDial(a));
      dialed++;
    }
    if (dialed == 0 && ps.dialing().isEmpty() && ps.book().needsMoreAddresses(pc.book())) {
      dialRandomSeed(cfg, tx, view, wallNow);
    }
  }

  /** v0.34 {@code attemptDisconnects}: non-persistent peers up for {@code seedDisconnectWaitPeriod}. */
  static void disconnectAged(PexConfig cfg, Tx tx, PeerView view, MonoTime now) {
    long wait = cfg.seedDisconnectWaitPeriod().toNanos();
    for (Map.Entry<NodeId, PexPeer> e : tx.s.peers().entrySet()) {
      NodeId id = e.getKey();
      if (tx.s.disconnecting().contains(id) || view.config().isPersistent(id)
          || now.nanosSince(e.getValue().upSince()) < wait) {
        continue;
      }
      tx.s = tx.s.withDisconnecting(tx.s.disconnecting().plus(id));
      tx.out.add(new DisconnectPeer(id, PexDisconnectReason.SEED_CONNECTION_AGED));
    }
  }

  /** One uniformly random seed that is not ourselves, connected, dialing or banned. */
  static void dialRandomSeed(PexConfig cfg, Tx tx, PeerView view, WallTime wallNow) {
    PeerState ps = view.state();
    List<NodeAddress> candidates = new ArrayList<>();
    for (NodeAddress a : cfg.seeds()) {
      NodeId id = a.id();
      if (!id.equals(view.config().self()) && !ps.connected().containsKey(id)
          && !ps.dialing().containsKey(id) && !PeerManager.isBanned(ps, id, wallNow)) {
        candidates.add(a);
      }
    }
    if (!candidates.isEmpty()) {
      tx.out.add(new RequestDial(candidates.get((int) tx.draw(candidates.size()))));
    }
  }

  /**
   * Outbound dials the PeerManager would start now without an upgrade: as its {@code dialRoom}
   * counts (limited peers only; dials in flight count as outbound; evicting peers occupy no slot
   * but still hold a connection).
   */
  static int outboundSlotsFree(PeerView view) {
    PeerConfig c = view.config();
    PeerState s = view.state();
    int outbound = 0;
    int occupied = 0;
    int open = 0;
    for (Map.Entry<NodeId, Connection> e : s.connected().entrySet()) {
      if (!c.isLimited(e.getKey())) {
        continue;
      }
      open++;
      if (s.evicting().containsKey(e.getKey())) {
        continue;
      }
      occupied++;
      if (e.getValue().direction() == Direction.OUTBOUND) {
        outbound++;
      }
    }
    int dialing = 0;
    for (NodeId id : s.dialing().keySet()) {
      if (c.isLimited(id)) {
        dialing++;
      }
    }
    int free = Math.min(c.maxOutbound() - outbound - dialing, c.maxConnected() - occupied - dialing);
    free = Math.min(free, c.maxConnected() + c.maxConnectedUpgrade() - open - dialing);
    return Math.max(0, free);
  }

  /**
   * Whether the PeerManager counts {@code id} as idle inbound (no report since it was admitted)
   * and is not evicting it (a peer on its way out is not reported).
   */
  static boolean isIdleInbound(PeerView view, NodeId id) {
    return view.state().isIdleInbound(id);
  }

  // ---------------------------------------------------------------- received addresses

  /**
   * Filters {@code addresses} learned from {@code source} (counting each drop by reason) and hands
   * the rest to the PeerManager's book. The book checks again (and refuses banned IDs); the
   * filter makes the drops visible and keeps them away from the book.
   */
  static void learn(PeerView view, Tx tx, List<NodeAddress> addresses, NodeAddress source) {
    BookConfig bc = view.config().book();
    if (addresses.isEmpty()) {
      return; // nothing learned, nothing dropped
    }
    if (bc.privateIds().contains(source.id())) {
      tx.countDrop(DropReason.PRIVATE_SOURCE, addresses.size());
      return;
    }
    List<NodeAddress> kept = new ArrayList<>(addresses.size());
    for (NodeAddress a : addresses) {
      Optional<DropReason> why = dropReason(bc, a);
      if (why.isPresent()) {
        tx.countDrop(why.get(), 1);
      } else {
        kept.add(a);
      }
    }
    if (!kept.isEmpty()) {
      tx.out.add(new LearnAddresses(kept, source));
    }
  }

  /** Why the book would refuse {@code a} whatever it holds, in the book's order of checks. */
  static Optional<DropReason> dropReason(BookConfig bc, NodeAddress a) {
    boolean routable = bc.strict() && IpClass.isRoutable(a.ip()); // one parse for the common case
    if (!routable && !IpClass.isValid(a.ip())) {
      return Optional.of(DropReason.INVALID);
    }
    if (bc.privateIds().contains(a.id())) {
      return Optional.of(DropReason.PRIVATE);
    }
    if (a.id().equals(bc.self()) || bc.ourAddresses().contains(a)) {
      return Optional.of(DropReason.SELF);
    }
    if (bc.strict() && !routable) {
      return Optional.of(DropReason.NON_ROUTABLE);
    }
    return Optional.empty();
  }

  /**
   * Whether {@code a} may be sent to {@code requester}: never a private ID, ourselves, a banned ID,
   * the requester itself, nor (strict mode) a non-routable address. The book holds no
   * non-routable entry in strict mode ({@code add} and {@code restore} refuse them), so that
   * check is left to {@link PexInvariants#NeverSendPrivateOrBanned} instead of parsing every IP.
   */
  static boolean answerable(BookConfig bc, AddressBook book, WallTime wallNow, NodeId requester, KnownAddress ka) {
    NodeId id = ka.id();
    return !id.equals(requester) && !id.equals(bc.self()) && !bc.privateIds().contains(id)
        && !bc.ourAddresses().contains(ka.addr()) && !book.isBanned(id, wallNow);
  }

  /**
   * {@link #answerable} for the many entries of one selection, with its set look-ups decided once:
   * an empty set of private IDs is not searched, our addresses only when one of them has an ID
   * other than ours (ours is refused before), and bans not at all (see below). The same answer
   * as {@link #answerable} for every entry of the book's buckets; what the sampler calls per
   * drawn entry. Unless one of our addresses has another ID, the only IDs it refuses are the
   * requester's, ours and the private ones: the filter says so, and the sampler tests only the
   * entries of those IDs.
   */
  static EntryFilter answerableTo(BookConfig bc, NodeId requester) {
    NodeId self = bc.self();
    PSortedSet<NodeId> privateIds = bc.privateIds().isEmpty() ? null : bc.privateIds();
    PSortedSet<NodeAddress> ours = null;
    for (NodeAddress a : bc.ourAddresses()) {
      if (!a.id().equals(self)) {
        ours = bc.ourAddresses();
        break;
      }
    }
    PSortedSet<NodeAddress> ourAddresses = ours;
    // No ban test: the sampler offers only entries of the book's buckets, and a banned entry is
    // in none (the book's invariant BannedNotInBuckets: a ban takes the entry out of its
    // buckets, an entry is added back only once its ban is lifted), so no entry offered is banned.
    Predicate<KnownAddress> test = ka -> {
      NodeId id = ka.id();
      return !id.equals(requester) && !id.equals(self)
          && (privateIds == null || !privateIds.contains(id))
          && (ourAddresses == null || !ourAddresses.contains(ka.addr()));
    };
    Optional<PSortedSet<NodeId>> refusable = ourAddresses != null ? Optional.empty()
        : Optional.of(bc.privateIds().plus(requester).plus(self));
    return new EntryFilter(test, refusable);
  }

  // ---------------------------------------------------------------- the transaction of one step

  /** The state and effects being built by one step; local to it, so the step stays pure. */
  static final class Tx {
    PexState s;
    final List<PexEffect> out = new ArrayList<>();

    Tx(PexState s) {
      this.s = s;
    }

    Step<PexState, PexEffect> finish() {
      return Step.accepted(s, out);
    }

    void arm(PexTimerKey key, MonoTime at) {
      s = s.withTimers(s.timers().plus(key, at));
    }

    /** A uniform draw in [0, bound) from the state's generator. */
    long draw(long bound) {
      Prng.Bounded d = s.prng().nextBelow(bound);
      s = s.withPrng(d.next());
      return d.value();
    }

    /**
     * Whether we may send {@code id} a request now: up, not being disconnected, nothing
     * outstanding, and at least the window since its last answer reached us (its answer left it
     * after it took our previous request, so the Go peer sees a gap at least as long).
     */
    boolean mayRequest(PexConfig cfg, NodeId id, MonoTime now) {
      if (!s.peers().containsKey(id) || s.disconnecting().contains(id) || s.requestsSent().containsKey(id)) {
        return false;
      }
      MonoTime last = s.lastAddrsReceived().get(id);
      return last == null || now.nanosSince(last) >= cfg.minReceiveRequestInterval().toNanos();
    }

    /** v0.34 {@code RequestAddrs}, guarded by {@link #mayRequest}. */
    void requestAddrs(PexConfig cfg, NodeId id, MonoTime now) {
      if (mayRequest(cfg, id, now)) {
        s = s.withRequestsSent(s.requestsSent().plus(id, now));
        out.add(new SendPexRequest(id));
      }
    }

    /**
     * A message from {@code id} was accepted: if the PeerManager counts it as idle inbound (and is
     * not evicting it), report it good, so that it keeps its slot when inbound is full, and learn
     * the address {@link #onPeerUp} held back (no hand-off for any other peer).
     */
    void reportIdle(PeerView view, NodeId id) {
      if (isIdleInbound(view, id)) {
        out.add(new ReportPeer(id));
        NodeAddress listen = s.peers().get(id).listenAddress();
        learn(view, this, List.of(listen), listen); // the address onPeerUp held back
      }
    }

    /** Abuse: ban (24 h) and disconnect through the PeerManager; ignore the peer until it is down. */
    void punish(PexConfig cfg, NodeId id) {
      s = s.withDisconnecting(s.disconnecting().plus(id));
      out.add(new BanPeer(id, cfg.banTime()));
    }

    /** A selection from the book of what may be sent to {@code requester}, biased when asked. */
    List<NodeAddress> select(PexConfig cfg, PeerView view, WallTime wallNow, NodeId requester,
        Optional<Integer> biasTowardsNew) {
      BookConfig bc = view.config().book();
      AddressBook book = view.state().book();
      EntryFilter allowed = answerableTo(bc, requester);
      Selection sel = biasTowardsNew.isPresent()
          ? book.selectionWithBias(bc, biasTowardsNew.get(), s.prng(), allowed)
          : book.selection(bc, s.prng(), allowed);
      s = s.withPrng(sel.prng());
      List<NodeAddress> a = sel.addresses();
      return a.size() <= cfg.maxAddressesPerMessage() ? a : a.subList(0, cfg.maxAddressesPerMessage());
    }

    void countDrop(DropReason reason, long n) {
      long c = s.dropped().getOrDefault(reason, 0L);
      long updated = c > Long.MAX_VALUE - n ? Long.MAX_VALUE : c + n;
      s = s.withDropped(s.dropped().plus(reason, updated));
    }

    /** Records a crawl of {@code id}; at {@code maxCrawled} the oldest record (ties: smallest ID) goes. */
    void recordCrawl(PexConfig cfg, NodeId id, MonoTime now) {
      var crawled = s.crawled();
      if (!crawled.containsKey(id) && crawled.size() >= cfg.maxCrawled()) {
        NodeId oldest = null;
        MonoTime oldestAt = null;
        for (Map.Entry<NodeId, MonoTime> e : crawled.entrySet()) {
          if (oldestAt == null || e.getValue().isBefore(oldestAt)) {
            oldest = e.getKey();
            oldestAt = e.getValue();
          }
        }
        crawled = crawled.minus(oldest);
      }
      s = s.withCrawled(crawled.plus(id, now));
    }

    /** Drops crawl records older than {@code crawlRecordRetention}. */
    void pruneCrawled(PexConfig cfg, MonoTime now) {
      long keep = cfg.crawlRecordRetention().toNanos();
      var crawled = s.crawled();
      for (Map.Entry<NodeId, MonoTime> e : s.crawled().entrySet()) {
        if (now.nanosSince(e.getValue()) > keep) {
          crawled = crawled.minus(e.getKey());
        }
      }
      s = s.withCrawled(crawled);
    }
  }
}
