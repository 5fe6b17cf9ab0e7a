package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The facade against a spec small enough to know every answer. */
class TlaToyTest {

  private static final TlaModelValue P1 = TlaModelValue.of("p1");
  private static final TlaModelValue P2 = TlaModelValue.of("p2");
  private static final TlaModelValue P3 = TlaModelValue.of("p3");
  private static Tla tla;

  @BeforeAll
  static void load() {
    tla = Tla.load(SpecDirs.test(), "Toy", "Toy");
  }

  @AfterAll
  static void close() {
    tla.close();
  }

  @Test
  void readsConstantsVariablesAndInitialState() {
    assertThat(tla.variables()).containsExactly("conn", "log");
    assertThat(tla.constant("Max")).isEqualTo(2);
    assertThat(tla.constant("Peer")).isEqualTo(Set.of(P1, P2, P3));
    List<TlaState> init = tla.initialStates();
    assertThat(init).hasSize(1);
    assertThat(init.get(0).variables()).isEqualTo(Map.of("conn", Set.of(), "log", List.of()));
  }

  @Test
  void successorsOfANamedActionWithJavaArguments() {
    TlaState s0 = tla.initialStates().get(0);
    List<TlaState> next = tla.successors(s0, "Dial", P1);
    assertThat(next).hasSize(1);
    assertThat(next.get(0).get("conn")).isEqualTo(Set.of(P1));
    assertThat(next.get(0).get("log")).isEqualTo(List.of("dial", P1));
    assertThat(tla.successors(s0, "Drop", P1)).as("Drop is not enabled").isEmpty();

    TlaState full = tla.state(Map.of("conn", Set.of(P1, P2), "log", List.of()));
    assertThat(tla.successors(full, "Dial", P3)).as("limit reached").isEmpty();
  }

  @Test
  void aPairSeesTheValueItIsGivenAndNoOtherPairDoes() throws Exception {
    tlc2.tool.TLCState s = tla.state(Map.of("conn", Set.of(), "log", List.of())).tlcState();
    tlc2.tool.TLCState t = tla.state(Map.of("conn", Set.of(P1), "log", List.of("dial", P1))).tlcState();
    Tla.Given reason = tla.given("Reason");
    Tla.Pair busy = tla.pair("DialFor", P1, "busy");
    assertThat(tla.isStep(s, tla.pair("DialFor", P1, "none"), t)).as("the spec's value").isTrue();
    assertThat(tla.isStep(s, busy, t)).isFalse();
    Tla.Pair given = busy.with(reason, TlaValues.toTla("busy"));
    assertThat(tla.isStep(s, given, t)).as("the value given, read through another definition").isTrue();
    assertThat(tla.isStep(s, busy, t)).as("the pair it was given to is left as it was").isFalse();
    // pairs given different values, checked at once on two threads, each see their own
    Tla.Pair idle = tla.pair("DialFor", P1, "idle").with(reason, TlaValues.toTla("idle"));
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<Boolean>> checks = new java.util.ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        Tla.Pair p = i % 2 == 0 ? given : idle;
        Tla.Pair wrong = i % 2 == 0 ? tla.pair("DialFor", P1, "idle").with(reason, TlaValues.toTla("busy"))
            : tla.pair("DialFor", P1, "busy").with(reason, TlaValues.toTla("idle"));
        checks.add(two.submit(() -> tla.isStep(s, p, t) && !tla.isStep(s, wrong, t)));
      }
      for (java.util.concurrent.Future<Boolean> c : checks) {
        assertThat(c.get()).isTrue();
      }
    } finally {
      two.shutdownNow();
    }
  }

  @Test
  void labelledTransitionsCarryActionNamesAndArguments() {
    TlaState s = tla.state(Map.of("conn", Set.of(P1), "log", List.of()));
    List<Tla.Transition> ts = tla.transitions(s);
    assertThat(ts).extracting(t -> t.action() + t.arguments())
        .containsExactlyInAnyOrder("Dial{p=p2}", "Dial{p=p3}", "Drop{p=p1}");
  }

  @Test
  void buildsStatesThatEqualTlcsOwn() {
    TlaState viaTlc = tla.successors(tla.initialStates().get(0), "Dial", P2).get(0);
    TlaState viaJava = tla.state(Map.of("conn", Set.of(P2), "log", List.of("dial", P2)));
    assertThat(viaJava).isEqualTo(viaTlc);
    assertThat(viaJava.hashCode()).isEqualTo(viaTlc.hashCode());
    assertThat(viaJava.fingerprint()).isEqualTo(viaTlc.fingerprint());
  }

  @Test
  void evaluatesInvariantsAndDefinitions() {
    TlaState s = tla.state(Map.of("conn", Set.of(P1), "log", List.of()));
    assertThat(tla.invariantNames()).containsExactly("WithinMax", "NoneConnected");
    assertThat(tla.violatedInvariants(s)).containsExactly("NoneConnected");
    assertThat(tla.holds("WithinMax", s)).isTrue();
    assertThat(tla.eval("Free", s)).isEqualTo(1);
    assertThat(tla.eval("Record", s)).isEqualTo(Map.of("size", 1, "peers", Set.of(P1)));
    TlaState over = tla.state(Map.of("conn", Set.of(P1, P2, P3), "log", List.of()));
    assertThat(tla.violatedInvariants(over)).containsExactly("WithinMax", "NoneConnected");
  }

  @Test
  void namesWhatIsWrongWithACall() {
    TlaState s = tla.initialStates().get(0);
    assertThatThrownBy(() -> tla.successors(s, "Connect", P1)).hasMessageContaining("no definition Connect");
    assertThatThrownBy(() -> tla.successors(s, "Dial")).hasMessageContaining("takes 1 arguments, got 0");
    assertThatThrownBy(() -> tla.state(Map.of("conn", Set.of()))).hasMessageContaining("no value for variable log");
    assertThatThrownBy(() -> tla.state(Map.of("conn", Set.of(), "log", List.of(), "x", 1)))
        .hasMessageContaining("no variable x");
  }

  @Test
  void aDefinitionInJavaIsWhatItsApplicationsEvaluate() throws Exception {
    // Spare(n) == n - Cardinality(conn); SpareOfMax == Spare(Max), with Max = 2
    TlaState s = tla.state(Map.of("conn", Set.of(P1), "log", List.of()));
    assertThat(tla.eval("SpareOfMax", s)).isEqualTo(1);
    tla.defineInJava("Spare", ToyInJava.class.getMethod("spare", tlc2.value.impl.Value.class));
    assertThat(tla.eval("SpareOfMax", s)).as("an application calls the method").isEqualTo(102);
    // eval of the definition itself is its TLA+ body: what a test compares a method with
    assertThat(tla.eval("Spare", s, 2)).isEqualTo(1);
    assertThatThrownBy(() -> tla.defineInJava("Spare",
        ToyInJava.class.getMethod("notStatic", tlc2.value.impl.Value.class)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a static method");
    assertThatThrownBy(() -> tla.defineInJava("Free",
        ToyInJava.class.getMethod("spare", tlc2.value.impl.Value.class)))
        .hasMessageContaining("Free takes 0 arguments, got 1");
  }

  @Test
  void oneSpecPerJvm() {
    assertThatThrownBy(() -> Tla.load(SpecDirs.main(), "MCPeerManager", "MCPeerManager"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one spec per JVM").hasMessageContaining("close Toy/Toy");
  }
}
