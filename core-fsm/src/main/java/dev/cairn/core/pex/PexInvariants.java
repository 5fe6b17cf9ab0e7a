package dev.cairn.core.pex;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.IpClass;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.PeerManager;
import dev.cairn.core.pex.PexEffect.BanPeer;
import dev.cairn.core.pex.PexEffect.LearnAddresses;
import dev.cairn.core.pex.PexEffect.SendPexAddrs;
import dev.cairn.core.pex.PexEffect.SendPexAddrsThenDisconnect;
import dev.cairn.core.pex.PexEffect.SendPexRequest;
import dev.cairn.core.pex.PexEvent.PexAddrsReceived;
import dev.cairn.core.pex.PexEvent.PexMessageMalformed;
import dev.cairn.core.pex.PexEvent.PexRequestReceived;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * PEX's invariants. Each constant's name is the name of the invariant in {@code Pex.tla} and
 * {@code MCPex.cfg}. They are checked over a {@link PexTransition}: most are state invariants of
 * the state after the step and its effects ({@code outbox} in the spec); the ones that also read
 * the state before and the event are action properties ({@code [][A]_vars}) in the spec. Tests
 * check all of them after every step.
 */
public enum PexInvariants {

  /**
   * A request is outstanding at most once per peer, only for a peer that is up, and a step sends
   * {@code SendPexRequest(p)} only if none was outstanding and records it as outstanding.
   */
  AtMostOneOutstandingRequest(t -> {
    if (!t.after().peers().keySet().containsAll(t.after().requestsSent().keySet())) {
      return false;
    }
    List<NodeId> sent = new ArrayList<>();
    for (PexEffect f : t.step().effects()) {
      if (f instanceof SendPexRequest r) {
        if (sent.contains(r.peer()) || t.before().requestsSent().containsKey(r.peer())
            || !t.after().requestsSent().containsKey(r.peer())) {
          return false;
        }
        sent.add(r.peer());
      }
    }
    return true;
  }),

  /**
   * Every outstanding request was sent at least the request window after the peer's previous
   * answer reached us, and never to a peer being disconnected.
   */
  NeverRequestInsideWindow(t -> {
    long window = t.cfg().minReceiveRequestInterval().toNanos();
    for (Map.Entry<NodeId, MonoTime> e : t.after().requestsSent().entrySet()) {
      MonoTime last = t.after().lastAddrsReceived().get(e.getKey());
      if (last != null && e.getValue().nanosSince(last) < window) {
        return false;
      }
    }
    for (PexEffect f : t.step().effects()) {
      if (f instanceof SendPexRequest r && t.before().disconnecting().contains(r.peer())) {
        return false;
      }
    }
    return true;
  }),

  /** We send PexAddrs only as the one answer to the request this step received, never unsolicited. */
  ReplyOnlyWhenRequested(t -> {
    int replies = 0;
    for (PexEffect f : t.step().effects()) {
      Optional<Reply> reply = reply(f);
      if (reply.isEmpty()) {
        continue;
      }
      NodeId to = reply.get().to();
      replies++;
      if (!(t.event() instanceof PexRequestReceived r) || !r.peer().equals(to)
          || t.before().disconnecting().contains(to)) {
        return false;
      }
    }
    return replies <= 1;
  }),

  /**
   * Addresses a peer sent are handed to the book only if our request to it was outstanding, and
   * that answer closes the request.
   */
  AcceptOnlyWhenOutstanding(t -> {
    if (!(t.event() instanceof PexAddrsReceived e)) {
      return true;
    }
    boolean learned = t.step().effects().stream().anyMatch(f -> f instanceof LearnAddresses);
    boolean outstanding = t.before().requestsSent().containsKey(e.peer());
    return !learned || (outstanding && !t.after().requestsSent().containsKey(e.peer()));
  }),

  /**
   * Abuse is punished: an unsolicited or oversized PexAddrs, a malformed message, or a request
   * inside the window (after the free ones) from a peer not already being disconnected yields
   * {@code BanPeer} and marks the peer as being disconnected.
   */
  AbuseDisconnectsAndBans(t -> {
    NodeId abuser = switch (t.event()) {
      case PexAddrsReceived e -> (!t.before().requestsSent().containsKey(e.peer())
          || e.addresses().size() > t.cfg().maxAddressesPerMessage()) ? e.peer() : null;
      case PexMessageMalformed e -> e.peer();
      case PexRequestReceived e -> tooSoon(t, e.peer()) ? e.peer() : null;
      case PexEvent.Started e -> null;
      case PexEvent.PeerUp e -> null;
      case PexEvent.PeerDown e -> null;
      case PexEvent.TimerFired e -> null;
    };
    if (abuser == null || !t.before().peers().containsKey(abuser)
        || t.before().disconnecting().contains(abuser)) {
      return true;
    }
    boolean banned = t.step().effects().contains(new BanPeer(abuser, t.cfg().banTime()));
    return banned && t.after().disconnecting().contains(abuser);
  }),

  /**
   * What we send is never a private ID, ourselves, a banned ID, the requester, nor (strict mode)
   * a non-routable address, and never more than {@code maxAddressesPerMessage} addresses.
   */
  NeverSendPrivateOrBanned(t -> {
    BookConfig bc = t.view().config().book();
    for (PexEffect f : t.step().effects()) {
      Optional<Reply> reply = reply(f);
      if (reply.isEmpty()) {
        continue;
      }
      Reply r = reply.get();
      if (r.addresses().size() > t.cfg().maxAddressesPerMessage()) {
        return false;
      }
      // every address of every answer (a public node's are about 170): a plain loop, the empty
      // sets not searched
      boolean ours = !bc.ourAddresses().isEmpty();
      boolean privates = !bc.privateIds().isEmpty();
      for (NodeAddress a : r.addresses()) {
        NodeId id = a.id();
        if (id.equals(r.to()) || id.equals(bc.self())
            || ours && bc.ourAddresses().contains(a) || privates && bc.privateIds().contains(id)
            || PeerManager.isBanned(t.view().state(), id, t.wallNow())
            || bc.strict() && !IpClass.isRoutable(a.ip())) {
          return false;
        }
      }
    }
    return true;
  }),

  /** Addresses handed to the book are at most {@code maxAddressesPerMessage}, none refused by the filter. */
  LearnOnlyFiltered(t -> {
    BookConfig bc = t.view().config().book();
    for (PexEffect f : t.step().effects()) {
      if (f instanceof LearnAddresses l) {
        if (l.addresses().size() > t.cfg().maxAddressesPerMessage()
            || bc.privateIds().contains(l.source().id())
            || l.addresses().stream().anyMatch(a -> Pex.dropReason(bc, a).isPresent())) {
          return false;
        }
      }
    }
    return true;
  }),

  /**
   * Seed mode answers an inbound, non-persistent peer once per connection: the answer is flushed
   * before the disconnect, and the peer is marked as being disconnected so that it gets no second
   * answer; such a peer never gets a plain (non-disconnecting) answer.
   */
  SeedAnswersOnce(t -> {
    for (PexEffect f : t.step().effects()) {
      if (f instanceof SendPexAddrsThenDisconnect a) {
        if (!t.cfg().seedMode() || t.before().disconnecting().contains(a.peer())
            || !t.after().disconnecting().contains(a.peer())) {
          return false;
        }
      }
      if (f instanceof SendPexAddrs a && t.cfg().seedMode()) {
        PexPeer p = t.before().peers().get(a.peer());
        if (p == null || (p.direction() == Direction.INBOUND && !t.view().config().isPersistent(a.peer()))) {
          return false;
        }
      }
    }
    return true;
  }),

  /** Per-connection records exist only for peers that are up: bounded by {@code maxPeers}. */
  PerPeerStateOnlyForPeers(t -> {
    var up = t.after().peers().keySet();
    return up.containsAll(t.after().requestsSent().keySet())
        && up.containsAll(t.after().lastAddrsReceived().keySet())
        && up.containsAll(t.after().lastReceivedRequests().keySet())
        && up.containsAll(t.after().disconnecting());
  }),

  /** At most {@code maxPeers} peers and {@code maxCrawled} crawl records. */
  WithinBounds(t -> t.after().peers().size() <= t.cfg().maxPeers()
      && t.after().crawled().size() <= t.cfg().maxCrawled()),

  /** Once started, exactly the mode's round timer is armed (ensure-peers, or crawl in seed mode). */
  RoundTimerArmedWhenStarted(t -> {
    var timers = t.after().timers();
    if (!t.after().started()) {
      return timers.isEmpty();
    }
    PexTimerKey round = t.cfg().seedMode() ? PexTimerKey.CRAWL_PEERS : PexTimerKey.ENSURE_PEERS;
    return timers.size() == 1 && timers.containsKey(round);
  }),

  /** A rejected step changes nothing and sends nothing. */
  RejectedChangesNothing(t -> t.step().isAccepted()
      || (t.after().equals(t.before()) && t.step().effects().isEmpty()));

  private final Predicate<PexTransition> holds;

  PexInvariants(Predicate<PexTransition> holds) {
    this.holds = holds;
  }

  public boolean holds(PexTransition t) {
    return holds.test(t);
  }

  /** Names of the invariants {@code t} violates, in declaration order; empty when all hold. */
  public static List<String> violations(PexTransition t) {
    List<String> broken = new ArrayList<>();
    for (PexInvariants inv : values()) {
      if (!inv.holds(t)) {
        broken.add(inv.name());
      }
    }
    return broken;
  }

  /** Throws {@link AssertionError} naming every violated invariant: a violation is a bug. */
  public static void check(PexTransition t) {
    List<String> broken = violations(t);
    if (!broken.isEmpty()) {
      throw new AssertionError("PEX invariants violated: " + broken + " after " + t.event()
          + " in " + t.before() + " -> " + t.step());
    }
  }

  /** A PexAddrs we send: to whom, with what. */
  private record Reply(NodeId to, List<NodeAddress> addresses) {}

  private static Optional<Reply> reply(PexEffect f) {
    return switch (f) {
      case SendPexAddrs a -> Optional.of(new Reply(a.peer(), a.addresses()));
      case SendPexAddrsThenDisconnect a -> Optional.of(new Reply(a.peer(), a.addresses()));
      case SendPexRequest x -> Optional.empty();
      case PexEffect.DisconnectPeer x -> Optional.empty();
      case LearnAddresses x -> Optional.empty();
      case BanPeer x -> Optional.empty();
      case PexEffect.RequestDial x -> Optional.empty();
      case PexEffect.ReportPeer x -> Optional.empty();
    };
  }

  /** Whether a request from {@code peer} now falls inside its window after its free requests. */
  private static boolean tooSoon(PexTransition t, NodeId peer) {
    ReceivedRequests r = t.before().lastReceivedRequests().get(peer);
    if (r == null || r.count() < t.cfg().freeRequests()) {
      return false;
    }
    boolean seedAnswer = t.cfg().seedMode()
        && t.before().peers().containsKey(peer)
        && t.before().peers().get(peer).direction() == Direction.INBOUND
        && !t.view().config().isPersistent(peer);
    return !seedAnswer && t.now().nanosSince(r.last()) < t.cfg().minReceiveRequestInterval().toNanos();
  }
}
