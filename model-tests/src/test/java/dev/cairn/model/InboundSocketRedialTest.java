package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Finding of check 1 (Java ⊆ spec, before the mapping named dial results by the address being
 * dialed): a peer the book does not know, banned while connected <em>inbound</em>, was banned
 * under its remote socket (ephemeral port); when the ban was reinstated that socket entered the
 * book, and maintenance then dialed it, against DECISIONS.md (inbound remote sockets are not
 * dialable addresses and are not stored in the book). Fixed in core-fsm: such a peer is banned by
 * ID only ({@code PeerState.bannedIds}) and its expired ban is lifted without adding anything to
 * the book. The spec cannot see addresses (one per peer) but has the ban by ID ({@code bannedIds});
 * this test holds the fix and replays it against the spec. {@link JavaDriver} lifts bans by ID as
 * it lifts the book's ({@code lift=} moves the wall clock to their expiry).
 */
class InboundSocketRedialTest {

  static final Fixture BAN = Fixture.parse("""
      init p1=unknown p2=unknown
      Started
      InboundAccepted p2
      PeerBanned p2
      PeerDisconnected p2
      """);

  /** After the ban expired: an inbound connection lifts it, then the maintenance timer runs. */
  static final Fixture AFTER_EXPIRY = Fixture.parse("""
      init p1=unknown p2=unknown
      InboundAccepted p1 lift={p2}
      TimerFired {Maintenance}
      """);

  @BeforeAll
  static void load() {
    Models.load();
  }

  @Test
  void neverDialsAnInboundRemoteSocket() {
    Equivalence eq = Models.real();
    JavaDriver.World w = eq.driver().start(Equivalence.vars(eq.initialState(BAN.init())));
    List<PeerEffect> effects = new ArrayList<>();
    NodeId banned = null;
    for (Label l : BAN.letters()) {
      JavaDriver.Result r = eq.driver().apply(w, l);
      assertThat(r.accepted()).as("%s accepted", l).isTrue();
      if (r.event() instanceof PeerEvent.PeerBanned b) {
        banned = b.peer();
      }
      effects.addAll(r.step().effects());
      w = r.after();
    }
    assertThat(banned).isNotNull();
    assertThat(PeerManager.isBanned(w.state(), banned, w.wallNow())).isTrue();
    assertThat(w.state().book().bannedEntries()).as("no socket recorded in the book").isEmpty();

    assertThat(w.state().bannedIds()).containsOnlyKeys(banned);
    for (Label l : AFTER_EXPIRY.letters()) {
      JavaDriver.Result r = eq.driver().apply(w, l);
      assertThat(r.accepted()).as("%s accepted", l).isTrue();
      effects.addAll(r.step().effects());
      w = r.after();
    }
    assertThat(PeerManager.isBanned(w.state(), banned, w.wallNow())).isFalse();
    assertThat(w.state().bannedIds()).as("the expired ban was lifted").isEmpty();
    assertThat(w.state().book().contains(banned)).as("its remote socket never enters the book").isFalse();
    assertThat(effects).noneMatch(e -> e instanceof PeerEffect.Dial d && d.address().port() >= 40000);
  }

  @Test
  void theSameRunConformsToTheSpec() {
    List<Label> letters = new ArrayList<>(BAN.letters());
    letters.addAll(AFTER_EXPIRY.letters());
    Equivalence.Run run = Models.real().replay(BAN.init(), letters);
    assertThat(run.divergence()).as(() -> run.divergence().map(Equivalence.Verdict::detail).orElse(""))
        .isEmpty();
    assertThat(run.steps()).isEqualTo(letters.size());
  }
}
