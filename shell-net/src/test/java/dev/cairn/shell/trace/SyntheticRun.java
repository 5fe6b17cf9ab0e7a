package dev.cairn.shell.trace;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.shell.config.ConfigException;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.node.CoreConfigs;
import dev.cairn.shell.p2p.HostResolver;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A deterministic core run without a network, for trace tests and benchmarks: a node (20
 * inbound, 10 outbound slots) learns 1 000 addresses, dials (30 % of dials fail), admits inbound
 * peers, answers PEX requests, gets 30-address PEX replies, loses peers and fires its timers
 * (10 ms of virtual time per event). The events are generated once by running the core against a
 * world seeded by {@code seed}; {@link #record} writes them as a trace.
 */
public final class SyntheticRun {

  /** One event with the times it was stepped at. */
  public record Timed(MonoTime now, WallTime wall, CoreEvent event) {}

  private final CoreConfig config;
  private final CoreState initial;
  private final List<Timed> events;

  private SyntheticRun(CoreConfig config, CoreState initial, List<Timed> events) {
    this.config = config;
    this.initial = initial;
    this.events = events;
  }

  /** {@code count} events of the simulated world seeded with {@code seed}. */
  public static SyntheticRun generate(int count, long seed) {
    NodeId self = id(new Random(1));
    String toml = "[p2p]\nladdr = \"tcp://10.0.0.1:26656\"\naddr_book_strict = false\n"
        + "max_num_inbound_peers = 20\nmax_num_outbound_peers = 10\n[cairn]\nnetwork = \"bench\"\n";
    NodeConfig cfg;
    try {
      cfg = ConfigLoader.parse(toml, "config.toml", Optional.empty());
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
    CoreConfig config = CoreConfigs.from(cfg, self, List.of(new NodeAddress(self, "10.0.0.1", 26656)),
        HostResolver.none());
    CoreState initial = CoreState.initial(AddressBook.empty(BookKey.of("00112233445566778899aabb")), 7);
    return new SyntheticRun(config, initial, simulate(config, initial, self, count, seed));
  }

  public CoreConfig config() {
    return config;
  }

  public CoreState initial() {
    return initial;
  }

  /** The PRNG seed {@link #initial} was built from. */
  public long prngSeed() {
    return 7;
  }

  public List<Timed> events() {
    return events;
  }

  /** Steps every event through the core and through {@code writer}; the final state. */
  public CoreState feed(TraceWriter writer) {
    CoreState s = initial;
    for (Timed t : events) {
      Step<CoreState, CoreEffect> st = Core.step(config, s, t.now(), t.wall(), t.event());
      writer.onStep(t.now(), t.wall(), t.event(), st, 0);
      s = st.state();
    }
    return s;
  }

  /** Writes the run as a trace under {@code options} and closes it; the final state. */
  public CoreState record(TraceWriter.Options options) {
    try (TraceWriter w = new TraceWriter(options, config, initial, prngSeed())) {
      return feed(w);
    }
  }

  /** Writes the run as the single trace file {@code file} with a state digest every {@code checkpointInterval} steps. */
  public CoreState record(Path file, int checkpointInterval) {
    return record(TraceWriter.Options.defaults(file).withCheckpointInterval(checkpointInterval));
  }

  // ---------------------------------------------------------------- the simulated world

  private static NodeId id(Random r) {
    byte[] b = new byte[20];
    r.nextBytes(b);
    return NodeId.of(HexFormat.of().formatHex(b));
  }

  private static NodeAddress address(Random r) {
    return new NodeAddress(id(r), "10." + (1 + r.nextInt(200)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(250)),
        26656);
  }

  private static List<Timed> simulate(CoreConfig config, CoreState initial, NodeId self, int count, long seed) {
    Random r = new Random(seed);
    List<Timed> out = new ArrayList<>();
    Deque<CoreEvent> world = new ArrayDeque<>();
    CoreState s = initial;
    MonoTime now = MonoTime.ofMillis(1_000);
    WallTime wall = new WallTime(1_700_000_000_000L);
    NodeAddress ours = new NodeAddress(self, "10.0.0.1", 26656);
    world.add(new CoreEvent.Peer(new PeerEvent.Started()));
    for (int i = 0; i < 4; i++) {
      List<NodeAddress> batch = new ArrayList<>();
      for (int j = 0; j < 250; j++) {
        batch.add(address(r));
      }
      world.add(new CoreEvent.Peer(new PeerEvent.AddressesLearned(batch, ours)));
    }
    while (out.size() < count) {
      now = now.plusMillis(10);
      wall = wall.plusMillis(10);
      CoreEvent ev;
      Optional<MonoTime> due = Core.nextDeadline(s);
      if (due.isPresent() && !due.get().isAfter(now)) {
        ev = new CoreEvent.TimerFired();
      } else if (!world.isEmpty()) {
        ev = world.poll();
      } else {
        ev = spontaneous(r, s);
        if (ev == null) {
          continue;
        }
      }
      Step<CoreState, CoreEffect> st = Core.step(config, s, now, wall, ev);
      out.add(new Timed(now, wall, ev));
      s = st.state();
      react(r, s, st.effects(), world);
    }
    return List.copyOf(out);
  }

  /** Something the world does unprompted: an inbound peer, a PEX request, a lost peer. */
  private static CoreEvent spontaneous(Random r, CoreState s) {
    int dice = r.nextInt(10);
    var ready = new ArrayList<>(s.peer().ready());
    if (dice < 4) {
      return new CoreEvent.Peer(new PeerEvent.InboundAccepted(address(r)));
    }
    if (ready.isEmpty()) {
      return null;
    }
    NodeId p = ready.get(r.nextInt(ready.size()));
    if (dice < 7) {
      return new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(p));
    }
    return new CoreEvent.Peer(new PeerEvent.PeerDisconnected(s.peer().connected().get(p).address()));
  }

  /** How the world answers the core's effects: 30 % of dials fail, a PEX request gets 30 new addresses. */
  private static void react(Random r, CoreState s, List<CoreEffect> effects, Deque<CoreEvent> world) {
    react(r, s, effects, world, 3, rr -> {
      List<NodeAddress> reply = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        reply.add(address(rr));
      }
      return reply;
    }, false);
  }

  /**
   * How a simulated world answers the core's effects: a dial fails {@code failTenths} times in
   * ten, else succeeds; a disconnect of an admitted connection is reported; a PEX request is
   * answered with {@code reply}; PEX's own closes are carried out when {@code pexCloses}; every
   * admitted connection becomes ready once.
   */
  static void react(Random r, CoreState s, List<CoreEffect> effects, Deque<CoreEvent> world, int failTenths,
      java.util.function.Function<Random, List<NodeAddress>> reply, boolean pexCloses) {
    for (CoreEffect f : effects) {
      switch (f) {
        case CoreEffect.Peer p -> {
          switch (p.effect()) {
            case PeerEffect.Dial d -> world.add(new CoreEvent.Peer(r.nextInt(10) < failTenths
                ? new PeerEvent.DialFailed(d.address()) : new PeerEvent.DialSucceeded(d.address())));
            case PeerEffect.Disconnect d -> {
              var c = s.peer().connected().get(d.peer());
              if (c != null && c.address().equals(d.address())) {
                world.add(new CoreEvent.Peer(new PeerEvent.PeerDisconnected(d.address())));
              }
            }
            case PeerEffect.PublishPeerUpdate u -> { }
            case PeerEffect.PersistBook b -> { }
          }
        }
        case CoreEffect.Pex x -> {
          switch (x.effect()) {
            case PexEffect.SendPexRequest q ->
                world.add(new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(q.peer(), reply.apply(r))));
            case PexEffect.SendPexAddrs a -> { }
            case PexEffect.SendPexAddrsThenDisconnect a -> {
              if (pexCloses) {
                disconnectLater(s, a.peer(), world);
              }
            }
            case PexEffect.DisconnectPeer d -> {
              if (pexCloses) {
                disconnectLater(s, d.peer(), world);
              }
            }
          }
        }
      }
    }
    // admitted connections become ready
    for (var e : s.peer().connected().entrySet()) {
      if (!s.peer().ready().contains(e.getKey()) && !s.peer().evicting().containsKey(e.getKey())
          && world.stream().noneMatch(w -> w instanceof CoreEvent.PeerReady pr && pr.peer().equals(e.getKey()))) {
        NodeAddress a = e.getValue().address();
        world.add(new CoreEvent.PeerReady(e.getKey(), new NodeAddress(a.id(), a.ip(), 26656)));
      }
    }
  }

  /** The shell closes a connection PEX asked to drop. */
  private static void disconnectLater(CoreState s, NodeId peer, Deque<CoreEvent> world) {
    var c = s.peer().connected().get(peer);
    if (c != null) {
      world.add(new CoreEvent.Peer(new PeerEvent.PeerDisconnected(c.address())));
    }
  }
}
