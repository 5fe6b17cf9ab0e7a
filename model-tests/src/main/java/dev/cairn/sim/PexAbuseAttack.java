package dev.cairn.sim;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.IpClass;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerManager;
import dev.cairn.core.pex.DropReason;
import dev.cairn.sim.Wiring.End;
import dev.cairn.sim.Wiring.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Abuse of the PEX protocol by four scripted identities, each connecting to every honest node
 * (seeds included) one second into the run and reconnecting {@value #REDIAL_SECONDS} s after
 * every close:
 * <ul>
 *   <li>the <b>flooder</b> sends a PexRequest every {@value #FLOOD_MILLIS} ms for as long as the
 *       connection lives;
 *   <li>the <b>pusher</b> sends an unsolicited PexAddrs of {@value #PUSH} fresh addresses as soon
 *       as its own dial is connected, and once more {@value #PUSH_SECONDS} s later if the
 *       connection still lives (it never pushes on a connection an honest node dialed: there the
 *       node asks on connecting, and a push would be taken as the answer);
 *   <li>two <b>poisoners</b> answer (only) the requests they get with poisoned addresses: invalid
 *       (unspecified, broadcast, documentation), local, link-local, RFC 1918 and IPv6 private
 *       ranges, the asking node's own address, its own ID at another IP, and the flooder's and
 *       pusher's addresses (banned by then), plus one clean marker address per answer so that the
 *       answer is seen to be taken.
 * </ul>
 * Watched throughout (every {@value #WATCH_SECONDS} s and at the end, and on every PexAddrs an
 * honest node sends): no honest book holds a non-routable address, its own address or ID, or an
 * ID the node has banned; no honest node gossips any of these; the flooder gets at most the free
 * requests answered per connection; the pusher's addresses never reach a book.
 */
final class PexAbuseAttack implements Attack {

  static final int FLOOD_MILLIS = 100;
  static final int PUSH = 250;
  static final int PUSH_SECONDS = 1;
  static final int REDIAL_SECONDS = 5;
  static final int WATCH_SECONDS = 5;
  private static final long SECOND = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  /** Poisoned IPs that do not depend on the receiver. */
  static final List<String> POISON_IPS = List.of("0.0.0.0", "255.255.255.255", "127.0.0.1", "169.254.7.7",
      "10.1.2.3", "172.16.5.4", "192.168.1.1", "::", "::1", "fe80::1", "fc00::1", "2001:db8::1");

  /**
   * The figures. Per honest node and connection of the flooder: {@code floodAnswersMax} answers it
   * got at most; {@code floodConnections} connections it opened, {@code floodRequests} requests it
   * sent. {@code bannedFlooder}, {@code bannedPusher}: honest nodes (of {@code honest}) banning
   * them at the end; {@code pushedTo}: nodes that held the pusher's connection when it pushed, of which
   * {@code pushedToBanned} ban it at the end (the others dialed the pusher themselves first, so its
   * own dial was refused as a duplicate and it never pushed to them). {@code poisonSent}: poisoned entries sent; {@code markersStored}: honest
   * books holding a poisoner's marker at the end (answers were taken). {@code badStored},
   * {@code badGossiped}: violations seen (must be zero). {@code pushedStored}: pusher addresses
   * found in honest books (must be zero). {@code drops}: the honest cores' drop counters summed.
   */
  record Outcome(int honest, long floodConnections, long floodRequests, long floodAnswers, int floodAnswersMax,
      int bannedFlooder, int pushedTo, int pushedToBanned, int bannedPusher, long pushes, long poisonSent, long poisonAnswers, int markersStored,
      long badStored, long badGossiped, long pushedStored, long watches, TreeMap<DropReason, Long> drops,
      List<String> firstViolations) {}

  private final Duration runFor;
  private final List<NodeAddress> identities;
  private final NodeAddress flooder;
  private final NodeAddress pusher;
  private final List<NodeAddress> pushed;
  private final TreeSet<NodeId> pushedIds = new TreeSet<>();
  private final TreeSet<NodeId> markerIds = new TreeSet<>();
  private final SimRandom ids;
  /** Answers the flooder got, by connection (link id). */
  private final TreeMap<Long, Integer> floodAnswersByLink = new TreeMap<>();
  private long floodConnections;
  private long floodRequests;
  private long pushes;
  /** Honest nodes (by index) that held the pusher's connection when it pushed. */
  private final TreeSet<Integer> pushedTo = new TreeSet<>();
  private long poisonSent;
  private long poisonAnswers;
  private long badStored;
  private long badGossiped;
  private long pushedStored;
  private long watches;
  private final List<String> violations = new ArrayList<>();

  PexAbuseAttack(long seed, Duration runFor) {
    this.runFor = runFor;
    SimRandom r = SimRandom.derive(seed, "pex-abuse-ids");
    this.identities = Sybils.inGroups(4, 4, r);
    this.flooder = identities.get(0);
    this.pusher = identities.get(1);
    this.pushed = Sybils.inGroups(PUSH, 8, r).stream()
        .map(a -> new NodeAddress(a.id(), "201." + a.ip().substring(4), a.port())).toList();
    pushed.forEach(a -> pushedIds.add(a.id()));
    this.ids = SimRandom.derive(seed, "pex-abuse-markers");
  }

  @Override
  public List<NodeAddress> identities() {
    return identities;
  }

  @Override
  public Duration runFor() {
    return runFor;
  }

  @Override
  public void begin(Simulator.Hooks h) {
    for (SimNode x : h.identities()) {
      for (SimNode n : h.honest()) {
        h.after(SECOND, () -> h.dial(x, n.listen));
      }
    }
    h.after(WATCH_SECONDS * SECOND, () -> watch(h));
  }

  @Override
  public void opened(Simulator.Hooks h, End c) {
    if (c.node.listen.equals(flooder)) {
      floodConnections++;
      flood(h, c);
    } else if (c.node.listen.equals(pusher) && c.outbound) {
      push(h, c);
      h.after(PUSH_SECONDS * SECOND, () -> push(h, c));
    }
  }

  private void push(Simulator.Hooks h, End c) {
    if (c.phase == Wiring.Phase.ADMITTED) {
      SimNode n = c.other().node;
      dev.cairn.core.peer.Connection held = n.up ? n.state.peer().connected().get(pusher.id()) : null;
      if (held != null && held.direction() == dev.cairn.core.peer.Direction.INBOUND) {
        pushedTo.add(n.index); // the node holds this connection: the push reaches its core
      }
      pushes++;
      h.send(c, new Message.PexAddrs(pushed));
    }
  }

  private void flood(Simulator.Hooks h, End c) {
    if (c.phase == Wiring.Phase.ADMITTED) {
      floodRequests++;
      h.send(c, new Message.PexRequest());
      h.after(FLOOD_MILLIS * MILLI, () -> flood(h, c));
    }
  }

  @Override
  public void received(Simulator.Hooks h, End c, Message m) {
    if (c.node.listen.equals(flooder) && m instanceof Message.PexAddrs) {
      floodAnswersByLink.merge(c.link.id, 1, Integer::sum);
    }
    boolean poisoner = !c.node.listen.equals(flooder) && !c.node.listen.equals(pusher);
    if (poisoner && m instanceof Message.PexRequest) {
      SimNode victim = c.other().node;
      List<NodeAddress> answer = new ArrayList<>();
      for (String ip : POISON_IPS) {
        answer.add(new NodeAddress(Sybils.randomId(ids), ip, Simulator.LISTEN_PORT));
      }
      answer.add(victim.listen);
      answer.add(new NodeAddress(victim.id, "203.0.113.9", Simulator.LISTEN_PORT));
      answer.add(flooder);
      answer.add(pusher);
      poisonSent += answer.size();
      NodeAddress marker = new NodeAddress(Sybils.randomId(ids), "202.9." + (1 + markerIds.size() / 250) + "."
          + (1 + markerIds.size() % 250), Simulator.LISTEN_PORT);
      markerIds.add(marker.id());
      answer.add(marker);
      poisonAnswers++;
      h.send(c, new Message.PexAddrs(answer));
    }
  }

  @Override
  public void closed(Simulator.Hooks h, End c) {
    if (c.outbound) {
      SimNode x = c.node;
      NodeAddress target = c.address;
      h.after(REDIAL_SECONDS * SECOND, () -> h.dial(x, target));
    }
  }

  @Override
  public void gossiped(Simulator.Hooks h, SimNode from, SimNode to, List<NodeAddress> addresses) {
    for (NodeAddress a : addresses) {
      String why = bad(h, from, a);
      if (why != null) {
        badGossiped++;
        note(h, from + " sent " + a + " (" + why + ") to " + to);
      }
    }
  }

  /** Why {@code a} must not be in {@code n}'s book nor leave it, or null. */
  private static String bad(Simulator.Hooks h, SimNode n, NodeAddress a) {
    if (!IpClass.isRoutable(a.ip())) {
      return "not routable";
    }
    if (a.id().equals(n.id) || a.equals(n.listen)) {
      return "its own";
    }
    if (n.up && PeerManager.isBanned(n.state.peer(), a.id(), h.wallNow())) {
      return "banned";
    }
    return null;
  }

  private void watch(Simulator.Hooks h) {
    watches++;
    for (SimNode n : h.honest()) {
      if (!n.up) {
        continue;
      }
      for (KnownAddress ka : n.state.peer().book().entries()) {
        String why = bad(h, n, ka.addr());
        if (why != null) {
          badStored++;
          note(h, n + " stores " + ka.addr() + " (" + why + ")");
        }
        if (pushedIds.contains(ka.id())) {
          pushedStored++;
          note(h, n + " stores pushed " + ka.addr());
        }
      }
    }
    h.after(WATCH_SECONDS * SECOND, () -> watch(h));
  }

  private void note(Simulator.Hooks h, String what) {
    if (violations.size() < 10) {
      violations.add("t=" + h.elapsed() / MILLI + "ms " + what);
    }
  }

  /** The figures, after a final watch over the nodes' end states. */
  Outcome outcome(Simulator.Hooks h) {
    watch(h);
    int bannedFlooder = 0;
    int bannedPusher = 0;
    int pushedToBanned = 0;
    int markers = 0;
    TreeMap<DropReason, Long> drops = new TreeMap<>();
    List<SimNode> honest = h.honest();
    for (SimNode n : honest) {
      bannedFlooder += PeerManager.isBanned(n.state.peer(), flooder.id(), h.wallNow()) ? 1 : 0;
      boolean pusherBanned = PeerManager.isBanned(n.state.peer(), pusher.id(), h.wallNow());
      bannedPusher += pusherBanned ? 1 : 0;
      pushedToBanned += pusherBanned && pushedTo.contains(n.index) ? 1 : 0;
      markers += n.state.peer().book().entries().stream().anyMatch(ka -> markerIds.contains(ka.id())) ? 1 : 0;
      for (Map.Entry<DropReason, Long> d : n.state.pex().dropped().entrySet()) {
        drops.merge(d.getKey(), d.getValue(), Long::sum);
      }
    }
    long answers = floodAnswersByLink.values().stream().mapToLong(Integer::longValue).sum();
    int answersMax = floodAnswersByLink.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return new Outcome(honest.size(), floodConnections, floodRequests, answers, answersMax, bannedFlooder,
        pushedTo.size(), pushedToBanned, bannedPusher, pushes, poisonSent, poisonAnswers, markers, badStored, badGossiped, pushedStored, watches,
        drops, List.copyOf(violations));
  }
}
