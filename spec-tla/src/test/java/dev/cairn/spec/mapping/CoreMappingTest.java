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

  /**
   * Every invariant of {@code MCCore.cfg} that PEX and the composition add to PeerManager's (whose
   * own are held to the same test in {@code TlaPeerManagerTest}) fails on a reachable state changed
   * in one way to break it. TLC holds each invariant state by state, so a weakened one would pass the
   * model check unnoticed. (Here, on the MCCore this class loads: a class of its own loading MCCore
   * before the other spec tests' models changed the order in which TLC registers model values across
   * the suite's one JVM, which the other classes' TLC state does not survive.)
   */
  @Test
  void everyInvariantPexAndTheCompositionAddFailsOnAStateThatBreaksIt() {
    dev.cairn.spec.TlaModelValue s = dev.cairn.spec.TlaModelValue.of("s"); // a seed
    dev.cairn.spec.TlaModelValue a = dev.cairn.spec.TlaModelValue.of("a"); // private
    TlaState s1 = tla.initialStates().stream()
        .flatMap(s0 -> tla.successors(s0, "Started").stream())
        .filter(x -> tla.violatedInvariants(x).isEmpty())
        .findFirst().orElseThrow();
    assertThat(s1.get("started")).isEqualTo(true);
    assertThat(s1.get("pexStarted")).isEqualTo(true);

    Map<String, Map<String, Object>> breaking = new java.util.LinkedHashMap<>();
    breaking.put("PexTypeOK", Map.of("lastReceivedRequests", Map.of(s, 7)));
    breaking.put("PerPeerStateOnlyForPeers", Map.of("requestsSent", java.util.Set.of(s)));
    breaking.put("WithinBounds", Map.of("crawled", java.util.Set.of(s, a)));
    breaking.put("RoundTimerArmedWhenStarted", Map.of("pexTimers", java.util.Set.of()));
    breaking.put("PexPeersAreReadyPeers", Map.of("connected", Map.of(s, "outbound"), "dialing", java.util.Set.of(),
        "ready", java.util.Set.of(s)));
    breaking.put("StartedTogether", Map.of("pexStarted", false, "pexTimers", java.util.Set.of()));

    assertThat(tla.invariantNames()).as("the cfg's invariants").containsAll(breaking.keySet());
    for (var e : breaking.entrySet()) {
      Map<String, Object> vars = new java.util.LinkedHashMap<>(s1.variables());
      assertThat(vars).as("variables of the composed spec").containsKeys(e.getValue().keySet().toArray(String[]::new));
      vars.putAll(e.getValue());
      assertThat(tla.violatedInvariants(tla.state(vars))).as("%s broken by %s", e.getKey(), e.getValue())
          .contains(e.getKey());
    }
  }
}
