package dev.cairn.shell.secret;

import dev.cairn.core.NodeId;

/**
 * Netty user event fired by {@link SecretHandshakeHandler} once the peer is authenticated and the
 * pipeline carries the decrypted byte stream. Precedes any data from the peer.
 */
public final class SecretConnectionEstablished {

  private final NodeId remoteId;
  private final byte[] remotePubKey;

  public SecretConnectionEstablished(NodeId remoteId, byte[] remotePubKey) {
    this.remoteId = remoteId;
    this.remotePubKey = remotePubKey.clone();
  }

  public NodeId remoteId() {
    return remoteId;
  }

  /** The peer's verified Ed25519 public key (a copy). */
  public byte[] remotePubKey() {
    return remotePubKey.clone();
  }

  @Override
  public String toString() {
    return "SecretConnectionEstablished[" + remoteId + "]";
  }
}
