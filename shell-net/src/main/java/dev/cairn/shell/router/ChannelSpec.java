package dev.cairn.shell.router;

import com.google.protobuf.MessageLite;
import dev.cairn.shell.mconn.ChannelDescriptor;
import java.util.Objects;

/**
 * A channel a reactor opens: the MConnection descriptor (ID, priority, send queue capacity,
 * receive buffer, largest message), the one message type it carries, and what a send does when
 * the peer's send queue of this channel is full.
 *
 * @param <M> the channel's message type
 */
public record ChannelSpec<M>(ChannelDescriptor descriptor, MessageCodec<M> codec, Overflow overflow) {

  /**
   * What happens to a message sent while the peer's queue of the channel is full (the queue is
   * the MConnection's: {@link ChannelDescriptor#sendQueueCapacity()} messages per peer and channel).
   * Either way a message that does not make it into the queue is counted as dropped, per channel,
   * in {@link Router#stats} and in the node's metrics.
   */
  public enum Overflow {
    /** Dropped at once (Go's {@code TrySend}). For traffic that is resent anyway, e.g. gossip. */
    DROP,
    /**
     * Waits for room, like Go's {@code Send}: up to the MConnection's send timeout (10 s), in a
     * per-peer waiting list of at most {@code MConnectionHandler.MAX_WAITING_SENDS} sends over all
     * channels; dropped when the time is up or the list is full.
     */
    WAIT
  }

  public ChannelSpec {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(overflow, "overflow");
  }

  /** A channel of protobuf messages of {@code defaultInstance}'s type. */
  public static <M extends MessageLite> ChannelSpec<M> protobuf(ChannelDescriptor descriptor, M defaultInstance,
      Overflow overflow) {
    return new ChannelSpec<>(descriptor, MessageCodec.protobuf(defaultInstance), overflow);
  }

  public int id() {
    return descriptor.id();
  }
}
