package dev.cairn.shell.node;

import io.netty.channel.Channel;

/** What a {@link PeerPipeline} reports; all calls arrive on the connection's event loop. */
public interface PeerListener {

  /** Both handshakes succeeded; the MConnection is running. */
  void onPeerReady(PeerSession session);

  /** A whole message arrived on one of our channels. */
  void onMessage(PeerSession session, int channelId, byte[] message);

  /**
   * The connection closed. {@code session} is null when it closed before the handshakes
   * finished; {@code cause} is null for a clean close, otherwise the first error seen (a typed
   * handshake, frame or MConnection exception naming what was wrong).
   */
  void onPeerClosed(Channel channel, PeerSession session, Throwable cause);
}
