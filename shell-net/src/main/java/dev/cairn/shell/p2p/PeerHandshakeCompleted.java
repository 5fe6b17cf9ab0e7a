package dev.cairn.shell.p2p;

/**
 * User event fired by {@link NodeInfoHandshakeHandler} when the peer's NodeInfo has been accepted.
 * Handlers that run the MConnection install themselves on it; bytes that followed the NodeInfo
 * are passed on with {@code fireChannelRead} right after this event.
 */
public record PeerHandshakeCompleted(NodeInfo remote) {}
