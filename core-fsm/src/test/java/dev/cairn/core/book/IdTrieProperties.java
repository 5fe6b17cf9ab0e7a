package dev.cairn.core.book;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link IdTrie} is a sorted map by ID: after any sequence of {@code plus} and {@code minus} it
 * holds what a {@link TreeMap} holds, iterates in the same (ID) order, and its shape depends on
 * its content only (equal to the trie built afresh from that content, in any order). The IDs are
 * drawn from a pool that differs in a few digits only (first, second, third, a middle and the
 * last one), so that paths share long prefixes and nodes split and collapse deep in the trie.
 */
class IdTrieProperties {

  /** Positions where pool IDs differ and the digits used there. */
  private static final int[] POSITIONS = {0, 1, 2, 20, 39};
  private static final String DIGITS = "09af";
  static final int POOL = 1 << (2 * POSITIONS.length); // 4^5 = 1024 IDs

  static NodeId poolId(int i) {
    char[] c = "0".repeat(NodeId.HEX_LENGTH).toCharArray();
    int rest = i;
    for (int p : POSITIONS) {
      c[p] = DIGITS.charAt(rest & 3);
      rest >>>= 2;
    }
    return new NodeId(new String(c));
  }

  static KnownAddress entry(int i, int version) {
    NodeAddress a = new NodeAddress(poolId(i), "10.0." + (version & 0xff) + ".1", 26656);
    return KnownAddress.fresh(a, a, new WallTime(1_000_000L + version));
  }

  /** Put (true) or remove (false) of pool ID {@code id}; a put stores version {@code version}. */
  record Op(boolean put, int id, int version) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    // a small range of IDs at times, so that removes hit and nodes empty out
    Arbitrary<Integer> ids = Arbitraries.oneOf(Arbitraries.integers().between(0, POOL - 1),
        Arbitraries.integers().between(0, 15));
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9), ids,
        Arbitraries.integers().between(0, 3)).as((k, id, v) -> new Op(k < 6, id, v));
    return op.list().ofMaxSize(400);
  }

  @Property(tries = 300)
  void behavesAsSortedMap(@ForAll("ops") List<Op> ops) {
    IdTrie trie = IdTrie.empty();
    TreeMap<NodeId, KnownAddress> model = new TreeMap<>();
    for (Op op : ops) {
      IdTrie before = trie;
      if (op.put()) {
        KnownAddress ka = entry(op.id(), op.version());
        KnownAddress had = model.put(ka.id(), ka);
        KnownAddress stored = trie.get(ka.id());
        trie = trie.plus(ka);
        if (stored != null) { // the same edit by identity along the entry's path
          IdTrie replaced = before.replaced(stored, ka, IdTrie.prefix(ka.id()));
          assertThat(replaced.equals(trie)).isTrue();
          assertThat(replaced.size()).isEqualTo(trie.size());
          assertThat(new ArrayList<>(replaced.values())).containsExactlyElementsOf(trie.values());
        }
        if (had != null && had.equals(ka)) {
          assertThat(trie).isEqualTo(before);
        }
        assertThat(trie.plus(trie.get(ka.id()))).isSameAs(trie);
      } else {
        KnownAddress had = model.remove(poolId(op.id()));
        trie = trie.minus(poolId(op.id()));
        if (had == null) {
          assertThat(trie).isSameAs(before);
        }
      }
      assertThat(trie.size()).isEqualTo(model.size());
    }
    for (int i = 0; i < POOL; i++) {
      NodeId id = poolId(i);
      assertThat(trie.get(id)).isEqualTo(model.get(id));
      assertThat(trie.containsKey(id)).isEqualTo(model.containsKey(id));
    }
    assertThat(new ArrayList<>(trie.values())).containsExactlyElementsOf(model.values());
    assertThat(new ArrayList<>(trie.keySet())).containsExactlyElementsOf(model.keySet());
    assertThat(trie).isEqualTo(model);
    assertThat(model).isEqualTo(trie);
    assertThat(trie.hashCode()).isEqualTo(model.hashCode());

    // canonical shape: the same content built afresh, forwards and backwards, is equal
    IdTrie forwards = IdTrie.empty();
    for (KnownAddress ka : model.values()) {
      forwards = forwards.plus(ka);
    }
    IdTrie backwards = IdTrie.empty();
    for (KnownAddress ka : model.descendingMap().values()) {
      backwards = backwards.plus(ka);
    }
    assertThat(trie.equals(forwards)).isTrue();
    assertThat(trie.equals(backwards)).isTrue();
    assertThat(forwards.equals(backwards)).isTrue();
  }

  /**
   * An {@link IdTrie.Editor} (edits in place of the nodes it created) gives the tries the
   * persistent {@code plus}/{@code minus} give, however its edits are cut by publications, and
   * never changes a trie once published (nor the one it started from): each published trie still
   * holds, at the end, what the model held when it was published.
   */
  @Property(tries = 300)
  void editorMatchesPersistentEdits(
      @ForAll("ops") List<Op> start, @ForAll("ops") List<Op> ops,
      @ForAll("cuts") List<Boolean> publishAfter) {
    IdTrie base = IdTrie.empty();
    for (Op op : start) {
      base = op.put() ? base.plus(entry(op.id(), op.version())) : base.minus(poolId(op.id()));
    }
    TreeMap<NodeId, KnownAddress> baseContent = new TreeMap<>(base);
    IdTrie persistent = base;
    IdTrie.Editor editor = new IdTrie.Editor(base);
    List<IdTrie> published = new ArrayList<>();
    List<TreeMap<NodeId, KnownAddress>> publishedContent = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (op.put()) {
        KnownAddress ka = entry(op.id(), op.version());
        persistent = persistent.plus(ka);
        editor.plus(ka);
      } else {
        KnownAddress stored = editor.get(poolId(op.id()));
        persistent = persistent.minus(poolId(op.id()));
        if (stored != null && op.version() % 2 == 0) {
          editor.minus(stored, IdTrie.prefix(stored.id())); // by identity
        } else {
          editor.minus(poolId(op.id()));
        }
      }
      assertThat(editor.size()).isEqualTo(persistent.size());
      NodeId probe = poolId(op.id());
      assertThat(editor.get(probe)).isEqualTo(persistent.get(probe));
      if (i < publishAfter.size() && publishAfter.get(i)) {
        IdTrie t = editor.trie();
        assertThat(t.equals(persistent)).isTrue();
        published.add(t);
        publishedContent.add(new TreeMap<>(persistent));
      }
    }
    IdTrie last = editor.trie();
    assertThat(last.equals(persistent)).isTrue();
    assertThat(persistent.equals(last)).isTrue();
    assertThat(new ArrayList<>(last.values())).containsExactlyElementsOf(persistent.values());
    assertThat(editor.isChanged()).isFalse();
    assertThat(editor.trie()).isSameAs(last);
    assertThat(base).isEqualTo(baseContent);
    assertThat(new ArrayList<>(base.values())).containsExactlyElementsOf(baseContent.values());
    foundByLookup(base, baseContent);
    for (int i = 0; i < published.size(); i++) {
      assertThat(published.get(i)).isEqualTo(publishedContent.get(i));
      assertThat(new ArrayList<>(published.get(i).values()))
          .containsExactlyElementsOf(publishedContent.get(i).values());
      foundByLookup(published.get(i), publishedContent.get(i));
    }
  }

  /**
   * Each entry of {@code content} is found in {@code trie} by its ID (a lookup reads the node keys
   * an in-place edit could overwrite, where iteration and map equality do not), and the pool's
   * other IDs are not.
   */
  private static void foundByLookup(IdTrie trie, TreeMap<NodeId, KnownAddress> content) {
    for (KnownAddress ka : content.values()) {
      assertThat(trie.get(ka.id())).as("lookup of %s", ka.id()).isSameAs(ka);
    }
    for (int i = 0; i < POOL; i++) {
      if (!content.containsKey(poolId(i))) {
        assertThat(trie.get(poolId(i))).isNull();
      }
    }
  }

  @Provide
  Arbitrary<List<Boolean>> cuts() {
    return Arbitraries.integers().between(0, 19).map(k -> k == 0).list().ofMaxSize(400);
  }

  /**
   * {@link IdTrie#differences} names every ID whose entry differs between two tries (by identity:
   * absent in one, or another object), in ID order, each once, and only IDs of either trie; the
   * same both ways round. A replaced entry alone is named alone, and a trie has no differences
   * with itself.
   */
  @Property(tries = 300)
  void differencesNameEveryChangedEntry(@ForAll("ops") List<Op> start, @ForAll("ops") List<Op> ops) {
    IdTrie base = applied(IdTrie.empty(), start);
    IdTrie after = applied(base, ops);
    List<NodeId> named = new ArrayList<>();
    base.differences(after, named::add);
    for (int i = 0; i < POOL; i++) {
      NodeId id = poolId(i);
      if (base.get(id) != after.get(id)) {
        assertThat(named).as("changed %s", id).contains(id);
      }
    }
    assertThat(named).isSortedAccordingTo(NodeId::compareTo).doesNotHaveDuplicates();
    assertThat(named).allMatch(id -> base.containsKey(id) || after.containsKey(id));
    List<NodeId> back = new ArrayList<>();
    after.differences(base, back::add);
    assertThat(back).isEqualTo(named);

    List<NodeId> none = new ArrayList<>();
    after.differences(after, none::add);
    assertThat(none).isEmpty();
    for (KnownAddress ka : after.values()) {
      List<NodeId> one = new ArrayList<>();
      after.differences(after.plus(entry(poolIndex(ka.id()), 7)), one::add);
      assertThat(one).containsExactly(ka.id());
    }
  }

  private static IdTrie applied(IdTrie trie, List<Op> ops) {
    IdTrie t = trie;
    for (Op op : ops) {
      t = op.put() ? t.plus(entry(op.id(), op.version())) : t.minus(poolId(op.id()));
    }
    return t;
  }

  @Property(tries = 100)
  void differentContentIsUnequal(@ForAll("ops") List<Op> ops) {
    IdTrie trie = IdTrie.empty();
    for (Op op : ops) {
      trie = op.put() ? trie.plus(entry(op.id(), op.version())) : trie.minus(poolId(op.id()));
    }
    for (Map.Entry<NodeId, KnownAddress> e : trie.entrySet()) {
      KnownAddress other = entry(poolIndex(e.getKey()), 7);
      assertThat(trie.plus(other)).isNotEqualTo(trie);
      assertThat(trie.minus(e.getKey())).isNotEqualTo(trie);
    }
  }

  @Example
  void emptiesOut() {
    IdTrie trie = IdTrie.empty();
    for (int i = 0; i < POOL; i++) {
      trie = trie.plus(entry(i, 1));
    }
    assertThat(trie.size()).isEqualTo(POOL);
    for (int i = POOL - 1; i >= 0; i--) {
      trie = trie.minus(poolId(i));
    }
    assertThat(trie.isEmpty()).isTrue();
    assertThat(trie.values()).isEmpty();
    assertThat(trie).isEqualTo(IdTrie.empty());
  }

  private static int poolIndex(NodeId id) {
    int i = 0;
    for (int k = POSITIONS.length - 1; k >= 0; k--) {
      i = (i << 2) | DIGITS.indexOf(id.hex().charAt(POSITIONS[k]));
    }
    return i;
  }
}
