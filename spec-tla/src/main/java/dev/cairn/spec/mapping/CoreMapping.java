package dev.cairn.spec.mapping;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.TimerKey;
import dev.cairn.core.pex.DropReason;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.core.pex.PexPeer;
import dev.cairn.core.pex.PexState;
import dev.cairn.core.pex.PexTimerKey;
import dev.cairn.core.pex.ReceivedRequests;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pcollections.TreePSet;
import tlc2.value.impl.ModelValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.Value;

/**
 * The refinement mapping between core-fsm's composed machine ({@link Core#step}: PeerManager and
 * PEX) and {@code Core.tla}, at the bounds of a loaded model ({@code MCCore}, {@code MCCoreSeed}).
 *
 * <ul>
 *   <li><b>Config.</b> {@link #config()}: limits, thresholds, persistent/unconditional/private
 *       peers, seeds, seed mode and PEX bounds from the spec's constants; durations (abstract in
 *       the spec) are CometBFT's defaults.
 *   <li><b>Nodes.</b> The model values ({@code Self} and {@code Peer}), sorted by name, are
 *       numbered from 1: node {@code N} has the ID {@code N} in hex, dials and listens at
 *       {@code 1.N.0.1:26656} and connects to us from {@code 1.N.0.1:4000N}.
 *   <li><b>State.</b> {@link #alpha}: α, the Java {@link CoreState} at the instant {@code now} →
 *       the spec's variables (without {@code outbox}, {@code handedOff}, {@code event}). The
 *       PeerManager's part as in {@code model-tests} {@code PeerManagerMapping}; PEX: the key sets
 *       of {@code requestsSent}, {@code crawled}, {@code timers}; {@code peers} → direction;
 *       {@code lastAddrsReceived} → whether its window is open at {@code now};
 *       {@code lastReceivedRequests} → count; {@code dropped} → the reasons counted.
 *   <li><b>Effects.</b> {@link #outbox}: the composed step's shell effects (PeerManager's and
 *       PEX's) as a set; {@code PersistBook} only when α(book) changed (the Java book changes in
 *       ways the model does not see). {@link #handedOff}: PEX's hand-offs of the step.
 *   <li><b>Events.</b> {@link #toJava}: a {@link CoreLetter} → the {@link CoreEvent};
 *       {@link #eventRecord}: the spec's {@code event} record.
 * </ul>
 */
public final class CoreMapping {

  public static final Map<String, Object> MAINTENANCE_KEY = PeerAlpha.MAINTENANCE_KEY;
  public static final BookKey BOOK_KEY = BookKey.of("0123456789abcdef01234567");
  /** Where the addresses of an operator's AddressesLearned come from (outside the model). */
  public static final NodeAddress SOURCE =
      new NodeAddress(NodeId.of(String.format("%040x", 999)), "2.2.2.2", 26656);
  public static final Duration BAN_DURATION = Duration.ofHours(1);
  /** Variables whose empty value TLC reads back as an empty sequence. */
  public static final Set<String> FUNCTION_VARS = Set.of("connected", "evicting", "upgrading", "scores",
      "persistentDialFailures", "peers", "lastAddrsReceived", "lastReceivedRequests");
  /** The variables α does not give: the step's own effects, hand-offs and event. */
  public static final Set<String> STEP_VARS = Set.of("outbox", "handedOff", "event");

  private final List<TlaModelValue> peers;
  private final TlaModelValue self;
  private final Map<TlaModelValue, Integer> numbers = new LinkedHashMap<>();
  private final Map<NodeId, TlaModelValue> values = new LinkedHashMap<>();
  /** The nodes as TLC's model values, for the effects built as TLC values ({@link #outboxValue}). */
  private final TlcIds tlcIds;
  private final Set<TlaModelValue> privates;
  private final Set<TlaModelValue> persistent;
  private final int maxDialAttempts;
  private final int scoreMin;
  private final int scoreMax;
  private final int persistentFailureCap;
  private final int freeRequests;
  private final int maxAddressesPerMessage;
  /**
   * The operator's and other reactors' events beyond {@code MCCore}'s {@code MCNext} that the
   * loaded next-state relation has ({@code DialRequested}, {@code PeerErrored}, {@code
   * PeerReported}: model-tests' {@code MCCoreOperator}).
   */
  private final Set<String> operatorActions;
  private final CoreConfig config;
  /** The node IDs of the model values when given (a recorded trace's nodes), else null (numbered). */
  private final Map<TlaModelValue, NodeId> givenIds;

  /**
   * The mapping at a model whose constants were derived from a real node's config (see
   * {@link TraceModel}): the model values stand for the given node IDs, and the Java config is
   * {@code config} itself instead of one built from the constants.
   */
  public CoreMapping(Tla tla, CoreConfig config, Map<TlaModelValue, NodeId> ids) {
    peers = new ArrayList<>(new TreeSet<>(modelValues(tla.constant("Peer"))));
    self = (TlaModelValue) tla.constant("Self");
    givenIds = Map.copyOf(ids);
    int n = 1;
    TreeSet<TlaModelValue> all = new TreeSet<>(peers);
    all.add(self);
    for (TlaModelValue v : all) {
      NodeId id = givenIds.get(v);
      if (id == null) {
        throw new IllegalArgumentException("no node ID for " + v);
      }
      numbers.put(v, n++);
      values.put(id, v);
    }
    tlcIds = new TlcIds(values);
    maxDialAttempts = (Integer) tla.constant("MaxDialAttempts");
    persistentFailureCap = (Integer) tla.constant("PersistentFailureCap");
    scoreMin = (Integer) tla.constant("ScoreMin");
    scoreMax = (Integer) tla.constant("ScoreMax");
    freeRequests = (Integer) tla.constant("FreeRequests");
    maxAddressesPerMessage = (Integer) tla.constant("MaxAddressesPerMessage");
    operatorActions = operatorActions(tla);
    privates = new TreeSet<>(modelValues(tla.constant("Private")));
    persistent = new TreeSet<>(modelValues(tla.constant("Persistent")));
    this.config = config;
  }

  public CoreMapping(Tla tla) {
    givenIds = null;
    peers = new ArrayList<>(new TreeSet<>(modelValues(tla.constant("Peer"))));
    self = (TlaModelValue) tla.constant("Self");
    TreeSet<TlaModelValue> all = new TreeSet<>(peers);
    all.add(self);
    int n = 1;
    for (TlaModelValue v : all) {
      numbers.put(v, n++);
      values.put(id(v), v);
    }
    tlcIds = new TlcIds(values);
    maxDialAttempts = (Integer) tla.constant("MaxDialAttempts");
    persistentFailureCap = (Integer) tla.constant("PersistentFailureCap");
    scoreMin = (Integer) tla.constant("ScoreMin");
    scoreMax = (Integer) tla.constant("ScoreMax");
    freeRequests = (Integer) tla.constant("FreeRequests");
    maxAddressesPerMessage = (Integer) tla.constant("MaxAddressesPerMessage");
    operatorActions = operatorActions(tla);
    privates = new TreeSet<>(modelValues(tla.constant("Private")));
    persistent = new TreeSet<>(modelValues(tla.constant("Persistent")));
    TreeSet<NodeAddress> persistentAddrs = new TreeSet<>();
    persistent.forEach(p -> persistentAddrs.add(address(p)));
    TreeSet<NodeId> unconditional = new TreeSet<>();
    modelValues(tla.constant("Unconditional")).forEach(p -> unconditional.add(id(p)));
    TreeSet<NodeId> privateIds = new TreeSet<>();
    privates.forEach(p -> privateIds.add(id(p)));
    BookConfig b = BookConfig.defaults(id(self));
    // CometBFT's buckets: a model's few peers never fill one, so its Java book never pushes a
    // peer out. The model's NewBucketSize, smaller, lets TLC explore books that do (a spec that
    // may push out more allows every step of one that pushes out less); Java's pushing out is
    // checked on recorded traces of crowded books (shell-net TraceValidateTest).
    BookConfig book = new BookConfig(b.newBucketCount(), b.newBucketSize(), b.oldBucketCount(),
        b.oldBucketSize(), b.newBucketsPerGroup(), b.oldBucketsPerGroup(), b.maxNewBucketsPerAddress(),
        (Integer) tla.constant("NeedAddressThreshold"), (Integer) tla.constant("MaxBanned"), b.strict(),
        TreePSet.from(privateIds), b.ourAddresses(), b.self());
    PeerConfig d = PeerConfig.defaults(book);
    PeerConfig peer = new PeerConfig(book,
        (Integer) tla.constant("MaxInbound"), (Integer) tla.constant("MaxOutbound"),
        (Integer) tla.constant("MaxConnected"), (Integer) tla.constant("MaxConnectedUpgrade"),
        (Integer) tla.constant("MinThreshold"), (Integer) tla.constant("MinTarget"),
        (Integer) tla.constant("MaxTarget"), (Integer) tla.constant("MaxThreshold"),
        d.minRetryTime(), d.maxRetryTime(), d.maxRetryTimePersistent(), d.retryTimeJitter(),
        (Boolean) tla.constant("DisconnectCooldownOn") ? d.disconnectCooldown() : Duration.ZERO,
        d.maintenanceInterval(), maxDialAttempts, d.unreachableRetryTime(),
        TreePSet.from(persistentAddrs), TreePSet.from(unconditional), false,
        (Boolean) tla.constant("IdleInboundEviction"));
    TreeSet<NodeAddress> seeds = new TreeSet<>();
    modelValues(tla.constant("Seeds")).forEach(p -> seeds.add(address(p)));
    PexConfig x = PexConfig.defaults();
    PexConfig pex = new PexConfig((Boolean) tla.constant("SeedMode"), TreePSet.from(seeds),
        x.ensurePeersPeriod(), x.minReceiveRequestInterval(), freeRequests, maxAddressesPerMessage,
        x.banTime(), x.crawlPeriod(), x.minTimeBetweenCrawls(), x.crawlRecordRetention(),
        (Integer) tla.constant("MaxCrawled"), x.seedDisconnectWaitPeriod(), x.seedBiasTowardsNew(),
        (Integer) tla.constant("MaxPeers"));
    config = new CoreConfig(peer, pex);
  }

  private static List<TlaModelValue> modelValues(Object set) {
    List<TlaModelValue> out = new ArrayList<>();
    for (Object o : (Collection<?>) set) {
      out.add((TlaModelValue) o);
    }
    return out;
  }

  // ---------------------------------------------------------------- identities

  public CoreConfig config() {
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

  public boolean isPrivate(TlaModelValue v) {
    return privates.contains(v);
  }

  private int number(TlaModelValue v) {
    Integer n = numbers.get(v);
    if (n == null) {
      throw new IllegalArgumentException(v + " is not a node of the model " + numbers.keySet());
    }
    return n;
  }

  public NodeId id(TlaModelValue v) {
    if (givenIds != null) {
      NodeId given = givenIds.get(v);
      if (given == null) {
        throw new IllegalArgumentException(v + " is not a node of the model " + numbers.keySet());
      }
      return given;
    }
    return NodeId.of(String.format("%040x", number(v)));
  }

  /**
   * The peers of the model whose bans (in the book or by ID) expired by {@code wallNow}: the
   * {@code lift} of a letter stepped at that time.
   */
  public Set<TlaModelValue> lift(CoreState before, WallTime wallNow) {
    Set<TlaModelValue> lift = new LinkedHashSet<>();
    for (dev.cairn.core.book.KnownAddress ka : before.peer().book().bannedEntries()) {
      if (!ka.lastBanTime().isAfter(wallNow)) {
        value(ka.id()).ifPresent(lift::add);
      }
    }
    for (Map.Entry<NodeId, WallTime> b : before.peer().bannedIds().entrySet()) {
      if (!b.getValue().isAfter(wallNow)) {
        value(b.getKey()).ifPresent(lift::add);
      }
    }
    return lift;
  }

  public Optional<TlaModelValue> value(NodeId id) {
    return Optional.ofNullable(values.get(id));
  }

  TlaModelValue valueOf(NodeId id) {
    return value(id).orElseThrow(() -> new IllegalArgumentException(id + " is not a node of the model"));
  }

  /** The one dialable (and listen) address of a node. */
  public NodeAddress address(TlaModelValue v) {
    return new NodeAddress(id(v), "1." + number(v) + ".0.1", 26656);
  }

  /** The remote socket an inbound connection of the node comes from. */
  public NodeAddress remote(TlaModelValue v) {
    return new NodeAddress(id(v), "1." + number(v) + ".0.1", 40000 + number(v));
  }

  // ---------------------------------------------------------------- states

  /**
   * Whether the feedback of a {@code PeerReported} letter keeps the peer's score inside {@code
   * ScoreMin..ScoreMax}: a small model saturates there, Java does not. A good report that only ends
   * an idle inbound peer's idleness leaves the score alone, as does any report of a peer not
   * connected (refused on both sides).
   */
  private boolean reportWithinScores(CoreLetter l, CoreState s) {
    NodeId id = id(l.peer());
    var peer = s.peer();
    if (!peer.connected().containsKey(id)) {
      return true;
    }
    boolean good = "good".equals(l.args().get(1));
    if (good && peer.idleInbound().containsKey(id) && !peer.evicting().containsKey(id)) {
      return true;
    }
    int now = peer.scores().getOrDefault(id, 0);
    // where the model's bound is Java's own (a recorded node's model), both saturate alike
    return good ? now < scoreMax || scoreMax >= dev.cairn.core.peer.PeerManager.SCORE_MAX
        : now > scoreMin || scoreMin <= dev.cairn.core.peer.PeerManager.SCORE_MIN;
  }

  /**
   * Whether a letter is inside the abstraction in Java state {@code s}. The model clamps scores
   * at {@code ScoreMin..ScoreMax}; Java's score of a connected peer ({@code PeerManager.score}:
   * feedback minus failed dial attempts) may lie below (a peer reinstated after failed dials).
   * Then the upgrade decisions of {@code InboundAccepted} and {@code DialSucceeded}, which compare
   * scores, are outside the abstraction: not compared (their spec successors still count).
   */
  /** The drops decided by an address's IP, which the spec does not model (Pex.tla: one address per node). */
  static final Set<DropReason> IP_CHECKS = java.util.EnumSet.of(DropReason.INVALID, DropReason.NON_ROUTABLE);

  /**
   * Whether the step from {@code before} to {@code after} refused an address by its IP (invalid, or
   * not routable under {@code addr_book_strict}): a PEX answer or an inbound peer's listen address
   * the book would never hold. The spec has no IPs (an address is a node), so such a step is
   * outside the abstraction: the spec would learn the address.
   */
  public boolean refusedByIp(CoreState before, CoreState after) {
    for (DropReason r : IP_CHECKS) {
      if (after.pex().dropped().getOrDefault(r, 0L) > before.pex().dropped().getOrDefault(r, 0L)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether event {@code e} carries more addresses than its message (a PexAddrs, at most {@code
   * maxAddressesPerMessage}) or event (an AddressesLearned, at most {@link
   * dev.cairn.core.peer.PeerManager#MAX_ADDRESSES_PER_EVENT}) may, counted as Java counts them (each
   * address), while the spec, whose address is a peer, counts its peers: a PexAddrs naming peers
   * at more than one address (an attacker's, say) is refused as oversized by PEX and within the
   * bound in the spec, and the spec does not bound an AddressesLearned at all. Such a step is
   * outside the abstraction: not compared.
   */
  public boolean countedApart(CoreEvent e) {
    if (e instanceof CoreEvent.PexMessage m && m.event() instanceof PexEvent.PexAddrsReceived r) {
      int max = config.pex().maxAddressesPerMessage();
      return r.addresses().size() > max && r.addresses().stream().map(NodeAddress::id).distinct().count() <= max;
    }
    if (e instanceof CoreEvent.Peer p && p.event() instanceof PeerEvent.AddressesLearned l) {
      return l.addresses().size() > dev.cairn.core.peer.PeerManager.MAX_ADDRESSES_PER_EVENT;
    }
    return false;
  }

  /**
   * Why event {@code e} names its node at an address other than the one the node's dial or
   * admitted connection in {@code s} is at, or empty when it does not: a {@code DialSucceeded} or
   * {@code DialFailed} of a node being dialed at another address, a {@code DialSucceeded} of a node
   * not being dialed but connected outbound at another, a {@code PeerDisconnected} of a node
   * connected at another. Java tells such a late event of an earlier socket from the current one
   * by its address; the spec (an address per node) cannot, and would take it for the current
   * one's. Such a step is outside the abstraction; Java must leave its state as it was
   * ({@link CoreStepValidator#outsideByAddress}).
   */
  public Optional<String> atAnotherAddress(CoreEvent e, CoreState s) {
    if (!(e instanceof CoreEvent.Peer p)) {
      return Optional.empty();
    }
    PeerState ps = s.peer();
    return switch (p.event()) {
      case PeerEvent.DialSucceeded d -> {
        NodeAddress dialing = ps.dialing().get(d.address().id());
        yield dialing != null ? another(d.address(), dialing, "being dialed")
            : outboundAt(ps, d.address().id()).flatMap(c -> another(d.address(), c, "connected outbound"));
      }
      case PeerEvent.DialFailed d -> Optional.ofNullable(ps.dialing().get(d.address().id()))
          .flatMap(a -> another(d.address(), a, "being dialed"));
      case PeerEvent.PeerDisconnected d -> Optional.ofNullable(ps.connected().get(d.address().id()))
          .flatMap(c -> another(d.address(), c.address(), "connected"));
      default -> Optional.empty();
    };
  }

  private static Optional<NodeAddress> outboundAt(PeerState s, NodeId id) {
    Connection c = s.connected().get(id);
    return c != null && c.direction() == dev.cairn.core.peer.Direction.OUTBOUND ? Optional.of(c.address())
        : Optional.empty();
  }

  private static Optional<String> another(NodeAddress named, NodeAddress current, String what) {
    return named.equals(current) ? Optional.empty()
        : Optional.of("the event names " + named + " while " + named.id() + " is " + what + " at " + current);
  }

  public boolean applicable(CoreLetter l, CoreState s) {
    if (!l.action().equals("InboundAccepted") && !l.action().equals("DialSucceeded")
        && !l.action().equals("PeerReported")) {
      return true;
    }
    if (l.action().equals("PeerReported") && !reportWithinScores(l, s)) {
      return false;
    }
    for (NodeId id : s.peer().connected().keySet()) {
      int score = dev.cairn.core.peer.PeerManager.score(config.peer(), s.peer(), id);
      if (!config.peer().isPersistent(id) && !config.peer().isUnconditional(id)
          && (score < scoreMin || score > scoreMax)) {
        return false;
      }
    }
    return true;
  }

  /**
   * γ on the spec's initial states: a Java state that has not started, whose book holds exactly
   * the peers the spec's initial {@code book} calls known; empty when there is none (the Java
   * book refuses private IDs, which the spec's book does not model).
   */
  public Optional<CoreState> initial(Map<String, Object> specInit, long seed) {
    BookConfig bc = config.peer().book();
    AddressBook b = AddressBook.empty(BOOK_KEY);
    Prng p = Prng.seeded(seed);
    Map<?, ?> book = (Map<?, ?>) specInit.get("book");
    for (TlaModelValue v : peers) {
      if ("known".equals(((Map<?, ?>) book.get(v)).get("status"))) {
        var r = b.add(bc, address(v), SOURCE, new WallTime(1_700_000_000_000L), p);
        if (r.book().get(id(v)).isEmpty()) {
          return Optional.empty();
        }
        b = r.book();
        p = r.prng();
      }
    }
    return Optional.of(CoreState.initial(b, seed));
  }

  /** PEX's variables that α gives, in the spec's declaration order. */
  public static final List<String> PEX_VARIABLES = List.of("peers", "requestsSent", "lastAddrsReceived",
      "lastReceivedRequests", "disconnecting", "crawled", "dropped", "pexTimers", "pexStarted");
  /** The one variable whose α reads the clock (whether each answer's window is still open). */
  public static final String TIMED_VARIABLE = "lastAddrsReceived";

  /** α: the spec's variables, all but {@link #STEP_VARS}, for a Java state at {@code now}. */
  public Map<String, Object> alpha(CoreState cs, MonoTime now) {
    Map<String, Object> out = peerAlpha().variables(cs.peer());
    for (String v : PEX_VARIABLES) {
      out.put(v, pexVariable(v, cs.pex(), now));
    }
    return out;
  }

  /**
   * The part of {@code x} that PEX variable {@code v}'s value is a function of (an immutable
   * component; for {@link #TIMED_VARIABLE}, together with the clock).
   */
  public static Object pexSource(String v, PexState x) {
    return switch (v) {
      case "peers" -> x.peers();
      case "requestsSent" -> x.requestsSent();
      case "lastAddrsReceived" -> x.lastAddrsReceived();
      case "lastReceivedRequests" -> x.lastReceivedRequests();
      case "disconnecting" -> x.disconnecting();
      case "crawled" -> x.crawled();
      case "dropped" -> x.dropped();
      case "pexTimers" -> x.timers();
      case "pexStarted" -> x.started();
      default -> throw new IllegalArgumentException("no PEX variable " + v);
    };
  }

  /** The value of PEX's variable {@code v} for {@code x} at {@code now}. */
  public Object pexVariable(String v, PexState x, MonoTime now) {
    return switch (v) {
      case "peers" -> {
        Map<TlaModelValue, Object> pexPeers = new TreeMap<>();
        for (Map.Entry<NodeId, PexPeer> e : x.peers().entrySet()) {
          pexPeers.put(valueOf(e.getKey()), lower(e.getValue().direction()));
        }
        yield pexPeers;
      }
      case "requestsSent" -> set(x.requestsSent().keySet());
      case "lastAddrsReceived" -> {
        long window = config.pex().minReceiveRequestInterval().toNanos();
        Map<TlaModelValue, Object> last = new TreeMap<>();
        x.lastAddrsReceived().forEach((k, t) -> last.put(valueOf(k), now.nanosSince(t) < window));
        yield last;
      }
      case "lastReceivedRequests" -> {
        Map<TlaModelValue, Object> received = new TreeMap<>();
        for (Map.Entry<NodeId, ReceivedRequests> e : x.lastReceivedRequests().entrySet()) {
          received.put(valueOf(e.getKey()), e.getValue().count());
        }
        yield received;
      }
      case "disconnecting" -> set(x.disconnecting());
      case "crawled" -> set(x.crawled().keySet());
      case "dropped" -> {
        Set<Object> dropped = new TreeSet<>();
        for (Map.Entry<DropReason, Long> e : x.dropped().entrySet()) {
          if (e.getValue() > 0 && !IP_CHECKS.contains(e.getKey())) { // Java-only: not a reason of the spec
            dropped.add(lower(e.getKey()));
          }
        }
        yield new LinkedHashSet<>(dropped);
      }
      case "pexTimers" -> {
        Set<Object> pexTimers = new LinkedHashSet<>();
        for (PexTimerKey k : x.timers().keySet()) {
          pexTimers.add(roundKey(k));
        }
        yield pexTimers;
      }
      case "pexStarted" -> x.started();
      default -> throw new IllegalArgumentException("no PEX variable " + v);
    };
  }

  private Set<Object> set(Iterable<NodeId> ids) {
    return peerAlpha().set(ids);
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  public Map<String, Object> timerKey(TimerKey k) {
    return peerAlpha().timerKey(k);
  }

  /** α of the PeerManager part, shared with the PeerManager's own mapping. */
  public PeerAlpha peerAlpha() {
    return new PeerAlpha(peers, this::id, this::valueOf, maxDialAttempts, persistentFailureCap);
  }

  public TimerKey javaTimerKey(Map<?, ?> key) {
    String kind = (String) key.get("kind");
    return switch (kind) {
      case "Maintenance" -> TimerKey.MAINTENANCE;
      case "RetryDial" -> new TimerKey.RetryDial(id((TlaModelValue) key.get("peer")));
      case "DisconnectCooldown" -> new TimerKey.DisconnectCooldown(id((TlaModelValue) key.get("peer")));
      default -> throw new IllegalArgumentException("no timer kind " + kind);
    };
  }

  public static String roundKey(PexTimerKey k) {
    return switch (k) {
      case PexTimerKey.EnsurePeers e -> "EnsurePeers";
      case PexTimerKey.CrawlPeers c -> "CrawlPeers";
    };
  }

  public static PexTimerKey javaRoundKey(String k) {
    return switch (k) {
      case "EnsurePeers" -> PexTimerKey.ENSURE_PEERS;
      case "CrawlPeers" -> PexTimerKey.CRAWL_PEERS;
      default -> throw new IllegalArgumentException("no PEX round " + k);
    };
  }

  // ---------------------------------------------------------------- effects

  private Set<Object> ids(List<NodeAddress> addresses) {
    Set<Object> out = new LinkedHashSet<>();
    for (NodeAddress a : addresses) {
      out.add(valueOf(a.id()));
    }
    return out;
  }

  /**
   * The nodes' model values as TLC values, each with its place in TLC's order of them (model
   * values compare by their names' interning order), so that a set of nodes is built already
   * normalized: a PEX answer or a learned list of up to 250 addresses, in every step that sends
   * or learns one, without TLC's model value table (synchronized), a sort and a Java set.
   */
  private static final class TlcIds {
    private final Map<NodeId, Integer> ranks = new java.util.HashMap<>();
    /** The nodes in TLC's order: each one's ID and model value. */
    private final List<Map.Entry<NodeId, ModelValue>> inOrder;
    private final ModelValue[] byRank;

    TlcIds(Map<NodeId, TlaModelValue> values) {
      List<Map.Entry<NodeId, ModelValue>> all = new ArrayList<>();
      values.forEach((id, v) -> all.add(Map.entry(id, (ModelValue) ModelValue.make(v.name()))));
      all.sort((a, b) -> a.getValue().compareTo(b.getValue()));
      inOrder = List.copyOf(all);
      byRank = new ModelValue[all.size()];
      for (int i = 0; i < all.size(); i++) {
        byRank[i] = all.get(i).getValue();
        ranks.put(all.get(i).getKey(), i);
      }
    }

    /** {@code TlaValues.toTla} of {@link #ids}: the set of the addresses' node IDs, normalized. */
    Value set(List<NodeAddress> addresses) {
      long[] marks = new long[(byRank.length + 63) >>> 6];
      int n = 0;
      for (NodeAddress a : addresses) {
        Integer rank = ranks.get(a.id());
        if (rank == null) {
          throw new IllegalArgumentException(a.id() + " is not a node of the model");
        }
        long bit = 1L << rank;
        if ((marks[rank >>> 6] & bit) == 0) {
          marks[rank >>> 6] |= bit;
          n++;
        }
      }
      Value[] elems = new Value[n];
      int i = 0;
      for (int w = 0; w < marks.length; w++) {
        for (long m = marks[w]; m != 0; m &= m - 1) {
          elems[i++] = byRank[(w << 6) + Long.numberOfTrailingZeros(m)];
        }
      }
      return new SetEnumValue(elems, true);
    }
  }

  /**
   * The model's peers ({@code Peer}, all nodes but {@code Self}) in TLC's order, each with its
   * node ID and its TLC model value: the domain of α's book as the pair checker builds it.
   */
  List<Map.Entry<NodeId, ModelValue>> peersInTlcOrder() {
    NodeId selfId = id(self);
    return tlcIds.inOrder.stream().filter(e -> !e.getKey().equals(selfId)).toList();
  }

  /**
   * The {@code outbox} of a composed step: every shell effect as a record; {@code PersistBook}
   * only when {@code bookVisible} (α(book) changed in the step).
   */
  public Set<Object> outbox(List<CoreEffect> effects, boolean bookVisible) {
    return outbox(effects, bookVisible, this::ids);
  }

  /**
   * {@link #outbox} with each set of addresses a TLC value already ({@code TlaValues.toTla} of
   * the two gives equal values): what the pair checker hands TLC.
   */
  public Set<Object> outboxValue(List<CoreEffect> effects, boolean bookVisible) {
    return outbox(effects, bookVisible, tlcIds::set);
  }

  private Set<Object> outbox(List<CoreEffect> effects, boolean bookVisible,
      java.util.function.Function<List<NodeAddress>, Object> ids) {
    Set<Object> out = new LinkedHashSet<>();
    for (CoreEffect ce : effects) {
      switch (ce) {
        case CoreEffect.Peer p -> {
          switch (p.effect()) {
            case PeerEffect.Dial d -> out.add(Map.of("type", "Dial", "peer", valueOf(d.address().id())));
            case PeerEffect.Disconnect d -> out.add(Map.of("type", "Disconnect",
                "peer", valueOf(d.peer()), "reason", lower(d.reason())));
            case PeerEffect.PublishPeerUpdate u -> out.add(Map.of("type", "PublishPeerUpdate",
                "peer", valueOf(u.peer()), "status", lower(u.status())));
            case PeerEffect.PersistBook b -> {
              if (bookVisible) {
                out.add(Map.of("type", "PersistBook"));
              }
            }
          }
        }
        case CoreEffect.Pex x -> {
          switch (x.effect()) {
            case PexEffect.SendPexRequest r -> out.add(Map.of("type", "SendPexRequest", "peer", valueOf(r.peer())));
            case PexEffect.SendPexAddrs r -> out.add(Map.of("type", "SendPexAddrs",
                "peer", valueOf(r.peer()), "addresses", ids.apply(r.addresses())));
            case PexEffect.SendPexAddrsThenDisconnect r -> out.add(Map.of("type", "SendPexAddrsThenDisconnect",
                "peer", valueOf(r.peer()), "addresses", ids.apply(r.addresses())));
            case PexEffect.DisconnectPeer r -> out.add(Map.of("type", "DisconnectPeer",
                "peer", valueOf(r.peer()), "reason", lower(r.reason())));
          }
        }
      }
    }
    return out;
  }

  /** The {@code handedOff} of a composed step: the hand-offs of its PEX sub-steps. */
  public Set<Object> handedOff(Core.Traced traced) {
    return handedOff(traced, this::ids);
  }

  /** {@link #handedOff} with each set of addresses a TLC value already, as {@link #outboxValue}. */
  public Set<Object> handedOffValue(Core.Traced traced) {
    return handedOff(traced, tlcIds::set);
  }

  private Set<Object> handedOff(Core.Traced traced, java.util.function.Function<List<NodeAddress>, Object> ids) {
    Set<Object> out = new LinkedHashSet<>();
    for (Core.SubStep sub : traced.subSteps()) {
      if (!(sub instanceof Core.SubStep.PexStep ps) || !ps.transition().step().isAccepted()) {
        continue;
      }
      for (PexEffect e : ps.transition().step().effects()) {
        switch (e) {
          case PexEffect.LearnAddresses l -> out.add(Map.of("type", "LearnAddresses",
              "addresses", ids.apply(l.addresses()), "source", valueOf(l.source().id())));
          case PexEffect.BanPeer b -> out.add(Map.of("type", "BanPeer", "peer", valueOf(b.peer())));
          case PexEffect.RequestDial d -> out.add(Map.of("type", "RequestDial", "peer", valueOf(d.address().id())));
          case PexEffect.ReportPeer r -> out.add(Map.of("type", "ReportPeer", "peer", valueOf(r.peer())));
          default -> { }
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- events

  /** The spec's {@code event} record of a letter ({@code Core.tla}: {@code event'}). */
  public static Map<String, Object> eventRecord(CoreLetter l) {
    return switch (l.action()) {
      case "Started", "TimerFired" -> Map.of("type", l.action());
      case "AddressesLearned" -> Map.of("type", l.action(), "addresses", l.args().get(0));
      case "PexAddrsReceived" -> Map.of("type", l.action(), "peer", l.args().get(0), "addresses", l.args().get(1));
      default -> Map.of("type", l.action(), "peer", l.args().get(0));
    };
  }

  /**
   * The Java event for a letter in Java state {@code s}: dial results name the address being
   * dialed, {@code PeerDisconnected} the admitted connection's socket, {@code PeerReady} gives
   * the peer's own address as its listen address; PEX messages go as {@code PexMessage}.
   */
  public CoreEvent toJava(CoreLetter l, CoreState cs) {
    PeerState s = cs.peer();
    List<Object> a = l.args();
    return switch (l.action()) {
      case "Started" -> new CoreEvent.Peer(new PeerEvent.Started());
      case "AddressesLearned" -> {
        List<NodeAddress> addrs = new ArrayList<>();
        for (Object o : new TreeSet<>(modelValues(a.get(0)))) {
          addrs.add(address((TlaModelValue) o));
        }
        yield new CoreEvent.Peer(new PeerEvent.AddressesLearned(addrs, SOURCE));
      }
      case "DialRequested" -> new CoreEvent.Peer(new PeerEvent.DialRequested(address(l.peer())));
      case "DialSucceeded" -> new CoreEvent.Peer(new PeerEvent.DialSucceeded(
          s.dialing().getOrDefault(id(l.peer()), address(l.peer()))));
      case "DialFailed" -> new CoreEvent.Peer(new PeerEvent.DialFailed(
          s.dialing().getOrDefault(id(l.peer()), address(l.peer()))));
      case "InboundAccepted" -> new CoreEvent.Peer(new PeerEvent.InboundAccepted(remote(l.peer())));
      case "PeerReady" -> new CoreEvent.PeerReady(id(l.peer()), address(l.peer()));
      case "PeerDisconnected" -> {
        Connection c = s.connected().get(id(l.peer()));
        yield new CoreEvent.Peer(new PeerEvent.PeerDisconnected(c != null ? c.address() : address(l.peer())));
      }
      case "PeerErrored" -> new CoreEvent.Peer(new PeerEvent.PeerErrored(id(l.peer())));
      case "PeerReported" -> new CoreEvent.Peer(new PeerEvent.PeerReported(id(l.peer()),
          "good".equals(a.get(1)) ? dev.cairn.core.peer.Feedback.GOOD : dev.cairn.core.peer.Feedback.BAD));
      case "PeerBanned" -> new CoreEvent.Peer(new PeerEvent.PeerBanned(id(l.peer()), BAN_DURATION));
      case "PexRequestReceived" -> new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(id(l.peer())));
      case "PexAddrsReceived" -> {
        List<NodeAddress> addrs = new ArrayList<>();
        for (Object o : new TreeSet<>(modelValues(a.get(1)))) {
          addrs.add(address((TlaModelValue) o));
        }
        yield new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(id(l.peer()), addrs));
      }
      case "PexMessageMalformed" -> new CoreEvent.PexMessage(
          new PexEvent.PexMessageMalformed(id(l.peer()), "undecodable"));
      case "TimerFired" -> new CoreEvent.TimerFired();
      default -> throw new IllegalArgumentException("no Java event for " + l);
    };
  }

  /**
   * The letter of a Java event in state {@code s} at {@code now}: for {@code TimerFired}, the
   * timers of both machines due at {@code now}. Empty when the event names a node outside the
   * model.
   */
  public Optional<CoreLetter> fromJava(CoreEvent e, CoreState s, MonoTime now) {
    try {
      return Optional.of(switch (e) {
        case CoreEvent.PeerReady r -> CoreLetter.of("PeerReady", valueOf(r.peer()));
        case CoreEvent.TimerFired t -> {
          Set<Object> fired = new LinkedHashSet<>();
          for (TimerKey k : s.peer().timers().expired(now)) {
            fired.add(timerKey(k));
          }
          Set<Object> rounds = new LinkedHashSet<>();
          s.pex().timers().forEach((k, at) -> {
            if (!at.isAfter(now)) {
              rounds.add(roundKey(k));
            }
          });
          yield CoreLetter.of("TimerFired", fired, rounds);
        }
        case CoreEvent.PexMessage m -> switch (m.event()) {
          case PexEvent.PexRequestReceived r -> CoreLetter.of("PexRequestReceived", valueOf(r.peer()));
          case PexEvent.PexAddrsReceived r -> CoreLetter.of("PexAddrsReceived", valueOf(r.peer()),
              ids(r.addresses()));
          case PexEvent.PexMessageMalformed r -> CoreLetter.of("PexMessageMalformed", valueOf(r.peer()));
        };
        case CoreEvent.Peer p -> switch (p.event()) {
          case PeerEvent.Started x -> CoreLetter.of("Started");
          case PeerEvent.AddressesLearned l -> CoreLetter.of("AddressesLearned", ids(l.addresses()));
          case PeerEvent.DialRequested d -> CoreLetter.of("DialRequested", valueOf(d.address().id()));
          case PeerEvent.DialSucceeded d -> CoreLetter.of("DialSucceeded", valueOf(d.address().id()));
          case PeerEvent.DialFailed d -> CoreLetter.of("DialFailed", valueOf(d.address().id()));
          case PeerEvent.InboundAccepted i -> CoreLetter.of("InboundAccepted", valueOf(i.remote().id()));
          case PeerEvent.PeerDisconnected d -> CoreLetter.of("PeerDisconnected", valueOf(d.address().id()));
          case PeerEvent.PeerErrored r -> CoreLetter.of("PeerErrored", valueOf(r.peer()));
          case PeerEvent.PeerReported r -> CoreLetter.of("PeerReported", valueOf(r.peer()), lower(r.feedback()));
          case PeerEvent.PeerBanned b -> CoreLetter.of("PeerBanned", valueOf(b.peer()));
          case PeerEvent.PeerReady r -> CoreLetter.of("PeerReady", valueOf(r.peer()));
          case PeerEvent.TimerFired t -> throw new IllegalArgumentException("TimerFired goes as CoreEvent.TimerFired");
        };
      });
    } catch (IllegalArgumentException outside) {
      return Optional.empty();
    }
  }

  private static Set<String> operatorActions(Tla tla) {
    Set<String> out = new TreeSet<>(tla.actionNames());
    out.retainAll(Set.of("DialRequested", "PeerErrored", "PeerReported"));
    return out;
  }

  /**
   * The letters of {@code MCCore}'s {@code MCNext} in an abstract state, without environment
   * choices: {@code Started}; {@code AddressesLearned(A)} for every {@code A ⊆ Peer};
   * {@code DialSucceeded}, {@code InboundAccepted} of every node (Self
   * included); {@code DialFailed}, {@code PeerReady}, {@code PeerDisconnected},
   * {@code PeerBanned}, {@code PexRequestReceived}, {@code PexMessageMalformed} of every peer;
   * {@code PexAddrsReceived(p, A)} for every {@code A ⊆ Node} of at most
   * {@code MaxAddressesPerMessage + 1} nodes; {@code TimerFired(F, G)} for every {@code F ⊆ timers}
   * and {@code G ⊆ pexTimers} (both empty included: Java's "nothing expired"); and where the
   * loaded relation has them, the operator's {@code DialRequested} of every node,
   * {@code PeerErrored} of every peer and {@code PeerReported} of every peer with either feedback.
   */
  public List<CoreLetter> alphabet(Map<String, Object> abstractState) {
    List<CoreLetter> out = new ArrayList<>();
    out.add(CoreLetter.of("Started"));
    for (Set<Object> a : subsets(new ArrayList<>(peers))) {
      out.add(CoreLetter.of("AddressesLearned", a));
    }
    if (operatorActions.contains("DialRequested")) {
      for (TlaModelValue n : nodes()) {
        out.add(CoreLetter.of("DialRequested", n));
      }
    }
    if (operatorActions.contains("PeerErrored")) {
      for (TlaModelValue p : peers) {
        out.add(CoreLetter.of("PeerErrored", p));
      }
    }
    if (operatorActions.contains("PeerReported")) {
      for (TlaModelValue p : peers) {
        out.add(CoreLetter.of("PeerReported", p, "good"));
        out.add(CoreLetter.of("PeerReported", p, "bad"));
      }
    }
    for (String action : List.of("DialSucceeded", "InboundAccepted")) {
      for (TlaModelValue n : nodes()) {
        out.add(CoreLetter.of(action, n));
      }
    }
    List<Set<Object>> addressSets = new ArrayList<>();
    for (Set<Object> x : subsets(nodes())) {
      if (x.size() <= maxAddressesPerMessage + 1) {
        addressSets.add(x);
      }
    }
    for (TlaModelValue p : peers) {
      for (String action : List.of("DialFailed", "PeerReady", "PeerDisconnected", "PeerBanned",
          "PexRequestReceived", "PexMessageMalformed")) {
        out.add(CoreLetter.of(action, p));
      }
      for (Set<Object> x : addressSets) {
        out.add(CoreLetter.of("PexAddrsReceived", p, x));
      }
    }
    List<Object> timers = new ArrayList<>((Collection<?>) abstractState.get("timers"));
    List<Object> rounds = new ArrayList<>((Collection<?>) abstractState.get("pexTimers"));
    for (Set<Object> f : subsets(timers)) {
      for (Set<Object> g : subsets(rounds)) {
        out.add(CoreLetter.of("TimerFired", f, g));
      }
    }
    return out;
  }

  /** The alphabet with every ban-expiry choice ({@code lift ⊆ banned}) in an abstract state. */
  public List<CoreLetter> lettersIn(Map<String, Object> abstractState) {
    Set<TlaModelValue> banned = banned(abstractState);
    List<Set<Object>> lifts = subsets(new ArrayList<>(banned));
    List<CoreLetter> out = new ArrayList<>();
    for (CoreLetter l : alphabet(abstractState)) {
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

  /** The banned peers of an abstract state: book status banned, or in {@code bannedIds}. */
  public Set<TlaModelValue> banned(Map<String, Object> abstractState) {
    Set<TlaModelValue> out = new LinkedHashSet<>();
    Map<?, ?> book = (Map<?, ?>) abstractState.get("book");
    Object byId = abstractState.get("bannedIds");
    for (TlaModelValue p : peers) {
      if ("banned".equals(((Map<?, ?>) book.get(p)).get("status"))
          || (byId instanceof Collection<?> c && c.contains(p))) {
        out.add(p);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- time

  /** One fact about elapsed time that the spec chooses inside a step (see {@link CoreLetter#time}). */
  public record TimeFact(Kind kind, TlaModelValue peer) {
    public enum Kind {
      /** The window of the peer's last answer passed (a PEX round runs). */
      WINDOW_PASSED,
      /** The peer has been up for {@code seedDisconnectWaitPeriod} (a crawl round runs). */
      AGED,
      /** The peer's crawl record is past retention (a crawl round runs). */
      PRUNED,
      /** The peer's crawl record is old enough to crawl it again (a crawl round runs). */
      OLD,
      /** The peer's request arrives after the window of its previous one. */
      LATE
    }
  }

  /** The time facts a letter's {@code time} bits choose among, in bit order, in an abstract state. */
  public List<TimeFact> timeFacts(CoreLetter l, Map<String, Object> abstractState) {
    List<TimeFact> out = new ArrayList<>();
    if (l.action().equals("TimerFired") && !l.pexFired().isEmpty()) {
      Map<?, ?> last = asMap(abstractState.get("lastAddrsReceived"));
      for (TlaModelValue p : peers) {
        if (Boolean.TRUE.equals(last.get(p))) {
          out.add(new TimeFact(TimeFact.Kind.WINDOW_PASSED, p));
        }
      }
      if (l.pexFired().contains("CrawlPeers")) {
        Map<?, ?> up = asMap(abstractState.get("peers"));
        Collection<?> disconnecting = (Collection<?>) abstractState.get("disconnecting");
        for (TlaModelValue p : peers) {
          if (up.containsKey(p) && !disconnecting.contains(p) && !persistent.contains(p)) {
            out.add(new TimeFact(TimeFact.Kind.AGED, p));
          }
        }
        Collection<?> crawled = (Collection<?>) abstractState.get("crawled");
        for (TlaModelValue p : peers) {
          if (crawled.contains(p)) {
            out.add(new TimeFact(TimeFact.Kind.PRUNED, p));
            out.add(new TimeFact(TimeFact.Kind.OLD, p));
          }
        }
      }
    }
    if (l.action().equals("PexRequestReceived")
        && asMap(abstractState.get("lastReceivedRequests")).containsKey(l.peer())) {
      out.add(new TimeFact(TimeFact.Kind.LATE, l.peer()));
    }
    return out;
  }

  /** A function variable as a map (TLC reads an empty function back as an empty sequence). */
  public static Map<?, ?> asMap(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  /** The spec's variables of a state as Java values, empty functions as empty maps. */
  public static Map<String, Object> normalised(Map<String, Object> vars) {
    Map<String, Object> out = new LinkedHashMap<>(vars);
    for (String v : FUNCTION_VARS) {
      if (out.get(v) instanceof List<?> l && l.isEmpty()) {
        out.put(v, Map.of());
      }
    }
    return out;
  }

  public static List<Set<Object>> subsets(List<?> items) {
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
