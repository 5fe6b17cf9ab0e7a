package dev.cairn.core.peer;

import static dev.cairn.core.peer.Fixtures.WALL;
import static dev.cairn.core.peer.Fixtures.connect;
import static dev.cairn.core.peer.Fixtures.dialing;
import static dev.cairn.core.peer.Fixtures.emptyBook;
import static dev.cairn.core.peer.Fixtures.id;
import static dev.cairn.core.peer.Fixtures.idle;
import static dev.cairn.core.peer.Fixtures.small;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pcollections.TreePMap;

/**
 * {@link PeerInvariants#BannedNeverDialedOrAccepted} is read from the dials and connections: a
 * banned peer being dialed, or connected and not being evicted, breaks it; one being evicted, or
 * a ban of a peer neither dialed nor connected, does not.
 */
class BannedNeverDialedOrAcceptedTest {

  private static final String NAME = PeerInvariants.BannedNeverDialedOrAccepted.name();

  private static PeerState bannedById(PeerState s, int n) {
    return s.withBannedIds(TreePMap.singleton(id(n), WALL));
  }

  @Test
  void aBannedPeerDialedOrConnectedBreaksIt() {
    PeerState s = dialing(connect(idle(emptyBook()), 1, Direction.INBOUND), 2);
    assertThat(PeerInvariants.violations(small(), s)).doesNotContain(NAME);
    assertThat(PeerInvariants.violations(small(), bannedById(s, 9))).doesNotContain(NAME);
    assertThat(PeerInvariants.violations(small(), bannedById(s, 2))).contains(NAME);
    assertThat(PeerInvariants.violations(small(), bannedById(s, 1))).contains(NAME);
    PeerState leaving = s.withEviction(id(1), DisconnectReason.BANNED);
    assertThat(PeerInvariants.violations(small(), bannedById(leaving, 1))).doesNotContain(NAME);
  }
}
