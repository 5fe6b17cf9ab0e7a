package dev.cairn.shell.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) with one fixed key, no associated data, and the SecretConnection
 * nonce layout {@code 00000000 ‖ LE64(counter)}. Backed by the JDK's SunJCE implementation, which
 * has ChaCha20 and Poly1305 intrinsics on JDK 21+ (measured against Bouncy Castle in
 * {@code SecretPrimitivesBenchmark}). One instance per direction; not thread-safe.
 */
public final class ChaCha20Poly1305 {

  /** Length of the authentication tag. */
  public static final int TAG_BYTES = 16;
  /** Length of the key. */
  public static final int KEY_BYTES = 32;
  /** Length of the nonce. */
  public static final int NONCE_BYTES = 12;

  private final Cipher cipher;
  private final SecretKeySpec key;
  private final byte[] nonce = new byte[NONCE_BYTES];

  public ChaCha20Poly1305(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key, "ChaCha20");
    try {
      this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks ChaCha20-Poly1305", e);
    }
  }

  /** Writes the 12-byte nonce for {@code counter} (an unsigned 64-bit value) into {@code dst}. */
  public static void nonce(long counter, byte[] dst) {
    dst[0] = 0;
    dst[1] = 0;
    dst[2] = 0;
    dst[3] = 0;
    for (int i = 0; i < 8; i++) {
      dst[4 + i] = (byte) (counter >>> (8 * i));
    }
  }

  /** Encrypts {@code len} bytes and appends the tag; writes {@code len + 16} bytes to {@code out}. */
  public void seal(long counter, byte[] in, int inOff, int len, byte[] out, int outOff) {
    init(Cipher.ENCRYPT_MODE, counter);
    try {
      cipher.doFinal(in, inOff, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
    }
  }

  /**
   * Checks the tag and decrypts {@code len} sealed bytes (ciphertext ‖ tag) into {@code out}.
   *
   * @return false when the tag does not verify (nothing useful is written then)
   */
  public boolean open(long counter, byte[] in, int inOff, int len, byte[] out, int outOff) {
    init(Cipher.DECRYPT_MODE, counter);
    try {
      cipher.doFinal(in, inOff, len, out, outOff);
      return true;
    } catch (AEADBadTagException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 open failed", e);
    }
  }

  private void init(int mode, long counter) {
    nonce(counter, nonce);
    try {
      cipher.init(mode, key, new IvParameterSpec(nonce));
    } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 init failed for counter " + Long.toUnsignedString(counter), e);
    }
  }
}
