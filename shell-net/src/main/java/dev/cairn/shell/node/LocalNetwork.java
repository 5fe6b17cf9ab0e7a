package dev.cairn.shell.node;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.shell.config.ConfigException;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.GoDuration;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.p2p.HostResolver;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * N Cairn nodes on 127.0.0.1 in one process, each with its own listener and its own event loop
 * thread share: K seed nodes in seed mode, the others knowing only the seeds. Used by
 * {@code cairn testnet} and by the integration tests.
 */
public final class LocalNetwork implements AutoCloseable {

  /** How the network is laid out. */
  public record Plan(int nodes, int seeds, int maxOutbound, int maxInbound, Duration pexPeriod, long seed) {
    /** The most nodes one network runs: they share one process, its threads and its file descriptors. */
    public static final int MAX_NODES = 256;

    public Plan {
      if (nodes < 3 || nodes > MAX_NODES) {
        throw new IllegalArgumentException("--nodes must be between 3 and " + MAX_NODES + " (a seed and two non-seed"
            + " nodes to meet through it, at most the nodes of one process), got " + nodes);
      }
      if (seeds < 1 || seeds > nodes - 2) {
        throw new IllegalArgumentException("--seeds must be between 1 and nodes - 2 = " + (nodes - 2) + " (at least"
            + " two non-seed nodes, to meet), got " + seeds);
      }
      if (maxOutbound < 1) {
        throw new IllegalArgumentException("--outbound must be at least 1, got " + maxOutbound);
      }
      if (maxInbound < 0) {
        throw new IllegalArgumentException("--inbound must not be negative, got " + maxInbound);
      }
      if (maxInbound == 0 && nodes - seeds > 1) {
        throw new IllegalArgumentException("--inbound 0 leaves no non-seed node room for another's connection:"
            + " the " + (nodes - seeds) + " non-seed nodes could never connect to each other");
      }
      if (pexPeriod.isNegative() || pexPeriod.isZero()) {
        throw new IllegalArgumentException("--pex-period must be positive, got " + GoDuration.format(pexPeriod));
      }
    }

    int nonSeeds() {
      return nodes - seeds;
    }

    /**
     * The inbound limit at which no non-seed ever refuses another node for want of room: every
     * other non-seed, plus every seed's crawl connection, fits.
     */
    public int roomyInbound() {
      return nonSeeds() - 1 + seeds;
    }

    /**
     * A note when the non-seeds are too few for all of them to reach {@code maxOutbound}: every
     * outbound link is another node's inbound one, so each node needs 2 x outbound + 1 non-seeds
     * (itself, those it dials, those that dial it). The run then converges when each node is at
     * its target or linked to every other non-seed. Empty when there are enough.
     */
    public Optional<String> fewNodesNote() {
      if (2 * maxOutbound + 1 <= nonSeeds()) {
        return Optional.empty();
      }
      return Optional.of("--outbound " + maxOutbound + " cannot be reached by every one of " + nonSeeds()
          + " non-seed nodes (that takes 2 x outbound + 1 = " + (2 * maxOutbound + 1) + " of them); the network"
          + " converges when each is at its target or linked to every other non-seed");
    }

    /**
     * A warning when {@code maxInbound} is below {@link #roomyInbound}: nodes whose inbound is
     * full can then leave another below its outbound target for good, with nobody left to dial
     * (CometBFT behaves the same). Empty when every node always has room.
     */
    public Optional<String> tightInboundWarning() {
      if (maxInbound >= roomyInbound()) {
        return Optional.empty();
      }
      return Optional.of("--inbound " + maxInbound + " is below the " + roomyInbound()
          + " other nodes that may connect to a non-seed: nodes whose inbound fills up can leave another below"
          + " its outbound target with nobody left to dial, and the run may then not converge (CometBFT behaves"
          + " the same); --inbound " + roomyInbound() + " rules that out");
    }
  }

  private final Plan plan;
  private final java.nio.file.Path traceDir; // null: the nodes record no trace
  private final List<Node> nodes = new ArrayList<>();
  private final List<dev.cairn.shell.trace.TraceWriter> traces = new ArrayList<>();

  private LocalNetwork(Plan plan, java.nio.file.Path traceDir) {
    this.plan = plan;
    this.traceDir = traceDir;
  }

  public static LocalNetwork start(Plan plan, EventLoopGroup group) throws Exception {
    return start(plan, group, null);
  }

  /**
   * The network of {@code plan}, each node recording its trace into {@code traceDir} (as {@code
   * MONIKER.trace}, an earlier run's files set aside as {@code cairn start --trace} does) when it
   * is not null.
   */
  public static LocalNetwork start(Plan plan, EventLoopGroup group, java.nio.file.Path traceDir) throws Exception {
    return start(plan, group, traceDir, () -> false);
  }

  /**
   * {@link #start(Plan, EventLoopGroup, java.nio.file.Path)}, starting no more nodes once {@code
   * stopped} says so (an operator's interrupt while a large network starts): the network then
   * holds the nodes started so far.
   */
  public static LocalNetwork start(Plan plan, EventLoopGroup group, java.nio.file.Path traceDir,
      java.util.function.BooleanSupplier stopped) throws Exception {
    LocalNetwork net = new LocalNetwork(plan, traceDir);
    try {
      net.startAll(group, stopped);
    } catch (Exception e) {
      net.close();
      throw e;
    }
    return net;
  }

  private void startAll(EventLoopGroup group, java.util.function.BooleanSupplier stopped) throws Exception {
    SecureRandom random = new SecureRandom();
    List<NodeKey> keys = new ArrayList<>();
    List<Integer> ports = freePorts(plan.nodes());
    for (int i = 0; i < plan.nodes(); i++) {
      keys.add(NodeKey.generate(random));
    }
    List<String> seedAddrs = new ArrayList<>();
    for (int i = 0; i < plan.seeds(); i++) {
      seedAddrs.add(keys.get(i).id().hex() + "@127.0.0.1:" + ports.get(i));
    }
    for (int i = 0; i < plan.nodes() && !stopped.getAsBoolean(); i++) {
      boolean seed = i < plan.seeds();
      String moniker = seed ? "seed" + i : "node" + (i - plan.seeds());
      NodeConfig cfg = config(seed, moniker, seedAddrs, ports.get(i));
      NodeKey key = keys.get(i);
      NodeAddress self = new NodeAddress(key.id(), "127.0.0.1", ports.get(i));
      CoreConfig core = accelerate(CoreConfigs.from(cfg, key.id(), List.of(self), HostResolver.none()));
      byte[] bookKey = new byte[12];
      random.nextBytes(bookKey);
      Node.Settings s = new Node.Settings(key, "cairn-testnet", moniker, "127.0.0.1", ports.get(i), core,
          plan.seed() * 1_000_003L + i, AddressBook.empty(BookKey.of(HexFormat.of().formatHex(bookKey))),
          MConnConfig.defaults().withFlushThrottle(Duration.ofMillis(10)), Duration.ofSeconds(3),
          Duration.ofSeconds(3), Node.handshakeSlots(plan.maxInbound(), 0), BookPersister.NONE,
          dev.cairn.shell.metrics.NodeMetrics.disabled());
      dev.cairn.shell.trace.TraceWriter trace = null;
      if (traceDir != null) {
        java.nio.file.Path file = traceFile(moniker);
        dev.cairn.shell.trace.EarlierTrace.setAside(file);
        trace = new dev.cairn.shell.trace.TraceWriter(dev.cairn.shell.trace.TraceWriter.Options.defaults(file), core,
            Node.initialState(s), s.prngSeed());
        traces.add(trace);
      }
      nodes.add(Node.start(s, group, trace));
    }
  }

  /** Where the node named {@code moniker} records its trace (with a trace directory). */
  public java.nio.file.Path traceFile(String moniker) {
    return traceDir.resolve(moniker + ".trace");
  }

  private NodeConfig config(boolean seed, String moniker, List<String> seedAddrs, int port) throws ConfigException {
    int inbound = seed ? Math.max(plan.nodes(), plan.maxInbound()) : plan.maxInbound();
    String toml = "[p2p]\n"
        + "laddr = \"tcp://127.0.0.1:" + port + "\"\n"
        + "addr_book_strict = false\n"
        + "allow_duplicate_ip = true\n"
        // A seed dials only to crawl (seed mode: no ensure-peers dials), within the same limit.
        + "max_num_outbound_peers = " + plan.maxOutbound() + "\n"
        + "max_num_inbound_peers = " + inbound + "\n"
        + "seed_mode = " + seed + "\n"
        + "seeds = \"" + (seed ? "" : String.join(",", seedAddrs)) + "\"\n"
        + "[cairn]\n"
        + "network = \"cairn-testnet\"\n"
        + "moniker = \"" + moniker + "\"\n"
        + "retry_delay_min = \"250ms\"\n"
        + "retry_jitter_max = \"250ms\"\n"
        + "disconnect_cooldown = \"500ms\"\n";
    return ConfigLoader.parse(toml, moniker + "/config.toml", Optional.empty());
  }

  /**
   * A local network runs CometBFT's PEX cadence faster (ensure-peers and crawl rounds every
   * {@code pexPeriod} instead of 30 s) so that it converges in seconds; the request window that
   * protects peers (10 s) is unchanged.
   */
  private CoreConfig accelerate(CoreConfig c) {
    PexConfig p = c.pex();
    PexConfig fast = new PexConfig(p.seedMode(), p.seeds(), plan.pexPeriod(), p.minReceiveRequestInterval(),
        p.freeRequests(), p.maxAddressesPerMessage(), p.banTime(), plan.pexPeriod(), p.minTimeBetweenCrawls(),
        p.crawlRecordRetention(), p.maxCrawled(), p.seedDisconnectWaitPeriod(), p.seedBiasTowardsNew(), p.maxPeers());
    return new CoreConfig(c.peer(), fast);
  }

  private static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        held.add(s);
      }
      return held.stream().map(ServerSocket::getLocalPort).collect(Collectors.toList());
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  public Plan plan() {
    return plan;
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /** Every node's status, taken on each node's loop. */
  public List<Node.Status> statuses() throws Exception {
    List<CompletableFuture<Node.Status>> fs = new ArrayList<>();
    for (Node n : nodes) {
      fs.add(n.status());
    }
    List<Node.Status> out = new ArrayList<>();
    for (CompletableFuture<Node.Status> f : fs) {
      out.add(f.get(5, TimeUnit.SECONDS));
    }
    return out;
  }

  /**
   * Whether every non-seed node is settled: at its outbound target, or below it but linked to every
   * other non-seed ({@link dev.cairn.shell.report.Snapshot#settled}, the one rule the summary and
   * the pictures show). In a small network the others can all dial one node before it dials enough
   * of them; it then has every link the network can give it, and no rule of CometBFT or Cairn
   * turns an inbound link into an outbound one.
   */
  public static boolean converged(List<Node.Status> statuses) {
    dev.cairn.shell.report.Snapshot s = snapshot(0, statuses);
    return s.settledCount() == s.nonSeedCount();
  }

  /** {@code statuses} in the report package's terms (IDs as hex, sorted), at {@code elapsedMillis}. */
  public static dev.cairn.shell.report.Snapshot snapshot(long elapsedMillis, List<Node.Status> statuses) {
    List<dev.cairn.shell.report.NodeStatus> nodes = new ArrayList<>();
    for (Node.Status st : statuses) {
      nodes.add(new dev.cairn.shell.report.NodeStatus(st.id().hex(), st.moniker(), st.seed(), st.outboundTarget(),
          st.outbound().stream().map(dev.cairn.core.NodeId::hex).toList(),
          st.inbound().stream().map(dev.cairn.core.NodeId::hex).toList(), st.knownAddresses(), st.dials(),
          st.dialFailures()));
    }
    return new dev.cairn.shell.report.Snapshot(elapsedMillis, nodes);
  }


  /**
   * The non-seeds below their outbound target that have nobody left to dial, one sentence each:
   * every other non-seed is already connected to it, or has its inbound full (at the plan's
   * {@code maxInbound}), and at least one is full (a node linked to every other one is settled, not
   * stuck: {@link #converged}). Random dialing can reach such a state in a small network; no rule of
   * CometBFT or Cairn turns an inbound link into an outbound one or frees a full inbound, so it
   * lasts until some connection closes. Empty when every node below target has a candidate.
   */
  public static List<String> stuckBelowTarget(Plan plan, List<Node.Status> statuses) {
    List<Node.Status> nonSeeds = statuses.stream().filter(s -> !s.seed()).toList();
    List<String> out = new ArrayList<>();
    for (Node.Status s : nonSeeds) {
      int[] c = connectedAndFull(plan, s, nonSeeds);
      if (s.outbound().size() < s.outboundTarget() && c[1] > 0 && c[0] + c[1] == nonSeeds.size() - 1) {
        out.add(String.format("%s has %d/%d outbound and nobody left to dial: of the %d other non-seed%s,"
            + " %d %s connected to it and %d %s their inbound full (%d)", s.moniker(), s.outbound().size(),
            s.outboundTarget(), nonSeeds.size() - 1, nonSeeds.size() == 2 ? "" : "s", c[0], c[0] == 1 ? "is" : "are",
            c[1], c[1] == 1 ? "has" : "have", plan.maxInbound()));
      }
    }
    return out;
  }

  /**
   * The non-seeds below their outbound target that still have somebody to dial: another non-seed
   * not connected to them with inbound room (the others of {@link #stuckBelowTarget}).
   */
  public static List<Node.Status> belowTargetWithCandidate(Plan plan, List<Node.Status> statuses) {
    List<Node.Status> nonSeeds = statuses.stream().filter(s -> !s.seed()).toList();
    List<Node.Status> out = new ArrayList<>();
    for (Node.Status s : nonSeeds) {
      int[] c = connectedAndFull(plan, s, nonSeeds);
      if (s.outbound().size() < s.outboundTarget() && c[0] + c[1] < nonSeeds.size() - 1) {
        out.add(s);
      }
    }
    return out;
  }

  /** Of the non-seeds other than {@code s}: how many are connected to it, and how many of the rest are full. */
  private static int[] connectedAndFull(Plan plan, Node.Status s, List<Node.Status> nonSeeds) {
    int connected = 0;
    int full = 0;
    for (Node.Status y : nonSeeds) {
      if (y == s) {
        continue;
      }
      if (s.outbound().contains(y.id()) || s.inbound().contains(y.id())) {
        connected++;
      } else if (y.inbound().size() >= plan.maxInbound()) {
        full++;
      }
    }
    return new int[] {connected, full};
  }

  @Override
  public void close() {
    // all at once: each close waits for its node's event loop to stop it, and one after the other
    // a network of hundreds took seconds to stop after an interrupt
    try (var closing = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (Node n : nodes) {
        closing.execute(n::close);
      }
    }
    for (dev.cairn.shell.trace.TraceWriter t : traces) {
      t.close(); // after its node: every step the node took is in its trace, which ends with its trailer
    }
  }
}
