package dev.cairn.shell.secret;

import dev.cairn.core.NodeId;

/**
 * What a completed handshake yields: the authenticated remote identity and the two frame ciphers
 * for the data phase (both already past the AuthSig frame, nonce 0), plus any data the peer sent
 * in the AuthSig frame after the AuthSig message.
 */
public final class HandshakeResult {

  private final byte[] remotePubKey;
  private final NodeId remoteId;
  private final FrameSealer sealer;
  private final FrameOpener opener;
  private final byte[] leftoverPlaintext;

  HandshakeResult(byte[] remotePubKey, NodeId remoteId, FrameSealer sealer, FrameOpener opener,
      byte[] leftoverPlaintext) {
    this.remotePubKey = remotePubKey;
    this.remoteId = remoteId;
    this.sealer = sealer;
    this.opener = opener;
    this.leftoverPlaintext = leftoverPlaintext;
  }

  /** The peer's verified Ed25519 public key (a copy). */
  public byte[] remotePubKey() {
    return remotePubKey.clone();
  }

  /** The node ID of {@link #remotePubKey()}. */
  public NodeId remoteId() {
    return remoteId;
  }

  /** Seals our outgoing data (next counter 1). */
  public FrameSealer sealer() {
    return sealer;
  }

  /** Opens the peer's frames (next counter 1). */
  public FrameOpener opener() {
    return opener;
  }

  /** Plaintext that followed the AuthSig message in its frame; usually empty. */
  public byte[] leftoverPlaintext() {
    return leftoverPlaintext.clone();
  }

  /** A reader for the data phase that starts with {@link #leftoverPlaintext()}. */
  public SecretReader newReader() {
    return new SecretReader(opener, leftoverPlaintext);
  }
}
