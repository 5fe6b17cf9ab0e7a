package dev.cairn.core.book;

import dev.cairn.core.NodeId;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The book's entries by ID: an immutable map from {@link NodeId} to the entry of that ID, kept as
 * a persistent 16-way trie on the hex digits of the ID (digit {@code k} of the ID chooses the
 * branch at depth {@code k}). An ID is 40 lowercase hex digits drawn from a hash, so 20 000 IDs
 * sit about four levels deep: a lookup reads a few digits of the ID and compares one ID string
 * at the end, and a change copies the few short arrays on its path, instead of comparing 40-digit
 * strings down a balanced tree of fifteen levels and copying its path.
 *
 * <p>Iteration is in ID order: digits are visited in ascending order and {@code '0'..'9'} sort
 * before {@code 'a'..'f'}, so the order of the trie is the string order of the IDs, with no
 * sorting and no dependence on hash codes or on the history of edits. The shape is canonical
 * (a subtrie of one entry is always that entry itself), so equal maps have equal tries and
 * {@link #equals} compares them structurally, skipping shared subtries.
 *
 * <p>Keys are not stored: the key of an entry is {@link KnownAddress#id()}. The map is read-only
 * through the {@link Map} interface; the book edits it through {@link #plus} and {@link #minus}.
 */
public final class IdTrie extends AbstractMap<NodeId, KnownAddress> {

  private static final IdTrie EMPTY = new IdTrie(null, 0);

  /** Deepest possible path: one level per hex digit of an ID. */
  private static final int MAX_DEPTH = NodeId.HEX_LENGTH;

  /** The root node, null when empty. */
  private final Node root;
  private final int size;

  /**
   * One trie node: bit {@code d} of {@code bitmap} is set when digit {@code d} leads somewhere,
   * and {@code slots} holds, in digit order, one {@link KnownAddress} (the only entry under that
   * digit) or one {@link Node} (two or more entries) per set bit. {@code keys} holds, for each
   * entry slot, the first 16 digits of its ID ({@link #prefix}), so that a lookup that misses,
   * and an insertion that splits a slot, decide without reading the entry; 0 for a node slot.
   *
   * <p>A node is edited in place only by the {@link Editor} that created it ({@code owner}),
   * before that editor publishes its trie; once reachable from an {@link IdTrie} it never
   * changes again (the editor takes a new owner token when it publishes).
   */
  private static final class Node {
    int bitmap;
    Object[] slots;
    long[] keys;
    /** The editor token that may still edit this node in place, or null. */
    final Object owner;

    Node(Object owner, int bitmap, Object[] slots, long[] keys) {
      this.owner = owner;
      this.bitmap = bitmap;
      this.slots = slots;
      this.keys = keys;
    }
  }

  private IdTrie(Node root, int size) {
    this.root = root;
    this.size = size;
  }

  /** The empty map. */
  public static IdTrie empty() {
    return EMPTY;
  }

  /** Digits covered by {@link #prefix}. */
  private static final int PREFIX_DIGITS = 16;

  /**
   * The first 16 hex digits of an ID as an unsigned number: two IDs whose prefixes differ are in
   * the order of their prefixes ({@link Long#compareUnsigned}), since hex digits sort as their
   * values.
   */
  static long prefix(NodeId id) {
    return id.prefix();
  }

  private static int digit(String hex, int depth) {
    int c = hex.charAt(depth);
    // '0'..'9' are 0x30..0x39, 'a'..'f' 0x61..0x66 (an ID holds no other character)
    return (c & 0xf) + 9 * (c >>> 6);
  }

  /** Digit {@code depth} of the ID with prefix {@code prefix} and digits {@code hex}. */
  private static int digit(long prefix, String hex, int depth) {
    return depth < PREFIX_DIGITS ? (int) (prefix >>> (4 * (PREFIX_DIGITS - 1 - depth))) & 0xf
        : digit(hex, depth);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  /** The entry of {@code id}, or null. */
  public KnownAddress get(NodeId id) {
    return get(root, id, prefix(id));
  }

  /** {@link #get(NodeId)} of an ID whose {@link #prefix} is {@code p}. */
  KnownAddress get(NodeId id, long p) {
    return get(root, id, p);
  }

  private static KnownAddress get(Node root, NodeId id, long p) {
    Node n = root;
    if (n == null) {
      return null;
    }
    String h = id.hex();
    int depth = 0;
    while (true) {
      int bit = 1 << digit(p, h, depth);
      if ((n.bitmap & bit) == 0) {
        return null;
      }
      int at = Integer.bitCount(n.bitmap & (bit - 1));
      Object o = n.slots[at];
      if (o instanceof Node child) {
        n = child;
        depth++;
      } else {
        if (n.keys[at] != p) {
          return null;
        }
        KnownAddress ka = (KnownAddress) o;
        return ka.id().hex().equals(h) ? ka : null;
      }
    }
  }

  @Override
  public KnownAddress get(Object key) {
    return key instanceof NodeId id ? get(id) : null;
  }

  public boolean containsKey(NodeId id) {
    return get(id) != null;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof NodeId id && get(id) != null;
  }

  /** This map with {@code ka} stored under its ID (replacing the entry of that ID); itself if {@code ka} is already there. */
  public IdTrie plus(KnownAddress ka) {
    return plus(ka, prefix(ka.id()));
  }

  /** {@link #plus(KnownAddress)} of an entry whose ID's {@link #prefix} is {@code p}. */
  IdTrie plus(KnownAddress ka, long p) {
    Editor e = new Editor(this, false);
    e.plus(ka, p);
    return e.trie();
  }

  /**
   * {@link #plus} of {@code next} where {@code was}, an entry of this map of the same ID (whose
   * {@link #prefix} is {@code p}), is replaced: the entry is found by identity along its path, and
   * only that path is copied (each node's digit keys are kept: the ID is the same).
   */
  IdTrie replaced(KnownAddress was, KnownAddress next, long p) {
    Node r = root == null ? null : replacedIn(root, 0, was, next, p, was.id().hex());
    return r == null ? plus(next, p) : new IdTrie(r, size);
  }

  /** The copy of {@code n} with {@code was} replaced by {@code next} below it; null if it is not there. */
  private static Node replacedIn(Node n, int depth, KnownAddress was, KnownAddress next, long p,
      String h) {
    int bit = 1 << digit(p, h, depth);
    if ((n.bitmap & bit) == 0) {
      return null;
    }
    int at = Integer.bitCount(n.bitmap & (bit - 1));
    Object o = n.slots[at];
    Object replacement;
    if (o == was) {
      replacement = next;
    } else if (o instanceof Node child) {
      replacement = replacedIn(child, depth + 1, was, next, p, h);
      if (replacement == null) {
        return null;
      }
    } else {
      return null;
    }
    Object[] s = n.slots.clone();
    s[at] = replacement;
    return new Node(null, n.bitmap, s, n.keys); // never edited: its key array may be shared
  }

  /** This map without the entry of {@code id}; itself if there is none. */
  public IdTrie minus(NodeId id) {
    Editor e = new Editor(this, false);
    e.minus(id, prefix(id));
    return e.trie();
  }

  /**
   * The edits of one book operation: a mutable map that starts as a trie and ends as a new trie
   * ({@link #trie}), local to that operation. The nodes it creates are its own until it publishes
   * them, so a batch edits them in place: of the path of an insertion or a removal, only the
   * nodes not created by this batch yet are copied (the root and the upper levels once per batch
   * instead of once per edit). Nodes of the trie it started from are never written. From outside
   * the map stays a persistent value: {@link #trie} returns an immutable trie equal to the one
   * that the same {@link IdTrie#plus} and {@link IdTrie#minus} calls would build (the same
   * canonical shape), and after it the editor copies again before any edit.
   */
  static final class Editor {
    private IdTrie base;
    private Node root;
    private int size;
    /** Nodes with this owner were created by this editor since it last published; null: none are. */
    private Object owner;
    private Node[] path = new Node[8];

    /** An editor starting from {@code t}; {@code inPlace}: whether it may edit its own nodes in place. */
    Editor(IdTrie t, boolean inPlace) {
      base = t;
      root = t.root;
      size = t.size;
      owner = inPlace ? new Object() : null;
    }

    Editor(IdTrie t) {
      this(t, true);
    }

    int size() {
      return size;
    }

    /** Whether the map differs (as an object) from the trie it started from or last published. */
    boolean isChanged() {
      return root != base.root;
    }

    KnownAddress get(NodeId id) {
      return IdTrie.get(root, id, prefix(id));
    }

    /** {@link #get(NodeId)} of an ID whose {@link #prefix} is {@code p}. */
    KnownAddress get(NodeId id, long p) {
      return IdTrie.get(root, id, p);
    }

    boolean containsKey(NodeId id) {
      return get(id) != null;
    }

    /** The map as an immutable trie; the trie it started from when nothing changed. */
    IdTrie trie() {
      if (root == base.root) {
        return base;
      }
      base = new IdTrie(root, size);
      if (owner != null) {
        owner = new Object(); // the published nodes are never written again
      }
      return base;
    }

    private boolean owns(Node n) {
      return owner != null && n.owner == owner;
    }

    private void push(int depth, Node n) {
      if (depth == path.length) {
        path = java.util.Arrays.copyOf(path, Math.min(MAX_DEPTH, 2 * depth));
      }
      path[depth] = n;
    }

    /** Stores {@code ka} under its ID, replacing the entry of that ID. */
    void plus(KnownAddress ka) {
      plus(ka, prefix(ka.id()));
    }

    /** {@link #plus(KnownAddress)} of an entry whose ID's {@link #prefix} is {@code p}. */
    void plus(KnownAddress ka, long p) {
      String h = ka.id().hex();
      if (root == null) {
        root = new Node(owner, 1 << digit(p, h, 0), new Object[] {ka}, new long[] {p});
        size = 1;
        return;
      }
      int depth = 0;
      Node n = root;
      while (true) {
        push(depth, n);
        int bit = 1 << digit(p, h, depth);
        int at = Integer.bitCount(n.bitmap & (bit - 1));
        Node replaced;
        if ((n.bitmap & bit) == 0) {
          replaced = inserted(n, bit, at, ka, p);
          size++;
        } else {
          Object o = n.slots[at];
          if (o instanceof Node child) {
            n = child;
            depth++;
            continue;
          }
          KnownAddress e = (KnownAddress) o;
          if (e == ka) {
            return;
          }
          long ep = n.keys[at];
          if (ep == p && e.id().hex().equals(h)) {
            replaced = withSlot(n, at, ka, p);
          } else {
            replaced = withSlot(n, at, pair(e, ep, ka, p, h, depth + 1), 0);
            size++;
          }
        }
        root = rebuild(depth, p, h, replaced);
        return;
      }
    }

    /** Removes the entry of {@code id}, if any. */
    void minus(NodeId id) {
      minus(id, prefix(id));
    }

    /** {@link #minus(NodeId)} of an ID whose {@link #prefix} is {@code p}. */
    void minus(NodeId id, long p) {
      minus(id, null, p);
    }

    /**
     * {@link #minus(NodeId)} of the ID of {@code ka}, an entry of this map, whose {@link #prefix}
     * is {@code p}: found by identity, without reading the stored entry's ID.
     */
    void minus(KnownAddress ka, long p) {
      minus(ka.id(), ka, p);
    }

    private void minus(NodeId id, KnownAddress known, long p) {
      Node n = root;
      if (n == null) {
        return;
      }
      String h = id.hex();
      int depth = 0;
      while (true) {
        push(depth, n);
        int bit = 1 << digit(p, h, depth);
        if ((n.bitmap & bit) == 0) {
          return;
        }
        int at = Integer.bitCount(n.bitmap & (bit - 1));
        Object o = n.slots[at];
        if (o instanceof Node child) {
          n = child;
          depth++;
          continue;
        }
        if (o != known && (n.keys[at] != p || !((KnownAddress) o).id().hex().equals(h))) {
          return;
        }
        size--;
        // remove the slot; a node left with one entry (a single leaf) becomes that leaf in its parent
        Object replacement;
        long replacementKey = 0;
        if (n.slots.length == 1) {
          replacement = null; // only the root can hold a single leaf
        } else if (n.slots.length == 2 && depth > 0 && !(n.slots[1 - at] instanceof Node)) {
          replacement = n.slots[1 - at];
          replacementKey = n.keys[1 - at];
        } else {
          replacement = removed(n, bit, at);
        }
        // walk up: a leaf replacing a node may in turn leave its parent with one leaf
        for (int k = depth - 1; k >= 0; k--) {
          if (replacement == path[k + 1]) {
            return; // edited in place: its parent already holds it
          }
          Node q = path[k];
          if (replacement instanceof KnownAddress && q.slots.length == 1 && k > 0) {
            continue; // q held only this subtrie: q itself collapses to the leaf
          }
          int qbit = 1 << digit(p, h, k);
          replacement = withSlot(q, Integer.bitCount(q.bitmap & (qbit - 1)), replacement,
              replacement instanceof KnownAddress ? replacementKey : 0);
        }
        root = (Node) replacement;
        return;
      }
    }

    /**
     * The root after {@code path[depth]} was replaced by {@code node} (the same node when edited
     * in place): the path above is copied up to the first node edited in place.
     */
    private Node rebuild(int depth, long p, String h, Node node) {
      Node out = node;
      for (int k = depth - 1; k >= 0; k--) {
        if (out == path[k + 1]) {
          return root;
        }
        Node q = path[k];
        int bit = 1 << digit(p, h, k);
        out = withSlot(q, Integer.bitCount(q.bitmap & (bit - 1)), out, 0);
      }
      return out;
    }

    /** The subtrie at {@code depth} holding the two distinct entries {@code a} and {@code b}. */
    private Node pair(KnownAddress a, long ap, KnownAddress b, long bp, String bh, int depth) {
      String ah = depth < PREFIX_DIGITS ? null : a.id().hex();
      int da = ah == null ? digit(ap, null, depth) : digit(ah, depth);
      int db = digit(bp, bh, depth);
      if (da == db) {
        return new Node(owner, 1 << da, new Object[] {pair(a, ap, b, bp, bh, depth + 1)},
            new long[1]);
      }
      return new Node(owner, (1 << da) | (1 << db),
          da < db ? new Object[] {a, b} : new Object[] {b, a},
          da < db ? new long[] {ap, bp} : new long[] {bp, ap});
    }

    private Node withSlot(Node n, int at, Object value, long key) {
      if (owns(n)) {
        n.slots[at] = value;
        n.keys[at] = key;
        return n;
      }
      Object[] s = n.slots.clone();
      s[at] = value;
      long[] k = n.keys;
      // the copy shares the key array only if no one edits it in place: a node of an in-place
      // editor is written through later (this one's keys too), and the array would be that of n,
      // a node of a published trie, whose lookups would then miss
      if (owner != null || k[at] != key) {
        k = k.clone();
        k[at] = key;
      }
      return new Node(owner, n.bitmap, s, k);
    }

    private Node inserted(Node n, int bit, int at, Object value, long key) {
      int len = n.slots.length;
      Object[] s = new Object[len + 1];
      System.arraycopy(n.slots, 0, s, 0, at);
      s[at] = value;
      System.arraycopy(n.slots, at, s, at + 1, len - at);
      long[] k = new long[len + 1];
      System.arraycopy(n.keys, 0, k, 0, at);
      k[at] = key;
      System.arraycopy(n.keys, at, k, at + 1, len - at);
      if (owns(n)) {
        n.bitmap |= bit;
        n.slots = s;
        n.keys = k;
        return n;
      }
      return new Node(owner, n.bitmap | bit, s, k);
    }

    private Node removed(Node n, int bit, int at) {
      int len = n.slots.length;
      Object[] s = new Object[len - 1];
      System.arraycopy(n.slots, 0, s, 0, at);
      System.arraycopy(n.slots, at + 1, s, at, len - at - 1);
      long[] k = new long[len - 1];
      System.arraycopy(n.keys, 0, k, 0, at);
      System.arraycopy(n.keys, at + 1, k, at, len - at - 1);
      if (owns(n)) {
        n.bitmap &= ~bit;
        n.slots = s;
        n.keys = k;
        return n;
      }
      return new Node(owner, n.bitmap & ~bit, s, k);
    }
  }

  // ---------------------------------------------------------------- iteration (ID order)

  /** The entries in ID order. */
  private final class Entries implements Iterator<KnownAddress> {
    private final Node[] nodes = new Node[MAX_DEPTH + 1];
    private final int[] next = new int[MAX_DEPTH + 1];
    private int top = -1;
    private KnownAddress pending;

    Entries() {
      if (root != null) {
        top = 0;
        nodes[0] = root;
      }
      advance();
    }

    private void advance() {
      pending = null;
      while (top >= 0) {
        Node n = nodes[top];
        int i = next[top];
        if (i == n.slots.length) {
          next[top] = 0;
          nodes[top--] = null;
          continue;
        }
        next[top] = i + 1;
        Object o = n.slots[i];
        if (o instanceof Node child) {
          nodes[++top] = child;
          next[top] = 0;
        } else {
          pending = (KnownAddress) o;
          return;
        }
      }
    }

    @Override
    public boolean hasNext() {
      return pending != null;
    }

    @Override
    public KnownAddress next() {
      KnownAddress out = pending;
      if (out == null) {
        throw new NoSuchElementException();
      }
      advance();
      return out;
    }
  }

  /** The entries in ID order (a read-only view). */
  @Override
  public Collection<KnownAddress> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<KnownAddress> iterator() {
        return new Entries();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** (ID, entry) pairs in ID order (a read-only view). */
  @Override
  public Set<Map.Entry<NodeId, KnownAddress>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<NodeId, KnownAddress>> iterator() {
        Entries it = new Entries();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Map.Entry<NodeId, KnownAddress> next() {
            KnownAddress ka = it.next();
            return new SimpleImmutableEntry<>(ka.id(), ka);
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  // ---------------------------------------------------------------- equality

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (o instanceof IdTrie t) {
      return size == t.size && sameEntries(root, t.root);
    }
    return super.equals(o);
  }

  /** Canonical shapes: equal maps have nodes of equal bitmaps and equal slots, pairwise. */
  private static boolean sameEntries(Node a, Node b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null || a.bitmap != b.bitmap) {
      return false;
    }
    for (int i = 0; i < a.slots.length; i++) {
      Object x = a.slots[i];
      Object y = b.slots[i];
      if (x == y) {
        continue;
      }
      if (x instanceof Node nx) {
        if (!(y instanceof Node ny) || !sameEntries(nx, ny)) {
          return false;
        }
      } else if (y instanceof Node || !x.equals(y)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Calls {@code changed} with the ID of every entry that differs between this trie and {@code
   * other}: in one and not the other, or another object in each. Subtries the two share are
   * skipped, so the cost follows the edits between them, not their size. Where a slot holds an
   * entry in one trie and a subtrie in the other (an insertion split it, a removal merged it), the
   * IDs under both are given, some of them unchanged: callers read the entries of the IDs given.
   * IDs come in ID order, each once.
   */
  public void differences(IdTrie other, Consumer<NodeId> changed) {
    differences(root, other.root, changed);
  }

  private static void differences(Object a, Object b, Consumer<NodeId> changed) {
    if (a == b) {
      return;
    }
    if (a instanceof Node na && b instanceof Node nb) {
      int bits = na.bitmap | nb.bitmap;
      while (bits != 0) {
        int bit = bits & -bits;
        bits &= bits - 1;
        Object x = (na.bitmap & bit) == 0 ? null : na.slots[Integer.bitCount(na.bitmap & (bit - 1))];
        Object y = (nb.bitmap & bit) == 0 ? null : nb.slots[Integer.bitCount(nb.bitmap & (bit - 1))];
        differences(x, y, changed);
      }
    } else if (a instanceof KnownAddress ka && b instanceof KnownAddress kb) {
      int c = ka.id().compareTo(kb.id());
      changed.accept(c <= 0 ? ka.id() : kb.id());
      if (c != 0) {
        changed.accept(c < 0 ? kb.id() : ka.id());
      }
    } else {
      // one side absent, or an entry against a subtrie: every ID under either, in ID order
      java.util.TreeSet<NodeId> ids = new java.util.TreeSet<>();
      collect(a, ids);
      collect(b, ids);
      ids.forEach(changed);
    }
  }

  private static void collect(Object slot, java.util.Set<NodeId> into) {
    if (slot instanceof KnownAddress ka) {
      into.add(ka.id());
    } else if (slot instanceof Node n) {
      for (Object x : n.slots) {
        collect(x, into);
      }
    }
  }

  @Override
  public int hashCode() {
    return super.hashCode(); // the Map contract: sum over entries of hash(key) ^ hash(value)
  }
}
