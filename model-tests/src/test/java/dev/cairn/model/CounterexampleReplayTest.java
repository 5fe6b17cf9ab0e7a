package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.peer.PeerInvariants;
import dev.cairn.spec.Counterexample;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaState;
import dev.cairn.spec.TlcModel;
import dev.cairn.spec.TlcResult;
import dev.cairn.spec.TlcRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TLC counterexample replayed on Java as a fixture: spec-tla's {@code MCPeerManagerMutant}
 * (a DialSucceeded that skips admission) is model-checked by the gate's runner in a child JVM;
 * its violating trace is parsed, each step's letter recovered in-process, the steps before the
 * violation replayed on Java (conforming), and the violating step must be contained by the real
 * Java core: it does not reach the violating state, and every invariant holds where it lands.
 */
class CounterexampleReplayTest {

  @BeforeAll
  static void load() {
    Models.load();
  }

  @AfterAll
  static void back() {
    Models.load();
  }

  static Map<String, Object> normalised(Map<String, Object> printed) {
    Map<String, Object> out = new LinkedHashMap<>(printed);
    for (String v : Equivalence.FUNCTION_VARS) {
      if (out.get(v) instanceof List<?> l && l.isEmpty()) {
        out.put(v, Map.of());
      }
    }
    return out;
  }

  @Test
  void mutantViolationIsContainedByTheRealCore() {
    TlcModel mutant = TlcModel.find(Models.specTestDir(), "MCPeerManagerMutant").orElseThrow();
    TlcResult r = TlcRunner.run(mutant, List.of(Models.specDir()), Models.tlcOut(), TlcRunner.Options.defaults());
    assertThat(r.status()).as(r.failureReport()).isEqualTo(12);
    Counterexample cex = r.counterexample().orElseThrow();
    List<Counterexample.TraceState> states = cex.states();
    assertThat(cex.last().action()).isEqualTo("DialSucceededUnchecked");

    Equivalence eq = Models.real();
    TlaState s = eq.initialStates().stream()
        .filter(t -> Equivalence.vars(t).equals(normalised(states.get(0).variables())))
        .findFirst().orElseThrow();
    String init = eq.initText(s);
    List<Label> letters = new ArrayList<>();
    for (int i = 1; i < states.size() - 1; i++) {
      Map<String, Object> target = normalised(states.get(i).variables());
      Label found = null;
      for (Label l : eq.mapping().lettersIn(Equivalence.vars(s))) {
        for (TlaState t : eq.specSuccessors(s, l)) {
          if (Equivalence.vars(t).equals(target)) {
            found = l;
            s = t;
            break;
          }
        }
        if (found != null) {
          break;
        }
      }
      assertThat(found).as("a letter for state %d (%s)", i + 1, states.get(i).action()).isNotNull();
      assertThat(found.action()).isEqualTo(states.get(i).action());
      letters.add(found);
    }
    Map<String, Object> violating = normalised(cex.last().variables());
    Set<?> dialing = (Set<?>) Equivalence.vars(s).get("dialing");
    Map<?, ?> connectedAfter = (Map<?, ?>) violating.get("connected");
    TlaModelValue p = (TlaModelValue) dialing.stream().filter(connectedAfter::containsKey).findFirst().orElseThrow();
    Label last = Label.of("DialSucceeded", p);
    letters.add(last);
    Fixture fx = new Fixture("TLC counterexample of MCPeerManagerMutant (" + cex.violated().orElse("?")
        + "); its last step DialSucceededUnchecked replayed as DialSucceeded", init, letters, Fixture.Expect.CONFORMS);
    System.out.println(fx.text());

    Equivalence.Run run = eq.replay(init, letters);
    assertThat(run.divergence()).as(() -> run.divergence().map(Equivalence.Verdict::detail).orElse("")).isEmpty();
    // the real core at the violating step: replay again to get its world there
    JavaDriver.World w = eq.driver().start(Equivalence.vars(eq.initialState(init)));
    TlaState spec = eq.initialState(init);
    for (Label l : letters.subList(0, letters.size() - 1)) {
      Equivalence.Verdict v = eq.check(spec, w, l);
      spec = v.matched().orElseThrow();
      w = v.java().after();
    }
    JavaDriver.Result java = eq.driver().apply(w, last);
    Map<String, Object> reached = eq.abstractAfter(java);
    assertThat(reached).as("the real core does not reach the mutant's violating state").isNotEqualTo(violating);
    assertThat(PeerInvariants.violations(eq.driver().config(), java.step().state())).isEmpty();
    assertThat(eq.tla().violatedInvariants(eq.tla().state(reached))).isEmpty();
  }
}
