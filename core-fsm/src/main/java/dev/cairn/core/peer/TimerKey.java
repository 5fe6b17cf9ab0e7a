package dev.cairn.core.peer;

import dev.cairn.core.NodeId;
import java.util.Comparator;
import java.util.Objects;

/**
 * The name of a timer in {@link PeerState#timers()}. Ordered by kind, then by peer, so that
 * {@link PeerEvent.TimerFired} handles expired timers in one defined order.
 */
public sealed interface TimerKey extends Comparable<TimerKey> {

  /** The periodic connection-count maintenance check (Tezos' idle timer, CometBFT's ensurePeers tick). */
  record Maintenance() implements TimerKey {}

  /** The peer's last dial failed; it is not dialed again before this timer fires. */
  record RetryDial(NodeId peer) implements TimerKey {
    public RetryDial {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /** The peer disconnected; it is not dialed again before this timer fires (v0.35 DisconnectCooldownPeriod). */
  record DisconnectCooldown(NodeId peer) implements TimerKey {
    public DisconnectCooldown {
      Objects.requireNonNull(peer, "peer");
    }
  }

  Maintenance MAINTENANCE = new Maintenance();

  /**
   * 0, 1, 2 for Maintenance, RetryDial, DisconnectCooldown. Plain type tests, not a pattern
   * switch: this runs for every comparison in the timer table, the hot path of a step.
   */
  private static int kind(TimerKey k) {
    return k instanceof RetryDial ? 1 : k instanceof DisconnectCooldown ? 2 : 0;
  }

  /** The peer a per-peer timer belongs to, null for {@link Maintenance}. */
  static NodeId peerOf(TimerKey k) {
    return k instanceof RetryDial r ? r.peer() : k instanceof DisconnectCooldown d ? d.peer() : null;
  }

  Comparator<TimerKey> ORDER = TimerKey::compareTo;

  /** By kind, then by peer. */
  @Override
  default int compareTo(TimerKey other) {
    if (this == other) {
      return 0;
    }
    int byKind = Integer.compare(kind(this), kind(other));
    if (byKind != 0) {
      return byKind;
    }
    NodeId a = peerOf(this);
    return a == null ? 0 : a.compareTo(peerOf(other));
  }
}
