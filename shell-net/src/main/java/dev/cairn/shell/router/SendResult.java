package dev.cairn.shell.router;

/** What became of one message handed to {@link RouterChannel#send}. */
public enum SendResult {
  /** In the peer's send queue of the channel. */
  QUEUED,
  /** The queue was full; the message waits for room ({@link ChannelSpec.Overflow#WAIT}). */
  WAITING,
  /** The queue was full; the message was dropped and counted. */
  DROPPED,
  /** The peer did not list the channel in its NodeInfo, so nothing is sent (as in Go). */
  NOT_ADVERTISED,
  /** No such peer is routed (never added, or already gone), or its connection is closing. */
  NO_PEER
}
