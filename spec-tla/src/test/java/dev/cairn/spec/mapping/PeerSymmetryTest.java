package dev.cairn.spec.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaValues;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tlc2.value.IMVPerm;
import tlc2.value.impl.ModelValue;
import tlc2.value.impl.Value;

/**
 * The renaming of ordinary peers behind the pair checker's symmetric memo: it permutes the
 * ordinary peers only, values that differ by a permutation of them get one renamed form, and
 * values that differ otherwise (a named peer in an ordinary peer's place, another status) do not.
 */
class PeerSymmetryTest {

  static Tla tla;
  static final TlaModelValue A = new TlaModelValue("symA");
  static final TlaModelValue B = new TlaModelValue("symB");
  static final TlaModelValue C = new TlaModelValue("symC");
  static final TlaModelValue NAMED = new TlaModelValue("symNamed");

  @BeforeAll
  static void load() {
    // a loaded spec initialises TLC's fingerprints and model values
    tla = Tla.load(Path.of(System.getProperty("cairn.tla.main", "src/main/tla")), "MCCore", "MCCore");
  }

  @AfterAll
  static void close() {
    tla.close();
  }

  static PeerSymmetry symmetry() {
    return new PeerSymmetry(List.of(mv(A), mv(B), mv(C)));
  }

  static ModelValue mv(TlaModelValue m) {
    return (ModelValue) TlaValues.toTla(m);
  }

  static Value state(TlaModelValue known, TlaModelValue banned, TlaModelValue dialing, TlaModelValue named) {
    return TlaValues.toTla(Map.of("book", Map.of(known, Map.of("status", "known"), banned, Map.of("status", "banned")),
        "dialing", Set.of(dialing), "outbox", Set.of(Map.of("type", "Dial", "peer", dialing)), "owner", named));
  }

  static long renamed(PeerSymmetry s, Value v) {
    return PeerSymmetry.fingerprint(v, s.renaming(new Value[] {v}));
  }

  @Test
  void valuesThatDifferByAPermutationOfOrdinaryPeersGetOneForm() {
    PeerSymmetry s = symmetry();
    Value one = state(A, B, C, NAMED);
    List<Value> images = List.of(state(B, A, C, NAMED), state(C, B, A, NAMED), state(B, C, A, NAMED),
        state(C, A, B, NAMED), state(A, C, B, NAMED));
    for (Value v : images) {
      assertThat(renamed(s, v)).as(v.toString()).isEqualTo(renamed(s, one));
      assertThat(v.fingerPrint(tlc2.util.FP64.New())).isNotEqualTo(one.fingerPrint(tlc2.util.FP64.New()));
    }
  }

  @Test
  void valuesThatDifferOtherwiseKeepDistinctForms() {
    PeerSymmetry s = symmetry();
    Value one = state(A, B, C, NAMED);
    // a named peer is never renamed: in an ordinary peer's place it makes another value
    assertThat(renamed(s, state(NAMED, B, C, A))).isNotEqualTo(renamed(s, one));
    assertThat(renamed(s, state(A, NAMED, C, B))).isNotEqualTo(renamed(s, one));
    // the same peer known and dialed is not a peer known and another dialed
    assertThat(renamed(s, state(A, B, A, NAMED))).isNotEqualTo(renamed(s, one));
  }

  /**
   * The symmetric memo is sound because the spec tells ordinary peers apart nowhere: no constant
   * names them (checked by the checker itself) and no {@code CHOOSE} picks among several of them
   * (TLC's {@code CHOOSE} follows the names of model values). A new {@code CHOOSE} in a module the
   * trace model loads fails here until it is shown not to pick among ordinary peers and added.
   */
  @Test
  void theSpecChoosesAmongOrdinaryPeersNowhere() throws Exception {
    Path dir = Path.of(System.getProperty("cairn.tla.main", "src/main/tla"));
    List<String> known = List.of(
        "Core.tla: ELSE LET e == CHOOSE e \\in U : TRUE IN", // U: the one update a PeerManager step publishes
        // KnowAll, ForgetAll, RenewAll: each peer chosen gets the same value (or the same
        // change), so every order gives the same book
        "PeerManager.tla: ELSE LET p == CHOOSE q \\in L : TRUE",
        "PeerManager.tla: ELSE LET p == CHOOSE q \\in F : TRUE",
        "PeerManager.tla: ELSE LET p == CHOOSE q \\in R : TRUE",
        "TraceCore.tla: TracePersistentNext(todo) == {CHOOSE p \\in todo : \\A q \\in todo : Rank[p] <= Rank[q]}");
    List<String> found = new java.util.ArrayList<>();
    for (String m : TraceModel.MODULES) {
      for (String line : java.nio.file.Files.readAllLines(dir.resolve(m))) {
        if (line.contains("CHOOSE") && !line.strip().startsWith("\\*") && !line.strip().startsWith("(*")) {
          found.add(m + ": " + line.strip());
        }
      }
    }
    assertThat(found).containsExactlyInAnyOrderElementsOf(known);
  }

  /** The hash of a value as renamed is the hash of the value TLC's own renaming builds. */
  @Test
  void theRenamedHashIsTheHashOfTheRenamedValue() {
    PeerSymmetry s = symmetry();
    int moved = 0;
    for (Value v : List.of(state(A, B, C, NAMED), state(C, B, A, NAMED), state(B, C, A, NAMED),
        state(NAMED, C, B, A), state(B, A, C, NAMED), state(C, A, B, NAMED))) {
      IMVPerm p = s.renaming(new Value[] {v});
      if (p == null) {
        continue; // already in the standard order
      }
      moved++;
      Value built = (Value) v.permute(p);
      built.deepNormalize();
      assertThat(PeerSymmetry.fingerprint(v, p)).isEqualTo(PeerSymmetry.fingerprint(built, null));
      assertThat(PeerSymmetry.fingerprint(v, p)).isNotEqualTo(PeerSymmetry.fingerprint(v, null));
    }
    assertThat(moved).as("states whose peers the renaming moves").isGreaterThanOrEqualTo(4);
  }

  @Test
  void theHashTellsApartValuesOfEveryKind() {
    List<Object> values = List.of(1, 2, "known", "banned", true, false, A, B, NAMED, Set.of(), Set.of(A),
        Set.of(A, B), Map.of("status", "known"), Map.of("status", "banned"), Map.of("state", "known"),
        Map.of(A, "known"), Map.of(B, "known"), Map.of(A, "known", B, "known"), List.of(A, B), List.of(B, A));
    Set<Long> hashes = new java.util.HashSet<>();
    for (Object o : values) {
      hashes.add(PeerSymmetry.fingerprint(TlaValues.toTla(o), null));
    }
    assertThat(hashes).hasSize(values.size());
  }

  @Test
  void theRenamingMovesOrdinaryPeersOnlyAndIsAPermutation() {
    PeerSymmetry s = symmetry();
    for (Value v : List.of(state(C, B, A, NAMED), state(B, C, A, NAMED), state(NAMED, C, B, A))) {
      IMVPerm p = s.renaming(new Value[] {v});
      if (p == null) {
        continue;
      }
      assertThat(p.get(mv(NAMED))).isNull();
      Set<Object> images = new java.util.HashSet<>();
      for (TlaModelValue m : List.of(A, B, C)) {
        Object to = p.get(mv(m));
        images.add(to == null ? mv(m) : to);
      }
      assertThat(images).containsExactlyInAnyOrder(mv(A), mv(B), mv(C));
    }
  }
}
