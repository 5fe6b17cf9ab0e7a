package dev.cairn.shell.bench;

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
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.node.CoreConfigs;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.SpecHash;
import dev.cairn.shell.trace.TraceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of recording and replaying traces against the core step itself, on one realistic
 * event sequence of {@value #EVENTS} steps: a node with 1 000 known addresses starts, dials (30 %
 * of dials fail), admits inbound peers, exchanges PEX requests and 30-address replies, loses
 * peers, and fires its timers as time passes (10 ms per event). The sequence is generated once by
 * running the core against a seeded simulated world, then every benchmark steps exactly it:
 *
 * <ul>
 *   <li>{@code step}: {@code Core.step} alone (the baseline);
 *   <li>{@code stepAndRecord}: the same plus {@link TraceWriter#onStep}, as the driver calls it
 *       (the digests and the file are the writer thread's work);
 *   <li>{@code stepAndRecordDrained}: the same, then waiting until the writer thread has digested,
 *       encoded and buffered every step: the sustained cost with both threads counted;
 *   <li>{@code replay}: {@code cairn trace replay}'s work per event: read, decode, step, digest, compare.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TraceBenchmark {

  static final int EVENTS = 20_000;

  private record Timed(MonoTime now, WallTime wall, CoreEvent event) {}

  private CoreConfig config;
  private CoreState initial;
  private List<Timed> events;
  private Path dir;
  private Path recorded;
  private TraceWriter writer;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    NodeId self = id(new Random(1));
    String toml = "[p2p]\nladdr = \"tcp://10.0.0.1:26656\"\naddr_book_strict = false\n"
        + "max_num_inbound_peers = 20\nmax_num_outbound_peers = 10\n[cairn]\nnetwork = \"bench\"\n";
    NodeConfig cfg = ConfigLoader.parse(toml, "config.toml", Optional.empty());
    config = CoreConfigs.from(cfg, self, List.of(new NodeAddress(self, "10.0.0.1", 26656)), HostResolver.none());
    initial = CoreState.initial(AddressBook.empty(BookKey.of("00112233445566778899aabb")), 7);
    events = simulate(self);
    dir = Files.createTempDirectory("trace-bench");
    recorded = dir.resolve("replay.trace");
    try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(recorded), config, initial, 7)) {
      CoreState s = initial;
      for (Timed t : events) {
        Step<CoreState, CoreEffect> st = Core.step(config, s, t.now(), t.wall(), t.event());
        w.onStep(t.now(), t.wall(), t.event(), st, 0);
        s = st.state();
      }
    }
    writer = new TraceWriter(new TraceWriter.Options(dir.resolve("bench.trace"), 16L << 20, 2, 1 << 16,
        Duration.ofSeconds(10), SpecHash.ABSENT), config, initial, 7);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    writer.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState step() {
    CoreState s = initial;
    for (Timed t : events) {
      s = Core.step(config, s, t.now(), t.wall(), t.event()).state();
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState stepAndRecord() {
    CoreState s = initial;
    for (Timed t : events) {
      Step<CoreState, CoreEffect> st = Core.step(config, s, t.now(), t.wall(), t.event());
      writer.onStep(t.now(), t.wall(), t.event(), st, 0);
      s = st.state();
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public CoreState stepAndRecordDrained() {
    CoreState s = stepAndRecord();
    writer.drain();
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void replay(Blackhole bh) throws Exception {
    try (Replay r = Replay.open(recorded)) {
      for (var st = r.next(); st.isPresent(); st = r.next()) {
        if (st.get().mismatch().isPresent()) {
          throw new IllegalStateException(st.get().mismatch().get());
        }
        bh.consume(st.get());
      }
    }
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

  /** Runs the core against a seeded world and keeps the events it saw, with their times. */
  private List<Timed> simulate(NodeId self) {
    Random r = new Random(2024);
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
    List<NodeAddress> known = new ArrayList<>();
    while (out.size() < EVENTS) {
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
      react(r, s, st.effects(), world, known);
    }
    return out;
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

  /** How the world answers the core's effects. */
  private static void react(Random r, CoreState s, List<CoreEffect> effects, Deque<CoreEvent> world,
      List<NodeAddress> known) {
    for (CoreEffect f : effects) {
      switch (f) {
        case CoreEffect.Peer p -> {
          switch (p.effect()) {
            case PeerEffect.Dial d -> world.add(new CoreEvent.Peer(r.nextInt(10) < 3
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
            case PexEffect.SendPexRequest q -> {
              List<NodeAddress> reply = new ArrayList<>();
              for (int i = 0; i < 30; i++) {
                reply.add(address(r));
              }
              world.add(new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(q.peer(), reply)));
            }
            case PexEffect.SendPexAddrs a -> { }
            case PexEffect.SendPexAddrsThenDisconnect a -> { }
            case PexEffect.DisconnectPeer d -> { }
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
}
