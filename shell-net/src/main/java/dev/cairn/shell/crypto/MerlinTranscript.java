package dev.cairn.shell.crypto;

import java.nio.charset.StandardCharsets;

/**
 * A Merlin v1.0 transcript (STROBE-128 based), as used by CometBFT's SecretConnection to derive
 * the authentication challenge. Mutable; one instance per handshake.
 */
public final class MerlinTranscript {

  private static final byte[] MERLIN_PROTOCOL = ascii("Merlin v1.0");
  private static final byte[] DOM_SEP = ascii("dom-sep");

  private final Strobe128 strobe;

  /** {@code new(appLabel)}: STROBE init with "Merlin v1.0", then appends the domain separator. */
  public MerlinTranscript(byte[] appLabel) {
    strobe = new Strobe128(MERLIN_PROTOCOL);
    appendMessage(DOM_SEP, appLabel);
  }

  /** Same as {@link #MerlinTranscript(byte[])} with an ASCII label. */
  public MerlinTranscript(String appLabel) {
    this(ascii(appLabel));
  }

  /** {@code append_message(label, message)}: meta-AD(label ‖ LE32(len)), then AD(message). */
  public void appendMessage(byte[] label, byte[] message) {
    strobe.ad(label, true, false);
    strobe.ad(le32(message.length), true, true);
    strobe.ad(message, false, false);
  }

  /** Same as {@link #appendMessage(byte[], byte[])} with an ASCII label. */
  public void appendMessage(String label, byte[] message) {
    appendMessage(ascii(label), message);
  }

  /** {@code challenge_bytes(label, n)}: meta-AD(label ‖ LE32(n)), then PRF(n). */
  public byte[] challengeBytes(byte[] label, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("challenge length must be non-negative, got " + n);
    }
    strobe.ad(label, true, false);
    strobe.ad(le32(n), true, true);
    return strobe.prf(n, false);
  }

  /** Same as {@link #challengeBytes(byte[], int)} with an ASCII label. */
  public byte[] challengeBytes(String label, int n) {
    return challengeBytes(ascii(label), n);
  }

  /** The underlying STROBE object's state, for step-by-step tests. */
  public byte[] strobeState() {
    return strobe.state();
  }

  /** STROBE position, for step-by-step tests. */
  public int strobePos() {
    return strobe.pos();
  }

  /** STROBE operation begin, for step-by-step tests. */
  public int strobePosBegin() {
    return strobe.posBegin();
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
