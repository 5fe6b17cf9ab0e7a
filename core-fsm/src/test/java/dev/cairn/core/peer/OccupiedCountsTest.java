package dev.cairn.core.peer;

import static dev.cairn.core.peer.Fixtures.connect;
import static dev.cairn.core.peer.Fixtures.emptyBook;
import static dev.cairn.core.peer.Fixtures.id;
import static dev.cairn.core.peer.Fixtures.idle;
import static dev.cairn.core.peer.Fixtures.small;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.peer.PeerState.Occupied;
import org.junit.jupiter.api.Test;

/**
 * The derived {@link PeerState#occupied()} counts: kept by the transitions that change
 * {@code connected} or {@code evicting}, and a drift is reported by the invariant check.
 */
class OccupiedCountsTest {

  private static PeerState threeConnections() {
    PeerState s = idle(emptyBook());
    s = connect(s, 1, Direction.INBOUND);
    s = connect(s, 2, Direction.OUTBOUND);
    return connect(s, 3, Direction.INBOUND);
  }

  @Test
  void transitionsKeepTheCountsOfConnectionsNotBeingEvicted() {
    PeerState s = threeConnections();
    assertThat(s.occupied()).isEqualTo(new Occupied(2, 1));
    s = s.withEviction(id(1), DisconnectReason.ERRORED);
    assertThat(s.occupied()).isEqualTo(new Occupied(1, 1));
    s = s.withEviction(id(1), DisconnectReason.BANNED); // already leaving: still one slot freed
    assertThat(s.occupied()).isEqualTo(new Occupied(1, 1));
    s = s.withoutConnection(id(1)); // an evicted peer leaves: nothing more to free
    assertThat(s.occupied()).isEqualTo(new Occupied(1, 1));
    s = s.withoutConnection(id(2));
    assertThat(s.occupied()).isEqualTo(new Occupied(1, 0));
    s = s.withConnection(id(3), new Connection(Direction.OUTBOUND, Fixtures.addr(3))); // replaced
    assertThat(s.occupied()).isEqualTo(new Occupied(0, 1));
    s = s.withoutConnection(id(9)); // not connected
    assertThat(s.occupied()).isEqualTo(new Occupied(0, 1));
    assertThat(s.occupied()).isEqualTo(Occupied.of(s.connected(), s.evicting()));
    assertThat(PeerInvariants.violations(small(), s)).isEmpty();
  }

  @Test
  void aDriftIsReportedByTheInvariantCheck() {
    PeerState s = threeConnections();
    PeerState drifted = new PeerState(s.book(), s.dialing(), s.connected(), s.ready(),
        s.evicting(), s.upgrading(), s.scores(), s.persistentDialFailures(), s.timers(), s.prng(),
        s.started(), s.bannedIds(), s.idleInbound(), new Occupied(1, 1));
    assertThat(PeerInvariants.occupiedMatchesConnected(s)).isTrue();
    assertThat(PeerInvariants.violations(small(), drifted))
        .containsExactly(PeerInvariants.OCCUPIED_MATCHES_CONNECTED);
  }

  @Test
  void theConstructorsWithoutTheCountsCountThem() {
    PeerState s = threeConnections().withEviction(id(2), DisconnectReason.ERRORED);
    PeerState rebuilt = new PeerState(s.book(), s.dialing(), s.connected(), s.ready(),
        s.evicting(), s.upgrading(), s.scores(), s.persistentDialFailures(), s.timers(), s.prng(),
        s.started());
    assertThat(rebuilt.occupied()).isEqualTo(new Occupied(2, 0));
    assertThat(rebuilt).isEqualTo(s);
  }
}
