package dev.cairn.shell.crypto;

import dev.cairn.core.NodeId;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The provider chosen for each primitive (measured in {@code SecretPrimitivesBenchmark}, see
 * BENCHMARKS.md): X25519 and Ed25519 from Bouncy Castle's lightweight raw APIs (several times
 * faster than SunEC), SHA-256 and HMAC-SHA256 (HKDF) from the JDK (SHA-NI intrinsics), and the
 * ChaCha20-Poly1305 AEAD from the JDK (see {@link ChaCha20Poly1305}).
 *
 * <p><b>Ed25519 verification rule set.</b> Verification uses Bouncy Castle's RFC 8032 verifier:
 * cofactorless equation, canonical {@code S < L}, canonical point encodings, and small-order
 * public keys refused. This is the stricter rule set used by CometBFT v0.34/v0.37
 * ({@code x/crypto/ed25519}); v0.38+ accept the superset allowed by ZIP-215. Every honest RFC 8032
 * signature passes both. The signatures only ZIP-215 accepts can only be made deliberately by the
 * key's owner over a one-time challenge, so refusing them cannot be used against a third party,
 * and the strict rule set needs no extra code of ours.
 */
public final class CryptoPrimitives {

  /** Length of X25519 keys and shared secrets. */
  public static final int X25519_KEY_BYTES = 32;
  /** Length of an Ed25519 public key. */
  public static final int ED25519_PUBLIC_KEY_BYTES = 32;
  /** Length of an Ed25519 seed (private key). */
  public static final int ED25519_SEED_BYTES = 32;
  /** Length of an Ed25519 signature. */
  public static final int ED25519_SIGNATURE_BYTES = 64;

  private static final HexFormat HEX = HexFormat.of();

  static {
    X25519.precompute();
    Ed25519.precompute();
  }

  private CryptoPrimitives() {}

  /** X25519 public key of a (possibly unclamped) 32-byte private scalar. */
  public static byte[] x25519PublicKey(byte[] privateKey) {
    requireLength(privateKey, X25519_KEY_BYTES, "X25519 private key");
    byte[] pub = new byte[X25519_KEY_BYTES];
    X25519.scalarMultBase(privateKey, 0, pub, 0);
    return pub;
  }

  /**
   * Raw X25519 (RFC 7748, clamped). The result may be all zero for a low-order peer key; callers
   * must check with {@link #isAllZero(byte[])}.
   */
  public static byte[] x25519(byte[] privateKey, byte[] peerPublicKey) {
    requireLength(privateKey, X25519_KEY_BYTES, "X25519 private key");
    requireLength(peerPublicKey, X25519_KEY_BYTES, "X25519 public key");
    byte[] out = new byte[X25519_KEY_BYTES];
    X25519.scalarMult(privateKey, 0, peerPublicKey, 0, out, 0);
    return out;
  }

  /** Constant-time test that every byte is zero. */
  public static boolean isAllZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }

  /** Ed25519 public key of a 32-byte seed. */
  public static byte[] ed25519PublicKey(byte[] seed) {
    requireLength(seed, ED25519_SEED_BYTES, "Ed25519 seed");
    byte[] pub = new byte[ED25519_PUBLIC_KEY_BYTES];
    Ed25519.generatePublicKey(seed, 0, pub, 0);
    return pub;
  }

  /** Pure Ed25519 (RFC 8032) signature of {@code message}. */
  public static byte[] ed25519Sign(byte[] seed, byte[] publicKey, byte[] message) {
    requireLength(seed, ED25519_SEED_BYTES, "Ed25519 seed");
    requireLength(publicKey, ED25519_PUBLIC_KEY_BYTES, "Ed25519 public key");
    byte[] sig = new byte[ED25519_SIGNATURE_BYTES];
    Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /** Verifies a pure Ed25519 signature; false for any malformed input (see class comment). */
  public static boolean ed25519Verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey.length != ED25519_PUBLIC_KEY_BYTES || signature.length != ED25519_SIGNATURE_BYTES) {
      return false;
    }
    return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
  }

  /** SHA-256. */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** HKDF-SHA256 (RFC 5869); an empty salt means 32 zero bytes. */
  public static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (length < 0 || length > 255 * 32) {
      throw new IllegalArgumentException("HKDF-SHA256 output length out of range: " + length);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      byte[] okm = new byte[length];
      byte[] t = new byte[0];
      for (int i = 0, counter = 1; i < length; counter++) {
        mac.update(t);
        mac.update(info);
        mac.update((byte) counter);
        t = mac.doFinal();
        int n = Math.min(t.length, length - i);
        System.arraycopy(t, 0, okm, i, n);
        i += n;
      }
      return okm;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  /** CometBFT node ID: lowercase hex of the first 20 bytes of SHA-256 of the Ed25519 key. */
  public static NodeId nodeId(byte[] ed25519PublicKey) {
    requireLength(ed25519PublicKey, ED25519_PUBLIC_KEY_BYTES, "Ed25519 public key");
    byte[] h = sha256(ed25519PublicKey);
    return new NodeId(HEX.formatHex(h, 0, 20));
  }

  private static void requireLength(byte[] b, int n, String what) {
    if (b == null || b.length != n) {
      throw new IllegalArgumentException(
          what + " must be " + n + " bytes, got " + (b == null ? "null" : b.length));
    }
  }
}
