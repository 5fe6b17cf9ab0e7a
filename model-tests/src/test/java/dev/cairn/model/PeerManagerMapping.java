package dev.cairn.model;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Feedback;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.TimerKey;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.mapping.PeerAlpha;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.pcollections.TreePSet;

/**
 * The refinement mapping between core-fsm's PeerManager and {@code PeerManager.tla} at the
 * bounds of {@code MCPeerManager.cfg}:
 *
 * <ul>
 *   <li><b>Config.</b> {@link #config()} is a {@link PeerConfig} whose limits, thresholds,
 *       {@code maxDialAttempts}, cool-down switch and persistent/unconditional peers are read
 *       from the loaded spec's constants, so both sides check one configuration. Durations
 *       (which the spec abstracts away) are CometBFT's defaults.
 *   <li><b>Peers.</b> Model value {@code pN} is the {@link NodeId} {@code N} in hex, dialed at
 *       {@code 1.N.0.1:26656}; an inbound connection of {@code pN} comes from the remote socket
 *       {@code 1.N.0.1:4000N} (one dialable address per peer, as the spec's abstraction;
 *       distinct inbound sockets, as real peers).
 *   <li><b>State.</b> {@link #alpha} is the abstraction function α: Java {@link PeerState} →
 *       the spec's variables (without {@code outbox}); see the table in {@code README.md}.
 *   <li><b>Effects.</b> {@link #alphaEffects}: the list of effects → the {@code outbox} set.
 *       {@code PersistBook} is kept only when α(book) changed: the Java book also changes in
 *       ways the model cannot see (bucket references, promotion to <i>old</i>, timestamps),
 *       and those persist writes are invisible steps of the abstraction.
 *   <li><b>Events.</b> {@link #toJava} maps a {@link Label} to the {@link PeerEvent};
 *       {@link #fromJava} maps back. {@link #alphabet} is the finite event alphabet.
 * </ul>
 */
public final class PeerManagerMapping {

  static final Map<String, Object> MAINTENANCE_KEY = PeerAlpha.MAINTENANCE_KEY;
  static final BookKey BOOK_KEY = BookKey.of("0123456789abcdef01234567");
  /** Where the addresses of AddressesLearned come from (a seed; the source is abstracted away). */
  static final NodeAddress SOURCE = new NodeAddress(NodeId.of(String.format("%040x", 999)), "2.2.2.2", 26656);
  static final Duration BAN_DURATION = Duration.ofHours(1);
  static final MonoTime START = MonoTime.ofMillis(1_000);
  static final WallTime WALL_START = new WallTime(1_700_000_000_000L);

  private final List<TlaModelValue> peers;
  private final TlaModelValue self;
  private final Map<TlaModelValue, NodeId> ids = new LinkedHashMap<>();
  private final Map<NodeId, TlaModelValue> values = new LinkedHashMap<>();
  private final int maxDialAttempts;
  private final int scoreMin;
  private final int scoreMax;
  private final int persistentFailureCap;
  private final PeerConfig config;

  public PeerManagerMapping(Tla tla) {
    peers = new ArrayList<>(new TreeSet<>(modelValues(tla.constant("Peer"))));
    self = (TlaModelValue) tla.constant("Self");
    bind(self);
    peers.forEach(this::bind);
    maxDialAttempts = (Integer) tla.constant("MaxDialAttempts");
    scoreMin = (Integer) tla.constant("ScoreMin");
    scoreMax = (Integer) tla.constant("ScoreMax");
    persistentFailureCap = (Integer) tla.constant("PersistentFailureCap");
    TreeSet<NodeAddress> persistent = new TreeSet<>();
    modelValues(tla.constant("Persistent")).forEach(p -> persistent.add(address(p)));
    TreeSet<NodeId> unconditional = new TreeSet<>();
    modelValues(tla.constant("Unconditional")).forEach(p -> unconditional.add(id(p)));
    TreeSet<NodeId> seeds = new TreeSet<>();
    modelValues(tla.constant("Seeds")).forEach(p -> seeds.add(id(p)));
    // CometBFT's buckets, whatever the model's NewBucketSize (CoreMapping says why)
    PeerConfig d = PeerConfig.defaults(
        BookConfig.defaults(id(self)).withMaxBanned((Integer) tla.constant("MaxBanned")));
    config = new PeerConfig(d.book(),
        (Integer) tla.constant("MaxInbound"), (Integer) tla.constant("MaxOutbound"),
        (Integer) tla.constant("MaxConnected"), (Integer) tla.constant("MaxConnectedUpgrade"),
        (Integer) tla.constant("MinThreshold"), (Integer) tla.constant("MinTarget"),
        (Integer) tla.constant("MaxTarget"), (Integer) tla.constant("MaxThreshold"),
        d.minRetryTime(), d.maxRetryTime(), d.maxRetryTimePersistent(), d.retryTimeJitter(),
        (Boolean) tla.constant("DisconnectCooldownOn") ? d.disconnectCooldown() : Duration.ZERO,
        d.maintenanceInterval(), maxDialAttempts, d.unreachableRetryTime(),
        TreePSet.from(persistent), TreePSet.from(unconditional),
        (Boolean) tla.constant("SeedMode"), (Boolean) tla.constant("IdleInboundEviction"),
        TreePSet.from(seeds));
  }

  private void bind(TlaModelValue v) {
    String digits = v.name().replaceAll("\\D", "");
    NodeId id = NodeId.of(String.format("%040x", digits.isEmpty() ? 0 : Integer.parseInt(digits)));
    if (values.containsKey(id)) {
      throw new IllegalArgumentException("model values " + values.get(id) + " and " + v + " map to one ID");
    }
    ids.put(v, id);
    values.put(id, v);
  }

  private static List<TlaModelValue> modelValues(Object set) {
    List<TlaModelValue> out = new ArrayList<>();
    for (Object o : (Set<?>) set) {
      out.add((TlaModelValue) o);
    }
    return out;
  }

  // ---------------------------------------------------------------- identities

  public PeerConfig config() {
    return config;
  }

  public List<TlaModelValue> peers() {
    return peers;
  }

  public TlaModelValue self() {
    return self;
  }

  /** {@code Node == Peer \cup {Self}}. */
  public List<TlaModelValue> nodes() {
    List<TlaModelValue> out = new ArrayList<>(peers);
    out.add(self);
    return out;
  }

  public NodeId id(TlaModelValue v) {
    NodeId id = ids.get(v);
    if (id == null) {
      throw new IllegalArgumentException(v + " is not a node of the model " + ids.keySet());
    }
    return id;
  }

  public Optional<TlaModelValue> value(NodeId id) {
    return Optional.ofNullable(values.get(id));
  }

  private TlaModelValue valueOf(NodeId id) {
    return value(id).orElseThrow(() -> new IllegalArgumentException(id + " is not a node of the model"));
  }

  private int number(TlaModelValue v) {
    String digits = v.name().replaceAll("\\D", "");
    return digits.isEmpty() ? 0 : Integer.parseInt(digits);
  }

  /** The one dialable address of a node. */
  public NodeAddress address(TlaModelValue v) {
    return new NodeAddress(id(v), "1." + number(v) + ".0.1", 26656);
  }

  /** The remote socket an inbound connection of the node comes from. */
  public NodeAddress remote(TlaModelValue v) {
    return new NodeAddress(id(v), "1." + number(v) + ".0.1", 40000 + number(v));
  }

  // ---------------------------------------------------------------- states

  /**
   * γ on the spec's initial states: a Java state that has not started, whose book holds exactly
   * the peers the spec's initial {@code book} calls known (learned from {@link #SOURCE}).
   */
  public PeerState initial(Map<String, Object> specInit, long seed) {
    BookConfig bc = config.book();
    AddressBook b = AddressBook.empty(BOOK_KEY);
    Prng p = Prng.seeded(seed);
    Map<?, ?> book = (Map<?, ?>) specInit.get("book");
    for (TlaModelValue v : peers) {
      if ("known".equals(((Map<?, ?>) book.get(v)).get("status"))) {
        var r = b.add(bc, address(v), SOURCE, WALL_START, p);
        b = r.book();
        p = r.prng();
      }
    }
    return PeerState.initial(b, p);
  }

  /** α: the spec's variables (all but {@code outbox}) for a Java state. */
  public Map<String, Object> alpha(PeerState s) {
    return peerAlpha().variables(s);
  }

  private PeerAlpha peerAlpha() {
    return new PeerAlpha(peers, this::id, this::valueOf, maxDialAttempts, persistentFailureCap);
  }

  /**
   * Whether Java's mutable scores are inside the model's range {@code ScoreMin..ScoreMax}. The
   * model saturates there and Java at ±32767, so α is exact only while they are inside; the
   * alphabet leaves out the feedback that would take a score outside (see {@link #applicable}).
   */
  boolean scoresInRange(PeerState s) {
    return s.scores().values().stream().allMatch(v -> v >= scoreMin && v <= scoreMax);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  Map<String, Object> timerKey(TimerKey k) {
    return peerAlpha().timerKey(k);
  }

  TimerKey javaTimerKey(Map<?, ?> key) {
    String kind = (String) key.get("kind");
    return switch (kind) {
      case "Maintenance" -> TimerKey.MAINTENANCE;
      case "RetryDial" -> new TimerKey.RetryDial(id((TlaModelValue) key.get("peer")));
      case "DisconnectCooldown" -> new TimerKey.DisconnectCooldown(id((TlaModelValue) key.get("peer")));
      default -> throw new IllegalArgumentException("no timer kind " + kind);
    };
  }

  /**
   * The {@code outbox} for Java's effects. {@code bookVisible}: whether α(book) changed in the
   * step; a {@code PersistBook} of a change the model cannot see is dropped (see the class doc).
   */
  public Set<Object> alphaEffects(List<PeerEffect> effects, boolean bookVisible) {
    Set<Object> out = new LinkedHashSet<>();
    for (PeerEffect e : effects) {
      switch (e) {
        case PeerEffect.Dial d -> out.add(Map.of("type", "Dial", "peer", valueOf(d.address().id())));
        case PeerEffect.Disconnect d -> out.add(Map.of("type", "Disconnect",
            "peer", valueOf(d.peer()), "reason", lower(d.reason())));
        case PeerEffect.PublishPeerUpdate u -> out.add(Map.of("type", "PublishPeerUpdate",
            "peer", valueOf(u.peer()), "status", lower(u.status())));
        case PeerEffect.PersistBook p -> {
          if (bookVisible) {
            out.add(Map.of("type", "PersistBook"));
          }
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- events

  /**
   * The Java event for a letter, in Java state {@code s} ({@code PeerDisconnected} names the
   * admitted connection's socket; a peer not connected gets its dial address, which Java
   * rejects). {@code TimerFired}'s keys are not part of the Java event: they are the {@code now}
   * the driver picks.
   */
  public PeerEvent toJava(Label l, PeerState s) {
    List<Object> a = l.args();
    return switch (l.action()) {
      case "Started" -> new PeerEvent.Started();
      case "AddressesLearned" -> {
        List<NodeAddress> addrs = new ArrayList<>();
        for (Object o : new TreeSet<>(modelValues(a.get(0)))) {
          addrs.add(address((TlaModelValue) o));
        }
        yield new PeerEvent.AddressesLearned(addrs, SOURCE);
      }
      case "DialRequested" -> new PeerEvent.DialRequested(address(mv(a)));
      // a dial's result names the address being dialed (Java may dial a reinstated ban's address)
      case "DialSucceeded" -> new PeerEvent.DialSucceeded(s.dialing().getOrDefault(id(mv(a)), address(mv(a))));
      case "DialFailed" -> new PeerEvent.DialFailed(s.dialing().getOrDefault(id(mv(a)), address(mv(a))));
      case "InboundAccepted" -> new PeerEvent.InboundAccepted(remote(mv(a)));
      case "PeerReady" -> new PeerEvent.PeerReady(id(mv(a)));
      case "PeerDisconnected" -> {
        Connection c = s.connected().get(id(mv(a)));
        yield new PeerEvent.PeerDisconnected(c != null ? c.address() : address(mv(a)));
      }
      case "PeerErrored" -> new PeerEvent.PeerErrored(id(mv(a)));
      case "PeerReported" -> new PeerEvent.PeerReported(id(mv(a)),
          "good".equals(a.get(1)) ? Feedback.GOOD : Feedback.BAD);
      case "PeerBanned" -> new PeerEvent.PeerBanned(id(mv(a)), BAN_DURATION);
      case "TimerFired" -> new PeerEvent.TimerFired();
      default -> throw new IllegalArgumentException("no Java event for " + l);
    };
  }

  private static TlaModelValue mv(List<Object> args) {
    return (TlaModelValue) args.get(0);
  }

  /**
   * The letter of a Java event ({@code fired}: the timer keys that expired, for
   * {@code TimerFired}); empty when the event names a node outside the model.
   */
  public Optional<Label> fromJava(PeerEvent e, Set<Map<String, Object>> fired) {
    try {
      return Optional.of(switch (e) {
        case PeerEvent.Started s -> Label.of("Started");
        case PeerEvent.AddressesLearned l -> {
          Set<Object> ps = new LinkedHashSet<>();
          for (NodeAddress a : l.addresses()) {
            ps.add(valueOf(a.id()));
          }
          yield Label.of("AddressesLearned", ps);
        }
        case PeerEvent.DialRequested d -> Label.of("DialRequested", valueOf(d.address().id()));
        case PeerEvent.DialSucceeded d -> Label.of("DialSucceeded", valueOf(d.address().id()));
        case PeerEvent.DialFailed d -> Label.of("DialFailed", valueOf(d.address().id()));
        case PeerEvent.InboundAccepted i -> Label.of("InboundAccepted", valueOf(i.remote().id()));
        case PeerEvent.PeerReady r -> Label.of("PeerReady", valueOf(r.peer()));
        case PeerEvent.PeerDisconnected d -> Label.of("PeerDisconnected", valueOf(d.address().id()));
        case PeerEvent.PeerErrored r -> Label.of("PeerErrored", valueOf(r.peer()));
        case PeerEvent.PeerReported r -> Label.of("PeerReported", valueOf(r.peer()), lower(r.feedback()));
        case PeerEvent.PeerBanned b -> Label.of("PeerBanned", valueOf(b.peer()));
        case PeerEvent.TimerFired t -> Label.of("TimerFired", new LinkedHashSet<Object>(fired));
      });
    } catch (IllegalArgumentException outside) {
      return Optional.empty();
    }
  }

  /**
   * The finite event alphabet at MC bounds (without environment choices): {@code Started};
   * {@code AddressesLearned(A)} for every {@code A ⊆ Peer}; {@code DialRequested},
   * {@code DialSucceeded}, {@code InboundAccepted} of every node (Self included); the per-peer
   * events of every peer; {@code PeerReported} with both feedbacks; {@code TimerFired(F)} for
   * every set of timer keys, the empty set included (Java rejects it: nothing expired).
   */
  public List<Label> alphabet() {
    List<Label> out = new ArrayList<>();
    out.add(Label.of("Started"));
    for (Set<Object> a : subsets(new ArrayList<>(peers))) {
      out.add(Label.of("AddressesLearned", a));
    }
    for (String action : List.of("DialRequested", "DialSucceeded", "InboundAccepted")) {
      for (TlaModelValue n : nodes()) {
        out.add(Label.of(action, n));
      }
    }
    for (String action : List.of("DialFailed", "PeerReady", "PeerDisconnected", "PeerErrored", "PeerBanned")) {
      for (TlaModelValue p : peers) {
        out.add(Label.of(action, p));
      }
    }
    for (TlaModelValue p : peers) {
      out.add(Label.of("PeerReported", p, "good"));
      out.add(Label.of("PeerReported", p, "bad"));
    }
    List<Object> keys = new ArrayList<>();
    keys.add(MAINTENANCE_KEY);
    for (String kind : List.of("RetryDial", "DisconnectCooldown")) {
      for (TlaModelValue p : peers) {
        keys.add(Map.of("kind", kind, "peer", p));
      }
    }
    for (Set<Object> f : subsets(keys)) {
      out.add(Label.of("TimerFired", f));
    }
    return out;
  }

  /** The banned peers of an abstract state: book status banned, or in {@code bannedIds}. */
  Set<TlaModelValue> banned(Map<String, Object> abstractState) {
    Set<TlaModelValue> out = new LinkedHashSet<>();
    Map<?, ?> book = (Map<?, ?>) abstractState.get("book");
    Object byId = abstractState.get("bannedIds");
    for (TlaModelValue p : peers) {
      if ("banned".equals(((Map<?, ?>) book.get(p)).get("status"))
          || (byId instanceof java.util.Collection<?> c && c.contains(p))) {
        out.add(p);
      }
    }
    return out;
  }

  /** The letters of the alphabet with every ban-expiry choice ({@code lift ⊆ banned}) in state {@code s}. */
  public List<Label> lettersIn(Map<String, Object> abstractState) {
    Set<TlaModelValue> banned = banned(abstractState);
    List<Set<Object>> lifts = subsets(new ArrayList<>(banned));
    List<Label> out = new ArrayList<>();
    for (Label l : alphabet()) {
      if (!l.reinstates() || banned.isEmpty()) {
        out.add(l);
        continue;
      }
      for (Set<Object> lift : lifts) {
        Set<TlaModelValue> ps = new LinkedHashSet<>();
        lift.forEach(o -> ps.add((TlaModelValue) o));
        out.add(l.withLift(ps));
      }
    }
    return out;
  }

  /**
   * Whether a letter is inside the abstraction in Java state {@code s}: feedback that would take
   * a Java score outside {@code ScoreMin..ScoreMax} is not (the model saturates there, Java does
   * not, so α would stop being a homomorphism).
   */
  public boolean applicable(Label l, PeerState s) {
    if (!l.action().equals("PeerReported")) {
      return true;
    }
    NodeId id = id((TlaModelValue) l.args().get(0));
    if (!s.connected().containsKey(id)) {
      return true; // rejected on both sides
    }
    int now = s.scores().getOrDefault(id, 0);
    return "good".equals(l.args().get(1)) ? now < scoreMax : now > scoreMin;
  }

  static List<Set<Object>> subsets(List<?> items) {
    List<Set<Object>> out = new ArrayList<>();
    int n = items.size();
    for (int mask = 0; mask < (1 << n); mask++) {
      Set<Object> s = new LinkedHashSet<>();
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          s.add(items.get(i));
        }
      }
      out.add(s);
    }
    return out;
  }
}
