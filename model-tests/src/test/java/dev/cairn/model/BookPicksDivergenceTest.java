package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The divergence found between core-fsm and the committed {@code PeerManager.tla}: with one
 * inbound peer connected (total 1 = MaxTarget < MaxThreshold = 2) and a free outbound slot,
 * Java's maintenance dials a book peer (its budget stops at maxThreshold, as DECISIONS.md
 * decides) while the spec's {@code BookPicks} budget ({@code MaxTarget - total}) is 0. This test
 * pins the divergence against the committed spec, and shows the same letters conform once the
 * budget says MaxThreshold. When the spec is fixed, the first assertion fails: drop the patch in
 * {@link Models} and this test.
 */
class BookPicksDivergenceTest {

  static final Fixture FIXTURE = Fixture.parse("""
      # book-pick budget: Java dials p2 with one inbound peer connected, the committed spec does not
      init p1=unknown p2=known
      expect diverges-at 2
      Started
      InboundAccepted p1
      """);

  @BeforeAll
  static void loadCommitted() {
    Models.use(Models.Spec.AS_COMMITTED);
  }

  @AfterAll
  static void back() {
    Models.use(Models.Spec.BOOK_PICKS_FIXED);
  }

  @Test
  void committedSpecRefusesTheBookDialJavaMakes() {
    Equivalence.Run run = Models.real().replay(FIXTURE.init(), FIXTURE.letters());
    assertThat(run.divergence()).isPresent();
    Equivalence.Verdict v = run.divergence().orElseThrow();
    assertThat(run.steps()).isEqualTo(FIXTURE.expect().divergesAt());
    assertThat(v.kind()).isEqualTo(Equivalence.Kind.DIFFERENT_RESULT);
    assertThat(v.detail()).contains("dialing: Java [p2] vs spec []");
  }

  @Test
  void sameLettersConformWithTheBudgetFixed() {
    Models.use(Models.Spec.BOOK_PICKS_FIXED);
    try {
      assertThat(Models.real().replay(FIXTURE.init(), FIXTURE.letters()).conforms()).isTrue();
    } finally {
      Models.use(Models.Spec.AS_COMMITTED);
    }
  }
}
