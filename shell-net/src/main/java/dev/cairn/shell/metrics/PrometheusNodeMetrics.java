package dev.cairn.shell.metrics;

import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.peer.DisconnectReason;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * {@link NodeMetrics} kept in a registry of its own (several nodes of a testnet can share a JVM)
 * and served by the Prometheus client's {@link HTTPServer}.
 */
final class PrometheusNodeMetrics implements NodeMetrics {

  /** Channel IDs are one byte on the wire (MConnection's {@code ChannelID}). */
  static final int CHANNEL_COUNT = 256;
  /** Caps on labels fed by text: message types, event types, rejection reasons. */
  static final int MESSAGE_TYPES_MAX = 64;
  static final int EVENT_TYPES_MAX = 64;
  static final int REJECTION_REASONS_MAX = 64;
  /** Cap on the router's drop causes and peer-error kinds (closed sets of a handful each). */
  static final int ROUTER_LABELS_MAX = 16;
  /** Core steps take microseconds; anything above 0.1 s is a bug worth seeing in +Inf. */
  static final double[] STEP_SECONDS_BUCKETS = {
      1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 1e-2, 1e-1};

  private static final Pattern PROMETHEUS_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final String[] CHANNEL_LABELS = channelLabels();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Optional<HTTPServer> server;
  private final Optional<InetSocketAddress> endpoint;

  private final Gauge peers;
  private final Counter peerReceiveBytes;
  private final Counter peerSendBytes;
  private final Gauge peerPendingSendBytes;
  private final Counter messageReceiveBytes;
  private final Counter messageSendBytes;
  private final Counter droppedMessages;
  private final Counter peerErrors;
  private final Counter coreEvents;
  private final Counter coreRejectedEvents;
  private final Histogram coreStepSeconds;
  private final Counter dials;
  private final Counter bans;
  private final Counter evictions;
  private final Counter inboundRefused;
  private final Counter pexDisconnects;
  private final Counter pexAddressesDropped;
  private final Gauge bookNew;
  private final Gauge bookOld;
  private final Gauge bookBanned;

  private final BoundedLabel messageTypes = new BoundedLabel(MESSAGE_TYPES_MAX);
  private final BoundedLabel eventTypes = new BoundedLabel(EVENT_TYPES_MAX);
  private final BoundedLabel rejectionReasons = new BoundedLabel(REJECTION_REASONS_MAX);
  private final BoundedLabel routerLabels = new BoundedLabel(ROUTER_LABELS_MAX);
  /** Connected peers and their series; an entry lives from peerConnected to peerDisconnected. */
  private final ConcurrentHashMap<NodeId, PeerSeries> connected = new ConcurrentHashMap<>();

  private PrometheusNodeMetrics(String namespace, Optional<ListenAddress> listen) throws IOException {
    // an empty namespace gives CometBFT's unprefixed names, as Go's BuildFQName does: p2p_peers
    String p2p = namespace.isEmpty() ? "p2p_" : namespace + "_p2p_";
    peers = Gauge.builder().name(p2p + "peers").help("Number of peers.").register(registry);
    peerReceiveBytes = counter(p2p + "peer_receive_bytes_total",
        "Number of bytes received from a given peer.", "peer_id", "chID");
    peerSendBytes = counter(p2p + "peer_send_bytes_total",
        "Number of bytes sent to a given peer.", "peer_id", "chID");
    peerPendingSendBytes = Gauge.builder().name(p2p + "peer_pending_send_bytes")
        .help("Pending bytes to be sent to a given peer.").labelNames("peer_id").register(registry);
    messageReceiveBytes = counter(p2p + "message_receive_bytes_total",
        "Number of bytes of each message type received.", "message_type");
    messageSendBytes = counter(p2p + "message_send_bytes_total",
        "Number of bytes of each message type sent.", "message_type");
    droppedMessages = counter("cairn_router_dropped_messages_total",
        "Messages dropped because a peer's send queue of the channel was full, by channel and cause.",
        "chID", "cause");
    peerErrors = counter("cairn_router_peer_errors_total",
        "Fatal peer errors the router reported to the PeerManager, by channel (none: the connection) and kind.",
        "chID", "kind");
    coreEvents = counter("cairn_core_events_total", "Events stepped through the core, by event type.", "event");
    coreRejectedEvents = counter("cairn_core_rejected_events_total",
        "Events the core rejected as impossible in its state (state unchanged), by reason kind.", "reason");
    coreStepSeconds = Histogram.builder().name("cairn_core_step_seconds").unit(Unit.SECONDS)
        .help("Time the core took for one step.").classicOnly().classicUpperBounds(STEP_SECONDS_BUCKETS)
        .register(registry);
    dials = counter("cairn_dials_total", "Outbound dials, by how they ended.", "outcome");
    bans = counter("cairn_bans_total", "Peers banned by the core.");
    evictions = counter("cairn_evictions_total", "Admitted connections the core closed, by reason.", "reason");
    inboundRefused = counter("cairn_inbound_refused_total",
        "Inbound connections the shell closed before the core saw them, by reason.", "reason");
    pexDisconnects = counter("cairn_pex_disconnects_total",
        "Connections PEX let go gracefully (no ban), by reason.", "reason");
    pexAddressesDropped = counter("cairn_pex_addresses_dropped_total",
        "Received PEX addresses not handed to the address book, by reason.", "reason");
    bookNew = Gauge.builder().name("cairn_address_book_new").help("Addresses in new buckets.").register(registry);
    bookOld = Gauge.builder().name("cairn_address_book_old").help("Addresses in old buckets.").register(registry);
    bookBanned = Gauge.builder().name("cairn_address_book_banned").help("Banned peers.").register(registry);
    // every value of a label Cairn defines is served from the start, at 0: a rate() over it has data
    // before the first increment (the core's rejection reasons and the router's causes stay open)
    for (DialOutcome o : DialOutcome.values()) {
      dials.labelValues(o.label());
    }
    for (InboundRefusal r : InboundRefusal.values()) {
      inboundRefused.labelValues(r.label());
    }
    for (DisconnectReason r : DisconnectReason.values()) {
      evictions.labelValues(r.name().toLowerCase(java.util.Locale.ROOT));
    }
    for (String r : PEX_DISCONNECT_REASONS) {
      pexDisconnects.labelValues(r);
    }
    for (String r : PEX_DROP_REASONS) {
      pexAddressesDropped.labelValues(r);
    }
    server = listen.isEmpty() ? Optional.empty() : Optional.of(startServer(listen.get()));
    endpoint = server.map(s -> new InetSocketAddress(listen.get().host().orElse("0.0.0.0"), s.getPort()));
  }

  static PrometheusNodeMetrics serve(String namespace, ListenAddress listen) throws IOException {
    return new PrometheusNodeMetrics(checkedNamespace(namespace), Optional.of(listen));
  }

  /** Metrics without an endpoint, read through {@link #registry()}: for benchmarks and in-process use. */
  static PrometheusNodeMetrics unserved(String namespace) {
    try {
      return new PrometheusNodeMetrics(checkedNamespace(namespace), Optional.empty());
    } catch (IOException e) {
      throw new AssertionError("no server was started", e);
    }
  }

  static String checkedNamespace(String namespace) {
    if (!namespace.isEmpty() && !PROMETHEUS_NAME.matcher(namespace).matches()) {
      throw new IllegalArgumentException("namespace = \"" + namespace
          + "\": must be a Prometheus name: letters, digits and '_', not starting with a digit");
    }
    return namespace;
  }

  PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public Optional<InetSocketAddress> endpoint() {
    return endpoint;
  }

  @Override
  public void peerConnected(NodeId peer) {
    if (connected.putIfAbsent(peer, new PeerSeries(peer.hex())) == null) {
      peers.inc();
    }
  }

  @Override
  public void peerDisconnected(NodeId peer) {
    PeerSeries series = connected.remove(peer);
    if (series != null) {
      series.close();
      peers.dec();
    }
  }

  @Override
  public void messageReceived(NodeId peer, int channelId, String messageType, long bytes) {
    if (bytes <= 0) {
      return;
    }
    PeerSeries series = connected.get(peer);
    if (series != null && channelId >= 0 && channelId < CHANNEL_COUNT) {
      series.received(channelId).inc(bytes);
    }
    messageReceiveBytes.labelValues(messageTypes.of(messageType)).inc(bytes);
  }

  @Override
  public void messageSent(NodeId peer, int channelId, String messageType, long bytes) {
    if (bytes <= 0) {
      return;
    }
    PeerSeries series = connected.get(peer);
    if (series != null && channelId >= 0 && channelId < CHANNEL_COUNT) {
      series.sent(channelId).inc(bytes);
    }
    messageSendBytes.labelValues(messageTypes.of(messageType)).inc(bytes);
  }

  @Override
  public void messageDropped(int channelId, String cause) {
    if (channelId >= 0 && channelId < CHANNEL_COUNT) {
      droppedMessages.labelValues(channelLabel(channelId), routerLabels.of(cause)).inc();
    }
  }

  @Override
  public void peerErrored(int channelId, String kind) {
    String ch = channelId >= 0 && channelId < CHANNEL_COUNT ? channelLabel(channelId) : "none";
    peerErrors.labelValues(ch, routerLabels.of(kind)).inc();
  }

  @Override
  public void pendingSendBytes(NodeId peer, long bytes) {
    PeerSeries series = connected.get(peer);
    if (series != null) {
      series.pending().set(Math.max(0, bytes));
    }
  }

  @Override
  public void coreStep(String eventType, Outcome outcome, long nanos) {
    coreEvents.labelValues(eventTypes.of(eventType)).inc();
    switch (outcome) {
      case Outcome.Accepted a -> { }
      case Outcome.Rejected r ->
          coreRejectedEvents.labelValues(rejectionReasons.of(BoundedLabel.reasonKind(r.reason()))).inc();
    }
    coreStepSeconds.observe(Math.max(0, nanos) / 1e9);
  }

  @Override
  public void dial(DialOutcome outcome) {
    dials.labelValues(outcome.label()).inc();
  }

  @Override
  public void peerBanned() {
    bans.inc();
  }

  @Override
  public void peerEvicted(DisconnectReason reason) {
    evictions.labelValues(reason.name().toLowerCase(java.util.Locale.ROOT)).inc();
  }

  /** The values of {@code cairn_pex_disconnects_total}'s label ({@link NodeMetrics#pexDisconnected}). */
  static final java.util.List<String> PEX_DISCONNECT_REASONS = java.util.stream.Stream.concat(
      java.util.Arrays.stream(dev.cairn.core.pex.PexDisconnectReason.values())
          .map(r -> r.name().toLowerCase(java.util.Locale.ROOT)),
      java.util.stream.Stream.of(dev.cairn.core.pex.PexEffect.SendPexAddrsThenDisconnect.REASON
          .toLowerCase(java.util.Locale.ROOT))).toList();

  @Override
  public void pexDisconnected(String reason) {
    if (PEX_DISCONNECT_REASONS.contains(reason)) {
      pexDisconnects.labelValues(reason).inc();
    }
  }

  /** The values of {@code cairn_pex_addresses_dropped_total}'s label ({@link NodeMetrics#pexAddressesDropped}). */
  static final java.util.List<String> PEX_DROP_REASONS = java.util.stream.Stream.concat(
      java.util.Arrays.stream(dev.cairn.core.pex.DropReason.values()).map(r -> r.name().toLowerCase(java.util.Locale.ROOT)),
      java.util.stream.Stream.of("invalid_id")).toList();

  @Override
  public void pexAddressesDropped(String reason, long count) {
    if (count > 0 && PEX_DROP_REASONS.contains(reason)) {
      pexAddressesDropped.labelValues(reason).inc(count);
    }
  }

  @Override
  public void inboundRefused(InboundRefusal reason) {
    inboundRefused.labelValues(reason.label()).inc();
  }

  @Override
  public void addressBook(int newAddresses, int oldAddresses, int bannedPeers) {
    bookNew.set(newAddresses);
    bookOld.set(oldAddresses);
    bookBanned.set(bannedPeers);
  }

  @Override
  public void close() {
    server.ifPresent(HTTPServer::close);
  }

  /** Go's {@code fmt.Sprintf("%#x", chID)}: {@code 0x0}, {@code 0x20}. */
  static String channelLabel(int channelId) {
    return CHANNEL_LABELS[channelId];
  }

  private static String[] channelLabels() {
    String[] labels = new String[CHANNEL_COUNT];
    for (int id = 0; id < CHANNEL_COUNT; id++) {
      labels[id] = "0x" + Integer.toHexString(id);
    }
    return labels;
  }

  private Counter counter(String name, String help, String... labelNames) {
    return Counter.builder().name(name).help(help).labelNames(labelNames).withoutExemplars().register(registry);
  }

  private HTTPServer startServer(ListenAddress listen) throws IOException {
    HTTPServer.Builder builder = HTTPServer.builder().port(listen.port()).registry(registry);
    listen.host().ifPresent(builder::hostname);
    return builder.buildAndStart();
  }

  /**
   * One connected peer's series. Data points are created on first use and cached, so the hot
   * path is an array read; {@link #close} removes every series created and stops new ones, so a
   * message counted concurrently with the disconnect cannot bring a removed series back.
   */
  private final class PeerSeries {
    private final String peerId;
    private final AtomicReferenceArray<CounterDataPoint> received = new AtomicReferenceArray<>(CHANNEL_COUNT);
    private final AtomicReferenceArray<CounterDataPoint> sent = new AtomicReferenceArray<>(CHANNEL_COUNT);
    private GaugeDataPoint pending;
    private boolean closed;

    PeerSeries(String peerId) {
      this.peerId = peerId;
    }

    CounterDataPoint received(int channelId) {
      CounterDataPoint point = received.get(channelId);
      return point != null ? point : create(received, peerReceiveBytes, channelId);
    }

    CounterDataPoint sent(int channelId) {
      CounterDataPoint point = sent.get(channelId);
      return point != null ? point : create(sent, peerSendBytes, channelId);
    }

    synchronized GaugeDataPoint pending() {
      if (pending == null) {
        pending = closed ? DETACHED_GAUGE : peerPendingSendBytes.labelValues(peerId);
      }
      return pending;
    }

    private synchronized CounterDataPoint create(
        AtomicReferenceArray<CounterDataPoint> points, Counter counter, int channelId) {
      CounterDataPoint point = points.get(channelId);
      if (point == null) {
        point = closed ? DETACHED_COUNTER : counter.labelValues(peerId, channelLabel(channelId));
        points.set(channelId, point);
      }
      return point;
    }

    synchronized void close() {
      closed = true;
      peerReceiveBytes.removeIf(labels -> labels.get(0).equals(peerId));
      peerSendBytes.removeIf(labels -> labels.get(0).equals(peerId));
      peerPendingSendBytes.remove(peerId);
    }
  }

  /** Where counts for a peer that has just gone go: a data point no registry exports. */
  private static final CounterDataPoint DETACHED_COUNTER =
      Counter.builder().name("cairn_detached").labelNames("peer_id").build().labelValues("gone");
  private static final GaugeDataPoint DETACHED_GAUGE =
      Gauge.builder().name("cairn_detached").labelNames("peer_id").build().labelValues("gone");
}
