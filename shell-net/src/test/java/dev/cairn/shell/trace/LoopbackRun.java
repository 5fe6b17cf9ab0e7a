package dev.cairn.shell.trace;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.Step;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.metrics.NodeMetrics;
import dev.cairn.shell.node.BookPersister;
import dev.cairn.shell.node.CoreConfigs;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.Node;
import dev.cairn.shell.p2p.HostResolver;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The events every node took in a real run of a small network on 127.0.0.1, laid out as
 * {@code cairn testnet} lays it out: one seed in seed mode, the other nodes knowing only the
 * seed, 3 outbound and 6 inbound slots each, PEX rounds every 500 ms, short retry delays. So the
 * run has seed crawls, PEX requests and answers, dials (some refused), inbound admissions,
 * graceful seed disconnects, timers and retries. Each node's events are kept with the times its
 * driver stepped them at; stepping them again from the node's initial state reproduces its run
 * exactly (the core is deterministic), so they make realistic traces.
 */
public final class LoopbackRun {

  /** One node's run. */
  public record NodeRun(CoreConfig config, CoreState initial, long prngSeed, List<SyntheticRun.Timed> events) {

    /** Steps every event through the core again and writes them as the trace file {@code file}. */
    public void writeTrace(Path file) {
      try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(file), config, initial, prngSeed)) {
        CoreState s = initial;
        for (SyntheticRun.Timed t : events) {
          Step<CoreState, CoreEffect> st = Core.step(config, s, t.now(), t.wall(), t.event());
          w.onStep(t.now(), t.wall(), t.event(), st, 0);
          s = st.state();
        }
      }
    }
  }

  private final List<NodeRun> nodes;

  private LoopbackRun(List<NodeRun> nodes) {
    this.nodes = nodes;
  }

  /** Runs {@code count} nodes for {@code duration}. */
  public static LoopbackRun record(int count, Duration duration) throws Exception {
    SecureRandom random = new SecureRandom();
    EventLoopGroup group = EventLoops.newGroup(2);
    List<Node> started = new ArrayList<>();
    List<Node.Settings> settings = new ArrayList<>();
    List<List<SyntheticRun.Timed>> seen = new ArrayList<>();
    try {
      NodeKey[] keys = new NodeKey[count];
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        keys[i] = NodeKey.generate(random);
        ports[i] = TraceFiles.freePort();
      }
      String seed = keys[0].id().hex() + "@127.0.0.1:" + ports[0];
      for (int i = 0; i < count; i++) {
        Node.Settings s = settings(keys[i], ports[i], i == 0, seed, count, 1000L + i);
        List<SyntheticRun.Timed> events = Collections.synchronizedList(new ArrayList<>());
        settings.add(s);
        seen.add(events);
        started.add(Node.start(s, group, (now, wall, ev, st, nanos) -> events.add(new SyntheticRun.Timed(now, wall,
            ev))));
      }
      TimeUnit.NANOSECONDS.sleep(duration.toNanos());
      for (Node n : started) {
        n.close();
      }
      started.clear();
      List<NodeRun> runs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        List<SyntheticRun.Timed> events = seen.get(i);
        synchronized (events) {
          runs.add(new NodeRun(settings.get(i).core(), TraceFiles.initial(settings.get(i)), settings.get(i).prngSeed(),
              List.copyOf(events)));
        }
      }
      return new LoopbackRun(runs);
    } finally {
      for (Node n : started) {
        n.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static Node.Settings settings(NodeKey key, int port, boolean isSeed, String seedAddress, int count,
      long prngSeed) throws Exception {
    String toml = "[p2p]\n"
        + "laddr = \"tcp://127.0.0.1:" + port + "\"\n"
        + "addr_book_strict = false\n"
        + "allow_duplicate_ip = true\n"
        + "max_num_outbound_peers = 3\n"
        + "max_num_inbound_peers = " + (isSeed ? count : 6) + "\n"
        + "seed_mode = " + isSeed + "\n"
        + "seeds = \"" + (isSeed ? "" : seedAddress) + "\"\n"
        + "[cairn]\n"
        + "network = \"cairn-trace\"\n"
        + "moniker = \"n" + port + "\"\n"
        + "retry_delay_min = \"100ms\"\n"
        + "retry_jitter_max = \"100ms\"\n"
        + "disconnect_cooldown = \"200ms\"\n";
    NodeConfig cfg = ConfigLoader.parse(toml, "config.toml", Optional.empty());
    CoreConfig core = CoreConfigs.from(cfg, key.id(), List.of(new NodeAddress(key.id(), "127.0.0.1", port)),
        HostResolver.none());
    PexConfig p = core.pex();
    Duration round = Duration.ofMillis(500);
    PexConfig fast = new PexConfig(p.seedMode(), p.seeds(), round, p.minReceiveRequestInterval(), p.freeRequests(),
        p.maxAddressesPerMessage(), p.banTime(), round, p.minTimeBetweenCrawls(), p.crawlRecordRetention(),
        p.maxCrawled(), p.seedDisconnectWaitPeriod(), p.seedBiasTowardsNew(), p.maxPeers());
    return new Node.Settings(key, "cairn-trace", cfg.cairn().moniker(), "127.0.0.1", port,
        new CoreConfig(core.peer(), fast), prngSeed, AddressBook.empty(BookKey.of("00112233445566778899aabb")),
        MConnConfig.defaults().withFlushThrottle(Duration.ofMillis(10)), Duration.ofSeconds(3), Duration.ofSeconds(2),
        16, BookPersister.NONE, NodeMetrics.disabled());
  }

  public List<NodeRun> nodes() {
    return nodes;
  }

  /** Steps in all nodes' runs. */
  public long steps() {
    return nodes.stream().mapToLong(n -> n.events().size()).sum();
  }
}
