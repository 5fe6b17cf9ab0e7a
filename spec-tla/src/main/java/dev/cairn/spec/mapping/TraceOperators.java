package dev.cairn.spec.mapping;

import dev.cairn.spec.Tla;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import tlc2.tool.EvalException;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.FcnRcdValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.ModelValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.StringValue;
import tlc2.value.impl.Value;
import util.UniqueString;

/**
 * Definitions of {@code TraceCore.tla} that a trace model has TLC evaluate in Java ({@link
 * Tla#defineInJava}): each method gives the value of the definition of the same name, computed
 * on TLC's values directly instead of a formula evaluated per element.
 *
 * <p>A public node's model holds about a thousand peers, and its book is a function over all of
 * them: {@code {p \in DOMAIN b : b[p].status = s}} costs the interpreter about half a
 * microsecond per peer, in every step that counts known peers ({@code NeedsMore}), checks a PEX
 * answer or looks for expired bans, and applying it to one peer walks its domain; and it counts a
 * state's connections ({@code Counts}) by building five sets, several times a step. Only the
 * operators {@code TraceCore.tla} substitutes while a pair is checked use these definitions (the
 * narrowed choices, and {@code NeedsMore}, {@code Counts}, {@code Score}, {@code Known}, {@code
 * BookBanned}, {@code Put}, {@code Del} and {@code SameBook}), so a step judged again by
 * enumeration never does. {@code TraceOperatorsTest} holds each method equal to its TLA+
 * definition, evaluated by TLC.
 */
public final class TraceOperators {

  /** The methods, each named as the definition it evaluates. */
  public static final List<Method> METHODS = Arrays.stream(TraceOperators.class.getMethods())
      .filter(m -> m.getDeclaringClass() == TraceOperators.class && m.getReturnType() == Value.class)
      .toList();

  private static final UniqueString STATUS = UniqueString.uniqueStringOf("status");
  private static final Value BANNED = new StringValue("banned");
  private static final Value KNOWN = new StringValue("known");
  private static final Value UNKNOWN = new StringValue("unknown");
  private static final UniqueString ATTEMPTS = UniqueString.uniqueStringOf("attempts");
  private static final Value INBOUND = new StringValue("inbound");
  private static final Value OUTBOUND = new StringValue("outbound");
  private static final UniqueString[] COUNTS = {UniqueString.uniqueStringOf("inbound"),
      UniqueString.uniqueStringOf("outbound"), UniqueString.uniqueStringOf("dialing"),
      UniqueString.uniqueStringOf("connectedNotEvicting"), UniqueString.uniqueStringOf("connectedAll")};

  private TraceOperators() {}

  /** Has {@code tla} evaluate every definition of this class in Java. */
  public static void install(Tla tla) {
    for (Method m : METHODS) {
      tla.defineInJava(m.getName(), m);
    }
  }

  /**
   * {@code TraceSameBook(b, c) == b = c}: whether two functions are equal. TLC's equality of
   * functions compares every entry field by field; here an entry that is the same object in both
   * (a book and its edit share the entries they did not change, and α's books share one record
   * per status and attempts) is not compared further.
   */
  public static Value TraceSameBook(Value b, Value c) {
    if (b == c) {
      return BoolValue.ValTrue;
    }
    if (b.toFcnRcd() instanceof FcnRcdValue f && c.toFcnRcd() instanceof FcnRcdValue g) {
      f = (FcnRcdValue) f.normalize();
      g = (FcnRcdValue) g.normalize();
      if (f.intv == null && g.intv == null && f.values.length == g.values.length) {
        Value[] fd = f.domain;
        Value[] gd = g.domain;
        for (int i = 0; i < fd.length; i++) {
          if (fd[i] != gd[i] && !fd[i].equals(gd[i])) {
            return BoolValue.ValFalse;
          }
          if (f.values[i] != g.values[i] && !f.values[i].equals(g.values[i])) {
            return BoolValue.ValFalse;
          }
        }
        return BoolValue.ValTrue;
      }
    }
    return b.equals(c) ? BoolValue.ValTrue : BoolValue.ValFalse;
  }

  /**
   * {@code ExpiredBans(U, b, ids, c, jds) == {p \in ({q \in DOMAIN b : b[q].status = "banned"}
   * \cap U) \cup ids : ~(c[p].status = "banned" \/ p \in jds)}}: the peers of {@code U} banned in
   * the function {@code b} and the elements of the set {@code ids} that are neither banned in
   * {@code c} nor elements of {@code jds}, in TLC's order. When {@code b} and {@code c} are
   * functions over {@code U} (a trace model's books: over all of {@code Peer}), one pass over the
   * two side by side; otherwise each entry of {@code c} is found by a binary search of its domain
   * ({@link #entry}).
   *
   * @throws EvalException where TLC's evaluation fails: an argument of the wrong kind, an entry
   *     without a status, an element of the union outside the domain of {@code c}
   */
  public static Value ExpiredBans(Value u, Value b, Value ids, Value c, Value jds) {
    SetEnumValue us = set(u, "ExpiredBans");
    FcnRcdValue fb = function(b, "ExpiredBans");
    SetEnumValue idss = set(ids, "ExpiredBans");
    FcnRcdValue fc = function(c, "ExpiredBans");
    SetEnumValue jdss = set(jds, "ExpiredBans");
    Value[] domain = fb.getDomainAsValues();
    boolean overU = sameElements(us, domain);
    boolean aligned = overU && sameElements(us, fc.getDomainAsValues());
    Value[] out = new Value[domain.length + idss.elems.size()];
    int n = 0;
    for (int i = 0; i < domain.length; i++) {
      if (!status(fb.values[i]).equals(BANNED)) {
        continue;
      }
      Value p = domain[i];
      if (!overU && !us.member(p)) {
        continue;
      }
      Value now = aligned ? fc.values[i] : entry(fc, p);
      if (!status(now).equals(BANNED) && !jdss.member(p)) {
        out[n++] = p;
      }
    }
    for (int k = 0; k < idss.elems.size(); k++) {
      Value p = idss.elems.elementAt(k);
      if (!status(entry(fc, p)).equals(BANNED) && !jdss.member(p)) {
        out[n++] = p;
      }
    }
    // the book's part is in TLC's order; with the bans by ID, normalizing sorts and drops repeats
    return new SetEnumValue(Arrays.copyOf(out, n), false).normalize();
  }

  /**
   * {@code LeftBook(b, c, s) == {p \in DOMAIN b : b[p].status = s /\ c[p].status = "unknown"}}:
   * the peers with status {@code s} in the function {@code b} and unknown in {@code c}, the peers
   * a full bucket pushed out of the book ({@code "known"}) or whose ban was dropped past the
   * bound ({@code "banned"}). When both are functions over the same domain (a trace model's
   * books: over all of {@code Peer}), one pass over the two side by side; otherwise each entry of
   * {@code c} is found by a binary search of its domain ({@link #entry}). The same book twice
   * leaves none (its entries are not read).
   *
   * @throws EvalException where TLC's evaluation fails: an argument of the wrong kind, an entry
   *     without a status, a peer with status {@code s} in {@code b} outside the domain of {@code c}
   */
  public static Value LeftBook(Value b, Value c, Value s) {
    FcnRcdValue fb = function(b, "LeftBook");
    FcnRcdValue fc = function(c, "LeftBook");
    Value[] domain = fb.getDomainAsValues();
    if (b == c) {
      return new SetEnumValue(new Value[0], true); // (its entries not read)
    }
    Value[] cDomain = fc.getDomainAsValues();
    boolean aligned = domain.length == cDomain.length && Arrays.equals(domain, cDomain);
    Value[] out = new Value[domain.length];
    int n = 0;
    for (int i = 0; i < domain.length; i++) {
      if (!status(fb.values[i]).equals(s)) {
        continue;
      }
      Value now = aligned ? fc.values[i] : entry(fc, domain[i]);
      if (status(now).equals(UNKNOWN)) {
        out[n++] = domain[i];
      }
    }
    return new SetEnumValue(Arrays.copyOf(out, n), false).normalize();
  }

  /**
   * {@code Renewed(S, b, c) == {p \in S : b[p].status = "known" /\ b[p].attempts > 0 /\
   * c[p].status = "known" /\ c[p].attempts = 0}}: the elements of the set {@code S} known with
   * failed dials in the function {@code b} and known without any in {@code c}, the peers a batch
   * pushed out of the book and stored again. Each entry is found by a binary search of the
   * functions' domains ({@link #entry}): {@code S} is one PEX answer, {@code b} and {@code c}
   * hold a thousand peers in a public node's model.
   *
   * @throws EvalException where TLC's evaluation fails: an argument of the wrong kind, an element
   *     of {@code S} outside a domain, an entry without a status or (when known) its attempts
   */
  public static Value Renewed(Value s, Value b, Value c) {
    SetEnumValue ss = set(s, "Renewed");
    FcnRcdValue fb = function(b, "Renewed");
    FcnRcdValue fc = function(c, "Renewed");
    Value[] out = new Value[ss.elems.size()];
    int n = 0;
    for (int k = 0; k < ss.elems.size(); k++) {
      Value p = ss.elems.elementAt(k);
      Value before = entry(fb, p);
      if (!status(before).equals(KNOWN) || integer(field(before, ATTEMPTS)) <= 0) {
        continue;
      }
      Value after = entry(fc, p);
      if (status(after).equals(KNOWN) && integer(field(after, ATTEMPTS)) == 0) {
        out[n++] = p;
      }
    }
    return new SetEnumValue(Arrays.copyOf(out, n), false).normalize();
  }

  /**
   * {@code ScoreOf(p, sc, b, top, max, min, topScore)}: {@code PeerManager.tla}'s {@code Score} of
   * {@code p} from the scores {@code sc} (a function to integers) and the book {@code b}:
   * {@code topScore} for an element of the set {@code top}, else the score capped at {@code max}
   * (0 without one), less the entry's {@code attempts} when its status is {@code "known"}, at
   * least {@code min}. The entry is found by a binary search of the book's domain.
   *
   * @throws EvalException where TLC's evaluation fails: an argument of the wrong kind, a score
   *     that is not an integer, {@code p} outside the book's domain, an entry without a status
   */
  public static Value ScoreOf(Value p, Value sc, Value b, Value top, Value max, Value min, Value topScore) {
    if (set(top, "ScoreOf").member(p)) {
      return topScore;
    }
    FcnRcdValue scores = function(sc, "ScoreOf");
    int i = indexOf(scores, scores.getDomainAsValues(), p);
    int mutable = i < 0 ? 0 : Math.min(integer(max), integer(scores.values[i]));
    Value e = entry(function(b, "ScoreOf"), p);
    int failures = status(e).equals(KNOWN) ? integer(field(e, ATTEMPTS)) : 0;
    return IntValue.gen(Math.max(integer(min), mutable - failures));
  }

  /**
   * {@code StatusOf(b, p) == b[p].status}: the status of {@code p}'s entry in the book {@code b},
   * the entry found by a binary search of the domain ({@link #entry}) where TLC walks it.
   * {@code PeerManager.tla}'s {@code Known} and {@code BookBanned} compare it: a dial pick's
   * eligibility, an admission's ban, and the invariant that no banned peer is dialed or
   * connected, which reads the entry of every dialing and connected peer in each state.
   *
   * @throws EvalException where TLC's evaluation fails: {@code b} not a function, {@code p}
   *     outside its domain, an entry without a status
   */
  public static Value StatusOf(Value b, Value p) {
    return status(entry(function(b, "StatusOf"), p));
  }

  private static int integer(Value v) {
    if (v instanceof IntValue i) {
      return i.val;
    }
    throw new EvalException(tlc2.output.EC.GENERAL, "not an integer: " + v);
  }

  /** The field {@code name} of a record, or TLC's error. */
  private static Value field(Value entry, UniqueString name) {
    if (entry.toRcd() instanceof RecordValue r) {
      for (int j = 0; j < r.names.length; j++) {
        if (r.names[j] == name) {
          return r.values[j];
        }
      }
    }
    throw new EvalException(tlc2.output.EC.GENERAL, "a book entry without " + name + ": " + entry);
  }

  /**
   * {@code CountWithStatus(b, U, s) == Cardinality({p \in U : b[p].status = s})}: how many
   * elements of the set {@code U} have an entry with {@code status} {@code s} in the function
   * {@code b}. When {@code U} is the domain of {@code b} (a trace model's books are functions over
   * all of {@code Peer}), one pass over the function's values; otherwise each element's entry is
   * found by a binary search of its domain ({@link #entry}).
   *
   * @throws EvalException where TLC's evaluation fails: {@code U} not a set, {@code b} not a
   *     function or without an element of {@code U} in its domain, an entry without a status
   */
  public static Value CountWithStatus(Value b, Value u, Value s) {
    FcnRcdValue f = function(b, "CountWithStatus");
    SetEnumValue us = set(u, "CountWithStatus");
    int n = 0;
    if (sameElements(us, f.getDomainAsValues())) {
      for (Value entry : f.values) {
        n += status(entry).equals(s) ? 1 : 0;
      }
    } else {
      for (Value p : us.elems.toArray()) {
        n += status(entry(f, p)).equals(s) ? 1 : 0;
      }
    }
    return IntValue.gen(n);
  }

  /**
   * {@code CountsOf(connected, evicting, dialing, unconditional)}: {@code PeerManager.tla}'s
   * {@code Counts} of the connections {@code connected} (a function to {@code "inbound"} or
   * {@code "outbound"}), the evictions {@code evicting} (a function: its domain counts), the dials
   * {@code dialing} (a set), counting only peers outside {@code unconditional}: a record of
   * {@code inbound}, {@code outbound}, {@code dialing}, {@code connectedNotEvicting} and {@code
   * connectedAll}. One pass over {@code connected}, where TLC builds five sets.
   *
   * @throws EvalException where TLC's evaluation fails: an argument of the wrong kind
   */
  public static Value CountsOf(Value connected, Value evicting, Value dialing, Value unconditional) {
    FcnRcdValue c = function(connected, "CountsOf");
    FcnRcdValue e = function(evicting, "CountsOf");
    SetEnumValue d = set(dialing, "CountsOf");
    SetEnumValue u = set(unconditional, "CountsOf");
    Value[] evictingDomain = e.getDomainAsValues();
    Value[] peers = c.getDomainAsValues();
    int in = 0;
    int out = 0;
    int all = 0;
    for (int i = 0; i < peers.length; i++) {
      if (u.member(peers[i])) {
        continue;
      }
      all++;
      if (indexOf(e, evictingDomain, peers[i]) >= 0) {
        continue;
      }
      // connected[p] = "inbound", evaluated as TLC evaluates it (the left operand's equals)
      if (c.values[i].equals(INBOUND)) {
        in++;
      } else if (c.values[i].equals(OUTBOUND)) {
        out++;
      }
    }
    int dialingLimited = 0;
    for (Value p : d.elems.toArray()) {
      dialingLimited += u.member(p) ? 0 : 1;
    }
    Value[] values = {IntValue.gen(in), IntValue.gen(out), IntValue.gen(dialingLimited), IntValue.gen(in + out),
        IntValue.gen(all)};
    return new RecordValue(COUNTS.clone(), values, false).normalize();
  }

  /**
   * {@code SubsetWithStatus(a, U, b, s) == a \subseteq U /\ a \subseteq {p \in DOMAIN b :
   * b[p].status = s}}: whether every element of the set {@code a} is in the set {@code U} and has
   * an entry with {@code status} {@code s} in the function {@code b}. Only the entries of {@code
   * a}'s elements are read (the definition evaluates every entry of {@code b}: it fails where an
   * entry outside {@code a} has no status, and this does not).
   *
   * @throws EvalException where TLC's evaluation fails: {@code a} or {@code U} not a set, {@code
   *     b} not a function, an entry of an element of {@code a} without a status
   */
  public static Value SubsetWithStatus(Value a, Value u, Value b, Value s) {
    SetEnumValue as = set(a, "SubsetWithStatus");
    SetEnumValue us = set(u, "SubsetWithStatus");
    FcnRcdValue f = function(b, "SubsetWithStatus");
    Value[] domain = f.getDomainAsValues();
    // U the domain of b (a trace model's books are functions over all of Peer): an element
    // found in the domain is in U
    boolean uIsDomain = sameElements(us, domain);
    for (int k = 0; k < as.elems.size(); k++) {
      Value p = as.elems.elementAt(k);
      if (!uIsDomain && !us.member(p)) {
        return BoolValue.ValFalse;
      }
      int i = indexOf(f, domain, p);
      if (i < 0 || !status(f.values[i]).equals(s)) {
        return BoolValue.ValFalse;
      }
    }
    return BoolValue.ValTrue;
  }

  /**
   * Where {@code p} is in the domain of the normalized function {@code f} ({@code domain}, its
   * domain's elements), or -1: a binary search where the domain holds model values (TLC's
   * order), else, and where the search finds nothing, a walk comparing by TLC's equality.
   */
  private static int indexOf(FcnRcdValue f, Value[] domain, Value p) {
    if (f.intv == null && p instanceof ModelValue) {
      int lo = 0;
      int hi = domain.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (!(domain[mid] instanceof ModelValue m)) {
          break;
        }
        int c = m.compareTo(p);
        if (c == 0) {
          return mid;
        }
        if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
    }
    for (int i = 0; i < domain.length; i++) {
      if (domain[i] == p || domain[i].equals(p)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@code TracePut(f, k, v) == [x \in DOMAIN f \cup {k} |-> IF x = k THEN v ELSE f[x]]}
   * ({@code PeerManager.tla}'s {@code Put}): the function {@code f} with {@code k} mapped to {@code
   * v}, built at once. TLC keeps the definition as a lazy function and applies {@code f} to each
   * element of the domain by walking {@code f}'s domain when the result is compared or read whole.
   *
   * @throws EvalException where TLC's evaluation fails: {@code f} not a function
   */
  public static Value TracePut(Value f, Value k, Value v) {
    FcnRcdValue fn = function(f, "TracePut");
    Value[] domain = fn.getDomainAsValues();
    int i = indexOf(fn, domain, k);
    if (i >= 0) {
      Value[] values = fn.values.clone();
      values[i] = v;
      return new FcnRcdValue(domain.clone(), values, true);
    }
    Value[] d = Arrays.copyOf(domain, domain.length + 1);
    Value[] values = Arrays.copyOf(fn.values, domain.length + 1);
    d[domain.length] = k;
    values[domain.length] = v;
    return new FcnRcdValue(d, values, false).normalize();
  }

  /**
   * {@code TraceDel(f, k) == [x \in DOMAIN f \ {k} |-> f[x]]} ({@code PeerManager.tla}'s {@code
   * Del}): the function {@code f} without {@code k} in its domain, built at once.
   *
   * @throws EvalException where TLC's evaluation fails: {@code f} not a function
   */
  public static Value TraceDel(Value f, Value k) {
    FcnRcdValue fn = function(f, "TraceDel");
    Value[] domain = fn.getDomainAsValues();
    int i = indexOf(fn, domain, k);
    if (i < 0) {
      return fn;
    }
    Value[] d = new Value[domain.length - 1];
    Value[] values = new Value[domain.length - 1];
    System.arraycopy(domain, 0, d, 0, i);
    System.arraycopy(domain, i + 1, d, i, d.length - i);
    System.arraycopy(fn.values, 0, values, 0, i);
    System.arraycopy(fn.values, i + 1, values, i, values.length - i);
    // a part of a normalized domain, in its order
    return new FcnRcdValue(d, values, true);
  }

  /** {@code v} as a normalized function, or TLC's error naming {@code what}. */
  private static FcnRcdValue function(Value v, String what) {
    if (!(v.toFcnRcd() instanceof FcnRcdValue f)) {
      throw new EvalException(tlc2.output.EC.GENERAL, what + ": not a function: " + v);
    }
    return (FcnRcdValue) f.normalize();
  }

  /** {@code v} as a normalized set (no element twice), or TLC's error naming {@code what}. */
  private static SetEnumValue set(Value v, String what) {
    if (!(v.toSetEnum() instanceof SetEnumValue s)) {
      throw new EvalException(tlc2.output.EC.GENERAL, what + ": not a set: " + v);
    }
    return (SetEnumValue) s.normalize();
  }

  /** Whether a normalized set holds the elements of {@code b} in its order (a normalized domain: the same set). */
  private static boolean sameElements(SetEnumValue a, Value[] b) {
    if (a.elems.size() != b.length) {
      return false;
    }
    for (int i = 0; i < b.length; i++) {
      Value x = a.elems.elementAt(i);
      if (x != b[i] && !x.equals(b[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code f[p]}: found by {@link #indexOf}; TLC's own application where {@code p} is outside the
   * domain, which fails naming it.
   */
  private static Value entry(FcnRcdValue f, Value p) {
    int i = indexOf(f, f.getDomainAsValues(), p);
    return i >= 0 ? f.values[i] : f.apply(p, tlc2.tool.EvalControl.Clear);
  }

  private static Value status(Value entry) {
    if (entry instanceof RecordValue r) {
      UniqueString[] names = r.names;
      for (int j = 0; j < names.length; j++) {
        if (names[j] == STATUS) {
          return r.values[j];
        }
      }
    }
    Value rcd = entry instanceof RecordValue ? null : entry.toRcd();
    if (rcd instanceof RecordValue r) {
      return status(r);
    }
    throw new EvalException(tlc2.output.EC.GENERAL, "a book entry without a status: " + entry);
  }
}
