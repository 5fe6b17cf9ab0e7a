package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Collection;
import org.junit.jupiter.api.Test;

/**
 * Proves the gate can fail: a mutant of the PeerManager whose DialSucceeded skips the admission
 * check must make TLC exit 12 naming OutboundWithinLimit, with a trace whose last step is the
 * mutated action and whose last state really holds more outbound connections than allowed; and a
 * mutant that gives up on a persistent peer after one failed dial must make TLC exit 13 with a
 * liveness counterexample in which the peer's dial failed and it is never dialed again; and a
 * mutant whose learning step pushes peers out of the book but keeps their timers must make TLC
 * exit 12 naming TimersOnlyForKnownPeers.
 */
class GateCanFailTest {

  @Test
  void mutantThatOvershootsTheOutboundLimitIsCaught() {
    TlcModel mutant = TlcModel.find(SpecDirs.test(), "MCPeerManagerMutant").orElseThrow();
    TlcResult r = TlcRunner.run(mutant, List.of(SpecDirs.main()), SpecDirs.tlcOut(),
        TlcRunner.Options.defaults());

    assertThat(r.status()).as(r.failureReport()).isEqualTo(12);
    assertThat(r.exit()).isEqualTo(TlcExit.INVARIANT_VIOLATED);
    assertThat(r.output()).contains("Invariant OutboundWithinLimit is violated");
    assertThat(r.failureReport())
        .contains("exit 12", "OutboundWithinLimit", "State 1: <Initial predicate>");
    // TLC names the last step's action only; the step's changes name the peer it was taken with
    assertThat(r.failureReport()).contains("what each step changed:")
        .containsPattern("State " + r.counterexample().orElseThrow().last().number()
            + " <DialSucceededUnchecked>: [^\\n]*connected: \\+p\\d+ :> outbound");

    Counterexample cex = r.counterexample().orElseThrow();
    assertThat(cex.kind()).isEqualTo(Counterexample.Kind.INVARIANT);
    assertThat(cex.violated()).contains("OutboundWithinLimit");
    assertThat(cex.states()).hasSizeGreaterThan(2);
    assertThat(cex.states().get(0).action()).isEqualTo("Init");
    assertThat(cex.last().action()).isEqualTo("DialSucceededUnchecked");

    Map<?, ?> connected = (Map<?, ?>) cex.last().variables().get("connected");
    long outbound = connected.values().stream().filter("outbound"::equals).count();
    assertThat(outbound).as("outbound connections in the violating state %s", connected)
        .isGreaterThan(1);  // MaxOutbound = 1 in the model
  }

  @Test
  void mutantThatKeepsTheTimersOfPeersPushedOutOfTheBookIsCaught() {
    TlcModel mutant = TlcModel.find(SpecDirs.test(), "MCPeerManagerForgetMutant").orElseThrow();
    TlcResult r = TlcRunner.run(mutant, List.of(SpecDirs.main()), SpecDirs.tlcOut(),
        TlcRunner.Options.defaults());

    assertThat(r.status()).as(r.failureReport()).isEqualTo(12);
    Counterexample cex = r.counterexample().orElseThrow();
    assertThat(cex.violated()).contains("TimersOnlyForKnownPeers");
    assertThat(cex.last().action()).isEqualTo("AddressesLearnedKeepingTimers");
    // the last step pushed a peer out of the book whose timer is still armed
    Map<?, ?> book = (Map<?, ?>) cex.last().variables().get("book");
    Collection<?> timers = (Collection<?>) cex.last().variables().get("timers");
    assertThat(timers).anySatisfy(k -> {
      Object peer = ((Map<?, ?>) k).get("peer");
      assertThat(peer).isNotNull();
      assertThat(((Map<?, ?>) book.get(peer)).get("status")).isEqualTo("unknown");
    });
  }

  @Test
  void mutantThatNeverRetriesAPersistentPeerIsCaught() {
    TlcModel mutant = TlcModel.find(SpecDirs.test(), "MCPeerManagerLivenessMutant").orElseThrow();
    TlcResult r = TlcRunner.run(mutant, List.of(SpecDirs.main()), SpecDirs.tlcOut(),
        TlcRunner.Options.defaults());

    assertThat(r.status()).as(r.failureReport()).isEqualTo(13);
    assertThat(r.exit()).isEqualTo(TlcExit.PROPERTY_VIOLATED);
    assertThat(r.output()).contains("Temporal properties were violated");

    Counterexample cex = r.counterexample().orElseThrow();
    assertThat(cex.kind()).isEqualTo(Counterexample.Kind.TEMPORAL_PROPERTY);
    List<String> actions = cex.states().stream().map(Counterexample.TraceState::action).toList();
    assertThat(actions).first().isEqualTo("Init");
    int failed = actions.indexOf("DialFailed");
    assertThat(failed).as("the persistent peer's dial failed in %s", actions).isPositive();
    // From the failure on, including the lasso's loop, p1 is neither dialed nor connected, while
    // the model is started: the retry the property demands never comes.
    for (Counterexample.TraceState s : cex.states().subList(failed, cex.states().size())) {
      if (s.action().equals("Stuttering")) {
        continue;
      }
      assertThat(size(s.variables().get("dialing"))).as("dialing in state %d", s.number()).isZero();
      assertThat(size(s.variables().get("connected"))).as("connected in state %d", s.number()).isZero();
      assertThat(s.variables().get("started")).isEqualTo(true);
    }
  }

  /**
   * {@code FreeSlotLeadsToDial}'s fairness ({@code PickFairness}) is strong fairness of a
   * maintenance round that dials: a PeerManager whose book picks never dial must still fail it,
   * or the property would hold by its assumption alone.
   */
  @Test
  void bookPicksThatNeverDialFailFreeSlotLeadsToDial() {
    TlcModel mutant = TlcModel.find(SpecDirs.test(), "MCPeerManagerPickMutant").orElseThrow();
    TlcResult r = TlcRunner.run(mutant, List.of(SpecDirs.main()), SpecDirs.tlcOut(),
        TlcRunner.Options.defaults());

    assertThat(r.status()).as(r.failureReport()).isEqualTo(13);
    assertThat(r.output()).contains("Temporal properties were violated");
    Counterexample cex = r.counterexample().orElseThrow();
    assertThat(cex.kind()).isEqualTo(Counterexample.Kind.TEMPORAL_PROPERTY);
    // nothing is ever dialed: the known peer waits beside a free slot for ever
    for (Counterexample.TraceState s : cex.states()) {
      if (!s.action().equals("Stuttering")) {
        assertThat(size(s.variables().get("dialing"))).as("dialing in state %d", s.number()).isZero();
      }
    }
    assertThat(cex.states()).anyMatch(s -> Boolean.TRUE.equals(s.variables().get("started")));
  }

  @Test
  void parseErrorIsReportedAs150() throws Exception {
    java.nio.file.Path dir = SpecDirs.tlcOut().resolve("broken-spec");
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(dir.resolve("MCBroken.tla"),
        "---- MODULE MCBroken ----\nVARIABLE x\nInit == x = \nNext == x' = x\n====\n");
    java.nio.file.Files.writeString(dir.resolve("MCBroken.cfg"), "INIT Init\nNEXT Next\n");
    TlcModel m = TlcModel.find(dir, "MCBroken").orElseThrow();
    TlcResult r = TlcRunner.run(m, List.of(), SpecDirs.tlcOut(), TlcRunner.Options.defaults());
    assertThat(r.exit()).as(r.output()).isEqualTo(TlcExit.PARSE_ERROR);
    assertThat(r.passed()).isFalse();
  }

  /** The size of a TLA+ set, sequence or function as the parser returns it; -1 for anything else. */
  private static int size(Object v) {
    if (v instanceof Map<?, ?> m) {
      return m.size();
    }
    return v instanceof Collection<?> c ? c.size() : -1;
  }
}
