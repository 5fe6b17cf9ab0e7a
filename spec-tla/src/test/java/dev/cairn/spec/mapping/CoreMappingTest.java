package dev.cairn.spec.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.WallTime;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The composed mapping's own round trips and the validator on a few real steps (the equivalence
 * checks that use them are in model-tests).
 */
class CoreMappingTest {

  static final MonoTime NOW = MonoTime.ofMillis(1_000_000);
  static final WallTime WALL = new WallTime(1_700_000_000_000L);

  static Tla tla;
  static CoreStepValidator validator;

  @BeforeAll
  static void load() {
    tla = Tla.load(Path.of(System.getProperty("cairn.tla.main", "src/main/tla")), "MCCore", "MCCore");
    validator = new CoreStepValidator(tla, new CoreMapping(tla));
  }

  @AfterAll
  static void close() {
    tla.close();
  }

  static TlaState initWithSeedKnown() {
    return tla.initialStates().stream()
        .filter(t -> {
          Map<?, ?> book = (Map<?, ?>) CoreStepValidator.vars(t).get("book");
          return book.values().stream().filter(e -> "known".equals(((Map<?, ?>) e).get("status"))).count() == 1
              && validator.mapping().initial(CoreStepValidator.key(t), 1).isPresent();
        })
        .findFirst().orElseThrow();
  }

  @Test
  void lettersReadBackFromTheirTextAndFromTheirJavaEvent() {
    CoreMapping m = validator.mapping();
    TlaState s0 = initWithSeedKnown();
    CoreState j0 = m.initial(CoreStepValidator.key(s0), 1).orElseThrow();
    List<CoreLetter> letters = m.lettersIn(CoreStepValidator.key(s0));
    assertThat(letters).hasSizeGreaterThan(20);
    for (CoreLetter l : letters) {
      assertThat(CoreLetter.parse(l.toString())).isEqualTo(l);
      CoreLetter withChoices = l.withPrng(7).withTime(3);
      assertThat(CoreLetter.parse(withChoices.toString())).isEqualTo(withChoices);
      if (!l.action().equals("TimerFired")) {
        assertThat(m.fromJava(m.toJava(l, j0), j0, NOW)).contains(l);
      }
    }
  }

  @Test
  void javaInitialStateAbstractsToTheSpecs() {
    TlaState s0 = initWithSeedKnown();
    CoreState j0 = validator.mapping().initial(CoreStepValidator.key(s0), 1).orElseThrow();
    assertThat(validator.mapping().alpha(j0, NOW)).isEqualTo(CoreStepValidator.key(s0));
  }

  @Test
  void realStepsValidateAndAnAlteredOneDoesNot() {
    CoreMapping m = validator.mapping();
    CoreState s = m.initial(CoreStepValidator.key(initWithSeedKnown()), 1).orElseThrow();
    CoreEvent started = new CoreEvent.Peer(new PeerEvent.Started());
    Core.Traced t = Core.traced(m.config(), s, NOW, WALL, started);
    assertThat(validator.validate(s, NOW, WALL, started, t).orElseThrow().kind())
        .isEqualTo(CoreStepValidator.Kind.MATCHED);
    // a second Started is rejected by both
    CoreState after = t.step().state();
    Core.Traced again = Core.traced(m.config(), after, NOW, WALL, started);
    assertThat(validator.validate(after, NOW, WALL, started, again).orElseThrow().kind())
        .isEqualTo(CoreStepValidator.Kind.BOTH_DISABLED);
    // the first step claiming the state it started from is no spec step
    Core.Traced altered = new Core.Traced(dev.cairn.core.Step.accepted(s, t.step().effects()), t.subSteps());
    assertThat(validator.validate(s, NOW, WALL, started, altered).orElseThrow().ok()).isFalse();
    // enabled letters of the initial state include Started and no PEX message (no peer is up)
    TlaState s0 = validator.specState(m.alpha(s, NOW));
    List<CoreLetter> enabled = validator.enabled(s0);
    assertThat(enabled).contains(CoreLetter.of("Started"));
    assertThat(enabled).noneMatch(l -> l.action().startsWith("Pex"));
  }
}
