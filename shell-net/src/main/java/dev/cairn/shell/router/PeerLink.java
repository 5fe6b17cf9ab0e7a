package dev.cairn.shell.router;

import dev.cairn.core.NodeId;
import dev.cairn.shell.mconn.MConnection;
import io.netty.util.concurrent.Future;
import java.time.Duration;

/** What the router needs of one peer's connection: its MConnection's bounded queues, and closing. */
public interface PeerLink {

  NodeId remoteId();

  /** Queues a message, waiting (bounded) for queue room as Go's {@code Send}. */
  Future<MConnection.Offer> send(int channelId, byte[] message);

  /** Queues a message if there is room now, as Go's {@code TrySend}. */
  Future<MConnection.Offer> trySend(int channelId, byte[] message);

  void close();

  /** Closes once everything queued has been flushed, or after {@code maxWait}. */
  void closeAfterFlush(Duration maxWait);
}
