package dev.cairn.model;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.Step;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.PeerStatus;
import dev.cairn.core.peer.TimerKey;
import java.util.List;

/**
 * Realistic bugs injected one at a time into a copy of the core's behaviour, by transforming
 * its config, inputs or outputs (core-fsm itself is untouched). The spec stays as it is.
 */
enum Mutant {

  /** Off-by-one in a limit: Java runs with maxOutbound + 1 while the spec keeps MaxOutbound. */
  OUTBOUND_LIMIT_PLUS_ONE {
    @Override
    PeerConfig config(PeerConfig c) {
      return c.withLimits(c.maxInbound(), c.maxOutbound() + 1, c.maxConnected(), c.maxConnectedUpgrade(),
          c.minThreshold(), c.minTarget(), c.maxTarget(), c.maxThreshold());
    }
  },

  /** The dial flag is not cleared on failure: the peer stays in {@code dialing} after DialFailed. */
  DIAL_FLAG_KEPT_ON_FAILURE {
    @Override
    JavaCore core() {
      return (cfg, s, now, wall, e) -> {
        Step<PeerState, PeerEffect> st = JavaCore.REAL.step(cfg, s, now, wall, e);
        if (e instanceof PeerEvent.DialFailed f && st.isAccepted()) {
          PeerState n = st.state();
          NodeAddress a = f.address();
          PeerState kept = new PeerState(n.book(), n.dialing().plus(a.id(), a), n.connected(), n.ready(),
              n.evicting(), n.upgrading(), n.scores(), n.persistentDialFailures(), n.timers(), n.prng(),
              n.started(), n.bannedIds(), n.idleInbound());
          return Step.accepted(kept, st.effects());
        }
        return st;
      };
    }
  },

  /** A ready peer's disconnection is not published (reactors keep routing to a dead peer). */
  DOWN_NOT_PUBLISHED {
    @Override
    JavaCore core() {
      return (cfg, s, now, wall, e) -> {
        Step<PeerState, PeerEffect> st = JavaCore.REAL.step(cfg, s, now, wall, e);
        if (!st.isAccepted()) {
          return st;
        }
        List<PeerEffect> kept = st.effects().stream()
            .filter(f -> !(f instanceof PeerEffect.PublishPeerUpdate u && u.status() == PeerStatus.DOWN))
            .toList();
        return Step.accepted(st.state(), kept);
      };
    }
  },

  /** A persistent peer's failed dial arms no retry timer (it is redialed at once, in a loop). */
  PERSISTENT_RETRY_NOT_ARMED {
    @Override
    JavaCore core() {
      return (cfg, s, now, wall, e) -> {
        Step<PeerState, PeerEffect> st = JavaCore.REAL.step(cfg, s, now, wall, e);
        if (e instanceof PeerEvent.DialFailed f && st.isAccepted() && cfg.isPersistent(f.address().id())) {
          PeerState n = st.state();
          PeerState m = new PeerState(n.book(), n.dialing(), n.connected(), n.ready(), n.evicting(),
              n.upgrading(), n.scores(), n.persistentDialFailures(),
              n.timers().cancel(new TimerKey.RetryDial(f.address().id())), n.prng(), n.started(),
              n.bannedIds(), n.idleInbound());
          return Step.accepted(m, st.effects());
        }
        return st;
      };
    }
  },

  /**
   * Learning an address whose ban has run out lifts the ban first (the book's {@code add} before
   * core revision 2), where only maintenance, admissions and dial requests lift bans and the spec
   * keeps such a peer banned until they do.
   */
  EXPIRED_BAN_LIFTED_ON_LEARNING {
    @Override
    JavaCore core() {
      return (cfg, s, now, wall, e) ->
          JavaCore.REAL.step(cfg, JavaCore.expiredBansLiftedOnLearning(cfg, s, wall, e), now, wall, e);
    }
  };

  PeerConfig config(PeerConfig real) {
    return real;
  }

  JavaCore core() {
    return JavaCore.REAL;
  }

  JavaDriver driver(PeerManagerMapping mapping) {
    return new JavaDriver(mapping, config(mapping.config()), core());
  }
}
