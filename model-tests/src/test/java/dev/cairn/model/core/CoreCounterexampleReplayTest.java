package dev.cairn.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.model.Models;
import dev.cairn.spec.Counterexample;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaState;
import dev.cairn.spec.TlcModel;
import dev.cairn.spec.TlcResult;
import dev.cairn.spec.TlcRunner;
import dev.cairn.spec.mapping.CoreLetter;
import dev.cairn.spec.mapping.CoreMapping;
import dev.cairn.spec.mapping.CoreStepValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Check 4 on the composed core: a TLC counterexample replayed on Java as a fixture. The mutant
 * {@code MCCoreMutant} (test resources: a PexAddrs accepted without an outstanding request) is
 * model-checked by spec-tla's runner in a child JVM; TLC must report
 * {@code AcceptOnlyWhenOutstanding} violated. Each step of its trace is recovered as a letter,
 * the steps before the violation replay on the real core (conforming), and at the violating step
 * the real core, given the same PexAddrs, punishes the sender instead: it does not reach the
 * violating state, learns nothing, and conforms to the correct spec.
 */
class CoreCounterexampleReplayTest {

  static Map<String, Object> key(Map<String, Object> printed) {
    Map<String, Object> out = new LinkedHashMap<>(CoreMapping.normalised(printed));
    out.keySet().removeAll(CoreMapping.STEP_VARS);
    return out;
  }

  @Test
  void mutantViolationIsContainedByTheRealCore() {
    Path dir = CoreModels.testSpecDir();
    TlcModel mutant = TlcModel.find(dir, "MCCoreMutant").orElseThrow();
    TlcResult r = TlcRunner.run(mutant, List.of(Models.specDir()), Models.tlcOut(), TlcRunner.Options.defaults());
    assertThat(r.status()).as(r.failureReport()).isEqualTo(13);
    Counterexample cex = r.counterexample().orElseThrow();
    assertThat(cex.violated()).contains("AcceptOnlyWhenOutstanding");
    List<Counterexample.TraceState> states = cex.states();
    assertThat(cex.last().action()).isEqualTo("PexAddrsReceivedUnchecked");

    CoreEquivalence eq = CoreModels.real(CoreModels.CORE);
    TlaState s = eq.initialStates().stream()
        .filter(t -> CoreStepValidator.key(t).equals(key(states.get(0).variables())))
        .findFirst().orElseThrow();
    String init = eq.initText(s);
    List<CoreLetter> letters = new ArrayList<>();
    for (int i = 1; i < states.size() - 1; i++) {
      Map<String, Object> target = key(states.get(i).variables());
      CoreLetter found = null;
      for (CoreLetter l : eq.validator().mapping().lettersIn(CoreStepValidator.key(s))) {
        for (TlaState t : eq.validator().successors(s, l)) {
          if (CoreStepValidator.key(t).equals(target)) {
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
    Map<?, ?> event = (Map<?, ?>) cex.last().variables().get("event");
    Set<Object> addresses = new LinkedHashSet<>((Set<?>) event.get("addresses"));
    CoreLetter last = CoreLetter.of("PexAddrsReceived", (TlaModelValue) event.get("peer"), addresses);
    letters.add(last);
    CoreFixture fx = new CoreFixture("TLC counterexample of MCCoreMutant (" + cex.violated().orElse("?")
        + "); its last step PexAddrsReceivedUnchecked replayed as PexAddrsReceived: the real core\n"
        + "punishes the unsolicited answer and conforms to the spec throughout", CoreModels.CORE, init, letters, 0);
    System.out.println(fx.text());

    CoreEquivalence.Run run = eq.replay(init, letters);
    assertThat(run.divergence()).as(() -> run.divergence().map(d -> d.verdict().detail()).orElse("")).isEmpty();
    // the real core at the violating step
    TlaState spec = eq.initialState(init);
    CoreDriver.World w = eq.start(spec);
    for (CoreLetter l : letters.subList(0, letters.size() - 1)) {
      CoreEquivalence.Check c = eq.check(spec, w, l);
      spec = c.matched();
      w = c.java().after();
    }
    CoreEquivalence.Check c = eq.check(spec, w, last);
    assertThat(c.kind()).isEqualTo(CoreStepValidator.Kind.MATCHED);
    Map<String, Object> reached = c.verdict().reached().orElseThrow();
    assertThat(reached).isNotEqualTo(CoreMapping.normalised(cex.last().variables()));
    assertThat((Set<?>) reached.get("handedOff")).noneMatch(h -> "LearnAddresses".equals(((Map<?, ?>) h).get("type")))
        .anyMatch(h -> "BanPeer".equals(((Map<?, ?>) h).get("type")));
    assertThat(eq.validator().javaViolations(c.java().traced())).isEmpty();
  }
}
