package dev.cairn.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.Step;
import dev.cairn.spec.TlaState;
import dev.cairn.spec.mapping.CoreLetter;
import dev.cairn.spec.mapping.CoreStepValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Check 4's reusable piece on the composed core: {@link CoreStepValidator#validate} judges a
 * recorded Java step from Java data alone (state before, clocks, event, traced step), as a trace
 * validator of the shell would. Random Java runs validate step by step; an altered step (an
 * effect dropped) is caught.
 */
class CoreTraceValidationTest {

  /** One recorded step, as a shell would log it. */
  record Recorded(CoreDriver.World before, dev.cairn.core.CoreEvent event, Core.Traced traced) {}

  static List<Recorded> randomRun(CoreEquivalence eq, long seed, int steps) {
    SplittableRandom r = new SplittableRandom(seed);
    TlaState s = eq.initialStates().get(r.nextInt(eq.initialStates().size()));
    CoreDriver.World w = eq.start(s);
    List<Recorded> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      Map<String, Object> key = CoreStepValidator.key(s);
      List<CoreLetter> letters = eq.validator().mapping().lettersIn(key);
      CoreLetter l = letters.get(r.nextInt(letters.size()));
      CoreDriver.Result res = eq.driver().apply(w, l, key);
      if (!res.realisable()) {
        continue;
      }
      out.add(new Recorded(res.before(), res.event(), res.traced()));
      if (res.accepted()) {
        CoreEquivalence.Check c = eq.check(s, w, l);
        if (c.kind() != CoreStepValidator.Kind.MATCHED) {
          break; // outside the abstraction: stop the run here
        }
        s = c.matched();
        w = c.java().after();
      }
    }
    return out;
  }

  @Test
  void recordedJavaRunsValidateStepByStep() {
    for (String model : List.of(CoreModels.CORE, CoreModels.SEED)) {
      CoreEquivalence eq = CoreModels.real(model);
      int validated = 0;
      for (long seed = 1; seed <= 15; seed++) {
        for (Recorded rec : randomRun(eq, seed, 40)) {
          var v = eq.validator().validate(rec.before().state(), rec.before().now(), rec.before().wallNow(),
              rec.event(), rec.traced());
          assertThat(v).isPresent();
          assertThat(v.get().ok()).as(() -> model + " seed: " + v.get().detail()).isTrue();
          validated++;
        }
      }
      assertThat(validated).isGreaterThan(100);
    }
  }

  @Test
  void aDroppedEffectIsCaught() {
    CoreEquivalence eq = CoreModels.real(CoreModels.CORE);
    int caught = 0;
    // uniform letters are mostly refused: PEX effects come up in a few runs only
    for (long seed = 1; seed <= 60 && caught < 5; seed++) {
      for (Recorded rec : randomRun(eq, seed, 40)) {
        Step<dev.cairn.core.CoreState, CoreEffect> st = rec.traced().step();
        if (!st.isAccepted() || st.effects().stream().noneMatch(e -> e instanceof CoreEffect.Pex)) {
          continue;
        }
        List<CoreEffect> fewer = new ArrayList<>(st.effects());
        fewer.removeIf(e -> e instanceof CoreEffect.Pex);
        Core.Traced altered = new Core.Traced(Step.accepted(st.state(), fewer), rec.traced().subSteps());
        var v = eq.validator().validate(rec.before().state(), rec.before().now(), rec.before().wallNow(),
            rec.event(), altered).orElseThrow();
        assertThat(v.kind()).as(v.detail()).isEqualTo(CoreStepValidator.Kind.DIFFERENT_RESULT);
        assertThat(v.detail()).contains("outbox");
        caught++;
      }
    }
    assertThat(caught).isPositive();
  }
}
