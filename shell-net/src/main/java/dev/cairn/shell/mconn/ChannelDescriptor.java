package dev.cairn.shell.mconn;

/**
 * One MConnection channel (Go {@code conn.ChannelDescriptor}).
 *
 * @param id channel ID, 0..255
 * @param priority scheduling weight, > 0; a channel with twice the priority gets twice the bytes
 * @param sendQueueCapacity messages that may wait to be sent (besides the one being sent)
 * @param recvBufferCapacity initial size of the reassembly buffer, a memory hint only
 * @param recvMessageCapacity largest reassembled message accepted; more is a protocol error
 */
public record ChannelDescriptor(
    int id, int priority, int sendQueueCapacity, int recvBufferCapacity, int recvMessageCapacity) {

  /** Defaults of Go's {@code FillDefaults}. */
  public static final int DEFAULT_SEND_QUEUE_CAPACITY = 1;
  public static final int DEFAULT_RECV_BUFFER_CAPACITY = 4096;
  public static final int DEFAULT_RECV_MESSAGE_CAPACITY = 22020096;

  public ChannelDescriptor {
    if (id < 0 || id > 255) {
      throw new IllegalArgumentException("channel ID " + id + " is outside 0..255");
    }
    if (priority <= 0) {
      throw new IllegalArgumentException("channel " + id + ": priority must be > 0, got " + priority);
    }
    if (sendQueueCapacity <= 0 || recvBufferCapacity <= 0 || recvMessageCapacity <= 0) {
      throw new IllegalArgumentException("channel " + id + ": capacities must be > 0");
    }
  }

  /** A descriptor with Go's default capacities. */
  public static ChannelDescriptor of(int id, int priority) {
    return new ChannelDescriptor(id, priority, DEFAULT_SEND_QUEUE_CAPACITY, DEFAULT_RECV_BUFFER_CAPACITY,
        DEFAULT_RECV_MESSAGE_CAPACITY);
  }
}
