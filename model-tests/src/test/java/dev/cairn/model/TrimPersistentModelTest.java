package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import dev.cairn.spec.TlaModelValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trim above {@code MaxThreshold} with a persistent peer, at {@code
 * MCPeerManagerTrimPersistent.cfg}'s bounds ({@code MCPeerManagerTrim}'s, p3 persistent): a trim
 * never takes a persistent peer, inbound and scored lowest as it may be. No other model both trims
 * and has a persistent peer, so without this one a Java trim or a spec {@code Trim} that took
 * persistent peers passed every check.
 */
class TrimPersistentModelTest {

  @BeforeAll
  static void load() {
    Models.load(Models.TRIM_PERSISTENT);
  }

  @AfterAll
  static void release() {
    Models.release(); // the next class loads the default model again
  }

  /**
   * The persistent peer, dialed at start in vain, connects inbound; the operator's dial of p1
   * succeeds, and p2 connects inbound: the trim of two takes both ordinary peers, the outbound one
   * too, the one choice the spec allows. A trim by direction and score alone would take the two
   * inbound peers, the persistent one among them.
   */
  @Test
  void aPersistentPeerIsNeverTrimmed_thoughAnOutboundPeerIsTrimmedInstead() {
    Equivalence.Verdict last = TrimModelTest.lastStep("persistent not trimmed", "Started", "DialFailed p3",
        "InboundAccepted p3", "PeerReady p3", "DialRequested p1", "DialSucceeded p1", "InboundAccepted p2");
    PeerManagerMapping m = Models.mapping();
    assertThat(TrimModelTest.trimmed(last)).containsExactlyInAnyOrder(m.id(new TlaModelValue("p1")),
        m.id(new TlaModelValue("p2")));
    assertThat(last.spec()).as("the spec's successors").hasSize(1);
  }

  /**
   * Check 1 (Java ⊆ spec) on random chains at these bounds; it says something of persistent peers
   * only where they were connected when a trim happened, which enough runs must reach.
   */
  @Test
  void everyJavaTrimIsOneTheSpecAllows_withThePersistentPeerConnected() {
    NodeId persistent = Models.mapping().id(new TlaModelValue("p3"));
    int[] trims = TrimModelTest.javaInSpecRuns(20261125, ", a persistent peer", "trim-persistent-java-in-spec",
        v -> v.java().step().state().connected().containsKey(persistent));
    assertThat(trims[0]).as("trims with the persistent peer connected").isGreaterThanOrEqualTo(10);
  }
}
