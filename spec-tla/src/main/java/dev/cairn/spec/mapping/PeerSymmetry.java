package dev.cairn.spec.mapping;

import java.util.Arrays;
import java.util.Collection;
import tlc2.util.FP64;
import tlc2.value.IMVPerm;
import tlc2.value.IModelValue;
import tlc2.value.IValue;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.FcnRcdValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.ModelValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.StringValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;

/**
 * Renames the ordinary peers of a checked pair into a standard order, so that two pairs that
 * differ only in which ordinary peer is which get one memo key.
 *
 * <p>Ordinary peers are the model values of {@code Peer} that no constant of the model names
 * (not a seed, persistent, unconditional or private peer; {@code self} is not in {@code Peer}).
 * {@code Core.tla} treats them alike: no constant, no {@code CHOOSE} over several of them
 * ({@code PexAfter}'s is over one update), no order on model values tells one from another. So
 * for any permutation π of them, (s, t) is a step of an action with arguments a exactly when
 * (π(s), π(t)) is a step of it with π(a): a verdict found for one pair holds for every pair with
 * the same renamed form. The rename need not be canonical for that (two pairs of one orbit may get
 * different forms, and then two memo entries): it only has to be a permutation of the ordinary
 * peers, which it is by construction.
 *
 * <p>The order: each ordinary peer gets a signature summed over every place it occurs in the
 * pair's values, each place described without the names of ordinary peers (the variable, record
 * fields, the function or set it is in, the values found under its own function entries); peers
 * are ordered by signature, then by name, and the i-th in that order is renamed to the i-th
 * ordinary model value. The renamed form is never built: {@link #fingerprint} hashes a value as
 * the renaming would make it, so the cost of a renamed memo key is one walk to order the peers and
 * one to hash. One thread at a time.
 */
final class PeerSymmetry {

  private static final long OCCURS = 0x5bd1e995L;
  private static final long ENTRY = 0x27d4eb2fL;
  private static final long ELEMENT = 0x165667b1L;
  private static final long PEER = 0x9e3779b9L;
  // kinds of value, for fingerprint
  private static final long MODEL = 0x61c8864680b583ebL;
  private static final long INT = 0x2545f4914f6cdd1dL;
  private static final long STRING = 0x5851f42d4c957f2dL;
  private static final long TRUE = 0x14057b7ef767814fL;
  private static final long FALSE = 0x3c6ef372fe94f82bL;
  private static final long RECORD = 0x1b873593L;
  private static final long FIELD = 0xcc9e2d51L;
  private static final long FUNCTION = 0x85ebca6bL;
  private static final long SET = 0xc2b2ae35L;
  private static final long TUPLE = 0x7feb352dL;
  private static final long OTHER = 0x846ca68bL;

  /** The ordinary peers in name order; {@code slot[mv.index]} is a model value's place in it, or -1. */
  private final ModelValue[] ordinary;
  private final int[] slot;
  private final long[] sig;
  private final Integer[] order;
  private final Perm perm;
  private boolean[][] mentions = new boolean[0][];
  private boolean seen;

  PeerSymmetry(Collection<ModelValue> ordinaryPeers) {
    ordinary = ordinaryPeers.stream().sorted().toArray(ModelValue[]::new);
    int max = 0;
    for (ModelValue m : ordinary) {
      max = Math.max(max, m.index);
    }
    slot = new int[max + 1];
    Arrays.fill(slot, -1);
    for (int i = 0; i < ordinary.length; i++) {
      slot[ordinary[i].index] = i;
    }
    sig = new long[ordinary.length];
    order = new Integer[ordinary.length];
    perm = new Perm(max + 1);
  }

  int size() {
    return ordinary.length;
  }

  /**
   * The renaming for the values {@code groups} (each group's values in a fixed order: the
   * variables of a state, the arguments of a letter), or null when it is the identity.
   */
  IMVPerm renaming(Value[]... groups) {
    if (ordinary.length < 2) {
      return null;
    }
    Arrays.fill(sig, 0);
    if (mentions.length < groups.length) {
      mentions = new boolean[groups.length][];
    }
    long g = FP64.New();
    for (int k = 0; k < groups.length; k++) {
      Value[] group = groups[k];
      if (mentions[k] == null || mentions[k].length < group.length) {
        mentions[k] = new boolean[group.length];
      }
      g = mix(g, 31);
      for (int i = 0; i < group.length; i++) {
        seen = false;
        walk(group[i], mix(g, i), -1);
        mentions[k][i] = seen;
      }
    }
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> sig[a] != sig[b] ? Long.compare(sig[a], sig[b]) : Integer.compare(a, b));
    boolean identity = true;
    perm.clear();
    for (int k = 0; k < order.length; k++) {
      ModelValue from = ordinary[order[k]];
      ModelValue to = ordinary[k];
      if (from != to) {
        identity = false;
        perm.put(from, to);
      }
    }
    return identity ? null : perm;
  }

  /**
   * Whether value {@code index} of group {@code group} of the last {@link #renaming} mentions an
   * ordinary peer (else renaming leaves it as it is).
   */
  boolean mentions(int group, int index) {
    return mentions[group][index];
  }

  /**
   * A 64-bit hash of {@code v} renamed by {@code p} (a renaming from {@link #renaming}, or null for
   * none), computed on {@code v} itself: nothing is permuted, copied or sorted. Equal values renamed
   * alike hash alike, whatever order their sets and functions hold their elements in (elements and
   * entries are summed); the hash is the memo key of renamed forms only, never compared with TLC's
   * fingerprints. Model values and strings enter by TLC's numbering of them, so a hash is stable
   * within the JVM that computed it, not across runs.
   */
  static long fingerprint(Value v, IMVPerm p) {
    return switch (v) {
      case ModelValue m -> {
        IValue to = p == null ? null : p.get(m);
        yield mix(MODEL, to == null ? m.index : ((ModelValue) to).index);
      }
      case IntValue i -> mix(INT, i.val);
      case StringValue s -> mix(STRING, s.val.getTok());
      case BoolValue b -> b.val ? TRUE : FALSE;
      case RecordValue r -> {
        long h = RECORD + r.names.length;
        for (int i = 0; i < r.names.length; i++) {
          h += mix(mix(FIELD, r.names[i].getTok()), fingerprint(r.values[i], p));
        }
        yield mix(h, RECORD);
      }
      case FcnRcdValue f -> {
        Value[] dom = f.getDomainAsValues();
        long h = FUNCTION + dom.length;
        for (int i = 0; i < dom.length; i++) {
          h += mix(mix(ENTRY, fingerprint(dom[i], p)), fingerprint(f.values[i], p));
        }
        yield mix(h, FUNCTION);
      }
      case SetEnumValue e when e.isNormalized() -> { // normalised: no element twice
        long h = SET + e.elems.size();
        for (int i = 0; i < e.elems.size(); i++) {
          h += mix(ELEMENT, fingerprint(e.elems.elementAt(i), p));
        }
        yield mix(h, SET);
      }
      case TupleValue t -> {
        long h = TUPLE + t.elems.length;
        for (Value x : t.elems) {
          h = mix(h, fingerprint(x, p));
        }
        yield h;
      }
      default -> { // a kind not looked into: TLC renames and fingerprints it
        Value r = v;
        if (p != null) {
          r = (Value) v.permute(p);
          r.deepNormalize();
        }
        yield mix(OTHER, r.fingerPrint(FP64.New()));
      }
    };
  }

  private int slotOf(Value v) {
    if (v instanceof ModelValue m && m.index < slot.length) {
      return slot[m.index];
    }
    return -1;
  }

  /** Adds the occurrences in {@code v} (at the place {@code path}, under the entry of peer {@code owner}). */
  private void walk(Value v, long path, int owner) {
    switch (v) {
      case ModelValue m -> {
        int s = slotOf(m);
        if (s >= 0) {
          seen = true;
          sig[s] += mix(path, OCCURS);
          if (owner >= 0 && owner != s) {
            sig[owner] += mix(path, PEER);
          }
        } else if (owner >= 0) {
          sig[owner] += mix(path, fingerprint(m, null));
        }
      }
      case RecordValue r -> {
        for (int i = 0; i < r.names.length; i++) {
          walk(r.values[i], mix(path, r.names[i].toString().hashCode()), owner);
        }
      }
      case FcnRcdValue f -> {
        Value[] dom = f.getDomainAsValues();
        for (int i = 0; i < dom.length; i++) {
          int s = slotOf(dom[i]);
          if (s >= 0) {
            seen = true;
            long at = mix(path, ENTRY);
            sig[s] += mix(at, OCCURS);
            walk(f.values[i], at, s);
          } else {
            walk(f.values[i], mix(path, abstractHash(dom[i])), owner);
          }
        }
      }
      case SetEnumValue e -> {
        for (int i = 0; i < e.elems.size(); i++) {
          Value x = e.elems.elementAt(i);
          walk(x, mix(path, mix(ELEMENT, abstractHash(x))), owner);
        }
      }
      case TupleValue t -> {
        for (int i = 0; i < t.elems.length; i++) {
          walk(t.elems[i], mix(path, i + 1), owner);
        }
      }
      default -> {
        if (!(v instanceof IntValue || v instanceof StringValue || v instanceof BoolValue)) {
          seen = true; // a kind not looked into may hold peers: rename it
        }
        if (owner >= 0) {
          sig[owner] += mix(path, fingerprint(v, null));
        }
      }
    }
  }

  /** A hash of {@code v} with every ordinary peer's name left out (entries and elements summed). */
  private long abstractHash(Value v) {
    return switch (v) {
      case ModelValue m -> slotOf(m) >= 0 ? PEER : fingerprint(m, null);
      case RecordValue r -> {
        long h = 17;
        for (int i = 0; i < r.names.length; i++) {
          h = mix(h, mix(r.names[i].toString().hashCode(), abstractHash(r.values[i])));
        }
        yield h;
      }
      case FcnRcdValue f -> {
        Value[] dom = f.getDomainAsValues();
        long h = 19;
        for (int i = 0; i < dom.length; i++) {
          h += mix(abstractHash(dom[i]), abstractHash(f.values[i]));
        }
        yield h;
      }
      case SetEnumValue e -> {
        long h = 23;
        for (int i = 0; i < e.elems.size(); i++) {
          h += mix(ELEMENT, abstractHash(e.elems.elementAt(i)));
        }
        yield h;
      }
      case TupleValue t -> {
        long h = 29;
        for (Value x : t.elems) {
          h = mix(h, abstractHash(x));
        }
        yield h;
      }
      default -> fingerprint(v, null);
    };
  }

  private static long mix(long a, long b) {
    long h = a * 0x9E3779B97F4A7C15L + b;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 32);
  }

  /** A permutation of model values, indexed by their TLC index. */
  private static final class Perm implements IMVPerm {
    private final ModelValue[] to;
    private int size;

    Perm(int n) {
      to = new ModelValue[n];
    }

    void clear() {
      Arrays.fill(to, null);
      size = 0;
    }

    @Override
    public IValue get(IValue v) {
      if (v instanceof ModelValue m && m.index < to.length) {
        return to[m.index];
      }
      return null;
    }

    @Override
    public void put(IModelValue from, IModelValue target) {
      ModelValue f = (ModelValue) from;
      if (to[f.index] == null) {
        size++;
      }
      to[f.index] = (ModelValue) target;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public IMVPerm compose(IMVPerm other) {
      throw new UnsupportedOperationException("not needed");
    }
  }
}
