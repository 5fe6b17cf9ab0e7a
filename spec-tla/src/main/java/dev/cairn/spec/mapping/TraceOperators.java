package dev.cairn.spec.mapping;

import dev.cairn.spec.Tla;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import tlc2.tool.EvalException;
import tlc2.value.impl.Applicable;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.FcnRcdValue;
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
 * microsecond per peer, in every step that counts known peers ({@code NeedsMore}) or looks for
 * expired bans, and applying it to one peer walks its domain. Only the narrowed operators of
 * {@code TraceCore.tla} use these definitions (and {@code SameBook}, substituted while a pair is
 * checked), so a step judged again by enumeration never does. {@code TraceOperatorsTest} holds
 * each method equal to its TLA+ definition, evaluated by TLC.
 */
public final class TraceOperators {

  /** The methods, each named as the definition it evaluates. */
  public static final List<Method> METHODS = Arrays.stream(TraceOperators.class.getMethods())
      .filter(m -> m.getDeclaringClass() == TraceOperators.class && m.getReturnType() == Value.class)
      .toList();

  private static final UniqueString STATUS = UniqueString.uniqueStringOf("status");
  private static final Value BANNED = new StringValue("banned");

  private TraceOperators() {}

  /** Has {@code tla} evaluate every definition of this class in Java. */
  public static void install(Tla tla) {
    for (Method m : METHODS) {
      tla.defineInJava(m.getName(), m);
    }
  }

  /**
   * {@code PeersWithStatus(b, s) == {p \in DOMAIN b : b[p].status = s}}: the domain elements of
   * {@code b} whose value is a record with {@code status} equal to {@code s}, in TLC's order.
   *
   * @throws EvalException where TLC's evaluation of the definition fails: {@code b} is not a
   *     function, or one of its values has no {@code status} field
   */
  public static Value PeersWithStatus(Value b, Value s) {
    Value f = b.toFcnRcd();
    if (!(f instanceof FcnRcdValue fcn)) {
      throw new EvalException(tlc2.output.EC.GENERAL, "PeersWithStatus: not a function: " + b);
    }
    fcn = (FcnRcdValue) fcn.normalize();
    Value[] domain = fcn.getDomainAsValues();
    Value[] out = new Value[domain.length];
    int n = 0;
    for (int i = 0; i < domain.length; i++) {
      if (status(fcn.values[i]).equals(s)) {
        out[n++] = domain[i];
      }
    }
    // a normalized function's domain is in TLC's order, without repeats: so is any part of it
    return new SetEnumValue(n == out.length ? out : Arrays.copyOf(out, n), true);
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
   * {@code Unbanned(U, b, ids) == {p \in U : ~(b[p].status = "banned" \/ p \in ids)}}: the
   * elements of the set {@code U} banned neither in the function {@code b} nor by membership in
   * {@code ids}, in TLC's order. TLC applies a function over model values by walking its domain
   * (a public node's book: a thousand peers, for each of its hundreds of bans, at every step that
   * may reinstate one); a normalized domain is in TLC's order, so each entry is found by a binary
   * search. An element the search does not find is applied by TLC itself, which names it when it
   * is outside the domain.
   *
   * @throws EvalException where TLC's evaluation of the definition fails: {@code U} or {@code ids}
   *     is not a set, {@code b} not a function, an entry has no {@code status}
   */
  public static Value Unbanned(Value u, Value b, Value ids) {
    if (!(u.toSetEnum() instanceof SetEnumValue us) || !(ids.toSetEnum() instanceof SetEnumValue idss)) {
      throw new EvalException(tlc2.output.EC.GENERAL, "Unbanned: not a set: " + u + " or " + ids);
    }
    us = (SetEnumValue) us.normalize();
    Value[] elems = us.elems.toArray();
    Value[] out = new Value[elems.length];
    int n = 0;
    for (Value p : elems) {
      if (!status(entry(b, p)).equals(BANNED) && !idss.member(p)) {
        out[n++] = p;
      }
    }
    // a part of a normalized set's elements, in their order
    return new SetEnumValue(n == out.length ? out : Arrays.copyOf(out, n), true);
  }

  /** {@code b[p]}: a binary search of a normalized domain of model values, else TLC's application. */
  private static Value entry(Value b, Value p) {
    if (b instanceof FcnRcdValue f && f.intv == null && f.isNormalized() && p instanceof ModelValue) {
      Value[] domain = f.domain;
      int lo = 0;
      int hi = domain.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (!(domain[mid] instanceof ModelValue m)) {
          break; // another domain: TLC's own application below
        }
        int c = m.compareTo(p);
        if (c == 0) {
          return f.values[mid];
        }
        if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
    }
    if (b instanceof Applicable a) {
      return a.apply(p, tlc2.tool.EvalControl.Clear);
    }
    throw new EvalException(tlc2.output.EC.GENERAL, "Unbanned: not a function: " + b);
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
