package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regression for the first divergence the equivalence checks found: with one inbound peer
 * connected (total 1 = MaxTarget < MaxThreshold = 2) and a free outbound slot, Java's
 * maintenance dials a book peer, because its book-dial budget stops at maxThreshold as
 * {@code core-fsm/DECISIONS.md} decides. {@code PeerManager.tla}'s {@code BookPicks} used to
 * budget up to MaxTarget and refused that dial; the spec now says MaxThreshold, and these
 * letters must conform.
 */
class BookPicksDivergenceTest {

  static final Fixture FIXTURE = Fixture.parse("""
      # book-pick budget: Java dials p2 with one inbound peer connected; so must the spec
      init p1=unknown p2=known
      Started
      InboundAccepted p1
      """);

  @BeforeAll
  static void load() {
    Models.load();
  }

  @Test
  void aBookDialWithOneInboundPeerConformsToTheSpec() {
    Equivalence.Run run = Models.real().replay(FIXTURE.init(), FIXTURE.letters());
    assertThat(run.divergence()).as("divergence").isEmpty();
    assertThat(run.conforms()).isTrue();
    assertThat(run.steps()).isEqualTo(2);
  }
}
