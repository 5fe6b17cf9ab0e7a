package dev.cairn.shell.node;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.IpClass;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.metrics.DialOutcome;
import dev.cairn.shell.metrics.InboundRefusal;
import dev.cairn.shell.metrics.NodeMetrics;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.IpText;
import dev.cairn.shell.p2p.NetAddress;
import dev.cairn.shell.p2p.NetAddresses;
import dev.cairn.shell.p2p.NodeInfo;
import dev.cairn.shell.router.PeerError;
import dev.cairn.shell.router.Reactor;
import dev.cairn.shell.router.Router;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Cairn node: a TCP listener, the per-connection pipelines, and the {@link Driver}
 * that owns the core. All of a node's channels and its driver share one event loop, so every
 * callback, every core step and every effect of a node run on one thread, in order.
 *
 * <p>Connections are tracked by the address the core knows them by (the dialed address for
 * outbound, the socket address for inbound) through a small lifecycle: handshaking → delivered
 * to the core → admitted or refused → closed. The core hears of each connection exactly once
 * when it is handshaken ({@code DialSucceeded}/{@code InboundAccepted}, or {@code DialFailed}),
 * once more when it is ready, and once when it closes ({@code PeerDisconnected}) if it had been
 * admitted.
 *
 * <p>Messages go through a {@link Router}: PEX is its first reactor ({@link PexReactor}, channel
 * 0x00, bridging to the core's PEX machine); further reactors may be given to {@link #start}.
 * The node advertises exactly the router's channels. A peer error the router finds becomes
 * {@code PeerErrored} for the PeerManager, whose {@code Disconnect(ERRORED)} closes the peer.
 */
public final class Node implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  /**
   * The core state a node with {@code settings} starts from: its book and its bans by ID, with
   * the PRNG seeded. A trace of the node must start from this same state.
   */
  public static CoreState initialState(Settings settings) {
    CoreState initial = CoreState.initial(settings.initialBook(), settings.prngSeed());
    return initial.withPeer(initial.peer().withBannedIds(settings.initialBannedIds()));
  }

  /** The fewest inbound handshakes a node runs at once, whatever its inbound limit. */
  public static final int HANDSHAKE_SLOTS_MIN = 16;

  /**
   * Inbound handshakes run at once by a node admitting {@code maxInbound} peers and {@code
   * unconditional} more: CometBFT's listener limit ({@code max_num_inbound_peers} plus the
   * unconditional peers), but never fewer than {@value #HANDSHAKE_SLOTS_MIN}. With a limit of 1,
   * two peers dialing at once would otherwise see the second closed before its handshake, with
   * no reason given; with room to finish, it is refused after it (FULL), or admitted if the first
   * is not.
   */
  public static int handshakeSlots(int maxInbound, int unconditional) {
    return Math.max(HANDSHAKE_SLOTS_MIN, maxInbound + unconditional);
  }

  /** How long a seed's last answer may take to flush before the connection is closed anyway. */
  static final Duration FLUSH_STOP_MAX = Duration.ofSeconds(2);

  /** Everything a node needs besides its event loop. */
  public record Settings(
      NodeKey key,
      String network,
      String moniker,
      String listenHost,
      int listenPort,
      CoreConfig core,
      long prngSeed,
      AddressBook initialBook,
      MConnConfig mconn,
      Duration handshakeTimeout,
      Duration dialTimeout,
      int maxHandshakingInbound,
      BookPersister persister,
      NodeMetrics metrics,
      PSortedMap<NodeId, WallTime> initialBannedIds) {

    public Settings {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(network, "network");
      Objects.requireNonNull(moniker, "moniker");
      Objects.requireNonNull(listenHost, "listenHost");
      Objects.requireNonNull(core, "core");
      Objects.requireNonNull(initialBook, "initialBook");
      Objects.requireNonNull(mconn, "mconn");
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
      Objects.requireNonNull(dialTimeout, "dialTimeout");
      Objects.requireNonNull(persister, "persister");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(initialBannedIds, "initialBannedIds");
    }

    /** Settings of a node that starts with no bans by ID. */
    public Settings(NodeKey key, String network, String moniker, String listenHost, int listenPort, CoreConfig core,
        long prngSeed, AddressBook initialBook, MConnConfig mconn, Duration handshakeTimeout, Duration dialTimeout,
        int maxHandshakingInbound, BookPersister persister, NodeMetrics metrics) {
      this(key, network, moniker, listenHost, listenPort, core, prngSeed, initialBook, mconn, handshakeTimeout,
          dialTimeout, maxHandshakingInbound, persister, metrics, TreePMap.empty());
    }
  }

  /** A point-in-time view of a node, taken on its loop. */
  public record Status(
      NodeId id,
      String moniker,
      boolean seed,
      int outboundTarget,
      List<NodeId> outbound,
      List<NodeId> inbound,
      int knownAddresses,
      long dials,
      long dialFailures,
      long steps,
      long rejectedEvents) {}

  private enum Phase { HANDSHAKING, DELIVERED, ADMITTED, REFUSED, CLOSED }

  private static final class Conn {
    final NodeAddress address;
    final boolean outbound;
    Channel channel;
    PeerSession session;
    Phase phase = Phase.HANDSHAKING;
    /** Messages that arrived while the core was still deciding on the connection. */
    java.util.ArrayDeque<Early> early;
    /** The peer error that made us report the peer, if any (for the disconnect's log line). */
    PeerError error;
    /** It sent more than {@link #EARLY_MESSAGES_MAX} messages before it was admitted: closed, said once. */
    boolean overflowed;
    /**
     * Why this node closed it, when it did (the core's {@code Disconnect} reason, PEX's, or its own
     * stop): its end's log line says so.
     */
    String closedFor;
    /**
     * What waits for this connection's end to reach the core: the connection of the same peer
     * kept in its place, told to the core only after it ({@link #deliverAfterClosing}).
     */
    Runnable afterClose;

    Conn(NodeAddress address, boolean outbound) {
      this.address = address;
      this.outbound = outbound;
    }
  }

  /** A message held until its connection is admitted. */
  private record Early(int channelId, byte[] message) {}

  private final Settings settings;
  private final EventLoop loop;
  private final Driver driver;
  private final PexReactor pex;
  private final Router router;
  private final PeerPipeline.Settings pipeline;
  private final Map<NodeAddress, Conn> conns = new HashMap<>();
  private final Map<NodeId, Conn> admitted = new HashMap<>();
  private Channel server;
  private NodeAddress listenAddress;
  private int handshakingInbound;
  /** {@code [p2p] allow_duplicate_ip}: when false, one inbound connection per remote IP. */
  private final boolean allowDuplicateIp;
  /** {@code [cairn] max_handshakes_per_group}: inbound handshakes at once from one /16 (IPv6 /32). */
  private final int maxHandshakesPerGroup;
  /** Inbound handshakes under way by the group of their remote address; no group maps to 0. */
  private final Map<String, Integer> handshakingByGroup = new HashMap<>();
  private long dials;
  private long dialFailures;

  private Node(Settings settings, EventLoop loop, Options options, Driver.StepObserver observer,
      List<Reactor> reactors) {
    this.settings = settings;
    this.loop = loop;
    this.allowDuplicateIp = options.allowDuplicateIp();
    this.maxHandshakesPerGroup = options.maxHandshakesPerGroup();
    this.pex = new PexReactor(settings.key().id(), event -> driver().post(event), FLUSH_STOP_MAX,
        settings.metrics());
    List<Reactor> all = new ArrayList<>();
    all.add(pex);
    all.addAll(reactors);
    this.router = new Router(all, loop, settings.metrics(), this::onPeerError);
    pex.attach(router);
    NodeInfo info = new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), settings.key().id().hex(),
        options.advertised(), settings.network(), dev.cairn.shell.Version.VERSION,
        router.channelIds(), settings.moniker(), new NodeInfo.Other("off", ""));
    this.pipeline = new PeerPipeline.Settings(settings.key(), info, router.descriptors(), settings.mconn(),
        settings.handshakeTimeout(), settings.handshakeTimeout(), HostResolver.namesUnresolved(), new SecureRandom());
    Driver.StepObserver counting = (now, wallNow, event, step, nanos) -> {
      observed(event, step, nanos);
      if (observer != null) {
        observer.onStep(now, wallNow, event, step, nanos);
      }
    };
    this.driver = new Driver(settings.core(), initialState(settings), loop,
        Driver.Clocks.SYSTEM, this::execute, counting);
  }

  /**
   * Binds the listener and starts the core. The listen port must be known before the core is
   * configured (our own address is part of its config), so {@code settings.listenPort()} must
   * not be 0.
   */
  public static Node start(Settings settings, EventLoopGroup group, Driver.StepObserver observer)
      throws InterruptedException {
    return start(settings, group, observer, List.of());
  }

  /**
   * Like {@link #start(Settings, EventLoopGroup, Driver.StepObserver)}, with {@code reactors}
   * registered after PEX (their channels follow 0x00 in the NodeInfo). Their callbacks run on the
   * node's event loop, the driver's thread.
   */
  public static Node start(Settings settings, EventLoopGroup group, Driver.StepObserver observer,
      List<Reactor> reactors) throws InterruptedException {
    return start(settings, group, observer, reactors, Options.of(settings));
  }

  /**
   * What a node run by {@code cairn start} takes from config.toml beyond {@link Settings}: the
   * address it advertises as its NodeInfo's {@code listen_addr} ({@code HOST:PORT}, an IPv6 host in
   * brackets: CometBFT advertises {@code [p2p] external_address} when it is set, else {@code laddr}),
   * and whether an inbound connection is admitted from an IP another inbound connection comes from
   * ({@code [p2p] allow_duplicate_ip}: CometBFT's default, false, refuses it), and how many inbound
   * handshakes may run at once from addresses of one group, the /16 of an IPv4 address or the /32
   * of an IPv6 one, as the address book groups them ({@code [cairn] max_handshakes_per_group};
   * CometBFT has no such limit).
   */
  public record Options(String advertised, boolean allowDuplicateIp, int maxHandshakesPerGroup) {
    public Options {
      Objects.requireNonNull(advertised, "advertised");
      if (maxHandshakesPerGroup < 1) {
        throw new IllegalArgumentException("maxHandshakesPerGroup must be at least 1: " + maxHandshakesPerGroup);
      }
    }

    /** laddr advertised, duplicate IPs allowed, no limit by group: a local network's nodes, tests. */
    public static Options of(Settings settings) {
      return new Options(dev.cairn.shell.p2p.NetAddresses.hostPort(settings.listenHost(), settings.listenPort()),
          true, Integer.MAX_VALUE);
    }
  }

  /** Like {@link #start(Settings, EventLoopGroup, Driver.StepObserver, List)}, with {@code options}. */
  public static Node start(Settings settings, EventLoopGroup group, Driver.StepObserver observer,
      List<Reactor> reactors, Options options) throws InterruptedException {
    if (settings.listenPort() == 0) {
      throw new IllegalArgumentException("listen port must be fixed (our own address is part of the core config)");
    }
    EventLoop loop = group.next();
    Node node = new Node(settings, loop, options, observer, reactors);
    node.bind();
    return node;
  }

  private void bind() throws InterruptedException {
    ServerBootstrap sb = new ServerBootstrap()
        .group(loop, loop)
        .channel(EventLoops.serverChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            onInbound(ch);
          }
        });
    try {
      server = sb.bind(settings.listenHost(), settings.listenPort()).sync().channel();
    } catch (Exception e) {
      if (e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException) {
        throw new IllegalStateException("cannot listen on " + settings.listenHost() + ":" + settings.listenPort()
            + " ([p2p] laddr): " + FailureReasons.describe(e), e);
      }
      throw e;
    }
    InetSocketAddress bound = (InetSocketAddress) server.localAddress();
    listenAddress = new NodeAddress(settings.key().id(), IpText.format(bound.getAddress()), bound.getPort());
    log.info("event=listening node={} addr={}", settings.key().id(), listenAddress);
    driver.post(new CoreEvent.Peer(new PeerEvent.Started()));
    pendingReport = loop.scheduleAtFixedRate(this::reportPending, PENDING_REPORT_PERIOD.toMillis(),
        PENDING_REPORT_PERIOD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** How often each admitted peer's queued messages are reported ({@code peer_pending_send_bytes}), as CometBFT. */
  static final Duration PENDING_REPORT_PERIOD = Duration.ofSeconds(10);

  private io.netty.util.concurrent.ScheduledFuture<?> pendingReport;

  /** {@link #reportPending} now, on the node's loop (for tests). */
  CompletableFuture<Void> reportPendingNow() {
    return CompletableFuture.runAsync(this::reportPending, loop);
  }

  /**
   * Reports what is queued to each admitted peer, on the loop that runs their connections: the
   * messages on every channel, as CometBFT's {@code peer_pending_send_bytes} counts them (queue
   * entries, despite its name).
   */
  private void reportPending() {
    for (Conn c : admitted.values()) {
      if (c.session != null) {
        settings.metrics().pendingSendBytes(c.address.id(), c.session.queuedMessages());
      }
    }
  }

  /** Metrics of one step; runs before the driver swaps in the step's state. */
  private void observed(CoreEvent event, Step<CoreState, CoreEffect> step, long nanos) {
    NodeMetrics metrics = settings.metrics();
    metrics.coreStep(eventName(event), step.outcome(), nanos);
    var droppedBefore = driver.state().pex().dropped();
    var droppedAfter = step.state().pex().dropped();
    if (droppedAfter != droppedBefore) {
      for (var d : droppedAfter.entrySet()) {
        metrics.pexAddressesDropped(d.getKey().name().toLowerCase(java.util.Locale.ROOT),
            d.getValue() - droppedBefore.getOrDefault(d.getKey(), 0L));
      }
    }
    var before = driver.state().peer();
    var after = step.state().peer();
    if (before.book() != after.book() || before.bannedIds() != after.bannedIds()) {
      var book = after.book();
      metrics.addressBook(book.newCount(), book.oldCount(), book.bannedEntries().size() + after.bannedIds().size());
      reportNewBans(event, before, after);
      if (before.bannedIds() != after.bannedIds()) {
        // A ban by ID changes no book, so no PersistBook follows it: persist it here.
        settings.persister().submit(new BookPersister.Snapshot(after.book(), after.bannedIds()));
      }
    }
  }

  /**
   * One log line and one metric count per peer the step banned (a decision the core took), with
   * the event that led to it: what the peer sent (a malformed PEX message with its reason, PexAddrs
   * it was not asked for or too long, a PexRequest too soon), else the event's name.
   */
  private void reportNewBans(CoreEvent event, dev.cairn.core.peer.PeerState before,
      dev.cairn.core.peer.PeerState after) {
    java.util.Set<NodeId> was = new java.util.HashSet<>(before.bannedIds().keySet());
    before.book().bannedEntries().forEach(k -> was.add(k.addr().id()));
    java.util.List<NodeId> now = new java.util.ArrayList<>(after.bannedIds().keySet());
    after.book().bannedEntries().forEach(k -> now.add(k.addr().id()));
    for (NodeId id : now) {
      if (!was.contains(id)) {
        settings.metrics().peerBanned();
        long passedOver = banLines.take();
        if (passedOver < 0) {
          log.debug("event=ban node={} peer={} cause=\"{}\"", id(), id, banCause(event, id));
        } else {
          log.info("event=ban node={} peer={} cause=\"{}\"{}", id(), id, banCause(event, id), notLogged(passedOver));
        }
      }
    }
  }

  /** Info lines per minute of admitted connections ({@code dialed}, {@code accepted}, {@code disconnected}). */
  static final int CONNECTION_LINES_PER_MINUTE = 600;

  /**
   * The connection lines' budget: ten a second, more than a busy seed's peers come and go, and
   * what keeps one source with throw-away identities (a handshake and a close each, hundreds a
   * second) from writing hundreds of kilobytes of log a second; the metrics count every one.
   */
  private final LogBudget connectionLines =
      new LogBudget(CONNECTION_LINES_PER_MINUTE, Duration.ofMinutes(1), System::nanoTime);

  /** Info lines per minute about bans ({@code ban}, and {@code disconnect} with {@code BANNED}); the rest at debug. */
  static final int BAN_LINES_PER_MINUTE = 60;

  /**
   * The ban lines' budget: a peer with throw-away identities can be banned hundreds of times a
   * second (one handshake and one bad message each); {@code cairn_bans_total} counts every ban.
   */
  private final LogBudget banLines = new LogBudget(BAN_LINES_PER_MINUTE, Duration.ofMinutes(1), System::nanoTime);

  /** The {@code not_logged_before} field of a line taken from a budget after {@code passedOver} lines were not. */
  private static String notLogged(long passedOver) {
    return passedOver == 0 ? "" : " not_logged_before=" + passedOver;
  }

  /**
   * The fields a {@code BANNED} disconnect of {@code peer} adds to its log line: what led to it
   * ({@link #banCause}) and, for a persistent or unconditional peer, that no ban was recorded
   * (such a peer is disconnected and dialed again, never banned, so no {@code event=ban} line
   * says why).
   */
  static String bannedWhy(dev.cairn.core.peer.PeerConfig cfg, CoreEvent event, NodeId peer) {
    String spared = cfg.isPersistent(peer) ? "persistent" : cfg.isUnconditional(peer) ? "unconditional" : null;
    return " cause=\"" + banCause(event, peer) + "\"" + (spared == null ? ""
        : " ban=\"not recorded: " + spared + " peers are disconnected, never banned\"");
  }

  /** What led the core to ban {@code peer} at the step of {@code event}, for the log. */
  static String banCause(CoreEvent event, NodeId peer) {
    if (event instanceof CoreEvent.PexMessage m) {
      boolean fromIt = m.event() instanceof dev.cairn.core.pex.PexEvent.FromPeer f && f.peer().equals(peer);
      String what = switch (m.event()) {
        case dev.cairn.core.pex.PexEvent.PexMessageMalformed x -> "malformed PEX message: " + x.reason();
        case dev.cairn.core.pex.PexEvent.PexAddrsReceived x -> x.addresses().size() > PexMessages.MAX_ADDRESSES
            ? "PexAddrs with too many addresses (" + x.addresses().size() + ", more than " + PexMessages.MAX_ADDRESSES
                + ")"
            : "PexAddrs it was not asked for (" + x.addresses().size() + " address"
                + (x.addresses().size() == 1 ? "" : "es") + ")";
        case dev.cairn.core.pex.PexEvent.PexRequestReceived x -> "PexRequest too soon after its last one";
        default -> eventName(event);
      };
      return fromIt ? "it sent a " + what : eventName(event);
    }
    if (event instanceof CoreEvent.Peer p && (p.event() instanceof dev.cairn.core.peer.PeerEvent.InboundAccepted a
        && a.remote().id().equals(peer) || p.event() instanceof dev.cairn.core.peer.PeerEvent.DialSucceeded d
        && d.address().id().equals(peer))) {
      return "it connected while a ban of it is on record (the event=ban line of its ban says why)";
    }
    return eventName(event);
  }

  /** The event's type as metrics and logs name it, e.g. {@code DialFailed} or {@code PexRequestReceived}. */
  static String eventName(CoreEvent event) {
    return switch (event) {
      case CoreEvent.Peer p -> p.event().getClass().getSimpleName();
      case CoreEvent.PexMessage m -> m.event().getClass().getSimpleName();
      case CoreEvent.PeerReady r -> "PeerReady";
      case CoreEvent.TimerFired t -> "TimerFired";
    };
  }

  public NodeId id() {
    return settings.key().id();
  }

  public NodeAddress listenAddress() {
    return listenAddress;
  }

  public Driver driver() {
    return driver;
  }

  /** The node's router (use on the node's loop, see {@link Reactor}). */
  public Router router() {
    return router;
  }

  /** The node's status, read on its loop. */
  public CompletableFuture<Status> status() {
    CompletableFuture<Status> f = new CompletableFuture<>();
    loop.execute(() -> f.complete(statusNow()));
    return f;
  }

  private Status statusNow() {
    List<NodeId> out = new ArrayList<>();
    List<NodeId> in = new ArrayList<>();
    for (Map.Entry<NodeId, Connection> e : driver.state().peer().connected().entrySet()) {
      (e.getValue().direction() == Direction.OUTBOUND ? out : in).add(e.getKey());
    }
    return new Status(id(), settings.moniker(), settings.core().pex().seedMode(),
        settings.core().peer().maxOutbound(), out, in, driver.state().peer().book().size(), dials, dialFailures,
        driver.steps(), driver.rejectedEvents());
  }

  // ---------------------------------------------------------------- inbound

  private void onInbound(Channel ch) {
    if (handshakingInbound >= settings.maxHandshakingInbound()) {
      // Like CometBFT's listener limit: refuse before spending a handshake on it.
      log.debug("event=inbound_refused reason=too_many_handshakes node={} remote={}", id(), NetAddresses.hostPort(ch.remoteAddress()));
      settings.metrics().inboundRefused(InboundRefusal.TOO_MANY_HANDSHAKES);
      ch.close();
      return;
    }
    InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
    if (!allowDuplicateIp && inboundFrom(remote.getAddress())) {
      // CometBFT's ConnDuplicateIPFilter: one inbound connection per IP, refused before its handshake
      log.debug("event=inbound_refused reason=duplicate_ip node={} remote={}", id(), NetAddresses.hostPort(remote));
      settings.metrics().inboundRefused(InboundRefusal.DUPLICATE_IP);
      ch.close();
      return;
    }
    String group = IpClass.groupKey(IpText.format(remote.getAddress()), false);
    if (handshakingByGroup.getOrDefault(group, 0) >= maxHandshakesPerGroup) {
      // many addresses of one network holding the handshake slots (SECURITY.md, "fresh identities")
      log.debug("event=inbound_refused reason=too_many_handshakes_from_group node={} remote={} group={}", id(),
          NetAddresses.hostPort(remote), group);
      settings.metrics().inboundRefused(InboundRefusal.TOO_MANY_HANDSHAKES_FROM_GROUP);
      ch.close();
      return;
    }
    handshakingInbound++;
    handshakingByGroup.merge(group, 1, Integer::sum);
    inboundChannels.add(ch);
    ch.closeFuture().addListener(f -> inboundChannels.remove(ch));
    PeerPipeline.install(ch.pipeline(), pipeline, null, new PeerListener() {
      Conn conn;

      @Override
      public void onPeerReady(PeerSession session) {
        handshakeEnded(group);
        NodeAddress addr = new NodeAddress(session.remoteId(), IpText.format(remote.getAddress()), remote.getPort());
        conn = new Conn(addr, false);
        conn.channel = ch;
        conn.session = session;
        Conn previous = conns.get(addr);
        if (previous != null && previous.phase != Phase.CLOSED) {
          log.debug("event=inbound_refused reason=duplicate_connection node={} peer={}", id(), addr);
          settings.metrics().inboundRefused(InboundRefusal.DUPLICATE_CONNECTION);
          ch.close();
          return;
        }
        conns.put(addr, conn);
        Conn inboundRival = liveInboundConnectionTo(addr.id(), conn);
        Conn rival = inboundRival != null ? inboundRival : liveConnectionTo(addr.id(), conn);
        if (rival != null && !rival.outbound) {
          // The peer is here already by a connection it dialed: the established one is kept, as
          // CometBFT's switch keeps it (a peer that restarted is admitted once its old connection ends)
          log.debug("event=inbound_refused reason=duplicate_connection node={} peer={} kept={}", id(), addr,
              rival.address);
          settings.metrics().inboundRefused(InboundRefusal.DUPLICATE_CONNECTION);
          conn.phase = Phase.REFUSED;
          ch.close();
          return;
        }
        if (rival != null && keepsOwnDial(addr.id())) {
          // Both of us dialed at once: the connection dialed by the smaller ID survives.
          log.debug("event=simultaneous_dial node={} peer={} kept=outbound", id(), addr.id());
          settings.metrics().inboundRefused(InboundRefusal.SIMULTANEOUS_DIAL);
          conn.phase = Phase.REFUSED;
          ch.close();
          return;
        }
        deliverAfterClosing(rival, conn, new PeerEvent.InboundAccepted(addr));
      }

      @Override
      public void onMessage(PeerSession session, int channelId, byte[] message) {
        Node.this.onMessage(conn, channelId, message);
      }

      @Override
      public void onPeerClosed(Channel channel, PeerSession session, Throwable cause) {
        if (conn == null) {
          handshakeEnded(group);
          inboundHandshakeEnded(remote, cause);
          return;
        }
        onClosed(conn, cause);
      }
    });
  }

  /** An inbound handshake from an address of {@code group} ended, admitted or not: its slot is free. */
  private void handshakeEnded(String group) {
    handshakingInbound--;
    handshakingByGroup.computeIfPresent(group, (g, n) -> n == 1 ? null : n - 1);
  }

  /** Open inbound connections, in handshake or admitted (on the node's loop). */
  private final java.util.Set<Channel> inboundChannels = new java.util.HashSet<>();

  /** Whether an open inbound connection comes from {@code ip}. */
  private boolean inboundFrom(java.net.InetAddress ip) {
    for (Channel c : inboundChannels) {
      if (c.remoteAddress() instanceof InetSocketAddress r && ip.equals(r.getAddress())) {
        return true;
      }
    }
    return false;
  }

  /** Inbound handshake failures logged at info per minute; the rest at debug, counted in the next. */
  static final int HANDSHAKE_FAILURE_LINES_PER_MINUTE = 10;

  private final LogBudget handshakeFailureLines =
      new LogBudget(HANDSHAKE_FAILURE_LINES_PER_MINUTE, Duration.ofMinutes(1), System::nanoTime);

  /**
   * An inbound connection that ended before its handshake did: a peer that hung up (a port scan, a
   * health check) is counted and logged at debug; one that failed (a wrong network or version, a
   * bad signature, a timeout) is what an operator wants to see, at info within a budget.
   */
  private void inboundHandshakeEnded(InetSocketAddress remote, Throwable cause) {
    if (hungUp(cause)) {
      settings.metrics().inboundRefused(InboundRefusal.CLOSED_IN_HANDSHAKE);
      log.debug("event=handshake_failed dir=in node={} remote={} reason=\"{}\"", id(), NetAddresses.hostPort(remote),
          cause == null ? "closed by the peer" : FailureReasons.describe(cause));
      return;
    }
    settings.metrics().inboundRefused(InboundRefusal.HANDSHAKE_FAILED);
    long passedOver = handshakeFailureLines.take();
    String reason = FailureReasons.describe(cause);
    if (passedOver < 0) {
      log.debug("event=handshake_failed dir=in node={} remote={} reason=\"{}\"", id(), NetAddresses.hostPort(remote), reason);
    } else if (passedOver == 0) {
      log.info("event=handshake_failed dir=in node={} remote={} reason=\"{}\"", id(), NetAddresses.hostPort(remote), reason);
    } else {
      log.info("event=handshake_failed dir=in node={} remote={} reason=\"{}\" not_logged_before={}", id(), NetAddresses.hostPort(remote),
          reason, passedOver);
    }
  }

  /**
   * The peer closed the connection before its handshake ended, rather than failing it: a clean
   * close, a close in the middle of a handshake message, or a reset (a client that connected and
   * went away once our first bytes were on their way).
   */
  static boolean hungUp(Throwable cause) {
    return cause == null
        || cause instanceof dev.cairn.shell.secret.SecretConnectionException e
            && (e.reason() == dev.cairn.shell.secret.SecretConnectionException.Reason.TRUNCATED_EPHEMERAL
                || e.reason() == dev.cairn.shell.secret.SecretConnectionException.Reason.TRUNCATED)
        || cause instanceof dev.cairn.shell.p2p.HandshakeException h
            && h.reason() == dev.cairn.shell.p2p.HandshakeException.Reason.CONNECTION_CLOSED
        || reset(cause);
  }

  /** A transport error that says the peer reset or closed the connection (no protocol error). */
  static boolean reset(Throwable cause) {
    if (!(cause instanceof java.io.IOException) || cause instanceof dev.cairn.shell.secret.SecretConnectionException
        || cause instanceof dev.cairn.shell.p2p.HandshakeException) {
      return false;
    }
    String m = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return cause instanceof java.nio.channels.ClosedChannelException || m.contains("connection reset")
        || m.contains("broken pipe");
  }

  /** The dial ran out of time: connecting ({@code dial_timeout}) or in a handshake ({@code handshake_timeout}). */
  static boolean timedOut(Throwable cause) {
    return cause instanceof io.netty.channel.ConnectTimeoutException
        || cause instanceof java.net.SocketTimeoutException
        || cause instanceof dev.cairn.shell.secret.SecretConnectionException e
            && e.reason() == dev.cairn.shell.secret.SecretConnectionException.Reason.HANDSHAKE_TIMEOUT
        || cause instanceof dev.cairn.shell.p2p.HandshakeException h
            && h.reason() == dev.cairn.shell.p2p.HandshakeException.Reason.TIMEOUT;
  }

  // ---------------------------------------------------------------- outbound

  private void dial(NodeAddress addr) {
    if (stopping) { // the core's answer to the disconnects of a stopping node: nothing to start now
      log.debug("event=dial_skipped node={} addr={} reason=node_stopping", id(), addr);
      return;
    }
    Conn existing = conns.get(addr);
    if (existing != null && existing.phase != Phase.CLOSED) {
      log.debug("event=dial_skipped addr={} reason=connection_exists", addr);
      return;
    }
    dials++;
    Conn conn = new Conn(addr, true);
    conns.put(addr, conn);
    log.info("event=dial node={} addr={}", id(), addr);
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(EventLoops.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.dialTimeout().toMillis()))
        .handler(PeerPipeline.initializer(pipeline, addr.id(), new PeerListener() {
          @Override
          public void onPeerReady(PeerSession session) {
            conn.session = session;
            Conn rival = liveConnectionTo(addr.id(), conn);
            if (rival != null && !keepsOwnDial(addr.id())) {
              // Both of us dialed at once: the peer's dial (from the smaller ID) survives; ours
              // counts as a failed dial for the core, which then sees the peer's connection.
              log.debug("event=simultaneous_dial node={} peer={} kept=inbound", id(), addr.id());
              conn.channel.close();
              return;
            }
            deliverAfterClosing(rival, conn, new PeerEvent.DialSucceeded(addr));
          }

          @Override
          public void onMessage(PeerSession session, int channelId, byte[] message) {
            Node.this.onMessage(conn, channelId, message);
          }

          @Override
          public void onPeerClosed(Channel channel, PeerSession session, Throwable cause) {
            onClosed(conn, cause);
          }
        }));
    var future = b.connect(addr.ip(), addr.port());
    conn.channel = future.channel();
    future.addListener(f -> {
      if (!f.isSuccess()) {
        onClosed(conn, f.cause());
      }
    });
  }

  /**
   * Another connection to the same peer that is still alive, if any. Two nodes that dial each
   * other at the same moment end up with two connections; each side decides on its own which
   * one to keep, so both must apply the same rule or both connections die (each closing the
   * one the other kept). The rule is CometBFT-neutral and symmetric: the connection dialed by
   * the node with the smaller ID survives.
   */
  private Conn liveConnectionTo(NodeId peer, Conn except) {
    for (Conn c : conns.values()) {
      if (c != except && c.address.id().equals(peer) && c.phase != Phase.CLOSED && c.phase != Phase.REFUSED) {
        return c;
      }
    }
    return null;
  }

  /**
   * Another inbound connection of {@code peer} that is alive: admitted, or held while the core
   * hears of it or while it waits for a rival's end. Looked for before any outbound one, so that
   * two of the peer's connections that finish their handshakes together never both wait for the
   * end of our dial (one would then be neither told to the core nor closed).
   */
  private Conn liveInboundConnectionTo(NodeId peer, Conn except) {
    for (Conn c : conns.values()) {
      if (c != except && !c.outbound && c.address.id().equals(peer) && c.phase != Phase.CLOSED
          && c.phase != Phase.REFUSED) {
        return c;
      }
    }
    return null;
  }

  /** Whether our own dial to {@code peer} is the connection to keep. */
  private boolean keepsOwnDial(NodeId peer) {
    return id().compareTo(peer) < 0;
  }

  /**
   * Closes {@code rival} (if any) and, once the core has heard of its end (its {@code
   * PeerDisconnected} or {@code DialFailed}, or its refusal), tells the core of {@code conn}: told
   * before, the core would refuse {@code conn} as a duplicate of the peer it still counts
   * connected, and the peer would be left with no connection at all.
   */
  private void deliverAfterClosing(Conn rival, Conn conn, PeerEvent event) {
    if (rival == null) {
      deliverHandshaken(conn, event);
      return;
    }
    if (rival.afterClose != null) {
      // another connection of the peer already waits for this rival's end: that one is kept
      log.debug("event=connection_refused reason=duplicate_connection node={} peer={}", id(), conn.address);
      if (conn.outbound) { // the core still waits for our dial's outcome
        conn.phase = Phase.CLOSED;
        driver.post(new CoreEvent.Peer(new PeerEvent.DialFailed(conn.address)));
      } else {
        settings.metrics().inboundRefused(InboundRefusal.DUPLICATE_CONNECTION);
        conn.phase = Phase.REFUSED;
      }
      conn.channel.close();
      return;
    }
    conn.phase = Phase.DELIVERED; // held: not handshaking any more, not yet known to the core
    rival.afterClose = () -> {
      if (conn.phase == Phase.DELIVERED && conn.channel.isActive()) {
        deliverHandshaken(conn, event);
      } else if (conn.outbound) {
        // our dial ended while it was held: the core still waits for its outcome
        conn.phase = Phase.CLOSED;
        driver.post(new CoreEvent.Peer(new PeerEvent.DialFailed(conn.address)));
      }
    };
    rival.channel.close();
  }

  /** Runs what waited for {@code conn}'s end to reach the core, once. */
  private static void runAfterClose(Conn conn) {
    Runnable next = conn.afterClose;
    conn.afterClose = null;
    if (next != null) {
      next.run();
    }
  }

  /** The core hears of a handshaken connection; if it admits it, the peer is made ready. */
  private void deliverHandshaken(Conn conn, PeerEvent event) {
    conn.phase = Phase.DELIVERED;
    Consumer<Step<CoreState, CoreEffect>> then = step -> {
      if (conn.phase == Phase.DELIVERED && step.isAccepted()) {
        conn.phase = Phase.ADMITTED;
        Conn other = admitted.put(conn.address.id(), conn);
        if (other != null && other != conn) {
          log.warn("event=duplicate_admission peer={} kept={} replaced={}", conn.address.id(), conn.address,
              other.address);
          router.removePeer(conn.address.id());
        }
        router.addPeer(conn.session);
        settings.metrics().peerConnected(conn.address.id());
        if (conn.outbound) {
          settings.metrics().dial(DialOutcome.SUCCEEDED);
        }
        NodeAddress listen = listenAddressOf(conn);
        driver.post(new CoreEvent.PeerReady(conn.address.id(), listen));
        if (conn.early != null) {
          // The peer spoke as soon as its own handshake was done, before our core admitted it:
          // its messages follow the admission in the order they arrived.
          java.util.ArrayDeque<Early> held = conn.early;
          conn.early = null;
          for (Early m : held) {
            onMessage(conn, m.channelId(), m.message());
          }
        }
        long passedOver = connectionLines.take();
        if (passedOver < 0) {
          log.debug("event={} node={} peer={} addr={}", conn.outbound ? "dialed" : "accepted", id(),
              conn.address.id(), conn.address);
        } else {
          log.info("event={} node={} peer={} addr={}{}", conn.outbound ? "dialed" : "accepted", id(),
              conn.address.id(), conn.address, notLogged(passedOver));
        }
      } else {
        if (conn.phase == Phase.DELIVERED) {
          conn.phase = Phase.REFUSED;
          conn.channel.close();
        }
        // Admitted by this step but closed: closed while the core was deciding, or admitted and
        // evicted in the same step (its arrival took the node above max_threshold and it ranked
        // lowest; the Disconnect refused it before this). The core counts it connected until it
        // hears of the close, and would refuse the peer as a duplicate meanwhile.
        Connection inCore = step.isAccepted() ? step.state().peer().connected().get(conn.address.id()) : null;
        if (inCore != null && inCore.address().equals(conn.address)) {
          driver.post(new CoreEvent.Peer(new PeerEvent.PeerDisconnected(conn.address)));
        }
        runAfterClose(conn);
      }
    };
    if (!driver.post(new CoreEvent.Peer(event), then)) {
      conn.phase = Phase.REFUSED;
      conn.channel.close();
      runAfterClose(conn);
    }
  }

  /**
   * The address a peer says it listens on ({@code NodeInfo.listen_addr}), for the address book.
   * An unspecified IP (a peer listening on 0.0.0.0) with a port is taken at the connection's IP,
   * so such a peer is still reachable in a local network. A peer that gives no address it can be
   * dialed at (port 0, as {@code cairn probe} and other clients that do not listen; or an
   * unparsable one) is known by the address we dialed when we dialed it; an inbound one by the
   * unspecified address, which the book refuses as invalid, as CometBFT's refuses such a
   * NodeInfo's address: it is never stored, dialed or passed on.
   */
  static NodeAddress listenAddressOf(NodeAddress connection, boolean outbound, String advertised) {
    NodeAddress none = outbound ? connection : new NodeAddress(connection.id(), "0.0.0.0", 0);
    try {
      NetAddress a = NetAddresses.parse(connection.id().hex() + "@" + NetAddresses.removeProtocol(advertised),
          HostResolver.none());
      if (a.port() == 0) {
        return none;
      }
      if (!a.ip().isAnyLocalAddress()) {
        return new NodeAddress(connection.id(), a.ipText(), a.port());
      }
      return new NodeAddress(connection.id(), connection.ip(), a.port());
    } catch (Exception e) {
      return none;
    }
  }

  private NodeAddress listenAddressOf(Conn conn) {
    return listenAddressOf(conn.address, conn.outbound, conn.session.remoteInfo().listenAddr());
  }

  private void onClosed(Conn conn, Throwable cause) {
    Phase was = conn.phase;
    conn.phase = Phase.CLOSED;
    if (conns.get(conn.address) == conn) {
      conns.remove(conn.address);
    }
    if (admitted.get(conn.address.id()) == conn) {
      // A protocol violation the MConnection found is a peer error for the PeerManager, told
      // before the disconnect (while the peer is still connected for the core).
      router.connectionFailed(conn.address.id(), cause);
      router.removePeer(conn.address.id());
      admitted.remove(conn.address.id());
    }
    switch (was) {
      case HANDSHAKING -> {
        if (conn.outbound && stopping) { // a dial the stopping node cut short: not the peer's failure
          log.debug("event=dial_cancelled node={} addr={} reason=node_stopping", id(), conn.address);
        } else if (conn.outbound) {
          dialFailures++;
          settings.metrics().dial(timedOut(cause) ? DialOutcome.TIMED_OUT
              : cause instanceof java.net.ConnectException ? DialOutcome.CONNECT_FAILED : DialOutcome.HANDSHAKE_FAILED);
          log.info("event=dial_failed node={} addr={} reason=\"{}\"", id(), conn.address,
              cause == null ? "closed" : FailureReasons.describe(cause));
          driver.post(new CoreEvent.Peer(new PeerEvent.DialFailed(conn.address)));
        }
      }
      case ADMITTED -> {
        settings.metrics().peerDisconnected(conn.address.id());
        // after an overflow the close is this node's: what the cut read said (a frame cut short) is not
        String why = conn.overflowed ? "closed by this node: early_messages_overflow"
            : conn.error != null ? conn.error.toString()
            : conn.closedFor != null ? "closed by this node: " + conn.closedFor
            : stopping ? "closed by this node: stopping"
            : cause == null ? "closed" : FailureReasons.describe(cause);
        long passedOver = connectionLines.take();
        if (passedOver < 0) {
          log.debug("event=disconnected node={} peer={} addr={} reason=\"{}\"", id(), conn.address.id(), conn.address,
              why);
        } else {
          log.info("event=disconnected node={} peer={} addr={} reason=\"{}\"{}", id(), conn.address.id(),
              conn.address, why, notLogged(passedOver));
        }
        driver.post(new CoreEvent.Peer(new PeerEvent.PeerDisconnected(conn.address)));
      }
      case DELIVERED, REFUSED, CLOSED -> { }
    }
    if (was != Phase.DELIVERED) { // a delivered one's end reaches the core through its step (deliverHandshaken)
      runAfterClose(conn);
    }
  }

  /** Messages held per connection while the core decides on it (CometBFT's PEX queue holds 10). */
  static final int EARLY_MESSAGES_MAX = 16;

  /** Early-message overflows logged at warn per minute; the rest at debug, counted in the next. */
  static final int EARLY_OVERFLOW_LINES_PER_MINUTE = 10;

  private final LogBudget earlyOverflowLines =
      new LogBudget(EARLY_OVERFLOW_LINES_PER_MINUTE, Duration.ofMinutes(1), System::nanoTime);

  private void onMessage(Conn conn, int channelId, byte[] message) {
    if (conn == null) {
      return;
    }
    if (conn.phase == Phase.DELIVERED) {
      if (conn.early == null) {
        conn.early = new java.util.ArrayDeque<>();
      }
      if (conn.overflowed) {
        return; // decoded from the bytes read before the close: dropped unsaid
      }
      if (conn.early.size() >= EARLY_MESSAGES_MAX) {
        // once per connection, within a budget across them: a peer that floods from fresh keys
        // would otherwise write a line per message it sent, and fill the operator's disk
        conn.overflowed = true;
        conn.early.clear();
        conn.channel.config().setAutoRead(false);
        conn.channel.close();
        long passedOver = earlyOverflowLines.take();
        if (passedOver < 0) {
          log.debug("event=early_messages_overflow node={} peer={} held={}", id(), conn.address.id(), EARLY_MESSAGES_MAX);
        } else {
          log.warn("event=early_messages_overflow node={} peer={} held={}{}", id(), conn.address.id(), EARLY_MESSAGES_MAX,
              passedOver == 0 ? "" : " not_logged_before=" + passedOver);
        }
        return;
      }
      conn.early.add(new Early(channelId, message));
      return;
    }
    if (conn.phase != Phase.ADMITTED || admitted.get(conn.address.id()) != conn) {
      return;
    }
    router.receive(conn.address.id(), channelId, message);
  }

  /**
   * The router found a fatal error of an admitted peer: the PeerManager hears of it
   * ({@code PeerErrored}) and answers with {@code Disconnect(ERRORED)}. If the core refuses the
   * event (it no longer counts the peer as connected), the connection is closed here.
   */
  private void onPeerError(NodeId peer, PeerError error) {
    Conn c = admitted.get(peer);
    log.info("event=peer_error node={} peer={} error=\"{}\"", id(), peer, error);
    if (c == null) {
      return;
    }
    c.error = error;
    boolean posted = driver.post(new CoreEvent.Peer(new PeerEvent.PeerErrored(peer)), step -> {
      if (!step.isAccepted() && c.phase == Phase.ADMITTED) {
        c.channel.close();
      }
    });
    if (!posted) {
      c.channel.close();
    }
  }

  // ---------------------------------------------------------------- effects

  private void execute(CoreEvent cause, List<CoreEffect> effects) {
    for (CoreEffect effect : effects) {
      switch (effect) {
        case CoreEffect.Peer p -> executePeer(cause, p.effect());
        case CoreEffect.Pex p -> executePex(p.effect());
      }
    }
  }

  private void executePeer(CoreEvent cause, PeerEffect effect) {
    switch (effect) {
      case PeerEffect.Dial d -> dial(d.address());
      case PeerEffect.Disconnect d -> {
        Conn c = conns.get(d.address());
        if (c == null) {
          Conn byId = admitted.get(d.peer());
          c = byId != null && byId.address.equals(d.address()) ? byId : null;
        }
        if (c == null) {
          return;
        }
        boolean isBan = d.reason() == dev.cairn.core.peer.DisconnectReason.BANNED;
        String banned = isBan ? bannedWhy(settings.core().peer(), cause, d.peer()) : "";
        long passedOver = isBan ? banLines.take() : 0;
        if (passedOver < 0) {
          log.debug("event=disconnect node={} peer={} addr={} reason={}{}", id(), d.peer(), d.address(), d.reason(),
              banned);
        } else if (c.error != null) {
          log.info("event=disconnect node={} peer={} addr={} reason={}{} error=\"{}\"{}", id(), d.peer(), d.address(),
              d.reason(), banned, c.error, notLogged(passedOver));
        } else {
          log.info("event=disconnect node={} peer={} addr={} reason={}{}{}", id(), d.peer(), d.address(), d.reason(),
              banned, notLogged(passedOver));
        }
        settings.metrics().peerEvicted(d.reason());
        c.closedFor = d.reason().name();
        if (c.phase == Phase.DELIVERED) {
          c.phase = Phase.REFUSED;
        }
        c.channel.close();
      }
      case PeerEffect.PublishPeerUpdate u -> log.debug("event=peer_update node={} peer={} status={}", id(),
          u.peer(), u.status());
      case PeerEffect.PersistBook b -> settings.persister().submit(
          new BookPersister.Snapshot(b.book(), driver.state().peer().bannedIds()));
    }
  }

  private void executePex(PexEffect.ShellEffect effect) {
    log.debug("event=pex_effect node={} effect={}", id(), effect);
    switch (effect) {
      case PexEffect.SendPexAddrsThenDisconnect a -> closing(a.peer(), PexEffect.SendPexAddrsThenDisconnect.REASON);
      case PexEffect.DisconnectPeer d -> closing(d.peer(), d.reason().name());
      default -> { }
    }
    pex.execute(effect);
  }

  /** Notes on {@code peer}'s connection why this node closes it (the first reason given). */
  private void closing(NodeId peer, String reason) {
    Conn c = admitted.get(peer);
    if (c != null && c.closedFor == null) {
      c.closedFor = reason;
    }
  }

  /** Stops listening, closes every connection, persists the book and stops the driver. */
  @Override
  public void close() {
    stopping = true;
    CompletableFuture<BookPersister.Snapshot> last = new CompletableFuture<>();
    loop.execute(() -> {
      if (pendingReport != null) {
        pendingReport.cancel(false);
      }
      if (server != null) {
        server.close();
      }
      for (Conn c : List.copyOf(conns.values())) {
        if (c.channel != null) {
          c.channel.close();
        }
      }
      driver.stop();
      last.complete(new BookPersister.Snapshot(driver.state().peer().book(), driver.state().peer().bannedIds()));
    });
    try {
      settings.persister().flush(last.get());
      bookSavedOnClose = true;
    } catch (Exception e) {
      log.warn("event=persist_failed_on_close node={} reason=\"{}\"", id(), e.getMessage());
    }
  }

  private volatile boolean bookSavedOnClose;
  /** Set as {@link #close} begins: dials cut short from then on are not the peers' failures. */
  private volatile boolean stopping;

  /** After {@link #close}: whether the address book was saved as the node stopped. */
  public boolean bookSavedOnClose() {
    return bookSavedOnClose;
  }
}
