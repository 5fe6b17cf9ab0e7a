package dev.cairn.core.peer;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

/**
 * The timer table: {@code key -> deadline}, immutable. Its value (equality, TLA+ mapping) is
 * {@link #deadlines()} alone. It is one persistent balanced (AVL) tree ordered by key in which
 * every node also holds the earliest deadline of its subtree, so that a lookup, an arm and a
 * cancel each walk and copy one path, the earliest deadline is read at the root and the expired
 * timers are found without visiting subtrees that hold none: all in logarithmic time, whatever
 * the number of retry timers.
 */
public final class Timers {

  /**
   * One armed timer and its subtree; {@code earliest} is the minimum deadline in the subtree.
   * {@code kind} and {@code prefix} are the key's kind and its peer's {@link NodeId#prefix} (0
   * for the maintenance timer): a search compares them and reads the peer's ID only when both
   * are equal.
   */
  private record Node(TimerKey key, int kind, long prefix, MonoTime at, Node left, Node right,
      int height, int size, MonoTime earliest) {}

  private static final Timers EMPTY = new Timers(null);

  private final Node root;

  private Timers(Node root) {
    this.root = root;
  }

  public static Timers empty() {
    return EMPTY;
  }

  /**
   * {@code key -> deadline}, sorted by key (the maintenance timer, then retry timers by peer,
   * then cool-downs by peer). Built on each call, in one walk: for encoders, mappings and
   * checks, not for the step itself.
   */
  public PSortedMap<TimerKey, MonoTime> deadlines() {
    List<Node> nodes = new ArrayList<>(size());
    inOrder(root, nodes);
    PSortedMap<TimerKey, MonoTime> m = TreePMap.empty();
    for (Node n : nodes) {
      m = m.plus(n.key(), n.at());
    }
    return m;
  }

  private static void inOrder(Node n, List<Node> out) {
    if (n != null) {
      inOrder(n.left(), out);
      out.add(n);
      inOrder(n.right(), out);
    }
  }

  public int size() {
    return root == null ? 0 : root.size();
  }

  public boolean isArmed(TimerKey key) {
    NodeId peer = TimerKey.peerOf(key);
    return find(kind(key), prefix(peer), peer) != null;
  }

  /** Whether {@code peer}'s {@link TimerKey.RetryDial} is armed (no key is built). */
  public boolean isRetryDialArmed(NodeId peer) {
    return root != null && find(1, peer.prefix(), peer) != null;
  }

  /** Whether {@code peer}'s {@link TimerKey.DisconnectCooldown} is armed (no key is built). */
  public boolean isDisconnectCooldownArmed(NodeId peer) {
    return root != null && find(2, peer.prefix(), peer) != null;
  }

  public Optional<MonoTime> deadline(TimerKey key) {
    NodeId peer = TimerKey.peerOf(key);
    Node n = find(kind(key), prefix(peer), peer);
    return n == null ? Optional.empty() : Optional.of(n.at());
  }

  /** Arms {@code key} at {@code at}, replacing any earlier deadline of the same key. */
  public Timers arm(TimerKey key, MonoTime at) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(at, "at");
    NodeId peer = TimerKey.peerOf(key);
    Node r = put(root, key, kind(key), prefix(peer), peer, at);
    return r == root ? this : new Timers(r);
  }

  public Timers cancel(TimerKey key) {
    if (root == null) {
      return this;
    }
    NodeId peer = TimerKey.peerOf(key);
    Node r = remove(root, kind(key), prefix(peer), peer);
    return r == root ? this : new Timers(r);
  }

  private static long prefix(NodeId peer) {
    return peer == null ? 0 : peer.prefix();
  }

  /** The earliest deadline, if any timer is armed. */
  public Optional<MonoTime> nextDeadline() {
    return root == null ? Optional.empty() : Optional.of(root.earliest());
  }

  /** Keys whose deadline is at or before {@code now}, in key order (the order they fire in). */
  public List<TimerKey> expired(MonoTime now) {
    if (root == null || root.earliest().isAfter(now)) {
      return List.of(); // the common case: nothing to walk
    }
    List<TimerKey> keys = new ArrayList<>();
    collect(root, now, keys);
    return keys;
  }

  /** In key order, skipping every subtree whose earliest deadline is after {@code now}. */
  private static void collect(Node n, MonoTime now, List<TimerKey> out) {
    if (n == null || n.earliest().isAfter(now)) {
      return;
    }
    collect(n.left(), now, out);
    if (!n.at().isAfter(now)) {
      out.add(n.key());
    }
    collect(n.right(), now, out);
  }

  // ---------------------------------------------------------------- the tree

  /** 0, 1, 2 for Maintenance, RetryDial, DisconnectCooldown: {@link TimerKey}'s order by kind. */
  private static int kind(TimerKey k) {
    return k instanceof TimerKey.RetryDial ? 1 : k instanceof TimerKey.DisconnectCooldown ? 2 : 0;
  }

  /**
   * {@link TimerKey#compareTo} of the key (kind, peer) against {@code n}'s key, without building
   * the key; {@code prefix} is the peer's {@link NodeId#prefix}.
   */
  private static int compare(int kind, long prefix, NodeId peer, Node n) {
    int c = Integer.compare(kind, n.kind());
    if (c != 0 || peer == null) {
      return c;
    }
    c = Long.compareUnsigned(prefix, n.prefix());
    return c != 0 ? c : peer.compareTo(TimerKey.peerOf(n.key()));
  }

  private Node find(int kind, long prefix, NodeId peer) {
    Node n = root;
    while (n != null) {
      int c = compare(kind, prefix, peer, n);
      if (c == 0) {
        return n;
      }
      n = c < 0 ? n.left() : n.right();
    }
    return null;
  }

  private static int height(Node n) {
    return n == null ? 0 : n.height();
  }

  /** A node of the key of {@code k} (its kind and prefix too) at {@code at}. */
  private static Node node(Node k, MonoTime at, Node left, Node right) {
    return node(k.key(), k.kind(), k.prefix(), at, left, right);
  }

  private static Node node(TimerKey key, int kind, long prefix, MonoTime at, Node left,
      Node right) {
    MonoTime earliest = at;
    if (left != null && left.earliest().compareTo(earliest) < 0) {
      earliest = left.earliest();
    }
    if (right != null && right.earliest().compareTo(earliest) < 0) {
      earliest = right.earliest();
    }
    return new Node(key, kind, prefix, at, left, right, Math.max(height(left), height(right)) + 1,
        (left == null ? 0 : left.size()) + (right == null ? 0 : right.size()) + 1, earliest);
  }

  /**
   * {@link #node} of the key of {@code k} at {@code at} over {@code l} and {@code r}, after at
   * most one single or double rotation: heights differ by at most one.
   */
  private static Node balanced(Node k, MonoTime at, Node l, Node r) {
    int hl = height(l);
    int hr = height(r);
    if (hl > hr + 1) {
      if (height(l.left()) >= height(l.right())) {
        return node(l, l.at(), l.left(), node(k, at, l.right(), r));
      }
      Node lr = l.right();
      return node(lr, lr.at(), node(l, l.at(), l.left(), lr.left()),
          node(k, at, lr.right(), r));
    }
    if (hr > hl + 1) {
      if (height(r.right()) >= height(r.left())) {
        return node(r, r.at(), node(k, at, l, r.left()), r.right());
      }
      Node rl = r.left();
      return node(rl, rl.at(), node(k, at, l, rl.left()),
          node(r, r.at(), rl.right(), r.right()));
    }
    return node(k, at, l, r);
  }

  private static Node put(Node n, TimerKey key, int kind, long prefix, NodeId peer, MonoTime at) {
    if (n == null) {
      return node(key, kind, prefix, at, null, null);
    }
    int c = compare(kind, prefix, peer, n);
    if (c == 0) {
      return at.equals(n.at()) ? n : node(n, at, n.left(), n.right());
    }
    if (c < 0) {
      Node l = put(n.left(), key, kind, prefix, peer, at);
      return l == n.left() ? n : balanced(n, n.at(), l, n.right());
    }
    Node r = put(n.right(), key, kind, prefix, peer, at);
    return r == n.right() ? n : balanced(n, n.at(), n.left(), r);
  }

  private static Node remove(Node n, int kind, long prefix, NodeId peer) {
    if (n == null) {
      return null;
    }
    int c = compare(kind, prefix, peer, n);
    if (c < 0) {
      Node l = remove(n.left(), kind, prefix, peer);
      return l == n.left() ? n : balanced(n, n.at(), l, n.right());
    }
    if (c > 0) {
      Node r = remove(n.right(), kind, prefix, peer);
      return r == n.right() ? n : balanced(n, n.at(), n.left(), r);
    }
    if (n.left() == null) {
      return n.right();
    }
    if (n.right() == null) {
      return n.left();
    }
    Node first = n.right();
    while (first.left() != null) {
      first = first.left();
    }
    return balanced(first, first.at(), n.left(), removeFirst(n.right()));
  }

  private static Node removeFirst(Node n) {
    if (n.left() == null) {
      return n.right();
    }
    return balanced(n, n.at(), removeFirst(n.left()), n.right());
  }

  // ---------------------------------------------------------------- value

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Timers t) || t.size() != size()) {
      return false;
    }
    List<Node> mine = new ArrayList<>(size());
    List<Node> theirs = new ArrayList<>(size());
    inOrder(root, mine);
    inOrder(t.root, theirs);
    for (int i = 0; i < mine.size(); i++) {
      if (!mine.get(i).key().equals(theirs.get(i).key()) || !mine.get(i).at().equals(theirs.get(i).at())) {
        return false;
      }
    }
    return true;
  }

  /** {@link java.util.Map#hashCode()} of {@link #deadlines()}. */
  @Override
  public int hashCode() {
    List<Node> nodes = new ArrayList<>(size());
    inOrder(root, nodes);
    int h = 0;
    for (Node n : nodes) {
      h += n.key().hashCode() ^ n.at().hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    List<Node> nodes = new ArrayList<>(size());
    inOrder(root, nodes);
    StringBuilder b = new StringBuilder("{");
    for (Node n : nodes) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(n.key()).append('=').append(n.at());
    }
    return b.append('}').toString();
  }
}
