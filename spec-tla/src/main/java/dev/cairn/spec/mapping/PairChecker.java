package dev.cairn.spec.mapping;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerState;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaState;
import dev.cairn.spec.TlaValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tla2sany.semantic.OpDeclNode;
import tlc2.tool.TLCState;
import tlc2.util.FP64;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.FcnRcdValue;
import tlc2.value.impl.Value;

/**
 * Checks recorded steps of the composed core against {@code Core.tla} as pairs: the letter's
 * action is evaluated as a predicate on (α(before), Java's reached state with its effects,
 * hand-offs and event), with the spec's choice operators narrowed to what that state shows
 * ({@code TraceCore.tla}, substituted while a pair is checked). No successor is enumerated: a
 * step's cost does not grow with the choices the reached state rules out (the subsets of a large
 * book a PEX answer could have been, the crawl choices of a seed's round); what the spec still
 * ranges over inside a step (victims of equal score, bans reinstated) remains. Two narrowings
 * read Java's own step, given to TLC per pair as constant definitions bound in the pair's own
 * context ({@link Tla#given}, {@link Tla.Pair#with}): the
 * order in which the step's hand-offs were produced and applied ({@code TraceHandOffOrder}: a
 * crawl round's up to four {@code RequestDial}s are checked in that order, not in every order),
 * and the crawl records past their retention ({@code TracePruned}). Each narrowed operator stays a
 * subset of the spec's, whatever the values given, so a pair it accepts is a step of
 * {@code Core.tla}; a pair it refuses is judged again as below. The memo keys leave the given
 * values out: an accepted pair is a step whatever order led to it.
 *
 * <p>What it does not change: a step Java accepted must be a step of the action and keep Java's
 * invariants and the cfg's; a step Java rejected must leave the action disabled (that check
 * enumerates, with the spec's own operators: a refusal is decided by the action's guards). When a
 * pair is not a step, the step is judged again by enumeration ({@link CoreStepValidator#compare}),
 * which names the difference, when its choices are few enough ({@link #MAX_ENUMERATED_CHOICE_BITS});
 * that verdict is the one returned, so this checker accepts nothing the enumeration rejects.
 *
 * <p>Speed: α is computed once per step (the state after a step is the state before the next;
 * only the one time-dependent variable is recomputed at the next step's clock), per variable,
 * and only for the components of the Java state that changed (they are immutable: the same
 * object abstracts to the same value). Verdicts are memoised by the TLC fingerprints of
 * (α(before), letter, reached state); each top-level conjunct of the cfg's invariants (a type
 * invariant: one per variable) by the fingerprints of the variables it reads. A pair the memo has
 * not seen is looked up once more with its ordinary peers renamed into a standard order
 * ({@link PeerSymmetry}): a pair of the same renamed form that TLC found to be a step makes this
 * one a step too (the spec treats ordinary peers alike), while that lookup pays for itself.
 * Java's own invariants are checked on every step.
 *
 * <p>Threads: a step's Java-side work ({@link #prepare}) and its judgement ({@link #judge}) may run
 * on two threads, one preparing the steps ahead of the other judging them in order; each of the
 * two is called by one thread at a time. The judging thread may also start the TLC checks of the
 * steps it is about to judge on worker threads ({@link #speculate}): TLC evaluates pairs at once
 * on one loaded spec as its own model checker's workers do (the narrowed operators stay in place
 * while any check runs, and each pair carries its given values), while the memo, the symmetric
 * lookups, the invariants and the verdicts stay on the judging thread, in step order.
 */
public final class PairChecker {

  /**
   * The choice operators of the spec and their narrowed forms ({@code TraceCore.tla}): they range
   * over what the step's successor shows.
   */
  static final Map<String, String> NARROWED_CHOICES = Map.ofEntries(
      Map.entry("PeerManager!ReinstateChoices", "TraceReinstateChoices"),
      Map.entry("PeerManager!ForgetChoices", "TraceForgetChoices"),
      Map.entry("PeerManager!RenewChoices", "TraceRenewChoices"),
      Map.entry("PeerManager!BookBanDrops", "TraceBookBanDrops"),
      Map.entry("PeerManager!IdBanDrops", "TraceIdBanDrops"),
      Map.entry("PeerManager!TrimChoices", "TraceTrimChoices"),
      Map.entry("PeerManager!PickChoices", "TracePickChoices"),
      Map.entry("PeerManager!PersistentNext", "TracePersistentNext"),
      Map.entry("Pex!Answers", "TraceAnswers"),
      Map.entry("Pex!ExpiredChoices", "TraceExpiredChoices"),
      Map.entry("Pex!PassedChoices", "TracePassedChoices"),
      Map.entry("Pex!AgedChoices", "TraceAgedChoices"),
      Map.entry("Pex!PrunedChoices", "TracePrunedChoices"),
      Map.entry("Pex!OldChoices", "TraceOldChoices"),
      Map.entry("Pex!CrawlChoices", "TraceCrawlChoices"),
      Map.entry("Pex!RecordCrawls", "TraceRecordCrawls"),
      Map.entry("Core!HandOffs", "TraceHandOffs"));

  /** Not choices: the same values, read through definitions evaluated in Java ({@link TraceOperators}). */
  static final Map<String, String> SAME_IN_JAVA = Map.ofEntries(
      Map.entry("Pex!NeedsMore", "TraceNeedsMore"),
      Map.entry("PeerManager!SameBook", "TraceSameBook"),
      Map.entry("PeerManager!Counts", "TraceCounts"),
      Map.entry("PeerManager!Put", "TracePut"),
      Map.entry("PeerManager!Del", "TraceDel"),
      Map.entry("PeerManager!Score", "TraceScore"),
      Map.entry("PeerManager!Known", "TraceKnown"),
      Map.entry("PeerManager!BookBanned", "TraceBookBanned"));

  /** Every substitution made while a pair is checked: {@link #NARROWED_CHOICES} and {@link #SAME_IN_JAVA}. */
  public static final Map<String, String> NARROWED = union(NARROWED_CHOICES, SAME_IN_JAVA);

  private static Map<String, String> union(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new java.util.TreeMap<>(a);
    all.putAll(b);
    return Map.copyOf(all);
  }

  /** The definition of {@code TraceCore.tla} that gives a pair's hand-offs in Java's order. */
  public static final String HAND_OFF_ORDER = "TraceHandOffOrder";
  /** The definition of {@code TraceCore.tla} that gives the crawl records Java's round would prune. */
  public static final String PRUNED = "TracePruned";

  /** How often each way was taken (for tests and benchmarks). */
  public static final class Stats {
    public long steps;
    public long pairHits;
    public long pairChecks;
    /** Of {@link #pairChecks}, those another thread checked ahead of the judgement ({@link PairChecker#speculate}). */
    public long pairsAhead;
    /** Pairs whose verdict was found under another naming of the ordinary peers ({@link PeerSymmetry}). */
    public long symmetryHits;
    /** Time renaming and fingerprinting pairs for the symmetric memo. */
    public long symmetryNanos;
    /** TLC time the symmetric memo's hits saved, at the average cost of their action's pair checks. */
    public long symmetrySavedNanos;
    /** Invariants whose verdict was found in a renamed reached state. */
    public long symmetricInvariantHits;
    public long rejectedHits;
    public long rejectedChecks;
    public long invariantChecks;
    /** Pairs the narrowed check refused and the enumeration then matched (must stay 0). */
    public long narrowingMisses;
    /** Times the memo reached its bound ({@link PairChecker#limitMemo}) and was forgotten. */
    public long memoResets;
    /** Pairs refused, judged again by enumeration. */
    public long enumerated;
    /** Time in TLC: pairs evaluated, the cfg's invariants evaluated. */
    public long pairNanos;
    public long invariantNanos;
    /** Time in Java: α, Java's invariants, the step's own variables and the memo key. */
    public long alphaNanos;
    public long javaInvariantNanos;
    public long stepVarNanos;
    /** TLC time and pairs evaluated, per action (looked up per pair: a hash map; printed in name order). */
    public final Map<String, long[]> perAction = new HashMap<>();
    /** TLC time and evaluations, per cfg invariant (summed over its parts). */
    public final Map<String, long[]> perInvariant = new HashMap<>();

    @Override
    public String toString() {
      return "steps=" + steps + " pairs=" + pairChecks + (pairsAhead == 0 ? "" : " (" + pairsAhead + " ahead)")
          + "(+" + pairHits + " memo, +" + symmetryHits
          + String.format(" symmetric in %.1f ms", symmetryNanos / 1e6) + ") rejected=" + rejectedChecks + "(+"
          + rejectedHits + " memo) invariants=" + invariantChecks + "(+" + symmetricInvariantHits + " symmetric)"
          + " enumerated=" + enumerated
          + " narrowingMisses=" + narrowingMisses + (memoResets == 0 ? "" : " memoResets=" + memoResets)
          + String.format(" tlc: pairs %.1f ms, invariants %.1f ms",
          pairNanos / 1e6, invariantNanos / 1e6) + String.format("; java: alpha %.1f ms, invariants %.1f ms, step vars %.1f ms",
          alphaNanos / 1e6, javaInvariantNanos / 1e6, stepVarNanos / 1e6) + perActionText()
          + "; invariants:" + perText(perInvariant);
    }

    private static String perText(Map<String, long[]> per) {
      StringBuilder b = new StringBuilder();
      new java.util.TreeMap<>(per).forEach((a, v) -> b.append(' ').append(a).append('=').append(v[1]).append('/')
          .append(v[1] == 0 ? 0 : v[0] / v[1] / 1000).append("us"));
      return b.toString();
    }

    private String perActionText() {
      return perText(perAction);
    }
  }

  /**
   * α of one Java state at one instant, as TLC values, with their TLC fingerprints and one
   * fingerprint of them all (a memo key, not TLC's fingerprint of the state: the variables'
   * fingerprints combined in order by {@link FingerprintTable#mix}).
   */
  public static final class Alpha {
    private final Value[] values;
    private final long[] fps;
    private final long fingerprint;
    private TLCState state;

    private Alpha(Value[] values, long[] fps) {
      this.values = values;
      this.fps = fps;
      long fp = FingerprintTable.SEED;
      for (long f : fps) {
        fp = FingerprintTable.mix(fp, f);
      }
      this.fingerprint = fp;
    }

    public long fingerprint() {
      return fingerprint;
    }
  }

  private record Key(long before, String letter, long after) {}

  /**
   * A pair renamed: its symmetric key (the renamed fingerprints of before, letter and reached
   * state) and the reached state's variables' renamed fingerprints.
   */
  private record Renamed(long[] key, long[] after) {}

  /**
   * Memoised verdicts: by the fingerprints of (α(before), letter, reached state) for pairs and
   * refusals, by the reached state's for the cfg's invariants. They depend on the loaded spec's
   * values only, so checkers of one loaded spec may share them.
   */
  public static final class Memo {
    /** Read by the preparing thread too (a pair it finds here needs no renaming): concurrent. */
    final Map<Key, Boolean> pairs = new java.util.concurrent.ConcurrentHashMap<>();
    /** Pairs found to be steps, by the fingerprints of their form with the ordinary peers renamed. */
    final FingerprintTable symmetricSteps = new FingerprintTable(3);
    /** Per invariant part, its verdicts by the renamed fingerprints of the variables it reads. */
    private final List<FingerprintTable> symmetricInvariants = new java.util.ArrayList<>();
    final Map<Key, Boolean> refusals = new HashMap<>();
    /** Per invariant part, its verdicts by the fingerprints of the variables it reads. */
    private final List<FingerprintTable> invariants = new java.util.ArrayList<>();

    /** The tables of the invariants' parts, which read {@code reads[i].length} variables each. */
    FingerprintTable[] invariantTables(int[][] reads, boolean renamed) {
      List<FingerprintTable> tables = renamed ? symmetricInvariants : invariants;
      if (tables.isEmpty()) {
        for (int[] r : reads) {
          tables.add(new FingerprintTable(r.length));
        }
      }
      if (tables.size() != reads.length) {
        throw new IllegalStateException("a memo of " + tables.size() + " invariants shared by a checker of "
            + reads.length);
      }
      return tables.toArray(FingerprintTable[]::new);
    }

    public int size() {
      int n = pairs.size() + symmetricSteps.size() + refusals.size();
      for (FingerprintTable t : invariants) {
        n += t.size();
      }
      for (FingerprintTable t : symmetricInvariants) {
        n += t.size();
      }
      return n;
    }
  }

  private final Memo memo;
  private static final Value EMPTY_ORDER = TlaValues.toTla(List.of());
  private static final Value EMPTY_SET = TlaValues.toTla(Set.of());

  private final Tla tla;
  private final CoreMapping mapping;
  private final CoreStepValidator validator;
  private final PeerAlpha peerAlpha;
  private final Tla.Substitution narrowing;
  private final Tla.Given handOffOrder;
  private final Tla.Given pruned;
  /** The renaming of the judging thread, and of the preparing thread (each keeps its own scratch). */
  private final PeerSymmetry symmetry;
  private final PeerSymmetry symmetryAhead;
  /** The reached state's variables' fingerprints renamed by this step's symmetric lookup, or null. */
  private long[] renamedAfter;
  /**
   * Whether {@link #prepare} renames pairs for the symmetric memo at all: the preparing thread's
   * caller turns it off while the judging thread is waiting for steps (then the judging thread
   * renames the pairs it needs itself, and the two threads share the work).
   */
  private volatile boolean renameWhilePreparing = true;

  /** See {@link #renameWhilePreparing}: whether {@link #prepare} renames pairs. */
  public void renameWhilePreparing(boolean on) {
    renameWhilePreparing = on;
  }

  /** Per action, whether the preparing thread renames its pairs (the judging thread decides). */
  private final Map<String, Boolean> renameAhead = new java.util.concurrent.ConcurrentHashMap<>();
  private final String[] names;
  private final int outboxAt;
  private final int handedOffAt;
  private final int eventAt;
  private final int bookAt;
  private final Value neutralOutbox;
  private final Value neutralHandedOff;
  private final Value neutralEvent;
  private final long neutralOutboxFp;
  private final long neutralHandedOffFp;
  private final long neutralEventFp;
  private final Object[] sources;
  private final Value[] cached;
  private final long[] cachedFps;
  private final Map<Key, Boolean> pairs;
  private final Map<Key, Boolean> refusals;
  /**
   * Per part of a cfg invariant (its top-level conjuncts: {@link Tla#invariantParts}), the memo's
   * tables of its verdicts (plain and renamed fingerprints).
   */
  private final FingerprintTable[] invariants;
  private final FingerprintTable[] symmetricInvariants;
  /** Per part, the indexes of the variables it reads. */
  private final int[][] invariantReads;
  /** Per part, the index of its invariant in {@link #invariantNames} (an invariant's parts are consecutive). */
  private final int[] partOf;
  private final List<String> invariantNames;
  /** Per part, the fingerprints of the variables it reads in the last state it held in. */
  private final long[][] lastHeld;
  private final boolean[] lastHeldValid;
  private final Map<String, Tla.Pair> actions = new HashMap<>();
  private final Stats stats = new Stats();

  public PairChecker(CoreStepValidator validator) {
    this(validator, new Memo());
  }

  /** A checker whose memoised verdicts go to {@code memo} (shared by checkers of one loaded spec). */
  public PairChecker(CoreStepValidator validator, Memo memo) {
    this.memo = memo;
    this.pairs = memo.pairs;
    this.refusals = memo.refusals;
    this.validator = validator;
    this.tla = validator.tla();
    this.mapping = validator.mapping();
    this.peerAlpha = mapping.peerAlpha();
    // the cfg's invariants are evaluated while the narrowed operators may be in place (checks of
    // later pairs run meanwhile): none of them may use a choice operator, whose narrowed form
    // reads the step's successor
    Set<String> narrowedInInvariants = new java.util.TreeSet<>(tla.invariantUses());
    narrowedInInvariants.retainAll(NARROWED_CHOICES.keySet());
    if (!narrowedInInvariants.isEmpty()) {
      throw new IllegalStateException("the cfg's invariants use choice operators that a pair check narrows: "
          + narrowedInInvariants);
    }
    this.narrowing = tla.substitution(NARROWED);
    this.handOffOrder = tla.given(HAND_OFF_ORDER);
    this.pruned = tla.given(PRUNED);
    this.symmetry = new PeerSymmetry(ordinaryPeers(tla));
    this.symmetryAhead = new PeerSymmetry(ordinaryPeers(tla));
    OpDeclNode[] vars = TLCState.vars;
    names = new String[vars.length];
    int o = -1;
    int h = -1;
    int e = -1;
    int b = -1;
    for (int i = 0; i < vars.length; i++) {
      names[i] = vars[i].getName().toString();
      switch (names[i]) {
        case "outbox" -> o = i;
        case "handedOff" -> h = i;
        case "event" -> e = i;
        case "book" -> b = i;
        default -> { }
      }
    }
    outboxAt = o;
    handedOffAt = h;
    eventAt = e;
    bookAt = b;
    neutralOutbox = TlaValues.toTla(Set.of());
    neutralHandedOff = TlaValues.toTla(Set.of());
    neutralEvent = TlaValues.toTla(Map.of("type", "Init"));
    neutralOutboxFp = neutralOutbox.fingerPrint(FP64.New());
    neutralHandedOffFp = neutralHandedOff.fingerPrint(FP64.New());
    neutralEventFp = neutralEvent.fingerPrint(FP64.New());
    invariantNames = tla.invariantNames();
    List<Tla.InvariantPart> parts = tla.invariantParts();
    invariantReads = new int[parts.size()][];
    partOf = new int[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      Tla.InvariantPart part = parts.get(i);
      partOf[i] = part.invariant();
      invariantReads[i] = part.reads().stream().mapToInt(v -> List.of(names).indexOf(v)).toArray();
      for (int x : invariantReads[i]) {
        if (x < 0) {
          throw new IllegalStateException(invariantNames.get(part.invariant())
              + " reads a variable the state does not have: " + part.reads());
        }
      }
    }
    invariants = memo.invariantTables(invariantReads, false);
    symmetricInvariants = memo.invariantTables(invariantReads, true);
    lastHeld = new long[invariantReads.length][];
    for (int i = 0; i < invariantReads.length; i++) {
      lastHeld[i] = new long[invariantReads[i].length];
    }
    lastHeldValid = new boolean[invariantReads.length];
    sources = new Object[vars.length];
    cached = new Value[vars.length];
    cachedFps = new long[vars.length];
  }

  public Stats stats() {
    return stats;
  }

  public CoreStepValidator validator() {
    return validator;
  }

  /** α({@code cs}) at {@code now}, recomputing only the variables whose Java component changed. */
  public Alpha alpha(CoreState cs, MonoTime now) {
    Value[] values = new Value[names.length];
    long[] fps = new long[names.length];
    for (int i = 0; i < names.length; i++) {
      if (i == outboxAt) {
        values[i] = neutralOutbox;
        fps[i] = neutralOutboxFp;
        continue;
      }
      if (i == handedOffAt) {
        values[i] = neutralHandedOff;
        fps[i] = neutralHandedOffFp;
        continue;
      }
      if (i == eventAt) {
        values[i] = neutralEvent;
        fps[i] = neutralEventFp;
        continue;
      }
      String v = names[i];
      boolean pex = CoreMapping.PEX_VARIABLES.contains(v);
      Object src = pex ? CoreMapping.pexSource(v, cs.pex()) : PeerAlpha.source(v, cs.peer());
      boolean timed = v.equals(CoreMapping.TIMED_VARIABLE);
      if (cached[i] == null || src != sources[i] || (timed && !isEmptyMap(src))) {
        if (i == bookAt) {
          cached[i] = book(cs.peer());
          cachedFps[i] = lastBook.fingerprint();
          sources[i] = src;
          values[i] = cached[i];
          fps[i] = cachedFps[i];
          continue;
        }
        Value val = TlaValues.toTla(pex ? mapping.pexVariable(v, cs.pex(), now) : peerAlpha.variable(v, cs.peer()));
        if (cached[i] != null && timed && val.equals(cached[i])) {
          val = cached[i];
        } else {
          cached[i] = val;
          cachedFps[i] = val.fingerPrint(FP64.New());
        }
        sources[i] = src;
      }
      values[i] = cached[i];
      fps[i] = cachedFps[i];
    }
    return new Alpha(values, fps);
  }

  /**
   * α's {@code book} ({@link PeerAlpha}: each model peer's status and saturated attempts) built
   * directly as a TLC function: the peers in TLC's order, each entry one of a few shared records.
   * The same value as converting {@code peerAlpha.variable("book", s)} (shell-net's
   * {@code TraceValidateTest} checks it on real steps, bans included), without a Java map and a new
   * record per peer each time the book changes. It is edited from the last book built: only the
   * entries of the IDs whose Java entries differ ({@link dev.cairn.core.book.IdTrie#differences},
   * and the bans) are read again, so a step costs what it changed, not the thousand peers of a
   * public node's model.
   */
  Value book(PeerState s) {
    if (bookDomain == null) {
      List<Map.Entry<NodeId, tlc2.value.impl.ModelValue>> peers = mapping.peersInTlcOrder();
      bookDomain = new Value[peers.size()];
      bookIndex = new HashMap<>();
      bookDomainFps = new long[bookDomain.length];
      for (int i = 0; i < bookDomain.length; i++) {
        bookDomain[i] = peers.get(i).getValue();
        bookIndex.put(peers.get(i).getKey(), i);
        bookDomainFps[i] = bookDomain[i].fingerPrint(FP64.New());
      }
      bookEntries = new Value[3][peerAlpha.maxDialAttempts() + 1];
    }
    dev.cairn.core.book.AddressBook b = s.book();
    BookAlpha last = lastBook;
    if (last != null && last.source() == b) {
      return last.value();
    }
    int[] codes;
    long fp;
    if (last == null) {
      codes = new int[bookDomain.length];
      fp = 0;
      for (int i = 0; i < codes.length; i++) {
        codes[i] = UNKNOWN_CODE;
        fp += bookTerm(i, UNKNOWN_CODE);
      }
      for (NodeId id : b.lookup().keySet()) {
        fp = rebook(b, id, codes, fp);
      }
      for (NodeId id : b.bans().keySet()) {
        fp = rebook(b, id, codes, fp);
      }
    } else {
      codes = last.codes().clone();
      long[] acc = {last.fingerprint()};
      dev.cairn.core.book.AddressBook was = last.source();
      was.lookup().differences(b.lookup(), id -> acc[0] = rebook(b, id, codes, acc[0]));
      if (was.bans() != b.bans()) {
        for (NodeId id : was.bans().keySet()) {
          if (was.bans().get(id) != b.bans().get(id)) {
            acc[0] = rebook(b, id, codes, acc[0]);
          }
        }
        for (NodeId id : b.bans().keySet()) {
          if (!was.bans().containsKey(id)) {
            acc[0] = rebook(b, id, codes, acc[0]);
          }
        }
      }
      fp = acc[0];
    }
    Value[] rng = new Value[codes.length];
    for (int i = 0; i < rng.length; i++) {
      rng[i] = bookEntry(codes[i]);
    }
    lastBook = new BookAlpha(b, codes, new FcnRcdValue(bookDomain, rng, true), fp);
    return lastBook.value();
  }

  /**
   * The last book built, with its entries as codes ({@code status * (MaxDialAttempts + 1) +
   * attempts}, status 0 known, 1 banned, 2 unknown) and its fingerprint: the sum over the peers of
   * {@link #bookTerm}, so that an edit of one entry changes one term (TLC's own fingerprint of a
   * function hashes every entry in order). Used as α's fingerprint of {@code book} in the memo
   * keys; like TLC's, two different books share one with a probability of about 2^-64.
   */
  private record BookAlpha(dev.cairn.core.book.AddressBook source, int[] codes, Value value, long fingerprint) {}

  private BookAlpha lastBook;
  private Map<NodeId, Integer> bookIndex;
  private long[] bookDomainFps;
  private static final int UNKNOWN_CODE = Integer.MIN_VALUE;

  /** Reads the entry of {@code id} in {@code b} into {@code codes}; the book's fingerprint after. */
  private long rebook(dev.cairn.core.book.AddressBook b, NodeId id, int[] codes, long fp) {
    Integer at = bookIndex.get(id);
    if (at == null) {
      return fp; // not a model peer (ourselves)
    }
    KnownAddress ka = b.lookup().get(id);
    int status = 0;
    if (ka == null) {
      ka = b.bans().get(id);
      status = ka == null ? 2 : 1;
    }
    int attempts = ka == null ? 0 : Math.min(ka.attempts(), peerAlpha.maxDialAttempts());
    int code = status == 2 ? UNKNOWN_CODE : status * (peerAlpha.maxDialAttempts() + 1) + attempts;
    fp += bookTerm(at, code) - bookTerm(at, codes[at]);
    codes[at] = code;
    return fp;
  }

  /** A peer's term of the book's fingerprint: its fingerprint and its entry's code, mixed (SplitMix64's). */
  private long bookTerm(int at, int code) {
    long z = bookDomainFps[at] + code * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private Value bookEntry(int code) {
    int status = code == UNKNOWN_CODE ? 2 : code / (peerAlpha.maxDialAttempts() + 1);
    int attempts = code == UNKNOWN_CODE ? 0 : code % (peerAlpha.maxDialAttempts() + 1);
    Value e = bookEntries[status][attempts];
    if (e == null) {
      e = TlaValues.toTla(Map.of("status", BOOK_STATUS[status], "attempts", attempts));
      bookEntries[status][attempts] = e;
    }
    return e;
  }

  private static final String[] BOOK_STATUS = {"known", "banned", "unknown"};
  private Value[] bookDomain;
  private Value[][] bookEntries;

  private static boolean isEmptyMap(Object o) {
    return o instanceof Map<?, ?> m && m.isEmpty();
  }

  /** The spec state of an α (step variables neutral). */
  public TlaState specState(Alpha a) {
    return tla.wrap(state(a));
  }

  private TLCState state(Alpha a) {
    if (a.state == null) {
      a.state = tla.rawState(a.values);
    }
    return a.state;
  }

  /**
   * Judges one recorded step: Java's state {@code before}, the clocks, the event, the traced step
   * (as {@link CoreStepValidator#validate} does). Empty when the event names a node outside the
   * model. The same as {@link #judge}({@link #prepare}(...)).
   */
  public Optional<CoreStepValidator.Verdict> check(CoreState before, MonoTime now, WallTime wallNow, CoreEvent e,
      Core.Traced traced) {
    return judge(prepare(before, now, wallNow, e, traced));
  }

  /**
   * A step's Java-side work, done by {@link #prepare} and judged by {@link #judge}: α of both
   * states as TLC values, the letter, the step's own variables, Java's invariants, the values
   * given to the narrowed operators. Immutable once made; it reads nothing {@link #judge} writes.
   */
  public static final class Prepared {
    private final CoreState before;
    private final MonoTime now;
    private final Core.Traced traced;
    private final Alpha alphaBefore;
    /** Null when the event names a node outside the model. */
    private final CoreLetter letter;
    /** The rejected step's letter with the bans expired by then; null for an accepted step. */
    private final CoreLetter lifted;
    private final boolean applicable;
    private final List<String> javaBroken;
    /** α(reached), with the step's own variables neutral. */
    private final Alpha reached;
    /** α(reached) with the step's outbox, hand-offs and event. */
    private final Alpha stepped;
    private final Value handOffOrder;
    private final Value pruned;
    /** The memo key of an accepted step; its renamed form when the preparing thread made it, else null. */
    private Key key;
    /** Its TLC check started ahead of {@link #judge} ({@link #speculate}), else null. */
    private Check check;
    private Renamed renamed;
    private long renameNanos;
    /**
     * The verdict of an event outside the abstraction ({@link CoreMapping#countedApart},
     * {@link CoreMapping#atAnotherAddress}), not judged by TLC; null for the others.
     */
    private CoreStepValidator.Verdict outside;

    private Prepared(CoreState before, MonoTime now, Core.Traced traced, Alpha alphaBefore, CoreLetter letter,
        CoreLetter lifted, boolean applicable, List<String> javaBroken, Alpha reached, Alpha stepped,
        Value handOffOrder, Value pruned) {
      this.before = before;
      this.now = now;
      this.traced = traced;
      this.alphaBefore = alphaBefore;
      this.letter = letter;
      this.lifted = lifted;
      this.applicable = applicable;
      this.javaBroken = javaBroken;
      this.reached = reached;
      this.stepped = stepped;
      this.handOffOrder = handOffOrder;
      this.pruned = pruned;
    }
  }

  /**
   * The Java side of judging a step: pure Java and TLC value construction, no evaluation by TLC
   * and no memo. One thread at a time may prepare (α is cached between consecutive steps), while
   * another judges the steps prepared before: the two share no mutable state.
   */
  public Prepared prepare(CoreState before, MonoTime now, WallTime wallNow, CoreEvent e, Core.Traced traced) {
    stats.steps++;
    long j0 = System.nanoTime();
    Alpha alphaBefore = alpha(before, now);
    stats.alphaNanos += System.nanoTime() - j0;
    Optional<CoreLetter> letter = mapping.fromJava(e, before, now);
    if (letter.isEmpty()) {
      return new Prepared(before, now, traced, alphaBefore, null, null, false, List.of(), null, null, null, null);
    }
    CoreLetter l = letter.get();
    if (mapping.countedApart(e)) {
      Prepared p = new Prepared(before, now, traced, alphaBefore, l, null, false, List.of(), null, null, null, null);
      p.outside = CoreStepValidator.outsideByCount(l);
      return p;
    }
    Optional<String> another = mapping.atAnotherAddress(e, before);
    if (another.isPresent()) {
      Prepared p = new Prepared(before, now, traced, alphaBefore, l, null, false, List.of(), null, null, null, null);
      p.outside = CoreStepValidator.outsideByAddress(l, another.get(), e, before, traced);
      return p;
    }
    if (!traced.step().isAccepted()) {
      return new Prepared(before, now, traced, alphaBefore, l, l.withLift(lift(before, wallNow)), false, List.of(),
          null, null, null, null);
    }
    if (!mapping.applicable(l, before) || mapping.refusedByIp(before, traced.step().state())) {
      return new Prepared(before, now, traced, alphaBefore, l, null, false, List.of(), null, null, null, null);
    }
    long j1 = System.nanoTime();
    List<String> javaBroken = validator.javaViolations(traced);
    long j2 = System.nanoTime();
    stats.javaInvariantNanos += j2 - j1;
    Alpha a = alpha(traced.step().state(), now);
    stats.alphaNanos += System.nanoTime() - j2;
    long j3 = System.nanoTime();
    // the step's own variables
    // books built by book() share their entry records: compared by identity where they are shared
    boolean bookVisible =
        TraceOperators.TraceSameBook(alphaBefore.values[bookAt], a.values[bookAt]) != BoolValue.ValTrue;
    Value outbox = TlaValues.toTla(mapping.outboxValue(traced.step().effects(), bookVisible));
    Set<Object> handOffs = mapping.handedOffValue(traced);
    Value handedOff = TlaValues.toTla(handOffs);
    Value event = TlaValues.toTla(CoreMapping.eventRecord(l));
    Value[] tv = a.values.clone();
    long[] tfps = a.fps.clone();
    tv[outboxAt] = outbox;
    tfps[outboxAt] = outbox.fingerPrint(FP64.New());
    tv[handedOffAt] = handedOff;
    tfps[handedOffAt] = handedOff.fingerPrint(FP64.New());
    tv[eventAt] = event;
    tfps[eventAt] = event.fingerPrint(FP64.New());
    Alpha t = new Alpha(tv, tfps);
    // the hand-offs in the order Java applied them (handedOff keeps PEX's order)
    Value order = handOffs.isEmpty() ? EMPTY_ORDER : TlaValues.toTla(List.copyOf(handOffs));
    Value prunedNow = pruned(traced);
    Prepared p = new Prepared(before, now, traced, alphaBefore, l, null, true, javaBroken, a, t, order, prunedNow);
    p.key = new Key(alphaBefore.fingerprint, l.toString(), t.fingerprint);
    stats.stepVarNanos += System.nanoTime() - j3;
    if (javaBroken.isEmpty() && renameWhilePreparing && symmetryAhead.size() >= 2
        && renameAhead.getOrDefault(l.action(), Boolean.FALSE)
        && !pairs.containsKey(p.key)) {
      long r0 = System.nanoTime();
      p.renamed = renamed(symmetryAhead, alphaBefore, l, t);
      p.renameNanos = System.nanoTime() - r0;
    }
    return p;
  }

  /**
   * A TLC check of one pair, started ahead of its judgement on a worker thread ({@link
   * #speculate}); run by whichever thread claims it first (a worker, or the judging thread when it
   * reaches the pair before any worker has), or dropped unclaimed when judging stops.
   */
  private static final class Check implements Runnable {
    private static final int NEW = 0;
    private static final int CLAIMED = 1;
    private static final int DROPPED = 2;

    private final Tla tla;
    private final TLCState before;
    private final Tla.Pair action;
    private final TLCState after;
    private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    // written by the thread that ran it before done is counted down, read after done is awaited
    private boolean ok;
    private Throwable failure;
    private long nanos;
    private Thread ranOn;

    Check(Tla tla, TLCState before, Tla.Pair action, TLCState after) {
      this.tla = tla;
      this.before = before;
      this.action = action;
      this.after = after;
    }

    /** Runs the check if no thread has claimed it, else returns at once. */
    @Override
    public void run() {
      if (!state.compareAndSet(NEW, CLAIMED)) {
        return;
      }
      ranOn = Thread.currentThread();
      long t0 = System.nanoTime();
      try {
        ok = tla.isStep(before, action, after);
      } catch (RuntimeException | Error e) {
        failure = e;
      } finally {
        nanos = System.nanoTime() - t0;
        done.countDown();
      }
    }

    /** Drops it if no thread has claimed it; false when one has (it runs, or ran, to its end). */
    boolean drop() {
      return state.compareAndSet(NEW, DROPPED);
    }

    boolean dropped() {
      return state.get() == DROPPED;
    }

    /** Waits until the thread that claimed it has finished it (at once when it was dropped). */
    void finished() {
      if (dropped()) {
        return;
      }
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // a check is never left running on the narrowed operators
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    /** Whether a thread other than the calling one ran it (read after {@link #await}). */
    boolean ranElsewhere() {
      return ranOn != Thread.currentThread();
    }

    /**
     * Its verdict: run here if no thread has claimed it yet; while another thread runs it, the
     * checks after it that no thread has claimed are run here meanwhile. A check that failed
     * throws here what TLC threw.
     */
    boolean await(List<Check> outstanding) {
      run();
      for (int i = 0; done.getCount() > 0 && i < outstanding.size(); i++) {
        outstanding.get(i).run();
      }
      finished();
      if (dropped()) {
        throw new IllegalStateException("a dropped check was awaited"); // judge never takes a dropped one
      }
      if (failure instanceof RuntimeException r) {
        throw r;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      return ok;
    }
  }

  /** Checks started by {@link #speculate} and not yet settled, in the order of their steps. */
  private final List<Check> outstanding = new java.util.ArrayList<>();

  /**
   * Starts, on {@code workers}, the TLC checks of the prepared steps that {@link #judge} will
   * need: accepted steps whose pair the memo does not know, of actions whose checks take long
   * enough and whose symmetric lookups are paused ({@link #speculating}). A pair that
   * repeats in {@code prepared} is checked once. The judging thread calls it, then judges the
   * steps in order: each takes its check's verdict, running it itself if no worker has started it.
   * Every check is the same evaluation {@link #judge} would make (the narrowed operators, the
   * values given to the pair bound in its own context, nothing shared written), so the verdicts,
   * the memo and the first failing step are those of judging on one thread.
   */
  public void speculate(List<Prepared> prepared, java.util.concurrent.Executor workers) {
    outstanding.removeIf(c -> c.done.getCount() == 0);
    Map<Key, Check> started = new HashMap<>();
    for (Prepared p : prepared) {
      if (p == null || p.letter == null || p.outside != null || p.lifted != null || !p.applicable || !p.javaBroken.isEmpty()
          || p.key == null || p.check != null || pairs.containsKey(p.key)) {
        continue;
      }
      Check c = started.get(p.key);
      if (c == null) {
        if (!speculating(p.letter.action())) {
          continue;
        }
        narrowing.apply();
        c = new Check(tla, state(p.alphaBefore), pairOf(p), state(p.stepped));
        started.put(p.key, c);
        outstanding.add(c);
        workers.execute(c);
      }
      p.check = c;
    }
  }

  /**
   * Drops the checks no thread has claimed and waits for the others to end; the spec's own
   * operators are in place afterwards. Call when judging stops, and before anything evaluates with the
   * spec's operators (enumeration).
   */
  public void settle() {
    for (Check c : outstanding) {
      if (!c.drop()) {
        c.finished(); // claimed: it evaluates with the narrowed operators until it ends
      }
    }
    outstanding.clear();
    narrowing.revert();
  }

  /**
   * The spec's own operators in place, with no check running on the narrowed ones: the checks
   * started are finished first (here, those no worker has claimed), since their steps are still
   * to be judged.
   */
  private void unnarrow() {
    for (Check c : outstanding) {
      c.run(); // a check that fails says so when its step is judged, as it would on one thread
      c.finished();
    }
    outstanding.clear();
    narrowing.revert();
  }

  /** The pair of a prepared step, with the values Java gives its narrowed operators bound in it. */
  private Tla.Pair pairOf(Prepared p) {
    CoreLetter l = p.letter;
    return actions.computeIfAbsent(p.key.letter(), x -> tla.pair(l.action(), l.args().toArray()))
        .with(handOffOrder, p.handOffOrder).with(pruned, p.pruned);
  }

  /** Pairs of an action checked on the judging thread before its checks may be started ahead. */
  static final int SPECULATE_AFTER = 16;
  /**
   * The least average time of an action's pair checks for its checks to be started ahead: below
   * it, the judging thread gains less than the worker costs the other threads on a busy machine
   * (a small network's checks, most of them answered by the memo, take 20 to 60 µs; a public
   * node's, 20 to 70 µs since the book's hot spots are evaluated in Java, each measured on one
   * thread; a threshold of 15 µs gained nothing on two cores, which both threads already fill).
   */
  static final long SPECULATE_MIN_NANOS = 50_000;

  /**
   * Whether a pair of {@code action} is checked ahead: its checks take long enough ({@link
   * #SPECULATE_MIN_NANOS}) and the symmetric memo is off, or its lookups for the action are
   * paused ({@link #symmetricMemoPays}), in which case the pair counts as one paused pair, as its
   * judgement would have counted it.
   */
  private boolean speculating(String action) {
    long[] pa = stats.perAction.get(action);
    if (pa == null || pa[1] < SPECULATE_AFTER || pa[0] / pa[1] < SPECULATE_MIN_NANOS) {
      return false; // too few checks to tell, or too cheap for a worker to gain on
    }
    if (symmetry.size() < 2) {
      return true;
    }
    long[] a = symmetryByAction.get(action);
    if (a == null || a[3] <= 1) {
      return false; // the next pair of the action may be looked up: judged in order
    }
    a[3]--;
    return true;
  }

  /**
   * The spec side of judging a prepared step: the memo, and TLC for what the memo does not
   * know. Steps are judged in the order they were prepared, on one thread. The narrowed
   * operators may still be in place when it returns: call {@link #settle} before evaluating
   * anything else with the loaded spec (the actions enabled before a failing step).
   */
  public Optional<CoreStepValidator.Verdict> judge(Prepared p) {
    if (++judged % MEMO_CHECK_INTERVAL == 0 && memo.size() > memoLimit) {
      stats.memoResets++;
      forget();
    }
    if (p.letter == null) {
      return Optional.empty();
    }
    if (p.outside != null) {
      return Optional.of(p.outside);
    }
    CoreLetter l = p.letter;
    Alpha alphaBefore = p.alphaBefore;
    if (p.lifted != null) {
      CoreLetter lifted = p.lifted;
      Key k = new Key(alphaBefore.fingerprint, lifted.toString(), 0);
      Boolean disabled = refusals.get(k);
      if (disabled == null) {
        stats.rejectedChecks++;
        unnarrow();
        disabled = validator.successorsWithLift(specState(alphaBefore), lifted).isEmpty();
        refusals.put(k, disabled);
      } else {
        stats.rejectedHits++;
      }
      if (disabled) {
        return Optional.of(new CoreStepValidator.Verdict(CoreStepValidator.Kind.BOTH_DISABLED, lifted, List.of(),
            Optional.empty(), Optional.empty(), ""));
      }
      return Optional.of(enumerate(alphaBefore, lifted, p.before, p.now, p.traced));
    }
    if (!p.applicable) {
      if (p.traced.step().isAccepted() && mapping.refusedByIp(p.before, p.traced.step().state())) {
        return Optional.of(CoreStepValidator.outsideByIp(l));
      }
      return Optional.of(enumerate(alphaBefore, l, p.before, p.now, p.traced));
    }
    if (!p.javaBroken.isEmpty()) {
      return Optional.of(new CoreStepValidator.Verdict(CoreStepValidator.Kind.INVARIANT, l, List.of(), Optional.empty(),
          Optional.empty(), "Java's invariants " + p.javaBroken + " broken after " + l));
    }
    Alpha a = p.reached;
    Alpha t = p.stepped;
    Key k = p.key;
    Boolean ok = pairs.get(k);
    long[] sk = null;
    renamedAfter = null;
    Check check = p.check == null || p.check.dropped() ? null : p.check;
    p.check = null;
    if (ok == null && check == null && symmetricMemoPays(l.action())) {
      long s0 = System.nanoTime();
      long[] sa = symmetryByAction.get(l.action());
      Renamed r = p.renamed != null ? p.renamed : renamed(symmetry, alphaBefore, l, t);
      sk = r.key();
      renamedAfter = r.after();
      if (memo.symmetricSteps.get(sk) != null) {
        ok = true;
        stats.symmetryHits++;
        long[] pa = stats.perAction.get(l.action());
        long saved = pa == null || pa[1] == 0 ? 0 : pa[0] / pa[1];
        stats.symmetrySavedNanos += saved;
        sa[2] += saved;
        pairs.put(k, true);
      }
      long ds = System.nanoTime() - s0;
      stats.symmetryNanos += ds + p.renameNanos;
      // renaming done ahead, on the preparing thread, runs beside TLC: half its cost is charged
      sa[1] += ds + p.renameNanos / 2;
    }
    if (ok == null) {
      stats.pairChecks++;
      long dt;
      if (check != null) { // started ahead (speculate): its verdict, waited for or checked here
        ok = check.await(outstanding);
        dt = check.nanos;
        if (check.ranElsewhere()) {
          stats.pairsAhead++;
        }
      } else {
        Tla.Pair action = pairOf(p);
        TLCState before = state(alphaBefore);
        TLCState after = state(t);
        long t0 = System.nanoTime();
        narrowing.apply();
        ok = tla.isStep(before, action, after);
        dt = System.nanoTime() - t0;
      }
      stats.pairNanos += dt;
      long[] pa = stats.perAction.computeIfAbsent(l.action(), x -> new long[2]);
      pa[0] += dt;
      pa[1]++;
      pairs.put(k, ok);
      if (ok && sk != null) {
        memo.symmetricSteps.put(true, sk);
      }
    } else {
      stats.pairHits++;
    }
    if (!ok) {
      CoreStepValidator.Verdict v = enumerate(alphaBefore, l, p.before, p.now, p.traced);
      if (v.ok()) {
        stats.narrowingMisses++;
      }
      return Optional.of(v);
    }
    List<String> broken = invariants(a, t, renamedAfter == null ? null : symmetryByAction.get(l.action()));
    if (!broken.isEmpty()) {
      return Optional.of(new CoreStepValidator.Verdict(CoreStepValidator.Kind.INVARIANT, l, List.of(),
          Optional.of(tla.wrap(state(t))), Optional.empty(), "spec invariants " + broken));
    }
    return Optional.of(new CoreStepValidator.Verdict(CoreStepValidator.Kind.MATCHED, l, List.of(), Optional.empty(),
        Optional.empty(), ""));
  }

  /**
   * The cfg's invariants violated in the reached state. Each part of an invariant (a top-level
   * conjunct, {@link Tla#invariantParts}) has its verdict memoised by the fingerprints of the
   * variables it reads, so a step re-evaluates only the parts over variables whose values it has
   * not seen together: a type invariant's part for each variable the step changed.
   */
  private List<String> invariants(Alpha a, Alpha t, long[] renamedFor) {
    List<String> broken = null;
    for (int i = 0; i < invariantReads.length; i++) {
      if (sameAsLastHeld(i, a.fps)) {
        continue; // the variables it reads are those of the last state it was found to hold in
      }
      int[] reads = invariantReads[i];
      String name = invariantNames.get(partOf[i]);
      Boolean holds = invariants[i].get(a.fps, reads);
      if (holds == null && renamedAfter != null) {
        // the part in the reached state with its ordinary peers renamed (it names none)
        holds = symmetricInvariants[i].get(renamedAfter, reads);
        if (holds != null) {
          stats.symmetricInvariantHits++;
          invariants[i].put(a.fps, reads, holds);
          long[] pi = stats.perInvariant.get(name);
          if (renamedFor != null && pi != null && pi[1] > 0) {
            renamedFor[2] += pi[0] / pi[1]; // the renaming saved this evaluation too
          }
        }
      }
      if (holds == null) {
        stats.invariantChecks++;
        long t0 = System.nanoTime();
        TLCState st = state(t);
        try {
          holds = tla.invariantPartHolds(i, st);
        } catch (RuntimeException e) {
          // evaluated alone the part fails (a conjunct an earlier one guards): the whole invariant
          // decides, and nothing is memoised
          if (tla.invariantHolds(partOf[i], st)) {
            throw e;
          }
          holds = null;
        }
        long dt = System.nanoTime() - t0;
        stats.invariantNanos += dt;
        long[] pi = stats.perInvariant.computeIfAbsent(name, x -> new long[2]);
        pi[0] += dt;
        pi[1]++;
        if (holds != null) {
          invariants[i].put(a.fps, reads, holds);
          if (renamedAfter != null) {
            symmetricInvariants[i].put(renamedAfter, reads, holds);
          }
        }
      }
      if (holds == null || !holds) {
        if (broken == null) {
          broken = new java.util.ArrayList<>();
        }
        if (!broken.contains(name)) {
          broken.add(name);
        }
      } else {
        long[] seen = lastHeld[i];
        for (int j = 0; j < reads.length; j++) {
          seen[j] = a.fps[reads[j]];
        }
        lastHeldValid[i] = true;
      }
    }
    return broken == null ? List.of() : broken;
  }

  /**
   * Whether invariant part {@code i} reads the same variables' values (fingerprints) in
   * {@code fps} as in the last state where it was found to hold: most steps change a few
   * variables, so most parts are decided by comparing a few numbers, without building a memo key.
   */
  private boolean sameAsLastHeld(int i, long[] fps) {
    if (!lastHeldValid[i]) {
      return false;
    }
    long[] seen = lastHeld[i];
    int[] reads = invariantReads[i];
    for (int j = 0; j < reads.length; j++) {
      if (seen[j] != fps[reads[j]]) {
        return false;
      }
    }
    return true;
  }

  private CoreStepValidator.Verdict enumerate(Alpha alphaBefore, CoreLetter l, CoreState before, MonoTime now,
      Core.Traced traced) {
    unnarrow();
    int bits = choiceBits(mapping.alpha(before, now), l, mapping.config().peer().book().newBucketSize());
    if (bits > MAX_ENUMERATED_CHOICE_BITS) {
      return new CoreStepValidator.Verdict(CoreStepValidator.Kind.NOT_A_STEP, l, List.of(), Optional.empty(),
          Optional.empty(), "Java's result is not a step of " + l + " with the choices it shows (book picks, answers,"
              + " expired bans, windows, crawl choices read off the result); its successors (about 2^" + bits
              + " choices) are not enumerated for a finer verdict");
    }
    stats.enumerated++;
    return validator.compare(specState(alphaBefore), l, before, now, traced);
  }

  /** Successors are enumerated for a finer verdict up to about 2^this many choices. */
  public static final int MAX_ENUMERATED_CHOICE_BITS = 16;

  /**
   * About how many bits of choice the spec leaves in a step of letter {@code l} from an abstract
   * state: a book pick or a PEX answer ranges over subsets of the known peers (those the step
   * learns included), and so does the choice of those a full bucket pushes out once {@code
   * newBucketSize} are known, a ban expiry over
   * subsets of the banned ones, a PEX round over subsets of the open windows, a crawl round
   * over subsets of the connected peers and of the crawl records (twice).
   */
  public static int choiceBits(Map<String, Object> abstractState, CoreLetter l, int newBucketSize) {
    Map<?, ?> book = CoreMapping.asMap(abstractState.get("book"));
    int known = 0;
    int banned = 0;
    for (Object e : book.values()) {
      Object status = ((Map<?, ?>) e).get("status");
      if ("known".equals(status)) {
        known++;
      } else if ("banned".equals(status)) {
        banned++;
      }
    }
    banned += ((java.util.Collection<?>) abstractState.get("bannedIds")).size();
    int bits = known + banned;
    // the addresses a step learns join the known peers its choices range over
    int learned = switch (l.action()) {
      case "PexAddrsReceived" -> ((java.util.Collection<?>) l.args().get(1)).size();
      case "AddressesLearned" -> ((java.util.Collection<?>) l.args().get(0)).size();
      default -> 0;
    };
    bits += learned;
    if (known + learned >= newBucketSize) {
      bits += known + learned; // which known peers a full bucket pushes out
    }
    if (l.action().equals("TimerFired") && !l.pexFired().isEmpty()) {
      bits += CoreMapping.asMap(abstractState.get("lastAddrsReceived")).size();
      if (l.pexFired().contains("CrawlPeers")) {
        bits += CoreMapping.asMap(abstractState.get("peers")).size()
            + 2 * ((java.util.Collection<?>) abstractState.get("crawled")).size();
      }
    }
    return bits;
  }

  /**
   * Renaming time, per action, that may go unpaid by hits (the memo starts empty) before the memo
   * is left alone: the trial is counted in time, since renaming a pair of a thousand-peer model
   * costs about ten times as much as a small model's.
   */
  static final long SYMMETRY_BUDGET_NANOS = 5_000_000;
  /** Lookups between two judgements of an action's payoff. */
  static final int SYMMETRY_WINDOW = 64;
  /**
   * Pairs of the action checked without the memo after a failed judgement; grows while they keep
   * failing: twofold, eightfold after a window in which no lookup found anything.
   */
  static final int SYMMETRY_PAUSE = 8 * SYMMETRY_WINDOW;
  static final int SYMMETRY_MAX_PAUSE = 1024 * SYMMETRY_WINDOW;

  /**
   * Per action: lookups, renaming nanos, TLC nanos the hits saved, pairs left to skip, the next
   * pause, the nanos saved and renaming before the current window.
   */
  private final Map<String, long[]> symmetryByAction = new HashMap<>();

  /**
   * Whether to consult the symmetric memo for a pair of {@code action}. An action's lookups are
   * judged by window of {@link #SYMMETRY_WINDOW} lookups: the memo is left alone for the action's
   * next pairs ({@link #SYMMETRY_PAUSE}, growing up to {@link #SYMMETRY_MAX_PAUSE} while the
   * judgement keeps failing: twofold, eightfold after a window whose lookups found nothing) as
   * soon as the window's renaming has cost {@link #SYMMETRY_BUDGET_NANOS} more than the TLC time
   * its hits saved, or at its end when the action's renaming so far has (each hit at the average
   * cost of the action's pair checks, each invariant found renamed at the average cost of its
   * evaluations); then it is tried again. The preparing thread renames an action's pairs ahead
   * only after a window that paid. Only the speed depends on this: a hit is a verdict TLC gave.
   */
  private boolean symmetricMemoPays(String action) {
    if (symmetry.size() < 2) {
      return false;
    }
    long[] a = symmetryByAction.computeIfAbsent(action, x -> new long[] {0, 0, 0, 0, SYMMETRY_PAUSE, 0, 0});
    if (a[3] > 0) {
      a[3]--;
      return false;
    }
    boolean windowEnds = a[0] > 0 && a[0] % SYMMETRY_WINDOW == 0;
    // this window's renaming beyond what its hits saved: past the budget, it stops here
    boolean windowFails = (a[1] - a[6]) - (a[2] - a[5]) > SYMMETRY_BUDGET_NANOS;
    if (windowEnds || windowFails) {
      boolean foundNothing = a[2] == a[5];
      a[5] = a[2];
      a[6] = a[1];
      if (windowFails || a[1] - a[2] > SYMMETRY_BUDGET_NANOS) {
        a[3] = a[4];
        a[4] = Math.min((foundNothing ? 8 : 2) * a[4], SYMMETRY_MAX_PAUSE);
        a[0] = a[0] - a[0] % SYMMETRY_WINDOW + 1; // after the pause, a whole window of lookups
        renameAhead.put(action, Boolean.FALSE);
        return false;
      }
      a[4] = SYMMETRY_PAUSE;
      // it pays: the preparing thread renames the action's pairs ahead
      renameAhead.put(action, Boolean.TRUE);
    }
    a[0]++;
    return true;
  }

  /**
   * The memo key of a pair with its ordinary peers renamed by {@code symmetry} (the calling
   * thread's: {@link PeerSymmetry}): a pair of the same form is a step exactly when this one is.
   */
  private static Renamed renamed(PeerSymmetry symmetry, Alpha before, CoreLetter l, Alpha after) {
    Value[] args = new Value[l.args().size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = TlaValues.toTla(l.args().get(i));
    }
    tlc2.value.IMVPerm p = symmetry.renaming(before.values, after.values, args);
    long letter = FP64.Extend(FP64.New(), l.action());
    for (Value a : args) {
      letter = FingerprintTable.mix(letter, PeerSymmetry.fingerprint(a, p));
    }
    // p null (the names already in standard order): the same hashes, so both cases share keys
    long[] fps = new long[after.values.length];
    long fp = FingerprintTable.SEED;
    for (int i = 0; i < fps.length; i++) {
      fps[i] = symmetry.mentions(1, i) ? PeerSymmetry.fingerprint(after.values[i], p) : after.fps[i];
      fp = FingerprintTable.mix(fp, fps[i]);
    }
    long renamedBefore = FingerprintTable.SEED;
    for (int i = 0; i < before.values.length; i++) {
      long f;
      if (before.values[i] == after.values[i]) {
        f = fps[i]; // a variable the step left alone: the same value, renamed the same way
      } else {
        f = symmetry.mentions(0, i) ? PeerSymmetry.fingerprint(before.values[i], p) : before.fps[i];
      }
      renamedBefore = FingerprintTable.mix(renamedBefore, f);
    }
    return new Renamed(new long[] {renamedBefore, letter, fp}, fps);
  }

  /**
   * The model's peers that no constant other than {@code Peer} mentions (seeds, persistent,
   * unconditional and private peers, the persistent peers' ranks, and any constant a later spec
   * adds are looked through alike).
   */
  private static List<tlc2.value.impl.ModelValue> ordinaryPeers(Tla tla) {
    Set<Object> named = new java.util.HashSet<>();
    for (String c : tla.constantNames()) {
      if (!c.equals("Peer")) {
        try {
          Object v = tla.constant(c);
          if (v instanceof TlaModelValue m && m.name().equals(c)) {
            continue; // the declaration of a model value itself (n1 = n1)
          }
          modelValues(v, named);
        } catch (RuntimeException e) {
          return List.of(); // a constant whose value cannot be read here: no peer is taken as ordinary
        }
      }
    }
    List<tlc2.value.impl.ModelValue> out = new java.util.ArrayList<>();
    for (Object p : (java.util.Collection<?>) tla.constant("Peer")) {
      if (!named.contains(p) && TlaValues.toTla(p) instanceof tlc2.value.impl.ModelValue m) {
        out.add(m);
      }
    }
    return out;
  }

  private static void modelValues(Object v, Set<Object> out) {
    switch (v) {
      case TlaModelValue m -> out.add(m);
      case java.util.Collection<?> c -> c.forEach(x -> modelValues(x, out));
      case Map<?, ?> m -> m.forEach((k, x) -> {
        modelValues(k, out);
        modelValues(x, out);
      });
      default -> { }
    }
  }

  /**
   * The crawl records past their retention when the step's PEX sub-step ran: the ones a crawl
   * round of the step drops ({@code Pex.Tx.pruneCrawled}), as model values ({@code TracePruned}).
   */
  private Value pruned(Core.Traced traced) {
    for (Core.SubStep sub : traced.subSteps()) {
      if (sub instanceof Core.SubStep.PexStep ps) {
        var x = ps.transition();
        if (x.before().crawled().isEmpty()) {
          return EMPTY_SET;
        }
        long keep = x.cfg().crawlRecordRetention().toNanos();
        Set<TlaModelValue> out = new java.util.HashSet<>();
        for (Map.Entry<dev.cairn.core.NodeId, MonoTime> e : x.before().crawled().entrySet()) {
          if (x.now().nanosSince(e.getValue()) > keep) {
            mapping.value(e.getKey()).ifPresent(out::add);
          }
        }
        return out.isEmpty() ? EMPTY_SET : TlaValues.toTla(out);
      }
    }
    return EMPTY_SET;
  }

  /** The peers whose bans expired by {@code wallNow}: the letter's {@code lift}. */
  Set<TlaModelValue> lift(CoreState before, WallTime wallNow) {
    return mapping.lift(before, wallNow);
  }

  public Memo memo() {
    return memo;
  }

  /**
   * Entries the memo may hold (pairs, refusals, invariant parts, renamed forms, together) before
   * it is forgotten and fills again: a memo only saves TLC evaluations, and without a bound a trace
   * of tens of millions of steps would fill the heap with verdicts of states long gone. Looked at
   * every {@link #MEMO_CHECK_INTERVAL} judged steps, so it can go over by what those add.
   */
  public static final int MEMO_LIMIT = 1 << 21;
  static final int MEMO_CHECK_INTERVAL = 1024;
  private int memoLimit = MEMO_LIMIT;
  private long judged;

  /** Sets the memo's bound ({@link #MEMO_LIMIT} unless set; a test sets a small one). */
  public void limitMemo(int entries) {
    if (entries < 0) {
      throw new IllegalArgumentException("a memo of " + entries + " entries");
    }
    memoLimit = entries;
  }

  /** Forgets the memoised verdicts (a test comparing both ways of checking starts afresh). */
  public void forget() {
    java.util.Arrays.fill(lastHeldValid, false);
    pairs.clear();
    memo.symmetricSteps.clear();
    refusals.clear();
    for (int i = 0; i < invariants.length; i++) {
      invariants[i].clear();
      symmetricInvariants[i].clear();
    }
  }
}
