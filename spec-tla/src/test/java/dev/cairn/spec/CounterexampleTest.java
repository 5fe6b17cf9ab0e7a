package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CounterexampleTest {

  private static final String INVARIANT_OUTPUT = """
      TLC2 Version 2.18 of 20 March 2023
      Starting... (2026-11-22 00:34:36)
      Error: Invariant Small is violated.
      Error: The behavior up to this point is:
      State 1: <Initial predicate>
      /\\ conn = {}
      /\\ rec = ( p1 :> [n |-> 0, s |-> "idle"] @@
        p2 :> [n |-> 0, s |-> "idle"] )
      /\\ log = <<>>

      State 2: <Add line 6, col 11 to line 6, col 124 of module Tiny>
      /\\ conn = {p1}
      /\\ rec = ( p1 :> [n |-> 1, s |-> "on"] @@
        p2 :> [n |-> 0, s |-> "idle"] )
      /\\ log = <<"add", p1>>

      6 states generated, 6 distinct states found, 3 states left on queue.
      The depth of the complete state graph search is 3.
      """;

  private static final String LIVENESS_OUTPUT = """
      Error: Temporal properties were violated.

      Error: The following behavior constitutes a counter-example:

      State 1: <Initial predicate>
      x = 0

      State 2: <Next line 5, col 9 to line 5, col 24 of module Live2>
      x = 1

      State 3: Stuttering

      Back to state 2: <Next line 5, col 9 to line 5, col 24 of module Live2>

      Finished checking temporal properties in 00s at 2026-11-22 00:44:44
      """;

  @Test
  void readsAnInvariantViolationIntoStates() {
    Counterexample c = Counterexample.parse(INVARIANT_OUTPUT).orElseThrow();
    assertThat(c.kind()).isEqualTo(Counterexample.Kind.INVARIANT);
    assertThat(c.violated()).contains("Small");
    assertThat(c.states()).hasSize(2);
    Counterexample.TraceState s1 = c.state(1);
    assertThat(s1.action()).isEqualTo("Init");
    assertThat(s1.variables()).containsOnlyKeys("conn", "rec", "log");
    assertThat(s1.variables().get("conn")).isEqualTo(Set.of());
    Counterexample.TraceState s2 = c.last();
    assertThat(s2.number()).isEqualTo(2);
    assertThat(s2.action()).isEqualTo("Add");
    assertThat(s2.location()).contains("line 6, col 11").contains("module Tiny");
    assertThat(s2.variables().get("log")).isEqualTo(List.of("add", TlaModelValue.of("p1")));
    assertThat(s2.variables().get("rec")).isEqualTo(Map.of(
        TlaModelValue.of("p1"), Map.of("n", 1, "s", "on"),
        TlaModelValue.of("p2"), Map.of("n", 0, "s", "idle")));
    assertThat(c.backToState()).isEmpty();
  }

  @Test
  void readsALivenessLassoWithSingleVariableStatesAndStuttering() {
    Counterexample c = Counterexample.parse(LIVENESS_OUTPUT).orElseThrow();
    assertThat(c.kind()).isEqualTo(Counterexample.Kind.TEMPORAL_PROPERTY);
    assertThat(c.violated()).isEmpty();
    assertThat(c.states()).extracting(Counterexample.TraceState::action)
        .containsExactly("Init", "Next", "Stuttering");
    assertThat(c.state(2).variables()).isEqualTo(Map.of("x", 1));
    assertThat(c.backToState()).hasValue(2);
  }

  @Test
  void readsDeadlockAndNoError() {
    String deadlock = "Error: Deadlock reached.\nError: The behavior up to this point is:\n"
        + "State 1: <Initial predicate>\nx = 0\n\n";
    Counterexample c = Counterexample.parse(deadlock).orElseThrow();
    assertThat(c.kind()).isEqualTo(Counterexample.Kind.DEADLOCK);
    assertThat(c.states()).hasSize(1);
    assertThat(Counterexample.parse("Model checking completed. No error has been found.\n")).isEmpty();
  }
}
