package dev.cairn.sim;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreInvariants;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerInvariants;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.core.pex.PexInvariants;
import dev.cairn.sim.Wiring.End;
import dev.cairn.sim.Wiring.Link;
import dev.cairn.sim.Wiring.Message;
import dev.cairn.sim.Wiring.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.pcollections.TreePSet;

/**
 * A deterministic simulation of N nodes, each running the real {@link Core} with its own state,
 * over an in-memory network with a virtual clock. The simulator plays the shell's part exactly as
 * {@code shell-net}'s {@code Node} does: {@code Dial} becomes {@code DialSucceeded} or
 * {@code DialFailed} and then {@code PeerReady}; the other side sees {@code InboundAccepted}; a
 * closed admitted connection becomes one {@code PeerDisconnected}; PEX messages are
 * {@code PexMessage} events; {@code SendPexAddrsThenDisconnect} sends, then closes; when two
 * nodes dial each other at once, the connection dialed by the smaller ID survives on both sides.
 *
 * <p>Everything random comes from one seed, through one {@link SimRandom} stream per purpose.
 * Time is a priority queue of timestamped items (deliveries on links, events for a core, each
 * node's single timer at {@link Core#nextDeadline}); equal times run in the order they were
 * queued. A run has a fault phase (PEX loss and duplication, partitions, crashes with restarts
 * from the persisted book), then heals everything and demands that every ordinary node reach its
 * outbound target within the liveness budget. Invariants of the cores and of the network are
 * checked after every step; the first violation ends the run.
 */
public final class Simulator {

  /** Virtual monotonic time of the run's start (any value; not zero, so nothing relies on it). */
  static final long START_NANOS = 1_000_000_000_000L;
  /** Wall time at the run's start: 2023-11-14. */
  static final long WALL_BASE_MILLIS = 1_700_000_000_000L;
  static final int LISTEN_PORT = 26656;
  /** Event-log lines a report shows ({@code -Dcairn.sim.logTail=N} for more). */
  static final int LOG_TAIL = Integer.getInteger("cairn.sim.logTail", 60);
  private static final long MILLI = 1_000_000L;

  private final Scenario sc;
  private final long seed;
  private final SimRandom latency;
  private final SimRandom loss;
  private final SimRandom duplication;
  private final SimRandom faults;
  private final List<SimNode> nodes = new ArrayList<>();
  /** The adversary's identities (no core), or none. */
  private final List<SimNode> scripted = new ArrayList<>();
  private final Attack attack;
  private final Hooks hooks = new Hooks();
  private boolean stopped;
  /** Listen IP → node; lookups only, never iterated. */
  private final Map<String, SimNode> byIp = new HashMap<>();
  private final TreeMap<Long, Link> liveLinks = new TreeMap<>();
  private final PriorityQueue<Item> queue = new PriorityQueue<>();
  private final EventLog log = new EventLog(LOG_TAIL);
  private long now = START_NANOS;
  private long seq;
  private long nextLinkId;
  private boolean faultsActive;
  private int[] partitionSide;
  private long healedAt = -1;
  private long convergedAt = -1;
  private int unconverged;
  private String violation;
  private SimResult.Verdict verdict = SimResult.Verdict.PASSED;
  private long steps;
  private long rejectedSteps;
  private long dials;
  private long pexSent;
  private long pexLost;
  private long pexDuplicated;
  private long pexDroppedNotAdmitted;
  private long crashCount;
  private long partitionCount;
  private int unconvergedAtHeal = -1;
  private final TreeMap<String, Long> rejectedByEvent = new TreeMap<>();

  /** A queue item: {@code action} at virtual {@code time}; {@code link} if it concerns one. */
  private record Item(long time, long seq, Action action, Link link) implements Comparable<Item> {
    @Override
    public int compareTo(Item o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private sealed interface Action {
    /** An event posted to a node's core; {@code handshaken} is the end it admits, if any. */
    record Deliver(SimNode node, int incarnation, CoreEvent event, End handshaken) implements Action {}

    record Timer(SimNode node, int incarnation, long generation) implements Action {}

    /** The dialer's connection reached the acceptor, which completes its handshake. */
    record AtAcceptor(Link link) implements Action {}

    /** The acceptor's last handshake message reached the dialer. */
    record AtDialer(Link link) implements Action {}

    record Arrive(End to, Message message) implements Action {}

    /** A connection held while its rival closes (the shell's deliverAfterClosing). */
    record Held(End end, PeerEvent event) implements Action {}

    record Start(SimNode node) implements Action {}

    record Crash(SimNode node, long downNanos) implements Action {}

    record PartitionStart(long durationNanos) implements Action {}

    record PartitionEnd() implements Action {}

    record Heal() implements Action {}

    record LivenessDeadline() implements Action {}

    /** Something an attack script scheduled. */
    record Call(Runnable what) implements Action {}

    /** The end of a run with an attack. */
    record Stop() implements Action {}
  }

  public Simulator(Scenario scenario, long seed) {
    this(scenario, seed, null);
  }

  /** A run in which {@code attack} (null for none) scripts an adversary beside the honest nodes. */
  Simulator(Scenario scenario, long seed, Attack attack) {
    this.sc = scenario;
    this.attack = attack;
    this.seed = seed;
    this.latency = SimRandom.derive(seed, "latency");
    this.loss = SimRandom.derive(seed, "loss");
    this.duplication = SimRandom.derive(seed, "duplication");
    this.faults = SimRandom.derive(seed, "faults");
    buildNodes(SimRandom.derive(seed, "identities"));
    if (attack != null) {
      for (NodeAddress a : attack.identities()) {
        SimNode x = new SimNode(nodes.size() + scripted.size(), a);
        if (a.port() != LISTEN_PORT || byIp.put(a.ip(), x) != null) {
          throw new IllegalArgumentException("attack identity " + a + " reuses an IP or another port");
        }
        scripted.add(x);
      }
    }
  }

  /** Runs the whole scenario and says how it ended. */
  public SimResult run() {
    schedulePlan();
    if (attack != null) {
      schedule(START_NANOS + attack.runFor().toNanos(), new Action.Stop(), null);
      attack.begin(hooks);
    }
    while (!queue.isEmpty() && violation == null && !stopped) {
      Item it = queue.poll();
      now = it.time();
      if (it.link() != null) {
        it.link().pending--;
      }
      process(it.action());
      if (violation == null && steps > sc.maxSteps()) {
        fail(SimResult.Verdict.STEP_BUDGET_EXCEEDED, "more than " + sc.maxSteps() + " core steps");
      }
      if (violation == null && healedAt >= 0 && unconverged == 0 && attack == null) {
        convergedAt = now;
        checkAll();
        break;
      }
    }
    return result();
  }

  // ---------------------------------------------------------------- set-up

  private void buildNodes(SimRandom ids) {
    List<NodeAddress> seedAddresses = new ArrayList<>();
    List<NodeId> idList = new ArrayList<>();
    for (int i = 0; i < sc.nodes(); i++) {
      String hex = String.format("%016x%016x%016x", ids.nextLong(), ids.nextLong(), ids.nextLong());
      idList.add(NodeId.of(hex.substring(0, NodeId.HEX_LENGTH)));
      if (i < sc.seeds()) {
        seedAddresses.add(new NodeAddress(idList.get(i), ipOf(i), LISTEN_PORT));
      }
    }
    List<NodeAddress> listens = new ArrayList<>();
    for (int i = 0; i < sc.nodes(); i++) {
      listens.add(new NodeAddress(idList.get(i), ipOf(i), LISTEN_PORT));
    }
    for (int i = 0; i < sc.nodes(); i++) {
      NodeId id = idList.get(i);
      NodeAddress listen = new NodeAddress(id, ipOf(i), LISTEN_PORT);
      boolean isSeed = i < sc.seeds();
      boolean mutant = i == sc.seeds() && sc.mutation() == Scenario.Mutation.IGNORE_INBOUND_LIMIT;
      CoreConfig declared = isSeed ? seedConfig(listen) : ordinaryConfig(listen, seedAddresses, sc.maxInbound());
      CoreConfig running = mutant
          ? ordinaryConfig(listen, seedAddresses, sc.maxInbound() + sc.maxOutbound())
          : declared;
      if (attack != null) {
        declared = attack.configure(i, declared, listens);
        if (attack.idleInboundEviction()) {
          declared = new CoreConfig(declared.peer().withIdleInboundEviction(true), declared.pex());
        }
        running = mutant ? running : declared;
      }
      String bookKey = String.format("%016x%016x", ids.nextLong(), ids.nextLong()).substring(0, BookKey.HEX_LENGTH);
      SimNode n = new SimNode(i, id, listen, isSeed, !isSeed && !mutant, running, declared,
          AddressBook.empty(BookKey.of(bookKey)));
      if (byIp.put(listen.ip(), n) != null || (i > 0 && nodes.stream().anyMatch(m -> m.id.equals(id)))) {
        throw new IllegalStateException("two nodes share an IP or an ID at index " + i);
      }
      nodes.add(n);
      if (n.ordinary) {
        unconverged++;
      }
    }
  }

  /** A routable, distinct IPv4 address per node (first octets 11..99, so never private or reserved). */
  static String ipOf(int i) {
    return (11 + i % 89) + "." + (1 + (i / 89) % 250) + "." + (1 + i / (89 * 250)) + ".10";
  }

  private CoreConfig ordinaryConfig(NodeAddress listen, List<NodeAddress> seeds, int maxInbound) {
    BookConfig book = BookConfig.defaults(listen.id()).withOurAddresses(TreePSet.singleton(listen));
    int maxConnected = sc.maxInbound() + sc.maxOutbound();
    // thresholds: trim only above maxConnected, so that inbound peers never stop our own dials
    PeerConfig peer = PeerConfig.defaults(book).withLimits(maxInbound, sc.maxOutbound(), maxConnected,
        sc.maxConnectedUpgrade(), sc.maxOutbound() / 2, sc.maxOutbound(), maxConnected - 1, maxConnected);
    PexConfig pex = PexConfig.defaults().withSeeds(TreePSet.from(seeds))
        .withMaxPeers(Math.max(PexConfig.defaults().maxPeers(), maxConnected + sc.maxConnectedUpgrade()));
    return new CoreConfig(peer, pex);
  }

  /** A seed as the testnet runs one: seed mode, no outbound peers, room for every node inbound. */
  private CoreConfig seedConfig(NodeAddress listen) {
    BookConfig book = BookConfig.defaults(listen.id()).withOurAddresses(TreePSet.singleton(listen));
    int inbound = Math.max(sc.nodes(), 8);
    PeerConfig peer = PeerConfig.defaults(book).withLimits(inbound, 0, inbound, sc.maxConnectedUpgrade(),
        0, 1, inbound - 1, inbound);
    PexConfig pex = PexConfig.defaults().withSeedMode(true)
        .withMaxPeers(Math.max(PexConfig.defaults().maxPeers(), inbound + sc.maxConnectedUpgrade()));
    return new CoreConfig(peer, pex);
  }

  /** Node starts, the fault schedule, healing and the liveness deadline: all drawn before the run. */
  private void schedulePlan() {
    SimRandom starts = SimRandom.derive(seed, "starts");
    for (SimNode n : nodes) {
      long at = n.seed ? 0 : starts.below(Math.max(1, sc.startSpread().toNanos()));
      schedule(START_NANOS + at, new Action.Start(n), null);
    }
    long phase = sc.faultPhase().toNanos();
    if (sc.partitions() > 0 && phase > 0) {
      long span = phase > 60_000 * MILLI ? phase - 30_000 * MILLI : phase; // each ends before the last fault
      long slot = span / sc.partitions();
      for (int i = 0; i < sc.partitions(); i++) {
        long start = slot * i + faults.below(Math.max(1, slot / 2));
        long duration = faults.between(5_000 * MILLI, Math.max(5_000 * MILLI, Math.min(45_000 * MILLI, slot / 2)));
        schedule(START_NANOS + start, new Action.PartitionStart(duration), null);
      }
    }
    for (int i = 0; i < sc.crashes() && phase > 10_000 * MILLI; i++) {
      long at = faults.between(5_000 * MILLI, phase - 5_000 * MILLI);
      SimNode victim = nodes.get((int) faults.below(nodes.size()));
      schedule(START_NANOS + at, new Action.Crash(victim, faults.between(2_000 * MILLI, 60_000 * MILLI)), null);
    }
    if (phase > 60_000 * MILLI) {
      // the last fault straddles the heal: a partition and a crash still in force when it comes,
      // so that the liveness phase starts from a damaged network, not a converged one
      schedule(START_NANOS + phase - 20_000 * MILLI, new Action.PartitionStart(60_000 * MILLI), null);
      SimNode victim = nodes.get((int) faults.below(nodes.size()));
      schedule(START_NANOS + phase - 1_000 * MILLI, new Action.Crash(victim, 60_000 * MILLI), null);
    }
    faultsActive = phase > 0;
    schedule(START_NANOS + phase, new Action.Heal(), null);
    schedule(START_NANOS + phase + sc.livenessBudget().toNanos(), new Action.LivenessDeadline(), null);
  }

  // ---------------------------------------------------------------- the loop

  private void schedule(long time, Action action, Link link) {
    if (link != null) {
      link.pending++;
    }
    queue.add(new Item(time, seq++, action, link));
  }

  private void process(Action action) {
    switch (action) {
      case Action.Deliver d -> {
        if (d.node().up && d.node().incarnation == d.incarnation()) {
          step(d.node(), d.event(), d.handshaken());
        }
      }
      case Action.Timer t -> {
        SimNode n = t.node();
        if (n.up && n.incarnation == t.incarnation() && n.timerGeneration == t.generation()) {
          n.timerAt = null;
          step(n, new CoreEvent.TimerFired(), null);
        }
      }
      case Action.AtAcceptor a -> atAcceptor(a.link());
      case Action.AtDialer a -> atDialer(a.link());
      case Action.Arrive a -> arrive(a.to(), a.message());
      case Action.Held h -> {
        if (h.end().phase != Phase.CLOSED) {
          deliverHandshaken(h.end(), h.event());
        }
      }
      case Action.Start s -> start(s.node());
      case Action.Crash c -> crash(c.node(), c.downNanos());
      case Action.PartitionStart p -> partition(p.durationNanos());
      case Action.PartitionEnd p -> {
        partitionSide = null;
        log.add(stamp() + " partition healed");
      }
      case Action.Heal h -> heal();
      case Action.Call c -> c.what().run();
      case Action.Stop s -> stopped = true;
      case Action.LivenessDeadline l -> {
        if (unconverged > 0) {
          fail(SimResult.Verdict.LIVENESS_FAILURE, livenessReport());
        }
      }
    }
  }

  /** One core step of {@code n}, as the shell's Driver does it: step, swap, execute, re-arm; then checks. */
  private void step(SimNode n, CoreEvent event, End handshaken) {
    WallTime wall = new WallTime(WALL_BASE_MILLIS + (now - START_NANOS) / MILLI);
    MonoTime mono = new MonoTime(now);
    Core.Traced traced = null;
    Step<CoreState, CoreEffect> st;
    if (sc.checks() == Scenario.Checks.FULL) {
      traced = Core.traced(n.running, n.state, mono, wall, event);
      st = traced.step();
    } else {
      st = Core.step(n.running, n.state, mono, wall, event);
    }
    steps++;
    if (!st.isAccepted()) {
      rejectedSteps++;
      rejectedByEvent.merge(Describe.event(event).replaceAll("\\(.*", ""), 1L, Long::sum);
      if (st.state() != n.state || !st.effects().isEmpty()) {
        violate(n, "RejectedChangesNothing", "a rejected step changed the state or has effects");
      }
    }
    log.add(Describe.step(stamp(), n, event, st));
    if (traced != null) {
      checkSubSteps(n, traced);
    }
    if (event instanceof CoreEvent.Peer p && p.event() instanceof PeerEvent.PeerDisconnected d) {
      n.disconnectsQueued.computeIfPresent(d.address(), (k, v) -> v == 1 ? null : v - 1);
    }
    n.state = st.state();
    for (CoreEffect f : st.effects()) {
      execute(n, f);
    }
    if (handshaken != null) {
      afterHandshakenStep(handshaken, st.isAccepted());
    }
    rearm(n);
    updateConvergence(n);
    checkNode(n);
    if (sc.checks() == Scenario.Checks.FULL) {
      checkAll();
    }
  }

  private void rearm(SimNode n) {
    Optional<MonoTime> next = Core.nextDeadline(n.state);
    if (next.isEmpty()) {
      n.timerAt = null;
      n.timerGeneration++;
      return;
    }
    if (next.get().equals(n.timerAt)) {
      return;
    }
    n.timerAt = next.get();
    n.timerGeneration++;
    schedule(Math.max(now, next.get().nanos()), new Action.Timer(n, n.incarnation, n.timerGeneration), null);
  }

  /** Queues an event for {@code n}'s core behind everything already queued for now (the shell's post). */
  private void post(SimNode n, CoreEvent event, Link link) {
    if (event instanceof CoreEvent.Peer p && p.event() instanceof PeerEvent.PeerDisconnected d) {
      n.disconnectsQueued.merge(d.address(), 1, Integer::sum);
    }
    schedule(now, new Action.Deliver(n, n.incarnation, event, null), link);
  }

  // ---------------------------------------------------------------- effects (shell-net Node.execute)

  private void execute(SimNode n, CoreEffect effect) {
    switch (effect) {
      case CoreEffect.Peer p -> {
        switch (p.effect()) {
          case PeerEffect.Dial d -> dial(n, d.address());
          case PeerEffect.Disconnect d -> disconnect(n, d.peer(), d.address());
          case PeerEffect.PublishPeerUpdate u -> { }
          case PeerEffect.PersistBook b -> n.persisted = b.book();
        }
      }
      case CoreEffect.Pex p -> {
        switch (p.effect()) {
          case PexEffect.SendPexRequest r -> send(n, r.peer(), new Message.PexRequest());
          case PexEffect.SendPexAddrs a -> send(n, a.peer(), new Message.PexAddrs(a.addresses()));
          case PexEffect.SendPexAddrsThenDisconnect a -> {
            End e = n.admitted.get(a.peer());
            if (e != null) {
              sendOn(e, new Message.PexAddrs(a.addresses()));
              close(e); // the close travels behind the answer: flushed, then closed
            }
          }
          case PexEffect.DisconnectPeer d -> {
            End e = n.admitted.get(d.peer());
            if (e != null) {
              close(e);
            }
          }
        }
      }
    }
  }

  private void dial(SimNode n, NodeAddress address) {
    if (address.id().equals(n.id) || address.equals(n.listen)) {
      violate(n, "NoDialToSelf", "dialed its own address " + address);
      return;
    }
    End existing = n.conns.get(address);
    if (existing != null && existing.phase != Phase.CLOSED) {
      log.add(stamp() + " " + n + " dial skipped: connection to " + Describe.addr(address) + " exists");
      return;
    }
    dials++;
    if (attack != null && !n.scripted) {
      attack.dialed(hooks, n, address);
    }
    SimNode target = address.port() == LISTEN_PORT ? byIp.get(address.ip()) : null;
    Link link = new Link(nextLinkId++, n, address, target);
    liveLinks.put(link.id, link);
    n.conns.put(address, link.dialer);
    if (target == null) {
      schedule(now + sc.connectTimeout().toNanos(), new Action.Arrive(link.dialer, new Message.Close()), link);
      return;
    }
    schedule(now + latencyNanos(), new Action.AtAcceptor(link), link);
  }

  private void disconnect(SimNode n, NodeId peer, NodeAddress address) {
    End e = n.conns.get(address);
    if (e == null) {
      End byId = n.admitted.get(peer);
      e = byId != null && byId.address.equals(address) ? byId : null;
    }
    if (e == null) {
      return;
    }
    if (e.phase == Phase.DELIVERED) {
      e.refuse();
    }
    close(e);
  }

  private void send(SimNode n, NodeId peer, Message m) {
    End e = n.admitted.get(peer);
    if (e != null) {
      sendOn(e, m);
    }
  }

  /** A PEX message on an admitted connection: lost or duplicated by fault injection, else delivered in order. */
  private void sendOn(End from, Message m) {
    End to = from.other();
    pexSent++;
    if (attack != null && !from.node.scripted && m instanceof Message.PexAddrs a && to != null) {
      attack.gossiped(hooks, from.node, to.node, a.addresses());
    }
    if (to == null || partitioned(from.node, to.node)) {
      pexLost++;
      return;
    }
    if (faultsActive && loss.chancePerMille(sc.lossPerMille())) {
      pexLost++;
      return;
    }
    transmit(from, m);
    if (faultsActive && duplication.chancePerMille(sc.duplicatePerMille())) {
      pexDuplicated++;
      transmit(from, m);
    }
  }

  /** Puts {@code m} on the link towards the other end, after everything sent before it. */
  private void transmit(End from, Message m) {
    Link link = from.link;
    long at = now + latencyNanos();
    if (from == link.dialer) {
      at = Math.max(at, link.lastArrivalAtAcceptor);
      link.lastArrivalAtAcceptor = at;
    } else {
      at = Math.max(at, link.lastArrivalAtDialer);
      link.lastArrivalAtDialer = at;
    }
    End to = from.other();
    if (to != null) {
      schedule(at, new Action.Arrive(to, m), link);
    }
  }

  /** Closes our end (telling our core if it had admitted it) and sends the close to the other end. */
  private void close(End e) {
    if (e.phase == Phase.CLOSED) {
      return;
    }
    closeLocally(e);
    End other = e.other();
    if (other != null && other.phase != Phase.CLOSED) {
      transmit(e, new Message.Close());
    }
  }

  /** The shell's onClosed: the core hears of a failed dial or of a closed admitted connection. */
  private void closeLocally(End e) {
    Phase was = e.phase;
    e.phase = Phase.CLOSED;
    SimNode n = e.node;
    if (n.conns.get(e.address) == e) {
      n.conns.remove(e.address);
    }
    if (n.admitted.get(e.address.id()) == e) {
      n.admitted.remove(e.address.id());
    }
    if (e.link.closed()) {
      liveLinks.remove(e.link.id);
    }
    if (n.scripted) {
      if (was != Phase.HANDSHAKING || e.outbound) {
        attack.closed(hooks, e);
      }
      return;
    }
    if (!n.up) {
      return;
    }
    switch (was) {
      case HANDSHAKING -> {
        if (e.outbound) {
          post(n, new CoreEvent.Peer(new PeerEvent.DialFailed(e.address)), e.link);
        }
      }
      case ADMITTED -> post(n, new CoreEvent.Peer(new PeerEvent.PeerDisconnected(e.address)), e.link);
      case DELIVERED, REFUSED, CLOSED -> { }
    }
  }

  // ---------------------------------------------------------------- connection set-up (shell-net Node)

  private void atAcceptor(Link link) {
    End d = link.dialer;
    SimNode a = d.node;
    SimNode b = link.acceptorNode;
    if (d.phase != Phase.HANDSHAKING) {
      return; // the dialer gave up (crashed); the handshake dies with it
    }
    if (!b.up || partitioned(a, b)) {
      long wait = b.up ? sc.connectTimeout().toNanos() : latencyNanos(); // timeout vs. connection refused
      schedule(now + wait, new Action.Arrive(d, new Message.Close()), link);
      return;
    }
    if (!b.id.equals(d.address.id())) {
      schedule(now + latencyNanos(), new Action.Arrive(d, new Message.Close()), link); // ID mismatch
      return;
    }
    NodeAddress remote = new NodeAddress(a.id, a.listen.ip(), b.nextEphemeralPort());
    End e = new End(link, b, false, remote);
    link.acceptor = e;
    End previous = b.conns.get(remote);
    if (previous != null && previous.phase != Phase.CLOSED) {
      close(e);
      return;
    }
    b.conns.put(remote, e);
    long at = Math.max(now + latencyNanos(), link.lastArrivalAtDialer);
    link.lastArrivalAtDialer = at;
    schedule(at, new Action.AtDialer(link), link);
    if (b.scripted) {
      admitScripted(e);
      return;
    }
    End rival = liveConnectionTo(b, a.id, e);
    if (rival != null && b.keepsOwnDial(a.id)) {
      e.refuse(); // both dialed: ours (from the smaller ID) survives
      close(e);
      return;
    }
    deliverAfterClosing(rival, e, new PeerEvent.InboundAccepted(remote));
  }

  private void atDialer(Link link) {
    End d = link.dialer;
    if (d.phase != Phase.HANDSHAKING) {
      return;
    }
    SimNode a = d.node;
    if (a.scripted) {
      admitScripted(d);
      return;
    }
    NodeId peer = d.address.id();
    End rival = liveConnectionTo(a, peer, d);
    if (rival != null && !a.keepsOwnDial(peer)) {
      close(d); // both dialed: the peer's dial survives; ours is a failed dial for the core
      return;
    }
    deliverAfterClosing(rival, d, new PeerEvent.DialSucceeded(d.address));
  }

  /** An adversary's end is admitted as soon as its handshake is done; the script hears of it. */
  private void admitScripted(End e) {
    e.phase = Phase.ADMITTED;
    e.node.admitted.put(e.address.id(), e);
    attack.opened(hooks, e);
  }

  private End liveConnectionTo(SimNode n, NodeId peer, End except) {
    for (End c : n.conns.values()) {
      if (c != except && c.address.id().equals(peer) && c.live()) {
        return c;
      }
    }
    return null;
  }

  private void deliverAfterClosing(End rival, End e, PeerEvent event) {
    if (rival == null) {
      deliverHandshaken(e, event);
      return;
    }
    e.phase = Phase.DELIVERED; // held until the rival is closed
    close(rival);
    schedule(now, new Action.Held(e, event), e.link);
  }

  private void deliverHandshaken(End e, PeerEvent event) {
    e.phase = Phase.DELIVERED;
    schedule(now, new Action.Deliver(e.node, e.node.incarnation, new CoreEvent.Peer(event), e), e.link);
  }

  /** The shell's follow-up of a handshaken connection's step: ready it, or close it. */
  private void afterHandshakenStep(End e, boolean accepted) {
    SimNode n = e.node;
    if (e.phase == Phase.DELIVERED && accepted) {
      e.phase = Phase.ADMITTED;
      n.admitted.put(e.address.id(), e);
      SimNode peer = e.outbound ? e.link.acceptorNode : e.link.dialer.node;
      post(n, new CoreEvent.PeerReady(e.address.id(), peer.listen), e.link);
    } else if (e.phase == Phase.CLOSED && accepted && !e.refused) {
      post(n, new CoreEvent.Peer(new PeerEvent.PeerDisconnected(e.address)), e.link);
    } else if (e.phase == Phase.DELIVERED) {
      e.refuse();
      close(e);
    }
  }

  private void arrive(End to, Message m) {
    if (to.phase == Phase.CLOSED) {
      return;
    }
    if (to.node.scripted && !(m instanceof Message.Close)) {
      attack.received(hooks, to, m);
      return;
    }
    switch (m) {
      case Message.Close c -> closeLocally(to);
      case Message.PexRequest r -> pexArrived(to, new PexEvent.PexRequestReceived(to.address.id()));
      case Message.PexAddrs a -> pexArrived(to, new PexEvent.PexAddrsReceived(to.address.id(), a.addresses()));
    }
  }

  private void pexArrived(End to, PexEvent.FromPeer event) {
    if (to.phase != Phase.ADMITTED) {
      pexDroppedNotAdmitted++; // as the shell: only admitted connections carry PEX to the core
      return;
    }
    step(to.node, new CoreEvent.PexMessage(event), null);
  }

  // ---------------------------------------------------------------- faults

  private void start(SimNode n) {
    if (n.up) {
      return;
    }
    n.up = true;
    long nodeSeed = SimRandom.derive(seed, "node-" + n.index + "-" + n.incarnation).nextLong();
    n.state = CoreState.initial(n.persisted, nodeSeed);
    n.timerAt = null;
    log.add(stamp() + " " + n + " starts (life " + n.incarnation + ", book " + n.persisted.size() + ")");
    step(n, new CoreEvent.Peer(new PeerEvent.Started()), null);
  }

  private void crash(SimNode n, long downNanos) {
    if (!n.up) {
      return;
    }
    crashCount++;
    log.add(stamp() + " " + n + " crashes for " + downNanos / MILLI + " ms");
    n.up = false;
    n.incarnation++;
    n.timerGeneration++;
    for (End e : List.copyOf(n.conns.values())) {
      close(e); // our core is gone: nothing is posted; the peers see the connections reset
    }
    n.conns.clear();
    n.admitted.clear();
    n.disconnectsQueued.clear();
    n.state = null;
    if (n.ordinary && n.converged) {
      n.converged = false;
      unconverged++;
    }
    schedule(now + downNanos, new Action.Start(n), null);
  }

  private void partition(long durationNanos) {
    if (!faultsActive || partitionSide != null) {
      return;
    }
    partitionCount++;
    int[] side = new int[nodes.size()];
    int minority = (int) faults.between(1, nodes.size() / 2);
    for (int k = 0; k < minority; k++) {
      side[(int) faults.below(nodes.size())] = 1;
    }
    partitionSide = side;
    log.add(stamp() + " partition: " + minority + " draws, " + durationNanos / MILLI + " ms");
    for (Link link : List.copyOf(liveLinks.values())) {
      if (partitioned(link.dialer.node, link.acceptorNode)) {
        cut(link.dialer);
        if (link.acceptor != null) {
          cut(link.acceptor);
        }
      }
    }
    schedule(now + durationNanos, new Action.PartitionEnd(), null);
  }

  /** A partition cuts a connection: each end notices after a while, behind what was already in flight. */
  private void cut(End e) {
    if (e.phase == Phase.CLOSED) {
      return;
    }
    Link link = e.link;
    long at = now + latencyNanos();
    if (e == link.dialer) {
      at = Math.max(at, link.lastArrivalAtDialer);
      link.lastArrivalAtDialer = at;
    } else {
      at = Math.max(at, link.lastArrivalAtAcceptor);
      link.lastArrivalAtAcceptor = at;
    }
    schedule(at, new Action.Arrive(e, new Message.Close()), link);
  }

  private boolean partitioned(SimNode a, SimNode b) {
    return partitionSide != null && partitionSide[a.index] != partitionSide[b.index];
  }

  private void heal() {
    faultsActive = false;
    partitionSide = null;
    healedAt = now;
    unconvergedAtHeal = unconverged;
    log.add(stamp() + " heal: faults stop, crashed nodes restart");
    for (SimNode n : nodes) {
      if (!n.up && n.incarnation > 0) { // crashed (not merely not started yet)
        schedule(now, new Action.Start(n), null);
      }
    }
  }

  private long latencyNanos() {
    return latency.between(sc.latencyMsMin() * MILLI, sc.latencyMsMax() * MILLI);
  }

  // ---------------------------------------------------------------- checks

  private void updateConvergence(SimNode n) {
    if (!n.ordinary) {
      return;
    }
    int outbound = 0;
    for (Connection c : n.state.peer().connected().values()) {
      if (c.direction() == Direction.OUTBOUND) {
        outbound++;
      }
    }
    boolean reached = outbound >= sc.maxOutbound();
    if (reached != n.converged) {
      n.converged = reached;
      unconverged += reached ? -1 : 1;
    }
  }

  private void checkSubSteps(SimNode n, Core.Traced t) {
    for (Core.SubStep sub : t.subSteps()) {
      List<String> broken = switch (sub) {
        case Core.SubStep.PeerManagerStep p -> PeerInvariants.violations(n.declared.peer(), p.step().state());
        case Core.SubStep.PexStep p -> PexInvariants.violations(p.transition());
      };
      if (!broken.isEmpty()) {
        violate(n, String.join(",", broken), "inside the composed step, after sub-step " + Describe.subStep(sub));
        return;
      }
    }
  }

  private void checkAll() {
    for (SimNode n : nodes) {
      if (violation != null) {
        return;
      }
      checkNode(n);
    }
  }

  /** The node's core invariants (against its declared config) and the network facts about it. */
  private void checkNode(SimNode n) {
    if (violation != null || !n.up) {
      return;
    }
    List<String> broken = new ArrayList<>(PeerInvariants.violations(n.declared.peer(), n.state.peer()));
    broken.addAll(CoreInvariants.violations(n.declared, n.state));
    if (!broken.isEmpty()) {
      violate(n, String.join(",", broken), "core state " + Describe.connections(n.state));
      return;
    }
    if (n.state.peer().connected().containsKey(n.id)) {
      violate(n, "NoConnectionToSelf", "its core lists itself as connected");
      return;
    }
    for (Map.Entry<NodeId, Connection> c : n.state.peer().connected().entrySet()) {
      End e = n.admitted.get(c.getKey());
      boolean shellHasIt = e != null && e.address.equals(c.getValue().address());
      if (!shellHasIt && !n.disconnectsQueued.containsKey(c.getValue().address())) {
        violate(n, "ShellAgreesWithCore", "core has " + Describe.addr(c.getValue().address())
            + " connected, but the shell has no admitted connection there and no disconnect queued");
        return;
      }
    }
    for (End e : n.admitted.values()) {
      Connection c = n.state.peer().connected().get(e.address.id());
      if (c == null || !c.address().equals(e.address)) {
        violate(n, "ShellAgreesWithCore", "shell admitted " + e + " at " + Describe.addr(e.address)
            + " but the core does not have it connected");
        return;
      }
      checkSettled(n, e, c);
    }
  }

  /** Once nothing is in flight on a link, both ends agree: both admitted, opposite directions. */
  private void checkSettled(SimNode n, End e, Connection c) {
    if (e.link.pending > 0) {
      return;
    }
    End o = e.other();
    if (o != null && o.node.scripted) {
      return; // the adversary keeps no state to agree with
    }
    if (o == null || o.phase != Phase.ADMITTED || !o.node.up) {
      violate(n, "BothEndsAgree", "settled connection " + e + " is admitted here but "
          + (o == null ? "unknown" : o.phase) + " at the other end");
      return;
    }
    Connection theirs = o.node.state.peer().connected().get(n.id);
    Direction expected = c.direction() == Direction.OUTBOUND ? Direction.INBOUND : Direction.OUTBOUND;
    if (theirs == null || theirs.direction() != expected || !theirs.address().equals(o.address)) {
      violate(n, "BothEndsAgree", "settled connection " + e + ": here " + c + ", there " + theirs);
    }
  }

  private void violate(SimNode n, String invariant, String detail) {
    fail(SimResult.Verdict.SAFETY_VIOLATION, "invariant " + invariant + " violated at node " + n
        + " at " + stamp() + ": " + detail);
  }

  private void fail(SimResult.Verdict v, String message) {
    if (violation == null) {
      violation = message;
      verdict = v;
      log.add(stamp() + " FAILED " + v + ": " + message);
    }
  }

  private String livenessReport() {
    StringBuilder b = new StringBuilder(unconverged + " ordinary node(s) below the outbound target "
        + sc.maxOutbound() + " " + sc.livenessBudget().toSeconds() + " s after healing:");
    int shown = 0;
    for (SimNode n : nodes) {
      if (n.ordinary && !n.converged && shown++ < 10) {
        b.append("\n  ").append(n).append(n.up ? " " + Describe.connections(n.state) : " down")
            .append(n.up ? " book=" + n.state.peer().book().size() + " banned="
                + n.state.peer().book().bannedEntries().size() : "");
      }
    }
    return b.toString();
  }

  private String stamp() {
    return "t=" + (now - START_NANOS) / MILLI + "ms";
  }

  private SimResult result() {
    long virtualMillis = (now - START_NANOS) / MILLI;
    long healed = healedAt < 0 ? -1 : (healedAt - START_NANOS) / MILLI;
    long converged = convergedAt < 0 || healedAt < 0 ? -1 : (convergedAt - healedAt) / MILLI;
    SimResult.Stats stats = new SimResult.Stats(steps, rejectedSteps, virtualMillis, healed, converged, dials,
        pexSent, pexLost, pexDuplicated, pexDroppedNotAdmitted, crashCount, partitionCount, unconvergedAtHeal,
        rejectedByEvent);
    return new SimResult(seed, verdict, violation == null ? "" : violation, sc.replay(seed), log.tail(),
        log.sha256(), stats);
  }

  /** The nodes' final states, for tests and reports. */
  List<SimNode> nodes() {
    return List.copyOf(nodes);
  }

  /** What attack scripts see of this run (for their figures after it). */
  Hooks hooks() {
    return hooks;
  }

  /** The adversary's identities. */
  List<SimNode> scripted() {
    return List.copyOf(scripted);
  }

  /** What an {@link Attack} script may do and see; every action goes through the run's queue. */
  final class Hooks {

    /** Virtual time since the run's start, in nanoseconds. */
    long elapsed() {
      return now - START_NANOS;
    }

    /** Wall time now, as the cores see it. */
    WallTime wallNow() {
      return new WallTime(WALL_BASE_MILLIS + (now - START_NANOS) / MILLI);
    }

    /** The honest nodes, by index. */
    List<SimNode> honest() {
      return List.copyOf(nodes);
    }

    /** The adversary's identities. */
    List<SimNode> identities() {
      return List.copyOf(scripted);
    }

    /** {@code who} (an identity of the adversary) dials {@code target}. */
    void dial(SimNode who, NodeAddress target) {
      if (!who.scripted) {
        throw new IllegalArgumentException(who + " is not scripted");
      }
      Simulator.this.dial(who, target);
    }

    /** Sends {@code m} on the adversary's end {@code e}, if it is still admitted. */
    void send(End e, Message m) {
      if (e.phase == Phase.ADMITTED && e.other() != null) {
        sendOn(e, m);
      }
    }

    /** Closes the adversary's end {@code e}. */
    void close(End e) {
      Simulator.this.close(e);
    }

    /** Runs {@code what} after {@code delayNanos} of virtual time. */
    void after(long delayNanos, Runnable what) {
      schedule(now + Math.max(0, delayNanos), new Action.Call(what), null);
    }

    /** Crashes honest node {@code n} for {@code downNanos}; it restarts from its persisted book. */
    void crash(SimNode n, long downNanos) {
      Simulator.this.crash(n, downNanos);
    }

    /** Whether {@code n}'s core lists {@code peer} as connected. */
    boolean connected(SimNode n, dev.cairn.core.NodeId peer) {
      return n.up && n.state.peer().connected().containsKey(peer);
    }
  }
}
