package dev.cairn.shell.router;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one channel over all peers, readable from any thread. The node's metrics carry
 * the same facts; these exist so that the router can be observed without a metrics registry.
 */
public final class ChannelStats {

  final LongAdder received = new LongAdder();
  final LongAdder sent = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder notAdvertised = new LongAdder();
  final LongAdder errors = new LongAdder();

  ChannelStats() {}

  /** Messages delivered to the channel's inbox or found malformed. */
  public long received() {
    return received.sum();
  }

  /** Messages that made it into a peer's send queue. */
  public long sent() {
    return sent.sum();
  }

  /** Messages dropped because a peer's queue of this channel was full. */
  public long dropped() {
    return dropped.sum();
  }

  /** Sends refused because the peer does not speak this channel. */
  public long notAdvertised() {
    return notAdvertised.sum();
  }

  /** Peer errors found on this channel. */
  public long errors() {
    return errors.sum();
  }

  @Override
  public String toString() {
    return "received=" + received() + " sent=" + sent() + " dropped=" + dropped() + " notAdvertised="
        + notAdvertised() + " errors=" + errors();
  }
}
