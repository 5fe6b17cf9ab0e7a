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

  private static int kind(TimerKey k) {
    return switch (k) {
      case Maintenance m -> 0;
      case RetryDial r -> 1;
      case DisconnectCooldown d -> 2;
    };
  }

  private static String peerHex(TimerKey k) {
    return switch (k) {
      case Maintenance m -> "";
      case RetryDial r -> r.peer().hex();
      case DisconnectCooldown d -> d.peer().hex();
    };
  }

  Comparator<TimerKey> ORDER = TimerKey::compareTo;

  /**
   * By kind, then by peer. Written out rather than composed from {@link Comparator} combinators:
   * every timer-table lookup runs it a dozen times, and this is the hot path of a step.
   */
  @Override
  default int compareTo(TimerKey other) {
    if (this == other) {
      return 0;
    }
    int byKind = Integer.compare(kind(this), kind(other));
    return byKind != 0 ? byKind : peerHex(this).compareTo(peerHex(other));
  }
}
