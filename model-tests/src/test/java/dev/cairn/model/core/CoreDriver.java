package dev.cairn.model.core;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.TimerKey;
import dev.cairn.core.peer.Timers;
import dev.cairn.core.pex.PexPeer;
import dev.cairn.core.pex.PexState;
import dev.cairn.core.pex.PexTimerKey;
import dev.cairn.core.pex.ReceivedRequests;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.mapping.CoreLetter;
import dev.cairn.spec.mapping.CoreMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

/**
 * Runs a {@link CoreJavaCore} on {@link CoreLetter}s, choosing time the way the spec's abstract
 * time allows.
 *
 * <p><b>Monotonic time stands still</b> at {@link #NOW}. Every instant Java stores (timer
 * deadlines, request and answer times, crawl records, when a peer came up) is read only by
 * comparing it with {@code now}; the driver <i>re-times</i> the Java state before a step so that
 * exactly the letter's choices hold: {@code TimerFired(F, G)} gets the deadlines of {@code F} and
 * {@code G} at {@code now} and every other one after it; a set {@code time} bit puts the matching
 * instant far enough in the past (a window passed, a peer aged, a crawl record pruned or old, a
 * request late). With no bit set nothing has elapsed. After the step, crawl records and up-times
 * are brought back to {@code now} (the spec chooses them afresh at every round). A re-timed state
 * has the same abstraction, except for the facts the letter chose, which the spec's action
 * chooses in the same step.
 *
 * <p><b>Wall time</b> ticks one millisecond per accepted step (so bans placed in turn expire in
 * turn) and jumps only in a letter with {@code lift}: to the latest expiry of those bans, which must
 * precede every other ban's still on record (otherwise the letter is not realisable here). A letter
 * of a step that lifts bans ({@link CoreLetter#reinstates}) lifts exactly those; any other step
 * lifts none, so its bans stay on record, run out, until a later step lifts them (which names
 * them in its own {@code lift}).
 */
public final class CoreDriver {

  public static final MonoTime NOW = MonoTime.ofMillis(40L * 24 * 3600 * 1000);
  public static final WallTime WALL_START = new WallTime(1_700_000_000_000L);

  /** The Java side of the comparison: the state and its two clocks. */
  public record World(CoreState state, MonoTime now, WallTime wallNow) {}

  /** One letter's run; {@code realisable} false when the letter's time choices cannot be made (nothing ran). */
  public record Result(boolean realisable, CoreEvent event, Core.Traced traced, World before, World after) {
    public boolean accepted() {
      return realisable && traced.step().isAccepted();
    }
  }

  private final CoreMapping mapping;
  private final CoreConfig config;
  private final CoreJavaCore core;

  public CoreDriver(CoreMapping mapping, CoreConfig config, CoreJavaCore core) {
    this.mapping = mapping;
    this.config = config;
    this.core = core;
  }

  public CoreConfig config() {
    return config;
  }

  public CoreMapping mapping() {
    return mapping;
  }

  /** The Java world of a spec initial state; empty when Java cannot hold it (a private ID in the book). */
  public Optional<World> start(Map<String, Object> specInit) {
    return mapping.initial(specInit, 42).map(s -> new World(s, NOW, WALL_START));
  }

  /** Runs the letter; {@code abstractPre} is the spec state's variables (for the time facts). */
  public Result apply(World w, CoreLetter l, Map<String, Object> abstractPre) {
    CoreState s = w.state();
    MonoTime now = w.now();
    if (l.prng() != 0) {
      s = withPrng(s, l.prng());
    }
    WallTime wall = w.wallNow();
    if (!l.lift().isEmpty() || l.reinstates()) {
      // time passes in any step, and a step that lifts bans lifts every one expired by then: the
      // letter names them all, those that ran out in an earlier step and are still on record too
      Optional<WallTime> lifted = liftTime(s.peer(), l.lift(), wall);
      if (lifted.isEmpty()) {
        return new Result(false, null, null, w, w);
      }
      wall = lifted.get();
    }
    if (l.action().equals("TimerFired")) {
      Optional<CoreState> t = retimeTimers(s, l, now);
      if (t.isEmpty()) {
        return new Result(false, null, null, w, w);
      }
      s = t.get();
    }
    List<CoreMapping.TimeFact> facts = mapping.timeFacts(l, abstractPre);
    if (l.time() >>> facts.size() != 0) {
      return new Result(false, null, null, w, w);
    }
    for (int i = 0; i < facts.size(); i++) {
      if ((l.time() & (1 << i)) != 0) {
        s = elapse(s, facts.get(i), now);
      }
    }
    CoreEvent e = mapping.toJava(l, s);
    Core.Traced traced = core.traced(config, s, now, wall, e);
    if (traced.step().isAccepted() && !l.lift().isEmpty() && l.reinstates()) {
      PeerState after = traced.step().state().peer();
      for (TlaModelValue v : l.lift()) {
        NodeId id = mapping.id(v);
        if (after.bannedIds().containsKey(id)
            || after.book().bannedEntries().stream().anyMatch(ka -> ka.id().equals(id))) {
          // the step never reached a point where Java reinstates bans: the clock cannot have moved for it
          return new Result(false, e, traced, w, w);
        }
      }
    }
    // the wall clock ticks a millisecond per accepted step, so that bans placed one after the
    // other expire one after the other (and can be lifted one by one)
    World after = traced.step().isAccepted()
        ? new World(settle(traced.step().state(), now), now, tick(traced.step().state().peer(), wall)) : w;
    return new Result(true, e, traced, new World(s, now, wall), after);
  }

  static CoreState withPrng(CoreState s, long seed) {
    PeerState p = s.peer();
    PexState x = s.pex();
    return new CoreState(
        new PeerState(p.book(), p.dialing(), p.connected(), p.ready(), p.evicting(), p.upgrading(),
            p.scores(), p.persistentDialFailures(), p.timers(), Prng.seeded(seed), p.started(), p.bannedIds(),
            p.idleInbound()),
        new PexState(x.peers(), x.requestsSent(), x.lastAddrsReceived(), x.lastReceivedRequests(),
            x.disconnecting(), x.crawled(), x.dropped(), x.timers(), Prng.seeded(seed * 1_000_003L + 17), x.started()));
  }

  private Optional<CoreState> retimeTimers(CoreState s, CoreLetter l, MonoTime now) {
    List<TimerKey> fired = new ArrayList<>();
    for (Map<String, Object> k : l.fired()) {
      fired.add(mapping.javaTimerKey(k));
    }
    List<PexTimerKey> rounds = new ArrayList<>();
    for (String k : l.pexFired()) {
      rounds.add(CoreMapping.javaRoundKey(k));
    }
    PeerState p = s.peer();
    PexState x = s.pex();
    if (!fired.stream().allMatch(p.timers()::isArmed) || !rounds.stream().allMatch(x.timers()::containsKey)) {
      return Optional.empty(); // a key that is not armed never expires
    }
    MonoTime later = now.plusNanos(1);
    Timers t = Timers.empty();
    for (Map.Entry<TimerKey, MonoTime> e : p.timers().deadlines().entrySet()) {
      t = t.arm(e.getKey(), fired.contains(e.getKey()) ? now : e.getValue().isAfter(now) ? e.getValue() : later);
    }
    PSortedMap<PexTimerKey, MonoTime> xt = TreePMap.empty();
    for (Map.Entry<PexTimerKey, MonoTime> e : x.timers().entrySet()) {
      xt = xt.plus(e.getKey(), rounds.contains(e.getKey()) ? now : e.getValue().isAfter(now) ? e.getValue() : later);
    }
    return Optional.of(new CoreState(
        new PeerState(p.book(), p.dialing(), p.connected(), p.ready(), p.evicting(), p.upgrading(),
            p.scores(), p.persistentDialFailures(), t, p.prng(), p.started(), p.bannedIds(), p.idleInbound()),
        new PexState(x.peers(), x.requestsSent(), x.lastAddrsReceived(), x.lastReceivedRequests(),
            x.disconnecting(), x.crawled(), x.dropped(), xt, x.prng(), x.started())));
  }

  /** Puts the instant of one time fact far enough in the past. */
  private CoreState elapse(CoreState s, CoreMapping.TimeFact f, MonoTime now) {
    var cfg = config.pex();
    PexState x = s.pex();
    NodeId id = mapping.id(f.peer());
    PexState y = switch (f.kind()) {
      case WINDOW_PASSED -> new PexState(x.peers(), x.requestsSent(),
          x.lastAddrsReceived().plus(id, now.plusNanos(-cfg.minReceiveRequestInterval().toNanos())),
          x.lastReceivedRequests(), x.disconnecting(), x.crawled(), x.dropped(), x.timers(), x.prng(), x.started());
      case AGED -> {
        PexPeer p = x.peers().get(id);
        yield new PexState(x.peers().plus(id, new PexPeer(p.direction(), p.listenAddress(),
            now.plusNanos(-cfg.seedDisconnectWaitPeriod().toNanos()))), x.requestsSent(), x.lastAddrsReceived(),
            x.lastReceivedRequests(), x.disconnecting(), x.crawled(), x.dropped(), x.timers(), x.prng(), x.started());
      }
      case PRUNED -> new PexState(x.peers(), x.requestsSent(), x.lastAddrsReceived(), x.lastReceivedRequests(),
          x.disconnecting(), x.crawled().plus(id, now.plusNanos(-cfg.crawlRecordRetention().toNanos() - 1)),
          x.dropped(), x.timers(), x.prng(), x.started());
      case OLD -> {
        MonoTime at = x.crawled().get(id);
        MonoTime old = now.plusNanos(-cfg.minTimeBetweenCrawls().toNanos());
        // a pruned record is also old: keep the earlier instant
        yield new PexState(x.peers(), x.requestsSent(), x.lastAddrsReceived(), x.lastReceivedRequests(),
            x.disconnecting(), x.crawled().plus(id, at.isBefore(old) ? at : old),
            x.dropped(), x.timers(), x.prng(), x.started());
      }
      case LATE -> {
        ReceivedRequests r = x.lastReceivedRequests().get(id);
        yield new PexState(x.peers(), x.requestsSent(), x.lastAddrsReceived(),
            x.lastReceivedRequests().plus(id, new ReceivedRequests(r.count(),
                now.plusNanos(-cfg.minReceiveRequestInterval().toNanos()))),
            x.disconnecting(), x.crawled(), x.dropped(), x.timers(), x.prng(), x.started());
      }
    };
    return s.withPex(y);
  }

  /**
   * One millisecond later, unless a ban would expire by then: a ban runs out only in a letter that
   * names it in {@code lift}.
   */
  static WallTime tick(PeerState s, WallTime wall) {
    WallTime next = wall.plusMillis(1);
    for (KnownAddress ka : s.book().bannedEntries()) {
      if (!ka.lastBanTime().isAfter(next)) {
        return wall;
      }
    }
    for (WallTime t : s.bannedIds().values()) {
      if (!t.isAfter(next)) {
        return wall;
      }
    }
    return next;
  }

  /** After a step: crawl records and up-times back to {@code now} (chosen afresh at each round). */
  private static CoreState settle(CoreState s, MonoTime now) {
    PexState x = s.pex();
    PSortedMap<NodeId, MonoTime> crawled = x.crawled();
    for (NodeId id : x.crawled().keySet()) {
      crawled = crawled.plus(id, now);
    }
    PSortedMap<NodeId, PexPeer> peers = x.peers();
    for (Map.Entry<NodeId, PexPeer> e : x.peers().entrySet()) {
      peers = peers.plus(e.getKey(), new PexPeer(e.getValue().direction(), e.getValue().listenAddress(), now));
    }
    return s.withPex(new PexState(peers, x.requestsSent(), x.lastAddrsReceived(), x.lastReceivedRequests(),
        x.disconnecting(), crawled, x.dropped(), x.timers(), x.prng(), x.started()));
  }

  /** The wall time at which exactly the bans of {@code lift} have expired, if there is one. */
  private Optional<WallTime> liftTime(PeerState s, Set<TlaModelValue> lift, WallTime wall) {
    Set<NodeId> ids = new TreeSet<>();
    lift.forEach(v -> ids.add(mapping.id(v)));
    Map<NodeId, WallTime> expiries = new TreeMap<>();
    for (KnownAddress ka : s.book().bannedEntries()) {
      expiries.put(ka.id(), ka.lastBanTime());
    }
    expiries.putAll(s.bannedIds());
    WallTime latest = wall;
    int found = 0;
    for (Map.Entry<NodeId, WallTime> e : expiries.entrySet()) {
      if (ids.contains(e.getKey())) {
        found++;
        latest = e.getValue().isAfter(latest) ? e.getValue() : latest;
      }
    }
    if (found != ids.size()) {
      return Optional.empty();
    }
    for (Map.Entry<NodeId, WallTime> e : expiries.entrySet()) {
      if (!ids.contains(e.getKey()) && !e.getValue().isAfter(latest)) {
        return Optional.empty();
      }
    }
    return Optional.of(latest);
  }
}
