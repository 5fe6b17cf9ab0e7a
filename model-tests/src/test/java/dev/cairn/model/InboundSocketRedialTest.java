package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.peer.PeerEffect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Finding of check 1 (Java ⊆ spec, before the mapping named dial results by the address being
 * dialed): a peer the book does not know, banned while connected <em>inbound</em>, is banned
 * under its remote socket (ephemeral port); when the ban is reinstated that socket enters the
 * book, and maintenance later dials it. DECISIONS.md says inbound remote sockets are not
 * dialable addresses and are not stored in the book. The spec cannot see addresses (one per
 * peer), so this is a Java-side defect against its own decisions.
 */
class InboundSocketRedialTest {

  static final Fixture FIXTURE = Fixture.parse("""
      init p1=unknown p2=unknown
      Started
      InboundAccepted p2
      PeerBanned p2
      PeerDisconnected p2
      InboundAccepted p1 lift={p2}
      """);

  @BeforeAll
  static void load() {
    Models.use(Models.Spec.BOOK_PICKS_FIXED);
  }

  @Test
  @Disabled("divergence: a reinstated ban of an inbound-only peer puts its remote socket (port 4000N) in the"
      + " book and maintenance dials it; see model-tests/README.md")
  void neverDialsAnInboundRemoteSocket() {
    Equivalence eq = Models.real();
    JavaDriver.World w = eq.driver().start(Equivalence.vars(eq.initialState(FIXTURE.init())));
    List<PeerEffect> effects = new ArrayList<>();
    for (Label l : FIXTURE.letters()) {
      JavaDriver.Result r = eq.driver().apply(w, l);
      effects.addAll(r.step().effects());
      w = r.after();
    }
    assertThat(effects).noneMatch(e -> e instanceof PeerEffect.Dial d && d.address().port() >= 40000);
  }
}
