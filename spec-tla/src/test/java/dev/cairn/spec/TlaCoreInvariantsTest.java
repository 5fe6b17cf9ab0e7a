package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every invariant of {@code MCCore.cfg} that PEX and the composition add to PeerManager's (whose
 * own are held to the same test in {@link TlaPeerManagerTest}) fails on a reachable state changed
 * in one way to break it. TLC holds each invariant state by state, so a weakened one would pass the
 * model check unnoticed.
 */
class TlaCoreInvariantsTest {

  private static final TlaModelValue S = TlaModelValue.of("s"); // a seed
  private static final TlaModelValue A = TlaModelValue.of("a"); // private
  private static Tla tla;

  @BeforeAll
  static void load() {
    tla = Tla.load(SpecDirs.main(), "MCCore", "MCCore");
  }

  @AfterAll
  static void close() {
    tla.close();
  }

  @Test
  void everyInvariantPexAndTheCompositionAddFailsOnAStateThatBreaksIt() {
    TlaState s1 = tla.initialStates().stream()
        .flatMap(s0 -> tla.successors(s0, "Started").stream())
        .filter(s -> tla.violatedInvariants(s).isEmpty())
        .findFirst().orElseThrow();
    assertThat(s1.get("started")).isEqualTo(true);
    assertThat(s1.get("pexStarted")).isEqualTo(true);

    Map<String, Map<String, Object>> breaking = new LinkedHashMap<>();
    breaking.put("PexTypeOK", Map.of("dropped", Set.of("no such reason")));
    breaking.put("PerPeerStateOnlyForPeers", Map.of("requestsSent", Set.of(S)));
    breaking.put("WithinBounds", Map.of("crawled", Set.of(S, A)));
    breaking.put("RoundTimerArmedWhenStarted", Map.of("pexTimers", Set.of()));
    breaking.put("PexPeersAreReadyPeers", Map.of("connected", Map.of(S, "outbound"), "dialing", Set.of(),
        "ready", Set.of(S)));
    breaking.put("StartedTogether", Map.of("pexStarted", false, "pexTimers", Set.of()));

    List<String> names = tla.invariantNames();
    assertThat(names).as("the cfg's invariants").containsAll(breaking.keySet());
    for (var e : breaking.entrySet()) {
      Map<String, Object> vars = new LinkedHashMap<>(s1.variables());
      assertThat(vars).as("variables of the composed spec").containsKeys(e.getValue().keySet().toArray(String[]::new));
      vars.putAll(e.getValue());
      assertThat(tla.violatedInvariants(tla.state(vars))).as("%s broken by %s", e.getKey(), e.getValue())
          .contains(e.getKey());
    }
  }
}
