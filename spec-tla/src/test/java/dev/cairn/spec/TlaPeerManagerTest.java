package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The facade against the real spec at the gate's bounds (MCPeerManager). */
class TlaPeerManagerTest {

  private static final TlaModelValue P1 = TlaModelValue.of("p1");  // persistent
  private static final TlaModelValue P2 = TlaModelValue.of("p2");
  private static Tla tla;

  @BeforeAll
  static void load() {
    tla = Tla.load(SpecDirs.main(), "MCPeerManager", "MCPeerManager");
  }

  @AfterAll
  static void close() {
    tla.close();
  }

  private static TlaState unstartedWithBook(String p2Status) {
    return tla.initialStates().stream()
        .filter(s -> ((Map<?, ?>) ((Map<?, ?>) s.get("book")).get(P2)).get("status").equals(p2Status))
        .filter(s -> ((Map<?, ?>) ((Map<?, ?>) s.get("book")).get(P1)).get("status").equals("unknown"))
        .findFirst().orElseThrow();
  }

  @Test
  void variablesMirrorPeerStateComponents() {
    assertThat(tla.variables()).containsExactlyInAnyOrder("book", "dialing", "connected", "ready",
        "evicting", "upgrading", "scores", "persistentDialFailures", "timers", "started", "bannedIds", "idleInbound",
        "outbox");
    assertThat(tla.constant("MaxOutbound")).isEqualTo(1);
    assertThat(tla.constant("Persistent")).isEqualTo(Set.of(P1));
  }

  @Test
  void startedDialsThePersistentPeerAndArmsMaintenance() {
    TlaState s0 = unstartedWithBook("unknown");
    List<TlaState> next = tla.successors(s0, "Started");
    assertThat(next).hasSize(1);
    TlaState s1 = next.get(0);
    assertThat(s1.get("started")).isEqualTo(true);
    assertThat(s1.get("dialing")).isEqualTo(Set.of(P1));
    assertThat(s1.get("timers")).isEqualTo(Set.of(Map.of("kind", "Maintenance")));
    assertThat(s1.get("outbox")).isEqualTo(Set.of(Map.of("type", "Dial", "peer", P1)));
    assertThat(tla.violatedInvariants(s1)).isEmpty();
    assertThat(tla.successors(s1, "Started")).as("Started happens once").isEmpty();
  }

  @Test
  void persistentDialFailureArmsARetryTimer() {
    TlaState s1 = tla.successors(unstartedWithBook("unknown"), "Started").get(0);
    List<TlaState> failed = tla.successors(s1, "DialFailed", P1);
    assertThat(failed).hasSize(1);
    TlaState s2 = failed.get(0);
    assertThat(s2.get("dialing")).isEqualTo(Set.of());
    assertThat(s2.get("persistentDialFailures")).isEqualTo(Map.of(P1, 1));
    assertThat((Set<?>) s2.get("timers")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.collection(Object.class))
        .contains(Map.of("kind", "RetryDial", "peer", P1));
    assertThat(tla.successors(s1, "DialFailed", P2)).as("p2 is not being dialed").isEmpty();
  }

  @Test
  void inboundFromSelfIsRefusedWithoutStateChange() {
    TlaState s0 = unstartedWithBook("known");
    List<TlaState> next = tla.successors(s0, "InboundAccepted", TlaModelValue.of("self"));
    assertThat(next).hasSize(1);
    assertThat(next.get(0).get("connected")).isEqualTo(Map.of());  // the empty function
    assertThat(next.get(0).get("outbox"))
        .isEqualTo(Set.of(Map.of("type", "Disconnect", "peer", TlaModelValue.of("self"), "reason", "self")));
  }

  @Test
  void banOfAnInboundPeerTheBookDoesNotKnowIsByIdOnly_andLiftingItAddsNothingToTheBook() {
    TlaState s1 = tla.successors(unstartedWithBook("unknown"), "Started").get(0);
    List<TlaState> in = tla.successors(s1, "InboundAccepted", P2);
    assertThat(in).hasSize(1);
    List<TlaState> banned = tla.successors(in.get(0), "PeerBanned", P2);
    assertThat(banned).hasSize(1);
    TlaState s3 = banned.get(0);
    assertThat(s3.get("bannedIds")).isEqualTo(Set.of(P2));
    assertThat(s3.get("book")).as("the book is left alone").isEqualTo(s1.get("book"));
    assertThat((Set<?>) s3.get("outbox")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.collection(Object.class))
        .contains(Map.of("type", "Disconnect", "peer", P2, "reason", "banned"))
        .doesNotContain(Map.of("type", "PersistBook"));
    TlaState gone = tla.successors(s3, "PeerDisconnected", P2).get(0);
    assertThat(tla.successors(gone, "InboundAccepted", P2))
        .as("banned: refused unless the ban expired (then nothing enters the book)")
        .allSatisfy(t -> {
          if (((Set<?>) t.get("bannedIds")).contains(P2)) {
            assertThat(t.get("connected")).isEqualTo(Map.of());
          } else {
            assertThat(((Map<?, ?>) ((Map<?, ?>) t.get("book")).get(P2)).get("status")).isEqualTo("unknown");
          }
        })
        .anySatisfy(t -> assertThat(t.get("bannedIds")).isEqualTo(Set.of(P2)));
  }

  /**
   * Every invariant of the cfg can fail: a reachable state (started, p1 being dialed, p2 known)
   * changed in one way breaks the named invariant. TLC holds each one state by state, so one
   * weakened (say {@code inbound <= MaxInbound + 1}) would pass the model check unnoticed but fail
   * here.
   */
  @Test
  void everyInvariantOfTheCfgFailsOnAStateThatBreaksIt() {
    TlaState s1 = tla.successors(unstartedWithBook("known"), "Started").get(0);
    TlaModelValue self = TlaModelValue.of("self");
    Map<String, Object> p2Unknown = Map.of("status", "unknown", "attempts", 0);
    Map<String, Object> p1Unknown = Map.of("status", "unknown", "attempts", 0);
    Map<String, Object> maintenance = Map.of("kind", "Maintenance");
    // each invariant, and the changes to s1 that break it
    Map<String, Map<String, Object>> breaking = new java.util.LinkedHashMap<>();
    breaking.put("TypeOK", Map.of("book", Map.of(P1, p1Unknown, P2, Map.of("status", "known", "attempts", 99))));
    breaking.put("ConnectedWithinLimit", Map.of("dialing", Set.of(),
        "connected", Map.of(P1, "inbound", P2, "outbound", self, "outbound")));
    breaking.put("OutboundWithinLimit", Map.of("dialing", Set.of(),
        "connected", Map.of(P1, "outbound", P2, "outbound")));
    breaking.put("InboundWithinLimit", Map.of("dialing", Set.of(), "connected", Map.of(P1, "inbound", P2, "inbound")));
    breaking.put("DialingWithinLimit", Map.of("dialing", Set.of(P1, P2, self)));
    breaking.put("OneConnectionPerPeer", Map.of("dialing", Set.of(), "connected", Map.of(self, "inbound")));
    breaking.put("OneDialPerPeer", Map.of("dialing", Set.of(self)));
    breaking.put("DialingDisjointConnected", Map.of("connected", Map.of(P1, "outbound")));
    breaking.put("ReadyAndEvictingConnected", Map.of("ready", Set.of(P2)));
    breaking.put("ReservationFromHigherScore", Map.of("upgrading", Map.of(P2, P1)));
    breaking.put("BannedNeverDialedOrAccepted", Map.of("bannedIds", Set.of(P1)));
    breaking.put("SelfNeverDialed", Map.of("dialing", Set.of(P1, self)));
    breaking.put("PersistentNeverEvictedForNonPersistent", Map.of("dialing", Set.of(),
        "connected", Map.of(P1, "inbound"), "evicting", Map.of(P1, "evicted_for_upgrade")));
    breaking.put("TimersOnlyForKnownPeers", Map.of("book", Map.of(P1, p1Unknown, P2, p2Unknown),
        "timers", Set.of(maintenance, Map.of("kind", "RetryDial", "peer", P2))));
    breaking.put("ScoresOnlyForKnownPeers", Map.of("book", Map.of(P1, p1Unknown, P2, p2Unknown),
        "scores", Map.of(P2, 0)));
    breaking.put("PersistentFailuresOnlyForPersistent", Map.of("persistentDialFailures", Map.of(P2, 1)));
    breaking.put("MaintenanceArmedWhenStarted", Map.of("timers", Set.of()));
    breaking.put("BannedIdsWithinBound", Map.of("dialing", Set.of(),
        "book", Map.of(P1, p1Unknown, P2, Map.of("status", "banned", "attempts", 0)), "bannedIds", Set.of(P2)));
    breaking.put("IdleInboundAreLimitedInbound", Map.of("idleInbound", Set.of(P2)));
    breaking.put("EvictedIdleOnlyIdle", Map.of("dialing", Set.of(),
        "connected", Map.of(P2, "inbound"), "evicting", Map.of(P2, "evicted_idle")));

    assertThat(tla.violatedInvariants(s1)).as("the state before any change").isEmpty();
    assertThat(breaking.keySet()).as("every invariant of the cfg").containsExactlyInAnyOrderElementsOf(
        tla.invariantNames());
    for (var e : breaking.entrySet()) {
      Map<String, Object> vars = new java.util.LinkedHashMap<>(s1.variables());
      vars.putAll(e.getValue());
      assertThat(tla.violatedInvariants(tla.state(vars))).as("%s broken by %s", e.getKey(), e.getValue())
          .contains(e.getKey());
    }
    // its other conjunct: more bans by ID than MaxBanned (1 here)
    Map<String, Object> vars = new java.util.LinkedHashMap<>(s1.variables());
    vars.putAll(Map.of("book", Map.of(P1, p1Unknown, P2, p2Unknown), "bannedIds", Set.of(P1, P2)));
    assertThat(tla.violatedInvariants(tla.state(vars))).as("two bans by ID").contains("BannedIdsWithinBound");
  }

  @Test
  void invariantsOfTheCfgCatchABrokenState() {
    TlaState s1 = tla.successors(unstartedWithBook("known"), "Started").get(0);
    Map<String, Object> vars = new java.util.LinkedHashMap<>(s1.variables());
    vars.put("connected", Map.of(P1, "outbound", P2, "outbound"));
    vars.put("dialing", Set.of(P1));
    TlaState broken = tla.state(vars);
    assertThat(tla.violatedInvariants(broken))
        .contains("OutboundWithinLimit", "DialingDisjointConnected");
  }
}
