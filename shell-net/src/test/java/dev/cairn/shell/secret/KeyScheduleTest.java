package dev.cairn.shell.secret;

import static dev.cairn.shell.crypto.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.shell.crypto.ChaCha20Poly1305;
import dev.cairn.shell.crypto.CryptoPrimitives;
import dev.cairn.shell.crypto.Vectors;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyScheduleTest {

  @Test
  void goldenDeriveSecretsAllColumns() {
    List<String[]> rows = Vectors.csv("TestDeriveSecretsAndChallengeGolden.golden");
    assertEquals(32, rows.size());
    for (String[] r : rows) {
      SecretKeys k = SecretKeys.derive(hex(r[0]), Boolean.parseBoolean(r[1]));
      assertEquals(r[2], hex(k.recvKey()), "recv key for dh " + r[0]);
      assertEquals(r[3], hex(k.sendKey()), "send key for dh " + r[0]);
      assertEquals(r[4], hex(k.legacyChallenge()), "HKDF bytes 64..96 for dh " + r[0]);
    }
  }

  @Test
  void kdfChallengeVectorsFromPrivateKeys() {
    List<String[]> rows = Vectors.csv("secretconn_kdf_challenge_vectors.csv");
    assertEquals(16, rows.size());
    for (String[] r : rows) {
      byte[] privA = hex(r[0]);
      byte[] privB = hex(r[2]);
      byte[] pubA = CryptoPrimitives.x25519PublicKey(privA);
      byte[] pubB = CryptoPrimitives.x25519PublicKey(privB);
      assertEquals(r[1], hex(pubA));
      assertEquals(r[3], hex(pubB));
      byte[] dhA = CryptoPrimitives.x25519(privA, pubB);
      assertEquals(r[4], hex(dhA));
      assertEquals(r[4], hex(CryptoPrimitives.x25519(privB, pubA)), "DH is symmetric");
      boolean aLeast = SecretKeys.isLeast(pubA, pubB);
      assertEquals(Boolean.parseBoolean(r[7]), aLeast);
      byte[] lo = aLeast ? pubA : pubB;
      byte[] hi = aLeast ? pubB : pubA;
      assertEquals(r[5], hex(lo));
      assertEquals(r[6], hex(hi));
      SecretKeys a = SecretKeys.derive(dhA, aLeast);
      assertEquals(r[8], hex(a.recvKey()));
      assertEquals(r[9], hex(a.sendKey()));
      SecretKeys b = SecretKeys.derive(dhA, !aLeast);
      assertEquals(r[8], hex(b.sendKey()), "B sends with A's receive key");
      assertEquals(r[10], hex(SecretKeys.challenge(lo, hi, dhA)));
    }
  }

  @Test
  void nonceIncrementVectors() {
    List<String[]> rows = Vectors.csv("nonce_increment_vectors.csv");
    assertTrue(rows.size() >= 10);
    byte[] n = new byte[12];
    for (String[] r : rows) {
      ChaCha20Poly1305.nonce(Long.parseUnsignedLong(r[0]), n);
      assertEquals(r[1], hex(n), "counter " + r[0]);
    }
  }

  @Test
  void lowOrderPointsGiveAllZeroSecret() {
    List<String[]> rows = Vectors.csv("x25519_low_order_points.csv");
    assertEquals(7, rows.size());
    byte[] priv = hex("e8a37fba1acbfdbcf1be759a5226db77e1f5bb6470e34a6e078aa16756daae44");
    for (String[] r : rows) {
      assertTrue(CryptoPrimitives.isAllZero(CryptoPrimitives.x25519(priv, hex(r[0]))), r[1]);
    }
  }
}
