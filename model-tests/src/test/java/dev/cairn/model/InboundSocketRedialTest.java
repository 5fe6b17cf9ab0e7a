package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerManager;
import java.time.Duration;
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
 * the book. The spec cannot see addresses (one per peer); this test holds the fix.
 *
 * <p>The ban no longer lives in the book, which is where {@link JavaDriver} looks for bans to
 * lift ({@code lift=}), so the expiry is made here by moving the world's wall clock past it.
 */
class InboundSocketRedialTest {

  static final Fixture BAN = Fixture.parse("""
      init p1=unknown p2=unknown
      Started
      InboundAccepted p2
      PeerBanned p2
      PeerDisconnected p2
      """);

  /** After the ban expired: an inbound connection and the maintenance timer both lift expired bans. */
  static final Fixture AFTER_EXPIRY = Fixture.parse("""
      init p1=unknown p2=unknown
      InboundAccepted p1
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

    // PeerBanned letters last 1 h: two hours later the ban has expired
    WallTime later = w.wallNow().plusMillis(Duration.ofHours(2).toMillis());
    w = new JavaDriver.World(w.state(), w.now(), later);
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
}
