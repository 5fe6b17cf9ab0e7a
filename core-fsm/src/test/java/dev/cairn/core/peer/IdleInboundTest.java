package dev.cairn.core.peer;

import static dev.cairn.core.peer.Fixtures.NOW;
import static dev.cairn.core.peer.Fixtures.emptyBook;
import static dev.cairn.core.peer.Fixtures.id;
import static dev.cairn.core.peer.Fixtures.idle;
import static dev.cairn.core.peer.Fixtures.persistent;
import static dev.cairn.core.peer.Fixtures.remote;
import static dev.cairn.core.peer.Fixtures.small;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.MonoTime;
import dev.cairn.core.Step;
import dev.cairn.core.peer.PeerEffect.Disconnect;
import dev.cairn.core.peer.PeerEvent.InboundAccepted;
import dev.cairn.core.peer.PeerEvent.PeerDisconnected;
import dev.cairn.core.peer.PeerEvent.PeerReported;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePSet;

/**
 * The inbound eviction rule: when inbound is full and no strictly lower-scored peer can be
 * upgraded away, an inbound newcomer takes the slot of the inbound peer idle the longest (no
 * reactor reported it good since it was admitted). Persistent and unconditional peers are never
 * idle; a peer reported good keeps its slot.
 */
class IdleInboundTest {

  /** maxInbound 2, maxOutbound 2, maxConnected 3, 1 upgrade slot; the rule on. */
  private static final PeerConfig CFG = small().withIdleInboundEviction(true);

  private static Step<PeerState, PeerEffect> step(PeerConfig cfg, PeerState s, MonoTime now, PeerEvent e) {
    Step<PeerState, PeerEffect> out = PeerManager.step(cfg, s, now, Fixtures.WALL, e);
    PeerInvariants.check(cfg, out.state());
    return out;
  }

  /** Inbound peers {@code ns} admitted one millisecond apart, in order, from NOW. */
  private static PeerState admitted(PeerConfig cfg, int... ns) {
    PeerState s = idle(emptyBook());
    for (int i = 0; i < ns.length; i++) {
      s = step(cfg, s, NOW.plusMillis(i), new InboundAccepted(remote(ns[i]))).state();
    }
    return s;
  }

  @Test
  void atFullInbound_aNewcomerReplacesThePeerIdleTheLongest() {
    PeerState s = admitted(CFG, 5, 1); // 5 first, although 1 has the smaller ID
    assertThat(s.idleInbound()).containsEntry(id(5), NOW).containsEntry(id(1), NOW.plusMillis(1));
    var out = step(CFG, s, NOW.plusMillis(10), new InboundAccepted(remote(3)));
    assertThat(out.effects()).containsExactly(new Disconnect(id(5), remote(5), DisconnectReason.EVICTED_IDLE));
    assertThat(out.state().connected()).containsKeys(id(1), id(3), id(5));
    assertThat(out.state().evicting()).containsOnlyKeys(id(5));
    assertThat(out.state().idleInbound()).containsOnlyKeys(id(1), id(3), id(5));
    assertThat(PeerManager.counts(CFG, out.state()).inbound()).isEqualTo(CFG.maxInbound());

    // 5 is closing: the next newcomer takes 1's slot (the one idle longest that is not leaving)
    var next = step(CFG, out.state(), NOW.plusMillis(11), new InboundAccepted(remote(4)));
    assertThat(next.effects()).containsExactly(new Disconnect(id(1), remote(1), DisconnectReason.EVICTED_IDLE));

    // the closed connection leaves the idle set with it
    var gone = step(CFG, next.state(), NOW.plusMillis(12), new PeerDisconnected(remote(5)));
    assertThat(gone.state().idleInbound()).doesNotContainKey(id(5));
  }

  @Test
  void equalAdmissionTimes_theSmallestIdGoesFirst() {
    PeerState s = idle(emptyBook());
    s = step(CFG, s, NOW, new InboundAccepted(remote(5))).state();
    s = step(CFG, s, NOW, new InboundAccepted(remote(2))).state();
    var out = step(CFG, s, NOW, new InboundAccepted(remote(3)));
    assertThat(out.effects()).containsExactly(new Disconnect(id(2), remote(2), DisconnectReason.EVICTED_IDLE));
  }

  @Test
  void aPeerReportedGood_keepsItsSlot_andANewcomerIsRefusedWhenNoneIsIdle() {
    PeerState s = admitted(CFG, 1, 2);
    s = step(CFG, s, NOW.plusMillis(5), new PeerReported(id(1), Feedback.GOOD)).state();
    assertThat(s.idleInbound()).containsOnlyKeys(id(2));
    var out = step(CFG, s, NOW.plusMillis(6), new InboundAccepted(remote(3)));
    assertThat(out.effects()).containsExactly(new Disconnect(id(2), remote(2), DisconnectReason.EVICTED_IDLE));

    PeerState both = step(CFG, s, NOW.plusMillis(7), new PeerReported(id(2), Feedback.GOOD)).state();
    assertThat(both.idleInbound()).isEmpty();
    assertThat(both.scores()).as("the report that ends idleness moves no score").isEmpty();
    assertThat(step(CFG, both, NOW.plusMillis(7), new PeerReported(id(2), Feedback.GOOD)).state().scores())
        .as("a later one does").containsEntry(id(2), 1);
    var refused = step(CFG, both, NOW.plusMillis(8), new InboundAccepted(remote(3)));
    assertThat(refused.effects()).containsExactly(new Disconnect(id(3), remote(3), DisconnectReason.FULL));
    assertThat(refused.state()).isEqualTo(both);
  }

  @Test
  void badFeedback_doesNotEndIdleness() {
    PeerState s = admitted(CFG, 1, 2);
    s = step(CFG, s, NOW.plusMillis(5), new PeerReported(id(1), Feedback.BAD)).state();
    assertThat(s.idleInbound()).containsOnlyKeys(id(1), id(2));
  }

  @Test
  void persistentAndUnconditionalPeers_areNeverIdle_soNeverReplaced() {
    PeerConfig cfg = persistent(CFG, 1).withUnconditionalPeerIds(TreePSet.singleton(id(2)));
    PeerState s = admitted(cfg, 1, 2, 4); // 2 is unconditional: beside the limit
    assertThat(s.idleInbound()).containsOnlyKeys(id(4));
    assertThat(PeerManager.counts(cfg, s).inbound()).isEqualTo(2);
    // a newcomer takes 4's slot, never 1's (persistent) nor 2's (unconditional)
    var out = step(cfg, s, NOW.plusMillis(10), new InboundAccepted(remote(5)));
    assertThat(out.effects()).containsExactly(new Disconnect(id(4), remote(4), DisconnectReason.EVICTED_IDLE));
    // with 4 closing and 5 the only idle one, the next newcomer takes 5's slot; then nothing is left
    var next = step(cfg, out.state(), NOW.plusMillis(11), new InboundAccepted(remote(6)));
    assertThat(next.state().evicting()).doesNotContainKeys(id(1), id(2));
    for (var e : next.state().evicting().entrySet()) {
      assertThat(e.getKey()).isNotIn(id(1), id(2));
    }
  }

  @Test
  void noRoomBesideTheClosingConnection_isRefused() {
    // maxConnected 3 + 1 upgrade slot = 4 open connections at most
    PeerState s = admitted(CFG, 1, 2);
    s = step(CFG, s, NOW.plusMillis(3), new InboundAccepted(remote(3))).state(); // evicts 1
    s = step(CFG, s, NOW.plusMillis(4), new InboundAccepted(remote(4))).state(); // evicts 2
    assertThat(s.connected()).hasSize(4);
    var out = step(CFG, s, NOW.plusMillis(5), new InboundAccepted(remote(5)));
    assertThat(out.effects()).containsExactly(new Disconnect(id(5), remote(5), DisconnectReason.FULL));
  }

  @Test
  void off_aFullInboundRefusesTheNewcomer_andNobodyIsIdle() {
    PeerConfig off = small();
    PeerState s = admitted(off, 1, 2);
    assertThat(s.idleInbound()).isEmpty();
    var out = step(off, s, NOW.plusMillis(10), new InboundAccepted(remote(3)));
    assertThat(out.effects()).containsExactly(new Disconnect(id(3), remote(3), DisconnectReason.FULL));
  }

  @Test
  void anEvictingPeerReportedGood_staysIdleUntilItIsGone() {
    PeerState s = admitted(CFG, 1, 2);
    s = step(CFG, s, NOW.plusMillis(3), new InboundAccepted(remote(3))).state(); // evicts 1 as idle
    var out = step(CFG, s, NOW.plusMillis(4), new PeerReported(id(1), Feedback.GOOD));
    assertThat(out.state().idleInbound()).containsKey(id(1)); // EvictedIdleOnlyIdle holds
    assertThat(out.state().evicting()).containsEntry(id(1), DisconnectReason.EVICTED_IDLE);
  }
}
