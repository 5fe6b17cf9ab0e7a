package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cfg's invariants split into the parts the pair checker memoises on their own. */
class TlaInvariantPartsTest {

  private static final TlaModelValue P1 = TlaModelValue.of("p1");
  private static final TlaModelValue P2 = TlaModelValue.of("p2");
  private static Tla tla;
  private static List<Tla.InvariantPart> parts;

  @BeforeAll
  static void load() {
    tla = Tla.load(SpecDirs.test(), "Parts", "Parts");
    parts = tla.invariantParts();
  }

  @AfterAll
  static void close() {
    tla.close();
  }

  @Test
  void conjunctionsAreSplitThroughDefinitionsAndOtherFormulasKeptWhole() {
    assertThat(tla.invariantNames()).containsExactly("TypeOK", "Infix", "Implied", "Guarded");
    assertThat(parts).containsExactly(
        new Tla.InvariantPart(0, Set.of("conn")), // ConnOK, through its definition
        new Tla.InvariantPart(0, Set.of("log")),
        new Tla.InvariantPart(0, Set.of("n")), // Limit is a constant: no variable
        new Tla.InvariantPart(1, Set.of("n")),
        new Tla.InvariantPart(1, Set.of("conn")),
        new Tla.InvariantPart(2, Set.of("log")), // an implication: one part
        new Tla.InvariantPart(3, Set.of("log")),
        new Tla.InvariantPart(3, Set.of("log")));
  }

  @Test
  void theDefinitionsTheInvariantsUseAreFoundThroughOtherDefinitions() {
    // TypeOK uses ConnOK, Seq (Sequences) and Limit, Infix Limit, Guarded Len (Sequences); Init and
    // Next are not invariants and are used by none
    assertThat(tla.invariantUses()).contains("Parts!ConnOK", "Parts!Limit", "Sequences!Len", "Sequences!Seq")
        .doesNotContain("Parts!Init", "Parts!Next");
  }

  @Test
  void anInvariantHoldsExactlyWhenEachOfItsPartsDoes() {
    List<TlaState> states = List.of(
        state(Set.of(), List.of("dial"), 0),
        state(Set.of(P1), List.of("drop", "dial"), 3),
        state(Set.of(P1, P2), List.of("dial"), 1),
        state(Set.of(P2), List.of("dial", "hang up"), 7));
    for (TlaState s : states) {
      for (int inv = 0; inv < tla.invariantNames().size(); inv++) {
        boolean all = true;
        for (int j = 0; j < parts.size(); j++) {
          if (parts.get(j).invariant() == inv) {
            all &= tla.invariantPartHolds(j, s.tlcState());
          }
        }
        assertThat(all).as("%s in %s", tla.invariantNames().get(inv), s)
            .isEqualTo(tla.invariantHolds(inv, s.tlcState()));
      }
    }
    TlaState bad = states.get(3);
    assertThat(tla.invariantPartHolds(1, bad.tlcState())).as("a log entry outside the type").isFalse();
    assertThat(tla.invariantPartHolds(2, bad.tlcState())).as("n above the limit").isFalse();
    assertThat(tla.invariantPartHolds(0, bad.tlcState())).isTrue();
  }

  @Test
  void aGuardedPartFailsAloneWhereItsInvariantIsFalse() {
    TlaState empty = state(Set.of(), List.of(), 0);
    assertThat(tla.invariantHolds(3, empty.tlcState())).isFalse();
    assertThat(tla.invariantPartHolds(6, empty.tlcState())).isFalse();
    assertThatThrownBy(() -> tla.invariantPartHolds(7, empty.tlcState()))
        .as("log[1] of the empty log, evaluated without its guard")
        .isInstanceOf(RuntimeException.class);
  }

  private static TlaState state(Set<TlaModelValue> conn, List<String> log, int n) {
    return tla.state(Map.of("conn", conn, "log", log, "n", n));
  }
}
