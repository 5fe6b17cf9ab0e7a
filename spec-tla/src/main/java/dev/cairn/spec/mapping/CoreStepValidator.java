package dev.cairn.spec.mapping;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreInvariants;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.WallTime;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerInvariants;
import dev.cairn.core.pex.PexInvariants;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Is one step of core-fsm's composed machine a step of {@code Core.tla}? Given the spec state
 * before (or the Java state it abstracts), the letter, and Java's traced step, it answers with a
 * {@link Verdict}; {@link #enabled} names the letters the spec allows in a state. Shared by the
 * equivalence checks and by validators of recorded traces.
 *
 * <p>A step Java accepted must land, with its effects ({@code outbox}), hand-offs
 * ({@code handedOff}) and event, on one of the action's successors, and keep Java's own
 * invariants (PeerInvariants, PexInvariants of each PEX sub-step, CoreInvariants) and the cfg's
 * invariants there. A step Java rejected must have no successor among those that reinstate
 * exactly the letter's {@code lift} (the bans whose expiry had passed).
 */
public final class CoreStepValidator {

  /** How a step compares. */
  public enum Kind {
    /** Both sides refuse the event. */
    BOTH_DISABLED,
    /** Java accepted and landed on one of the spec's successors, effects included. */
    MATCHED,
    /** The event is outside the abstraction in this state (a score outside the model's range). */
    OUTSIDE_ABSTRACTION,
    /** Java accepted an event the spec does not allow. */
    JAVA_ONLY,
    /** The spec allows the event and Java rejected it. */
    SPEC_ONLY,
    /** Both accepted, but Java's result is none of the spec's successors. */
    DIFFERENT_RESULT,
    /** An invariant broke (Java's, or the cfg's on the matched spec state). */
    INVARIANT,
    /**
     * Java's result is not a step of the action with the choices it shows, and the action's
     * successors are too many to enumerate for a finer verdict ({@link PairChecker}).
     */
    NOT_A_STEP
  }

  /** The comparison of one step; {@code reached} is the spec state Java reached (if it accepted). */
  public record Verdict(Kind kind, CoreLetter letter, List<TlaState> spec, Optional<TlaState> matched,
      Optional<Map<String, Object>> reached, String detail) {
    public boolean ok() {
      return kind == Kind.BOTH_DISABLED || kind == Kind.MATCHED || kind == Kind.OUTSIDE_ABSTRACTION;
    }
  }

  private final Tla tla;
  private final CoreMapping mapping;

  public CoreStepValidator(Tla tla, CoreMapping mapping) {
    this.tla = tla;
    this.mapping = mapping;
  }

  public Tla tla() {
    return tla;
  }

  public CoreMapping mapping() {
    return mapping;
  }

  /** The spec's variables of a state as Java values (empty functions as empty maps). */
  public static Map<String, Object> vars(TlaState t) {
    return CoreMapping.normalised(t.variables());
  }

  /** {@link #vars} without the step's own {@code outbox}, {@code handedOff} and {@code event}. */
  public static Map<String, Object> key(TlaState t) {
    Map<String, Object> k = vars(t);
    k.keySet().removeAll(CoreMapping.STEP_VARS);
    return k;
  }

  /** The spec state for an abstract state (no action reads the step variables: they start empty). */
  public TlaState specState(Map<String, Object> alpha) {
    Map<String, Object> all = new LinkedHashMap<>(alpha);
    all.putIfAbsent("outbox", Set.of());
    all.putIfAbsent("handedOff", Set.of());
    all.putIfAbsent("event", Map.of("type", "Init"));
    return tla.state(all);
  }

  /** Every successor of {@code s} under the letter's action and arguments (any ban expiry). */
  public List<TlaState> successors(TlaState s, CoreLetter l) {
    return tla.successors(s, l.action(), l.args().toArray());
  }

  /** The successors that reinstate exactly the letter's {@code lift} (for a reinstating letter). */
  public List<TlaState> successorsWithLift(TlaState s, CoreLetter l) {
    List<TlaState> all = successors(s, l);
    if (!l.reinstates()) {
      return all;
    }
    Set<TlaModelValue> before = mapping.banned(vars(s));
    List<TlaState> out = new ArrayList<>();
    for (TlaState t : all) {
      Set<TlaModelValue> lifted = new LinkedHashSet<>(before);
      lifted.removeAll(mapping.banned(vars(t)));
      if (lifted.equals(l.lift())) {
        out.add(t);
      }
    }
    return out;
  }

  /** The letters of the alphabet (with ban-expiry choices) that the spec allows in {@code s}. */
  public List<CoreLetter> enabled(TlaState s) {
    List<CoreLetter> out = new ArrayList<>();
    for (CoreLetter l : mapping.lettersIn(vars(s))) {
      if (!successorsWithLift(s, l).isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * The verdict of a step whose event names its node at another address than its dial or
   * connection ({@link CoreMapping#atAnotherAddress}, {@code why}): outside the abstraction when
   * Java left its state as it was and sent at most a {@code Disconnect} of that address (the
   * socket the event came from); a failure, naming what changed, otherwise.
   */
  static Verdict outsideByAddress(CoreLetter l, String why, CoreEvent e, CoreState before, Core.Traced traced) {
    CoreState after = traced.step().state();
    NodeAddress named = switch (((CoreEvent.Peer) e).event()) {
      case PeerEvent.DialSucceeded d -> d.address();
      case PeerEvent.DialFailed d -> d.address();
      case PeerEvent.PeerDisconnected d -> d.address();
      default -> throw new IllegalArgumentException(e.toString());
    };
    List<CoreEffect> others = new ArrayList<>();
    for (CoreEffect f : traced.step().effects()) {
      if (!(f instanceof CoreEffect.Peer(PeerEffect.Disconnect d) && d.address().equals(named))) {
        others.add(f);
      }
    }
    if (!after.equals(before) || !others.isEmpty()) {
      return new Verdict(Kind.DIFFERENT_RESULT, l, List.of(), Optional.empty(), Optional.empty(), why
          + ": a late event of another socket, which must change nothing but may close that socket, yet Java "
          + (!after.equals(before) ? "changed its state" : "") + (!after.equals(before) && !others.isEmpty() ? " and " : "")
          + (others.isEmpty() ? "" : "gave " + others));
    }
    return new Verdict(Kind.OUTSIDE_ABSTRACTION, l, List.of(), Optional.empty(), Optional.empty(), why
        + ": Java tells a late event of another socket by its address and changes nothing; the spec has an address"
        + " per node");
  }

  /** The verdict of a step that refused an address by its IP ({@link CoreMapping#refusedByIp}): not compared. */
  static Verdict outsideByIp(CoreLetter l) {
    return new Verdict(Kind.OUTSIDE_ABSTRACTION, l, List.of(), Optional.empty(), Optional.empty(),
        "an address was refused by its IP (invalid, or not routable under addr_book_strict): IP checks are"
            + " Java-only, the spec has none");
  }

  /** The verdict of a step whose event counts its addresses apart from its peers ({@link CoreMapping#countedApart}). */
  static Verdict outsideByCount(CoreLetter l) {
    return new Verdict(Kind.OUTSIDE_ABSTRACTION, l, List.of(), Optional.empty(), Optional.empty(),
        "the event's addresses are more than its message or event may carry while its peers are not: Java counts"
            + " addresses, the spec (an address per peer) peers");
  }

  /** The spec-level state Java reached in an accepted step (all variables, step ones included). */
  public Map<String, Object> reached(CoreState before, CoreLetter l, Core.Traced traced, MonoTime now) {
    Map<String, Object> pre = mapping.alpha(before, now);
    Map<String, Object> after = mapping.alpha(traced.step().state(), now);
    boolean bookVisible = !pre.get("book").equals(after.get("book"));
    after.put("outbox", mapping.outbox(traced.step().effects(), bookVisible));
    after.put("handedOff", mapping.handedOff(traced));
    after.put("event", CoreMapping.eventRecord(l.event()));
    return after;
  }

  /**
   * Compares Java's step (from {@code before} at {@code now}, the letter's event) with the spec's
   * steps from {@code spec}.
   */
  public Verdict compare(TlaState spec, CoreLetter l, CoreState before, MonoTime now, Core.Traced traced) {
    if (!mapping.applicable(l, before)) {
      return new Verdict(Kind.OUTSIDE_ABSTRACTION, l, successors(spec, l), Optional.empty(), Optional.empty(),
          "a connected peer's score is outside ScoreMin..ScoreMax");
    }
    if (traced.step().isAccepted() && mapping.refusedByIp(before, traced.step().state())) {
      return outsideByIp(l);
    }
    if (!traced.step().isAccepted()) {
      List<TlaState> succ = successorsWithLift(spec, l);
      if (succ.isEmpty()) {
        return new Verdict(Kind.BOTH_DISABLED, l, succ, Optional.empty(), Optional.empty(), "");
      }
      return new Verdict(Kind.SPEC_ONLY, l, succ, Optional.empty(), Optional.empty(),
          "the spec allows " + l + " (" + succ.size() + " successors) but Java rejects it: "
              + traced.step().outcome());
    }
    List<TlaState> succ = successors(spec, l);
    Map<String, Object> got = reached(before, l, traced, now);
    List<String> javaBroken = javaViolations(traced);
    if (!javaBroken.isEmpty()) {
      return new Verdict(Kind.INVARIANT, l, succ, Optional.empty(), Optional.of(got),
          "Java's invariants " + javaBroken + " broken after " + l);
    }
    if (succ.isEmpty()) {
      return new Verdict(Kind.JAVA_ONLY, l, succ, Optional.empty(), Optional.of(got),
          "Java accepts " + l + " but the spec has no successor; Java reached " + got + specInvariantNote(got));
    }
    for (TlaState t : succ) {
      if (vars(t).equals(got)) {
        List<String> broken = tla.violatedInvariants(t);
        if (!broken.isEmpty()) {
          return new Verdict(Kind.INVARIANT, l, succ, Optional.of(t), Optional.of(got), "spec invariants " + broken);
        }
        return new Verdict(Kind.MATCHED, l, succ, Optional.of(t), Optional.of(got), "");
      }
    }
    return new Verdict(Kind.DIFFERENT_RESULT, l, succ, Optional.empty(), Optional.of(got),
        "Java's result is none of the spec's " + succ.size() + " successors for " + l + ": "
            + diff(got, nearest(got, succ)) + specInvariantNote(got));
  }

  /**
   * Validates one recorded step: Java's state {@code before}, the clocks, the event and the
   * traced step. The letter is recovered from the event (the timers due at {@code now} for
   * {@code TimerFired}; the bans expired by {@code wallNow} as its {@code lift}); the spec state
   * is α(before). Empty when the event names a node outside the model.
   */
  public Optional<Verdict> validate(CoreState before, MonoTime now, WallTime wallNow, CoreEvent e, Core.Traced traced) {
    Optional<CoreLetter> letter = mapping.fromJava(e, before, now);
    if (letter.isEmpty()) {
      return Optional.empty();
    }
    if (mapping.countedApart(e)) {
      return Optional.of(outsideByCount(letter.get()));
    }
    Optional<String> another = mapping.atAnotherAddress(e, before);
    if (another.isPresent()) {
      return Optional.of(outsideByAddress(letter.get(), another.get(), e, before, traced));
    }
    CoreLetter l = letter.get().withLift(mapping.lift(before, wallNow));
    return Optional.of(compare(specState(mapping.alpha(before, now)), l, before, now, traced));
  }

  /** Java's invariants after a traced step: PeerInvariants, PexInvariants per PEX sub-step, CoreInvariants. */
  public List<String> javaViolations(Core.Traced traced) {
    List<String> out = new ArrayList<>();
    CoreState after = traced.step().state();
    PeerInvariants.violations(mapping.config().peer(), after.peer()).forEach(v -> out.add("PeerInvariants." + v));
    for (Core.SubStep sub : traced.subSteps()) {
      if (sub instanceof Core.SubStep.PexStep ps) {
        PexInvariants.violations(ps.transition()).forEach(v -> out.add("PexInvariants." + v));
      }
    }
    CoreInvariants.violations(mapping.config(), after).forEach(v -> out.add("CoreInvariants." + v));
    return out;
  }

  private String specInvariantNote(Map<String, Object> got) {
    try {
      List<String> broken = tla.violatedInvariants(tla.state(got));
      return broken.isEmpty() ? "" : "; that state violates the spec's " + broken;
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static Map<String, Object> nearest(Map<String, Object> got, List<TlaState> succ) {
    Map<String, Object> best = vars(succ.get(0));
    int bestDiff = Integer.MAX_VALUE;
    for (TlaState t : succ) {
      Map<String, Object> v = vars(t);
      int d = 0;
      for (String k : v.keySet()) {
        if (!v.get(k).equals(got.get(k))) {
          d++;
        }
      }
      if (d < bestDiff) {
        bestDiff = d;
        best = v;
      }
    }
    return best;
  }

  /** The variables where Java's reached state and a spec state differ. */
  public static String diff(Map<String, Object> java, Map<String, Object> spec) {
    StringBuilder b = new StringBuilder();
    for (String k : spec.keySet()) {
      if (!spec.get(k).equals(java.get(k))) {
        b.append("\n    ").append(k).append(": Java ").append(java.get(k)).append(" vs spec ").append(spec.get(k));
      }
    }
    return b.length() == 0 ? "(no difference)" : b.toString();
  }
}
