package dev.cairn.model;

import dev.cairn.core.peer.PeerInvariants;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaState;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of DESIGN.md §4 between a {@link JavaDriver} and the loaded spec, through the
 * {@link PeerManagerMapping}. Each check returns a {@link Run} or a {@link BfsReport} naming the
 * first divergence, with a replayable {@link Fixture}; tests assert on them, so the same code
 * proves the real core conforms and that each mutant does not.
 */
public final class Equivalence {

  static final Set<String> FUNCTION_VARS =
      Set.of("connected", "evicting", "upgrading", "scores", "persistentDialFailures");
  /** PRNG seeds tried to make Java take another of its possible choices (book picks). */
  static final long[] PRNG_VARIANTS = {1, 2, 3, 5, 8};

  private final Tla tla;
  private final PeerManagerMapping mapping;
  private final JavaDriver driver;

  Equivalence(Tla tla, PeerManagerMapping mapping, JavaDriver driver) {
    this.tla = tla;
    this.mapping = mapping;
    this.driver = driver;
  }

  PeerManagerMapping mapping() {
    return mapping;
  }

  JavaDriver driver() {
    return driver;
  }

  Tla tla() {
    return tla;
  }

  // ---------------------------------------------------------------- one step

  public enum Kind {
    /** Both sides refuse the letter. */
    BOTH_DISABLED,
    /** Java accepted and landed in one of the spec's successors, effects included. */
    MATCHED,
    /** The letter is outside the abstraction here (a score would leave the model's range). */
    OUTSIDE_ABSTRACTION,
    /** Java accepted a letter the spec does not allow. */
    JAVA_ONLY,
    /** The spec allows the letter and Java rejected it. */
    SPEC_ONLY,
    /** Both accepted, but α(Java's state) or Java's effects are not among the spec's successors. */
    DIFFERENT_RESULT,
    /** An invariant broke (Java's PeerInvariants or the cfg's invariants). */
    INVARIANT
  }

  /** The comparison of one letter in one pair of states. */
  public record Verdict(Kind kind, Label label, JavaDriver.Result java, List<TlaState> spec,
      Optional<TlaState> matched, String detail) {
    public boolean ok() {
      return kind == Kind.BOTH_DISABLED || kind == Kind.MATCHED || kind == Kind.OUTSIDE_ABSTRACTION;
    }

    public boolean specEnabled() {
      return !spec.isEmpty();
    }
  }

  /** The spec's variables of {@code t} as Java values (empty functions read as empty maps). */
  static Map<String, Object> vars(TlaState t) {
    Map<String, Object> out = new LinkedHashMap<>(t.variables());
    for (String v : FUNCTION_VARS) {
      if (out.get(v) instanceof List<?> l && l.isEmpty()) {
        out.put(v, Map.of());
      }
    }
    return out;
  }

  /** The spec's successors of {@code s} for the letter (those that reinstate exactly its lift). */
  List<TlaState> specSuccessors(TlaState s, Label l) {
    List<TlaState> all = tla.successors(s, l.action(), l.args().toArray());
    if (!l.reinstates()) {
      return all;
    }
    Set<TlaModelValue> bannedBefore = banned(vars(s));
    List<TlaState> out = new ArrayList<>();
    for (TlaState t : all) {
      Set<TlaModelValue> lifted = new LinkedHashSet<>(bannedBefore);
      lifted.removeAll(banned(vars(t)));
      if (lifted.equals(l.lift())) {
        out.add(t);
      }
    }
    return out;
  }

  /** The banned peers: in the book or by ID only ({@code bannedIds}). */
  private Set<TlaModelValue> banned(Map<String, Object> vars) {
    return mapping.banned(vars);
  }

  /** The abstract state (with {@code outbox}) that Java reached in {@code r}. */
  Map<String, Object> abstractAfter(JavaDriver.Result r) {
    Map<String, Object> before = mapping.alpha(r.before().state());
    Map<String, Object> after = mapping.alpha(r.step().state());
    boolean bookVisible = !before.get("book").equals(after.get("book"));
    after.put("outbox", mapping.alphaEffects(r.step().effects(), bookVisible));
    return after;
  }

  /** Compares one letter in the spec state {@code s} and the Java world {@code w} (α(w) = s). */
  public Verdict check(TlaState s, JavaDriver.World w, Label l) {
    List<TlaState> spec = specSuccessors(s, l);
    if (!mapping.applicable(l, w.state())) {
      return new Verdict(Kind.OUTSIDE_ABSTRACTION, l, null, spec, Optional.empty(),
          "a score would leave ScoreMin..ScoreMax");
    }
    JavaDriver.Result r = driver.apply(w, l);
    if (!r.realisable()) {
      // the letter's ban expiries cannot be arranged here (another ban expires no later): an
      // environment this Java world cannot produce, so nothing to compare
      return new Verdict(spec.isEmpty() ? Kind.BOTH_DISABLED : Kind.OUTSIDE_ABSTRACTION, l, r, spec,
          Optional.empty(), "the driver cannot realise the letter's time choices");
    }
    if (!r.accepted()) {
      if (spec.isEmpty()) {
        return new Verdict(Kind.BOTH_DISABLED, l, r, spec, Optional.empty(), "");
      }
      return new Verdict(Kind.SPEC_ONLY, l, r, spec, Optional.empty(),
          "the spec allows " + l + " (" + spec.size() + " successors) but Java rejects it: " + r.step().outcome());
    }
    List<String> javaBroken = PeerInvariants.violations(driver.config(), r.step().state());
    if (!javaBroken.isEmpty()) {
      return new Verdict(Kind.INVARIANT, l, r, spec, Optional.empty(),
          "Java's PeerInvariants " + javaBroken + " broken after " + l);
    }
    Map<String, Object> got = abstractAfter(r);
    if (spec.isEmpty()) {
      return new Verdict(Kind.JAVA_ONLY, l, r, spec, Optional.empty(),
          "Java accepts " + l + " but the spec has no successor; Java reached " + got
              + specInvariantNote(got));
    }
    for (TlaState t : spec) {
      if (vars(t).equals(got)) {
        List<String> broken = tla.violatedInvariants(t);
        if (!broken.isEmpty()) {
          return new Verdict(Kind.INVARIANT, l, r, spec, Optional.of(t), "spec invariants " + broken);
        }
        return new Verdict(Kind.MATCHED, l, r, spec, Optional.of(t), "");
      }
    }
    return new Verdict(Kind.DIFFERENT_RESULT, l, r, spec, Optional.empty(),
        "Java's result is none of the spec's " + spec.size() + " successors for " + l + ": "
            + diff(got, vars(spec.get(0))) + specInvariantNote(got));
  }

  private String specInvariantNote(Map<String, Object> got) {
    try {
      List<String> broken = tla.violatedInvariants(tla.state(got));
      return broken.isEmpty() ? "" : "; that state violates the spec's " + broken;
    } catch (RuntimeException e) {
      return "";
    }
  }

  static String diff(Map<String, Object> java, Map<String, Object> spec) {
    StringBuilder b = new StringBuilder();
    for (String k : spec.keySet()) {
      if (!spec.get(k).equals(java.get(k))) {
        b.append("\n    ").append(k).append(": Java ").append(java.get(k)).append(" vs spec ").append(spec.get(k));
      }
    }
    return b.length() == 0 ? "(no difference)" : b.toString();
  }

  /**
   * The letters of checks 1–3: the mapping's alphabet with its ban expiries, and each letter of a
   * step that lifts no bans once more with every ban run out before it. Time passes in any step,
   * and such a step meets bans that have expired and are still on record (addresses learned of a
   * banned peer before the next maintenance round: the core once took it back into the book, where
   * the spec keeps it banned).
   */
  List<Label> letters(Map<String, Object> vars) {
    List<Label> out = new ArrayList<>(mapping.lettersIn(vars));
    Set<TlaModelValue> banned = banned(vars);
    if (!banned.isEmpty()) {
      for (Label l : mapping.alphabet()) {
        if (!l.reinstates()) {
          out.add(l.withLift(banned));
        }
      }
    }
    return out;
  }

  /** Every letter at one pair of states. */
  List<Verdict> checkAll(TlaState s, JavaDriver.World w) {
    List<Verdict> out = new ArrayList<>();
    for (Label l : letters(vars(s))) {
      out.add(check(s, w, l));
    }
    return out;
  }

  // ---------------------------------------------------------------- runs

  /** A sequence of letters from one initial state and where it stopped agreeing, if it did. */
  public record Run(String init, List<Label> letters, Optional<Verdict> divergence, int steps,
      int javaChoicesVaried, long nanos) {
    public boolean conforms() {
      return divergence.isEmpty();
    }

    /** The replayable fixture of this run (the diverging letter last). */
    public Fixture fixture(String comment) {
      return new Fixture(comment, init, letters,
          divergence.map(v -> Fixture.Expect.diverges(letters.size())).orElse(Fixture.Expect.CONFORMS));
    }
  }

  List<TlaState> initialStates() {
    return tla.initialStates();
  }

  /** {@code p1=unknown p2=known}: the initial state's book in fixture form. */
  String initText(TlaState s) {
    Map<?, ?> book = (Map<?, ?>) vars(s).get("book");
    List<String> parts = new ArrayList<>();
    for (TlaModelValue p : mapping.peers()) {
      parts.add(p + "=" + ((Map<?, ?>) book.get(p)).get("status"));
    }
    return String.join(" ", parts);
  }

  TlaState initialState(String init) {
    for (TlaState s : initialStates()) {
      if (initText(s).equals(init.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException("no initial state " + init);
  }

  /** Replays letters (a fixture) step by step, checking each as {@link #check} does. */
  public Run replay(String init, List<Label> letters) {
    return replay(init, letters, v -> {});
  }

  /** The same, handing every letter's verdict to {@code seen} as it is given. */
  public Run replay(String init, List<Label> letters, java.util.function.Consumer<Verdict> seen) {
    long t0 = System.nanoTime();
    TlaState s = initialState(init);
    JavaDriver.World w = driver.start(vars(s));
    List<Label> done = new ArrayList<>();
    for (Label l : letters) {
      done.add(l);
      Verdict v = check(s, w, l);
      seen.accept(v);
      if (!v.ok()) {
        return new Run(init, done, Optional.of(v), done.size(), 0, System.nanoTime() - t0);
      }
      if (v.kind() == Kind.MATCHED) {
        s = v.matched().orElseThrow();
        w = v.java().after();
      }
    }
    return new Run(init, done, Optional.empty(), done.size(), 0, System.nanoTime() - t0);
  }

  /**
   * Check 1, Java ⊆ spec: each choice picks a letter among those enabled on either side (Java
   * accepts it or the spec has a successor); Java's result must be one of the spec's successors,
   * a Java rejection must meet a disabled spec action, invariants hold on both sides.
   */
  public Run javaInSpec(List<Integer> choices) {
    return javaInSpec(choices, v -> {});
  }

  /** The same, handing every letter's verdict to {@code seen} as it is given. */
  public Run javaInSpec(List<Integer> choices, java.util.function.Consumer<Verdict> seen) {
    long t0 = System.nanoTime();
    List<TlaState> inits = initialStates();
    TlaState s = inits.get(Math.floorMod(choices.isEmpty() ? 0 : choices.get(0), inits.size()));
    String init = initText(s);
    JavaDriver.World w = driver.start(vars(s));
    List<Label> done = new ArrayList<>();
    for (int i = 1; i < choices.size(); i++) {
      List<Label> enabled = new ArrayList<>();
      for (Label l : letters(vars(s))) {
        if (!mapping.applicable(l, w.state())) {
          continue;
        }
        JavaDriver.Result r = driver.apply(w, l);
        if (r.realisable() && (r.accepted() || !specSuccessors(s, l).isEmpty())) {
          enabled.add(l);
        }
      }
      if (enabled.isEmpty()) {
        break;
      }
      Label l = enabled.get(Math.floorMod(choices.get(i), enabled.size()));
      done.add(l);
      Verdict v = check(s, w, l);
      seen.accept(v);
      if (!v.ok()) {
        return new Run(init, done, Optional.of(v), done.size(), 0, System.nanoTime() - t0);
      }
      if (v.kind() == Kind.MATCHED) {
        s = v.matched().orElseThrow();
        w = v.java().after();
      }
    }
    return new Run(init, done, Optional.empty(), done.size(), 0, System.nanoTime() - t0);
  }

  /**
   * Check 2, spec ⊆ Java: a random walk over the spec's successors. At every state each letter
   * the spec enables must be accepted by Java with a result among that letter's successors; the
   * walk then follows the spec's chosen successor, making Java take the same branch by varying
   * its PRNG where the spec's choice is one Java may make (book picks), else Java's own.
   */
  public Run specInJava(List<Integer> choices) {
    long t0 = System.nanoTime();
    List<TlaState> inits = initialStates();
    TlaState s = inits.get(Math.floorMod(choices.isEmpty() ? 0 : choices.get(0), inits.size()));
    String init = initText(s);
    JavaDriver.World w = driver.start(vars(s));
    List<Label> done = new ArrayList<>();
    int varied = 0;
    for (int i = 1; i < choices.size(); i++) {
      List<Verdict> enabled = new ArrayList<>();
      for (Label l : letters(vars(s))) {
        if (!mapping.applicable(l, w.state())) {
          continue;
        }
        List<TlaState> spec = specSuccessors(s, l);
        if (spec.isEmpty()) {
          continue;
        }
        Verdict v = check(s, w, l);
        if (!v.ok()) {
          done.add(l);
          return new Run(init, done, Optional.of(v), done.size(), varied, System.nanoTime() - t0);
        }
        if (v.kind() == Kind.MATCHED) {
          enabled.add(v);
        }
      }
      if (enabled.isEmpty()) {
        break;
      }
      int c = choices.get(i);
      Verdict v = enabled.get(Math.floorMod(c, enabled.size()));
      TlaState target = v.spec().get(Math.floorMod(c / Math.max(1, enabled.size()), v.spec().size()));
      Label taken = v.label();
      TlaState next = v.matched().orElseThrow();
      JavaDriver.World nw = v.java().after();
      if (!next.equals(target)) {
        for (long seed : PRNG_VARIANTS) {
          Verdict alt = check(s, w, v.label().withPrng(seed));
          if (alt.kind() == Kind.MATCHED && alt.matched().orElseThrow().equals(target)) {
            taken = alt.label();
            next = target;
            nw = alt.java().after();
            varied++;
            break;
          }
        }
      }
      done.add(taken);
      s = next;
      w = nw;
    }
    return new Run(init, done, Optional.empty(), done.size(), varied, System.nanoTime() - t0);
  }

  // ---------------------------------------------------------------- exhaustive

  /** What the breadth-first comparison covered, and the first divergence if any. */
  public record BfsReport(int states, int transitionsCompared, int letterChecks, int depth,
      boolean exhausted, int specOnlyBranches, int outsideAbstraction, int retimedFirings, int javaChoicesVaried,
      Optional<Verdict> divergence, Optional<Fixture> fixture, String completeness, long nanos) {}

  private record Node(TlaState spec, JavaDriver.World java, int depth, Node parent, Label via) {
    List<Label> path() {
      List<Label> out = new ArrayList<>();
      for (Node n = this; n.parent != null; n = n.parent) {
        out.add(0, n.via);
      }
      return out;
    }

    Node root() {
      Node n = this;
      while (n.parent != null) {
        n = n.parent;
      }
      return n;
    }
  }

  /**
   * Check 3: breadth-first over the spec states reachable at MC bounds (at most
   * {@code maxStates}, keyed by the variables without {@code outbox}, which no action reads).
   * The Java state of each spec state is the one reached along the BFS path (concretisation by
   * construction). At each state every letter is compared ({@link #check}); the union of the
   * letters' spec successors must equal the spec's own successors under {@code Next}
   * (completeness: no spec action without a Java event). Successors Java does not reach with
   * its own choices are tried with other PRNG seeds; those still unreached are counted as
   * spec-only branches and not explored from there.
   */
  public BfsReport exhaustive(int maxStates) {
    long t0 = System.nanoTime();
    Map<Map<String, Object>, Boolean> seen = new HashMap<>();
    ArrayDeque<Node> queue = new ArrayDeque<>();
    for (TlaState s0 : initialStates()) {
      Map<String, Object> key = key(s0);
      if (seen.putIfAbsent(key, true) == null) {
        queue.add(new Node(s0, driver.start(vars(s0)), 0, null, null));
      }
    }
    int states = 0;
    int transitions = 0;
    int letters = 0;
    int depth = 0;
    int specOnly = 0;
    int retimed = 0;
    int varied = 0;
    int outside = 0;
    String completeness = "ok";
    while (!queue.isEmpty() && states < maxStates) {
      Node n = queue.poll();
      states++;
      depth = Math.max(depth, n.depth);
      Set<TlaState> union = new LinkedHashSet<>();
      Set<TlaState> reached = new LinkedHashSet<>();
      List<Verdict> verdicts = checkAll(n.spec, n.java);
      for (Verdict v : verdicts) {
        letters++;
        if (!v.ok()) {
          List<Label> path = n.path();
          path.add(v.label());
          Fixture f = new Fixture("exhaustive check: " + v.kind(), initText(n.root().spec), path,
              Fixture.Expect.diverges(path.size()));
          return new BfsReport(states, transitions, letters, depth, false, specOnly, outside, retimed, varied,
              Optional.of(v), Optional.of(f), completeness, System.nanoTime() - t0);
        }
        union.addAll(v.spec());
        if (v.kind() == Kind.OUTSIDE_ABSTRACTION) {
          outside += v.spec().size();
        }
        if (v.kind() != Kind.MATCHED) {
          continue;
        }
        transitions++;
        if (v.java().retimed()) {
          retimed++;
        }
        TlaState t = v.matched().orElseThrow();
        reached.add(t);
        enqueue(seen, queue, n, t, v.java().after(), v.label());
        for (TlaState other : v.spec()) {
          if (reached.contains(other) || other.equals(t)) {
            continue;
          }
          boolean found = false;
          for (long seed : PRNG_VARIANTS) {
            Verdict alt = check(n.spec, n.java, v.label().withPrng(seed));
            if (alt.kind() == Kind.MATCHED && alt.matched().orElseThrow().equals(other)) {
              reached.add(other);
              enqueue(seen, queue, n, other, alt.java().after(), alt.label());
              varied++;
              found = true;
              break;
            }
          }
          if (!found) {
            specOnly++;
          }
        }
      }
      Set<TlaState> next = new LinkedHashSet<>();
      for (Tla.Transition tr : tla.transitions(n.spec)) {
        next.add(tr.next());
      }
      if (!next.equals(union) && completeness.equals("ok")) {
        Set<TlaState> missing = new LinkedHashSet<>(next);
        missing.removeAll(union);
        completeness = "Next has " + missing.size() + " successors no letter of the alphabet yields, e.g. "
            + missing.stream().findFirst().map(Object::toString).orElse("?");
      }
    }
    return new BfsReport(states, transitions, letters, depth, queue.isEmpty(), specOnly, outside, retimed,
        varied, Optional.empty(), Optional.empty(), completeness, System.nanoTime() - t0);
  }

  private static Map<String, Object> key(TlaState t) {
    Map<String, Object> k = vars(t);
    k.remove("outbox");
    return k;
  }

  private static void enqueue(Map<Map<String, Object>, Boolean> seen, ArrayDeque<Node> queue, Node from,
      TlaState t, JavaDriver.World w, Label via) {
    if (seen.putIfAbsent(key(t), true) == null) {
      queue.add(new Node(t, w, from.depth + 1, from, via));
    }
  }
}
