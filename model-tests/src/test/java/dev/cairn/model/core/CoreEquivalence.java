package dev.cairn.model.core;

import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaState;
import dev.cairn.spec.mapping.CoreLetter;
import dev.cairn.spec.mapping.CoreMapping;
import dev.cairn.spec.mapping.CoreStepValidator;
import dev.cairn.spec.mapping.CoreStepValidator.Kind;
import dev.cairn.spec.mapping.CoreStepValidator.Verdict;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of DESIGN.md §4 between a {@link CoreDriver} (the composed Java core) and
 * {@code Core.tla} at the loaded model's bounds, through the {@link CoreMapping} and the
 * {@link CoreStepValidator} of spec-tla. Each check returns a {@link Run} or a {@link BfsReport}
 * naming the first divergence, with a replayable {@link CoreFixture}.
 */
public final class CoreEquivalence {

  /** PRNG seeds tried to make Java take another of its possible choices. */
  static final long[] PRNG_VARIANTS = {0, 1, 2, 3, 5, 8};

  private final String model;
  private final CoreStepValidator validator;
  private final CoreDriver driver;

  public CoreEquivalence(String model, CoreStepValidator validator, CoreDriver driver) {
    this.model = model;
    this.validator = validator;
    this.driver = driver;
  }

  public CoreStepValidator validator() {
    return validator;
  }

  public CoreDriver driver() {
    return driver;
  }

  public Tla tla() {
    return validator.tla();
  }

  CoreMapping mapping() {
    return validator.mapping();
  }

  /** One letter's comparison with Java's run of it. */
  public record Check(Verdict verdict, CoreDriver.Result java) {
    public boolean ok() {
      return verdict.ok();
    }

    public Kind kind() {
      return verdict.kind();
    }

    public CoreLetter letter() {
      return verdict.letter();
    }

    public TlaState matched() {
      return verdict.matched().orElseThrow();
    }
  }

  /** Compares one letter in the spec state {@code s} and the Java world {@code w} (α(w) = s). */
  public Check check(TlaState s, CoreDriver.World w, CoreLetter l) {
    CoreDriver.Result r = driver.apply(w, l, CoreStepValidator.key(s));
    if (!r.realisable()) {
      // the letter's ban expiries cannot be arranged here (another ban expires no later): an
      // environment this Java world cannot produce, so nothing to compare
      List<TlaState> spec = validator.successorsWithLift(s, l);
      return new Check(new Verdict(spec.isEmpty() ? Kind.BOTH_DISABLED : Kind.OUTSIDE_ABSTRACTION, l, spec,
          Optional.empty(), Optional.empty(), "the driver cannot realise the letter's time choices"), r);
    }
    return new Check(validator.compare(s, l, r.before().state(), r.before().now(), r.traced()), r);
  }

  // ---------------------------------------------------------------- runs

  /** A sequence of letters from one initial state and where it stopped agreeing, if it did. */
  public record Run(String model, String init, List<CoreLetter> letters, Optional<Check> divergence, int steps,
      int variedChoices, long nanos) {
    public boolean conforms() {
      return divergence.isEmpty();
    }

    public CoreFixture fixture(String comment) {
      return new CoreFixture(comment + divergence.map(d -> ": " + d.kind()).orElse(""), model, init, letters,
          divergence.isPresent() ? letters.size() : 0);
    }
  }

  /** The spec's initial states Java can hold (the Java book refuses private IDs). */
  public List<TlaState> initialStates() {
    List<TlaState> out = new ArrayList<>();
    for (TlaState s : tla().initialStates()) {
      if (driver.start(CoreStepValidator.key(s)).isPresent()) {
        out.add(s);
      }
    }
    return out;
  }

  /** {@code a=unknown s=known}: an initial state's book in fixture form. */
  public String initText(TlaState s) {
    Map<?, ?> book = (Map<?, ?>) CoreStepValidator.vars(s).get("book");
    List<String> parts = new ArrayList<>();
    for (TlaModelValue p : mapping().peers()) {
      parts.add(p + "=" + ((Map<?, ?>) book.get(p)).get("status"));
    }
    return String.join(" ", parts);
  }

  public TlaState initialState(String init) {
    for (TlaState s : initialStates()) {
      if (initText(s).equals(init.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException("no initial state " + init);
  }

  CoreDriver.World start(TlaState s) {
    return driver.start(CoreStepValidator.key(s)).orElseThrow();
  }

  /** Replays letters (a fixture) step by step, checking each as {@link #check} does. */
  public Run replay(String init, List<CoreLetter> letters) {
    long t0 = System.nanoTime();
    TlaState s = initialState(init);
    CoreDriver.World w = start(s);
    List<CoreLetter> done = new ArrayList<>();
    for (CoreLetter l : letters) {
      done.add(l);
      Check c = check(s, w, l);
      if (!c.ok()) {
        return new Run(model, init, done, Optional.of(c), done.size(), 0, System.nanoTime() - t0);
      }
      if (c.kind() == Kind.MATCHED) {
        s = c.matched();
        w = c.java().after();
      }
    }
    return new Run(model, init, done, Optional.empty(), done.size(), 0, System.nanoTime() - t0);
  }

  /**
   * Check 1, Java ⊆ spec: each choice picks a letter among those enabled on either side (Java
   * accepts it or the spec has a successor); Java's result must be one of the spec's successors
   * (effects, hand-offs and event included), a Java rejection must meet a disabled spec action,
   * invariants hold on both sides.
   */
  public Run javaInSpec(List<Integer> choices) {
    long t0 = System.nanoTime();
    List<TlaState> inits = initialStates();
    TlaState s = inits.get(Math.floorMod(choices.isEmpty() ? 0 : choices.get(0), inits.size()));
    String init = initText(s);
    CoreDriver.World w = start(s);
    List<CoreLetter> done = new ArrayList<>();
    for (int i = 1; i < choices.size(); i++) {
      List<CoreLetter> enabled = new ArrayList<>();
      Map<String, Object> key = CoreStepValidator.key(s);
      for (CoreLetter l : letters(key)) {
        if (!mapping().applicable(l, w.state())) {
          continue;
        }
        CoreDriver.Result r = driver.apply(w, l, key);
        if (r.realisable() && (r.accepted() || !validator.successorsWithLift(s, l).isEmpty())) {
          enabled.add(l);
        }
      }
      if (enabled.isEmpty()) {
        break;
      }
      CoreLetter l = enabled.get(Math.floorMod(choices.get(i), enabled.size()));
      done.add(l);
      Check c = check(s, w, l);
      if (!c.ok()) {
        return new Run(model, init, done, Optional.of(c), done.size(), 0, System.nanoTime() - t0);
      }
      if (c.kind() == Kind.MATCHED) {
        s = c.matched();
        w = c.java().after();
      }
    }
    return new Run(model, init, done, Optional.empty(), done.size(), 0, System.nanoTime() - t0);
  }

  /**
   * The letters of checks 1–3: the mapping's alphabet with its ban expiries, and each letter of a
   * step that lifts no bans once more with every ban run out before it. Time passes in any step,
   * and such a step meets bans that have expired and are still on record (a PEX answer naming a
   * banned peer before the next maintenance round: the core once took it back into the book, where
   * the spec keeps it banned).
   */
  List<CoreLetter> letters(Map<String, Object> key) {
    List<CoreLetter> out = new ArrayList<>(mapping().lettersIn(key));
    Set<TlaModelValue> banned = mapping().banned(key);
    if (!banned.isEmpty()) {
      for (CoreLetter l : mapping().alphabet(key)) {
        if (!l.reinstates()) {
          out.add(l.withLift(banned));
        }
      }
    }
    return out;
  }

  /** Java's choices to try for a letter: its time bits (all), then other PRNG seeds. */
  List<CoreLetter> variants(TlaState s, CoreLetter l) {
    int facts = mapping().timeFacts(l, CoreStepValidator.key(s)).size();
    List<CoreLetter> out = new ArrayList<>();
    for (long seed : PRNG_VARIANTS) {
      for (int bits = 0; bits < (1 << facts); bits++) {
        CoreLetter v = l.withTime(bits).withPrng(seed);
        if (!v.equals(l)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /** A Java run of a variant of {@code l} that lands on {@code target}, if one does. */
  Optional<Check> reach(TlaState s, CoreDriver.World w, CoreLetter l, TlaState target) {
    for (CoreLetter v : variants(s, l)) {
      Check alt = check(s, w, v);
      if (alt.kind() == Kind.MATCHED && alt.matched().equals(target)) {
        return Optional.of(alt);
      }
    }
    return Optional.empty();
  }

  /**
   * Check 2, spec ⊆ Java: a random walk over the spec's successors. At every state each letter the
   * spec enables must be accepted by Java with a result among its successors; the walk follows the
   * spec's chosen successor, making Java take the same branch through its time choices and PRNG
   * where it can, else Java's own.
   */
  public Run specInJava(List<Integer> choices) {
    long t0 = System.nanoTime();
    List<TlaState> inits = initialStates();
    TlaState s = inits.get(Math.floorMod(choices.isEmpty() ? 0 : choices.get(0), inits.size()));
    String init = initText(s);
    CoreDriver.World w = start(s);
    List<CoreLetter> done = new ArrayList<>();
    int varied = 0;
    for (int i = 1; i < choices.size(); i++) {
      List<Check> enabled = new ArrayList<>();
      for (CoreLetter l : letters(CoreStepValidator.key(s))) {
        if (!mapping().applicable(l, w.state()) || validator.successorsWithLift(s, l).isEmpty()) {
          continue;
        }
        Check c = check(s, w, l);
        if (!c.ok()) {
          done.add(l);
          return new Run(model, init, done, Optional.of(c), done.size(), varied, System.nanoTime() - t0);
        }
        if (c.kind() == Kind.MATCHED) {
          enabled.add(c);
        }
      }
      if (enabled.isEmpty()) {
        break;
      }
      int ch = choices.get(i);
      Check c = enabled.get(Math.floorMod(ch, enabled.size()));
      List<TlaState> succ = c.verdict().spec();
      TlaState target = succ.get(Math.floorMod(ch / Math.max(1, enabled.size()), succ.size()));
      if (!c.matched().equals(target)) {
        Optional<Check> alt = reach(s, w, c.letter(), target);
        if (alt.isPresent()) {
          c = alt.get();
          varied++;
        }
      }
      done.add(c.letter());
      s = c.matched();
      w = c.java().after();
    }
    return new Run(model, init, done, Optional.empty(), done.size(), varied, System.nanoTime() - t0);
  }

  // ---------------------------------------------------------------- exhaustive

  /** What the breadth-first comparison covered, and the first divergence if any. */
  public record BfsReport(int states, int transitions, int letterChecks, int depth, boolean exhausted,
      int specOnlyBranches, int javaChoicesVaried, Optional<Check> divergence, Optional<CoreFixture> fixture,
      String completeness, long nanos) {}

  private record Node(TlaState spec, CoreDriver.World java, int depth, Node parent, CoreLetter via) {
    List<CoreLetter> path() {
      List<CoreLetter> out = new ArrayList<>();
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
   * Check 3: breadth-first over the spec states reachable at the model's bounds (at most
   * {@code maxStates}, keyed without the step variables). At each state every letter is compared;
   * the union of the letters' successors must contain every successor under the cfg's
   * {@code Next} (completeness). Successors Java does not reach with its own choices are tried with
   * its time choices and other PRNG seeds; those still unreached are counted as spec-only branches.
   */
  public BfsReport exhaustive(int maxStates) {
    long t0 = System.nanoTime();
    Map<Map<String, Object>, Boolean> seen = new HashMap<>();
    ArrayDeque<Node> queue = new ArrayDeque<>();
    for (TlaState s0 : initialStates()) {
      if (seen.putIfAbsent(CoreStepValidator.key(s0), true) == null) {
        queue.add(new Node(s0, start(s0), 0, null, null));
      }
    }
    int states = 0;
    int transitions = 0;
    int letters = 0;
    int depth = 0;
    int specOnly = 0;
    int varied = 0;
    String completeness = "ok";
    while (!queue.isEmpty() && states < maxStates) {
      Node n = queue.poll();
      states++;
      depth = Math.max(depth, n.depth);
      Set<Map<String, Object>> union = new LinkedHashSet<>();
      Set<TlaState> reached = new LinkedHashSet<>();
      for (CoreLetter l : letters(CoreStepValidator.key(n.spec))) {
        letters++;
        Check c = check(n.spec, n.java, l);
        if (!c.ok()) {
          List<CoreLetter> path = n.path();
          path.add(c.letter());
          CoreFixture f = new CoreFixture("exhaustive check: " + c.kind(), model, initText(n.root().spec), path,
              path.size());
          return new BfsReport(states, transitions, letters, depth, false, specOnly, varied, Optional.of(c),
              Optional.of(f), completeness, System.nanoTime() - t0);
        }
        c.verdict().spec().forEach(t -> union.add(CoreStepValidator.key(t)));
        if (c.kind() != Kind.MATCHED) {
          continue;
        }
        transitions++;
        TlaState t = c.matched();
        reached.add(t);
        enqueue(seen, queue, n, t, c.java().after(), c.letter());
        for (TlaState other : c.verdict().spec()) {
          if (reached.contains(other)) {
            continue;
          }
          if (seen.containsKey(CoreStepValidator.key(other))) {
            continue; // reached some other way already
          }
          Optional<Check> alt = reach(n.spec, n.java, l, other);
          if (alt.isPresent()) {
            reached.add(other);
            enqueue(seen, queue, n, other, alt.get().java().after(), alt.get().letter());
            varied++;
          } else {
            specOnly++;
          }
        }
      }
      for (Tla.Transition tr : tla().transitions(n.spec)) {
        Map<String, Object> k = CoreStepValidator.key(tr.next());
        if (!union.contains(k) && completeness.equals("ok")) {
          completeness = "Next has a successor (" + tr.action() + " " + tr.arguments()
              + ") no letter of the alphabet yields: " + tr.next();
        }
      }
    }
    return new BfsReport(states, transitions, letters, depth, queue.isEmpty(), specOnly, varied, Optional.empty(),
        Optional.empty(), completeness, System.nanoTime() - t0);
  }

  private static void enqueue(Map<Map<String, Object>, Boolean> seen, ArrayDeque<Node> queue, Node from,
      TlaState t, CoreDriver.World w, CoreLetter via) {
    if (seen.putIfAbsent(CoreStepValidator.key(t), true) == null) {
      queue.add(new Node(t, w, from.depth + 1, from, via));
    }
  }
}
