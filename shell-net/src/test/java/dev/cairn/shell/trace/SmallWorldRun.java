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
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.shell.config.ConfigException;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.node.CoreConfigs;
import dev.cairn.shell.p2p.HostResolver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A long deterministic run of one node in a small network, for trace validation: the network
 * has a seed, three sentries and {@value #OTHERS} more nodes ({@value #NODES} node IDs in all), so
 * the spec's model stays in the tens of nodes however long the run is. The node is either a
 * validator (the sentries are its persistent peers, the seed its seed) or the seed itself (seed
 * mode: crawl rounds, answer-and-disconnect). The world answers the node's effects (dials succeed
 * or fail, requests are answered with a few addresses of the network, evictions end in a
 * disconnect), connects to it, asks it for addresses and drops connections, with
 * {@value #STEP_MILLIS} ms of virtual time between events and the node's timers firing when due
 * (50 000 events are about 3.5 hours).
 */
public final class SmallWorldRun {

  static final int OTHERS = 20;
  static final int NODES = 1 + 3 + OTHERS + 1;
  static final int STEP_MILLIS = 250;

  private final CoreConfig config;
  private final CoreState initial;
  private final List<SyntheticRun.Timed> events;

  private SmallWorldRun(CoreConfig config, CoreState initial, List<SyntheticRun.Timed> events) {
    this.config = config;
    this.initial = initial;
    this.events = events;
  }

  /**
   * {@code count} events of the node ({@code seedNode}: the network's seed, in seed mode) in the
   * network of {@value #NODES} nodes, the world seeded by {@code worldSeed}.
   */
  public static SmallWorldRun generate(int count, long worldSeed, boolean seedNode) {
    return generate(count, worldSeed, seedNode, OTHERS);
  }

  /** The same in a network with {@code others} nodes besides the validator, the seed and the sentries. */
  public static SmallWorldRun generate(int count, long worldSeed, boolean seedNode, int others) {
    return generate(count, worldSeed, seedNode, others, UnaryOperator.identity());
  }

  /** The same with the node's PEX config changed by {@code pex} (shorter periods, say). */
  public static SmallWorldRun generate(int count, long worldSeed, boolean seedNode, int others,
      UnaryOperator<PexConfig> pex) {
    return generate(count, worldSeed, seedNode, others, pex, Addresses.PRIVATE);
  }

  /**
   * How the network's nodes are addressed. The book places a new address by the /16 groups of
   * the address and of its source, so this decides how the network spreads over the new buckets.
   */
  public enum Addresses {
    /**
     * All in 10.1.0.0/16, with {@code addr_book_strict = false} (a private network): one group,
     * so every address a node learns goes to the same new bucket, and once that bucket is full
     * each new one pushes another out.
     */
    PRIVATE,
    /**
     * As {@link #PRIVATE}, and every answer names each of its nodes at two addresses, its own and
     * one in the next /16 (a node that moved, or a liar): the book may store the second as one
     * more bucket of the entry, another group's, so a batch stores more addresses than it names
     * peers.
     */
    PRIVATE_TWICE,
    /**
     * Public IPv4 addresses drawn over a few thousand /16 groups, with {@code addr_book_strict =
     * true} (CometBFT's default): as a node on the internet sees its network, spread over the
     * new buckets.
     */
    ROUTABLE
  }

  /** First octets of the {@link Addresses#ROUTABLE} addresses: public unicast space only. */
  private static final int[] PUBLIC_FIRST_OCTETS = {
      23, 34, 45, 52, 65, 78, 89, 95, 104, 136, 141, 144, 148, 157, 167, 185, 195, 212};

  /** The same with the network addressed as {@code addresses} says. */
  public static SmallWorldRun generate(int count, long worldSeed, boolean seedNode, int others,
      UnaryOperator<PexConfig> pex, Addresses addresses) {
    return generate(count, worldSeed, seedNode, others, pex, UnaryOperator.identity(), addresses);
  }

  /** The same with the node's book config changed by {@code book} (buckets small enough to fill, say). */
  public static SmallWorldRun generate(int count, long worldSeed, boolean seedNode, int others,
      UnaryOperator<PexConfig> pex, UnaryOperator<BookConfig> book, Addresses addresses) {
    Random ids = new Random(11);
    Random ips = new Random(13);
    List<NodeAddress> network = new ArrayList<>();
    for (int i = 0; i < 5 + others; i++) {
      byte[] b = new byte[20];
      ids.nextBytes(b);
      String ip = switch (addresses) {
        case PRIVATE, PRIVATE_TWICE -> "10.1." + (i / 200) + "." + (1 + i % 200);
        case ROUTABLE -> PUBLIC_FIRST_OCTETS[ips.nextInt(PUBLIC_FIRST_OCTETS.length)] + "." + ips.nextInt(256)
            + "." + ips.nextInt(256) + "." + (1 + ips.nextInt(254));
      };
      network.add(new NodeAddress(NodeId.of(HexFormat.of().formatHex(b)), ip, 26656));
    }
    NodeAddress validator = network.get(0);
    NodeAddress seed = network.get(1);
    List<NodeAddress> sentries = network.subList(2, 5);
    NodeAddress self = seedNode ? seed : validator;
    String toml = "[p2p]\nladdr = \"tcp://" + self.ip() + ":26656\"\naddr_book_strict = "
        + (addresses == Addresses.ROUTABLE) + "\n"
        + "max_num_inbound_peers = " + (seedNode ? 12 : 6) + "\nmax_num_outbound_peers = 4\n"
        + (seedNode ? "seed_mode = true\n"
            : "seeds = \"" + text(seed) + "\"\npersistent_peers = \"" + text(sentries.get(0)) + ","
                + text(sentries.get(1)) + "," + text(sentries.get(2)) + "\"\n")
        + "[cairn]\nnetwork = \"small-world\"\n";
    NodeConfig cfg;
    try {
      cfg = ConfigLoader.parse(toml, "config.toml", Optional.empty());
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
    CoreConfig loaded = CoreConfigs.from(cfg, self.id(), List.of(self), HostResolver.none());
    CoreConfig config = new CoreConfig(loaded.peer().withBook(book.apply(loaded.peer().book())),
        pex.apply(loaded.pex()));
    CoreState initial = CoreState.initial(AddressBook.empty(BookKey.of("00112233445566778899aabb")), 7);
    List<NodeAddress> world = new ArrayList<>(network);
    world.remove(self);
    return new SmallWorldRun(config, initial,
        simulate(config, initial, world, count, worldSeed, addresses == Addresses.PRIVATE_TWICE));
  }

  private static String text(NodeAddress a) {
    return a.id().hex() + "@" + a.ip() + ":" + a.port();
  }

  public CoreConfig config() {
    return config;
  }

  public CoreState initial() {
    return initial;
  }

  public long prngSeed() {
    return 7;
  }

  public List<SyntheticRun.Timed> events() {
    return events;
  }

  /** Writes the run as a trace under {@code options} and closes it. */
  public void record(TraceWriter.Options options) {
    try (TraceWriter w = new TraceWriter(options, config, initial, prngSeed())) {
      CoreState s = initial;
      for (SyntheticRun.Timed t : events) {
        Step<CoreState, CoreEffect> st = Core.step(config, s, t.now(), t.wall(), t.event());
        w.onStep(t.now(), t.wall(), t.event(), st, 0);
        s = st.state();
      }
    }
  }

  private static List<SyntheticRun.Timed> simulate(CoreConfig config, CoreState initial, List<NodeAddress> others,
      int count, long seed, boolean twice) {
    Random r = new Random(seed);
    List<SyntheticRun.Timed> out = new ArrayList<>();
    Deque<CoreEvent> world = new ArrayDeque<>();
    CoreState s = initial;
    MonoTime now = MonoTime.ofMillis(1_000);
    WallTime wall = new WallTime(1_700_000_000_000L);
    world.add(new CoreEvent.Peer(new PeerEvent.Started()));
    int idle = 0;
    while (out.size() < count) {
      now = now.plusMillis(STEP_MILLIS);
      wall = wall.plusMillis(STEP_MILLIS);
      CoreEvent ev;
      Optional<MonoTime> due = Core.nextDeadline(s);
      if (due.isPresent() && !due.get().isAfter(now)) {
        ev = new CoreEvent.TimerFired();
      } else if (!world.isEmpty()) {
        ev = world.poll();
      } else {
        ev = spontaneous(r, s, others);
        if (ev == null) {
          if (++idle > 1000) {
            throw new IllegalStateException("the world stands still");
          }
          continue;
        }
      }
      idle = 0;
      Step<CoreState, CoreEffect> st = Core.step(config, s, now, wall, ev);
      out.add(new SyntheticRun.Timed(now, wall, ev));
      s = st.state();
      react(r, s, st.effects(), world, others, twice);
    }
    return List.copyOf(out);
  }

  /** Something the world does unprompted, one event in four at most: a connection, a request, a loss. */
  private static CoreEvent spontaneous(Random r, CoreState s, List<NodeAddress> others) {
    int dice = r.nextInt(40);
    var ready = new ArrayList<>(s.peer().ready());
    if (dice < 3) {
      NodeAddress a = others.get(r.nextInt(others.size()));
      return new CoreEvent.Peer(new PeerEvent.InboundAccepted(new NodeAddress(a.id(), a.ip(), 40000 + r.nextInt(20000))));
    }
    if (dice >= 10 || ready.isEmpty()) {
      return null;
    }
    NodeId p = ready.get(r.nextInt(ready.size()));
    if (dice < 8) {
      return new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(p));
    }
    return new CoreEvent.Peer(new PeerEvent.PeerDisconnected(s.peer().connected().get(p).address()));
  }

  /**
   * 20 % of dials fail; a PEX request is answered with 1–8 of the other nodes (each also at a
   * second address, in the next /16, when {@code twice}); PEX's closes are carried out.
   */
  private static void react(Random r, CoreState s, List<CoreEffect> effects, Deque<CoreEvent> world,
      List<NodeAddress> others, boolean twice) {
    SyntheticRun.react(r, s, effects, world, 2, rr -> {
      List<NodeAddress> reply = new ArrayList<>();
      for (int i = 0, n = 1 + rr.nextInt(8); i < n; i++) {
        NodeAddress a = others.get(rr.nextInt(others.size()));
        if (!reply.contains(a)) {
          reply.add(a);
          if (twice) {
            String[] q = a.ip().split("\\.");
            reply.add(new NodeAddress(a.id(), q[0] + "." + (Integer.parseInt(q[1]) + 1) + "." + q[2] + "." + q[3],
                a.port()));
          }
        }
      }
      return reply;
    }, true);
  }
}
