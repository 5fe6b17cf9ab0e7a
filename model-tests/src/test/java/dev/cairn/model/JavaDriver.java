package dev.cairn.model;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.TimerKey;
import dev.cairn.core.peer.Timers;
import dev.cairn.spec.TlaModelValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs a {@link JavaCore} on {@link Label}s, choosing the two clocks the way the spec's
 * abstract time allows.
 *
 * <p><b>Monotonic time ({@code now}).</b> The spec's {@code TimerFired(F)} fires any non-empty
 * set {@code F} of armed timers; Java fires every timer whose deadline is at or before
 * {@code now}. The driver keeps {@code now} still between events and, for {@code TimerFired(F)},
 * jumps it to the latest deadline in {@code F} when every other armed deadline is later: real
 * time then fires exactly {@code F} ("honest" firing). When no instant fires exactly {@code F}
 * (another timer is due earlier), the driver <i>re-times</i> the Java state first: the timers in
 * {@code F} get the deadline {@code now}, the others keep theirs (pushed past {@code now}).
 * Deadlines are not part of α and Java reads them only through "which timers expired", so a
 * re-timed state is a Java state with the same abstraction. Both cases are counted.
 *
 * <p><b>Wall time ({@code wallNow}).</b> Bans expire with the wall clock. The driver keeps it
 * still except in a letter with {@code lift}: the clock then moves to the latest expiry among
 * those bans, which must be earlier than every other ban still on record (otherwise the letter is
 * not realisable and the step reports so). A letter of a step that lifts bans ({@link
 * Label#reinstates}) lifts exactly those, so it must name every ban already run out; any other
 * step lifts none, so its bans stay on record, run out, until a later step lifts them. A
 * rejected step leaves both clocks where they were.
 */
public final class JavaDriver {

  /** The Java side of the comparison: the state and its two clocks. */
  public record World(PeerState state, MonoTime now, WallTime wallNow) {}

  /**
   * The result of one letter. {@code realisable}: false when the letter's time choices cannot be
   * made in this world (bans to lift that are not banned, or expire after others); then nothing
   * ran. {@code retimed}: timers were re-timed to fire exactly the letter's set.
   */
  public record Result(boolean realisable, PeerEvent event, Step<PeerState, PeerEffect> step,
      World before, World after, boolean retimed) {
    public boolean accepted() {
      return realisable && step.isAccepted();
    }
  }

  private final PeerManagerMapping mapping;
  private final PeerConfig config;
  private final JavaCore core;

  public JavaDriver(PeerManagerMapping mapping, PeerConfig config, JavaCore core) {
    this.mapping = mapping;
    this.config = config;
    this.core = core;
  }

  public PeerConfig config() {
    return config;
  }

  public World start(Map<String, Object> specInit) {
    return new World(mapping.initial(specInit, 42), PeerManagerMapping.START, PeerManagerMapping.WALL_START);
  }

  public Result apply(World w, Label l) {
    PeerState s = w.state();
    if (l.prng() != 0) {
      s = withPrng(s, Prng.seeded(l.prng()));
    }
    WallTime wall = w.wallNow();
    if (!l.lift().isEmpty() || l.reinstates()) {
      // time passes in any step, and a step that lifts bans lifts every one expired by then: the
      // letter names them all, those that ran out in an earlier step and are still on record too
      Optional<WallTime> lifted = liftTime(s, l.lift(), wall);
      if (lifted.isEmpty()) {
        return new Result(false, null, null, w, w, false);
      }
      wall = lifted.get();
    }
    MonoTime now = w.now();
    boolean retimed = false;
    if (l.action().equals("TimerFired")) {
      List<TimerKey> fired = new ArrayList<>();
      for (Map<String, Object> k : l.fired()) {
        fired.add(mapping.javaTimerKey(k));
      }
      if (!fired.isEmpty() && fired.stream().allMatch(s.timers()::isArmed)) {
        Optional<MonoTime> honest = honestFiring(s.timers(), fired, now);
        if (honest.isPresent()) {
          now = honest.get();
        } else {
          s = retime(s, fired, now);
          retimed = true;
        }
      } else if (!fired.isEmpty()) {
        // a key that is not armed never expires: no instant fires exactly F
        return new Result(false, null, null, w, w, false);
      }
    }
    PeerEvent e = mapping.toJava(l, s);
    Step<PeerState, PeerEffect> step = core.step(config, s, now, wall, e);
    if (step.isAccepted() && !l.lift().isEmpty() && l.reinstates()) {
      for (KnownAddress ka : step.state().book().bannedEntries()) {
        if (l.lift().stream().anyMatch(v -> mapping.id(v).equals(ka.id()))) {
          // the step never reached a point where Java reinstates bans (e.g. an inbound
          // connection from ourselves): the clock cannot have moved for it
          return new Result(false, e, step, w, w, retimed);
        }
      }
      for (NodeId id : step.state().bannedIds().keySet()) {
        if (l.lift().stream().anyMatch(v -> mapping.id(v).equals(id))) {
          return new Result(false, e, step, w, w, retimed); // as above, for a ban by ID
        }
      }
    }
    World after = step.isAccepted() ? new World(step.state(), now, wall) : w;
    return new Result(true, e, step, new World(s, now, wall), after, retimed);
  }

  /** The earliest instant at or after {@code now} at which exactly {@code fired} has expired. */
  static Optional<MonoTime> honestFiring(Timers timers, List<TimerKey> fired, MonoTime now) {
    MonoTime latest = now;
    for (TimerKey k : fired) {
      latest = MonoTime.max(latest, timers.deadline(k).orElseThrow());
    }
    for (Map.Entry<TimerKey, MonoTime> e : timers.deadlines().entrySet()) {
      if (!fired.contains(e.getKey()) && !e.getValue().isAfter(latest)) {
        return Optional.empty();
      }
    }
    return Optional.of(latest);
  }

  private static PeerState retime(PeerState s, List<TimerKey> fired, MonoTime now) {
    Timers t = Timers.empty();
    for (Map.Entry<TimerKey, MonoTime> e : s.timers().deadlines().entrySet()) {
      MonoTime at = fired.contains(e.getKey()) ? now
          : e.getValue().isAfter(now) ? e.getValue() : now.plusNanos(1);
      t = t.arm(e.getKey(), at);
    }
    return new PeerState(s.book(), s.dialing(), s.connected(), s.ready(), s.evicting(),
        s.upgrading(), s.scores(), s.persistentDialFailures(), t, s.prng(), s.started(), s.bannedIds(),
        s.idleInbound());
  }

  static PeerState withPrng(PeerState s, Prng p) {
    return new PeerState(s.book(), s.dialing(), s.connected(), s.ready(), s.evicting(),
        s.upgrading(), s.scores(), s.persistentDialFailures(), s.timers(), p, s.started(),
        s.bannedIds(), s.idleInbound());
  }

  /**
   * The wall time at which exactly the bans of {@code lift} have expired, if there is one: the
   * book's bans and the bans by ID ({@code PeerState.bannedIds}) alike.
   */
  private Optional<WallTime> liftTime(PeerState s, Set<TlaModelValue> lift, WallTime wall) {
    Set<NodeId> ids = new TreeSet<>();
    lift.forEach(v -> ids.add(mapping.id(v)));
    Map<NodeId, WallTime> expiries = new TreeMap<>();
    for (KnownAddress ka : s.book().bannedEntries()) {
      expiries.put(ka.id(), ka.lastBanTime());
    }
    expiries.putAll(s.bannedIds()); // one record per banned peer (BannedIdsWithinBound)
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
