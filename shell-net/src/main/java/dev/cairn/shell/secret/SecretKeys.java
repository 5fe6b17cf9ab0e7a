package dev.cairn.shell.secret;

import dev.cairn.shell.crypto.CryptoPrimitives;
import dev.cairn.shell.crypto.MerlinTranscript;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The SecretConnection key schedule (wire-protocol §2.4–2.5): HKDF-SHA256 of the DH secret into
 * the send/recv keys with the lo/hi rule, and the Merlin authentication challenge.
 */
public final class SecretKeys {

  static final byte[] HKDF_INFO =
      "TENDERMINT_SECRET_CONNECTION_KEY_AND_CHALLENGE_GEN".getBytes(StandardCharsets.US_ASCII);
  static final String TRANSCRIPT_LABEL = "TENDERMINT_SECRET_CONNECTION_TRANSCRIPT_HASH";

  private final byte[] recvKey;
  private final byte[] sendKey;
  private final byte[] legacyChallenge;

  private SecretKeys(byte[] recvKey, byte[] sendKey, byte[] legacyChallenge) {
    this.recvKey = recvKey;
    this.sendKey = sendKey;
    this.legacyChallenge = legacyChallenge;
  }

  /**
   * Go's {@code deriveSecrets}: 96 HKDF bytes; the lo party receives with bytes 0..32 and sends
   * with 32..64, the hi party the other way round. Bytes 64..96 are the unused pre-Merlin challenge.
   */
  public static SecretKeys derive(byte[] dhSecret, boolean locIsLeast) {
    byte[] okm = CryptoPrimitives.hkdfSha256(dhSecret, new byte[0], HKDF_INFO, 96);
    byte[] k0 = Arrays.copyOfRange(okm, 0, 32);
    byte[] k1 = Arrays.copyOfRange(okm, 32, 64);
    byte[] legacy = Arrays.copyOfRange(okm, 64, 96);
    return locIsLeast ? new SecretKeys(k0, k1, legacy) : new SecretKeys(k1, k0, legacy);
  }

  /** The Merlin challenge both sides sign. */
  public static byte[] challenge(byte[] loEphPub, byte[] hiEphPub, byte[] dhSecret) {
    MerlinTranscript t = new MerlinTranscript(TRANSCRIPT_LABEL);
    t.appendMessage("EPHEMERAL_LOWER_PUBLIC_KEY", loEphPub);
    t.appendMessage("EPHEMERAL_UPPER_PUBLIC_KEY", hiEphPub);
    t.appendMessage("DH_SECRET", dhSecret);
    return t.challengeBytes("SECRET_CONNECTION_MAC", 32);
  }

  /** Whether {@code local} sorts first (unsigned lexicographic), i.e. is "lo". */
  public static boolean isLeast(byte[] local, byte[] remote) {
    return Arrays.compareUnsigned(local, remote) <= 0;
  }

  public byte[] recvKey() {
    return recvKey.clone();
  }

  public byte[] sendKey() {
    return sendKey.clone();
  }

  /** HKDF bytes 64..96, unused by the protocol since Tendermint 0.33. */
  public byte[] legacyChallenge() {
    return legacyChallenge.clone();
  }
}
