package dev.cairn.shell.crypto;

import static dev.cairn.shell.crypto.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.core.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyAndIdentityTest {

  @TempDir Path tmp;

  @Test
  void nodeIdVectors() {
    List<String[]> rows = Vectors.csv("node_id_vectors.csv");
    assertTrue(rows.size() >= 4, "expected at least 4 node ID vectors");
    for (String[] r : rows) {
      assertEquals(NodeId.of(r[1]), CryptoPrimitives.nodeId(hex(r[0])), "pubkey " + r[0]);
    }
  }

  @Test
  void exampleNodeKeyFileGivesKnownId() throws Exception {
    Path example = Vectors.dir().resolve("../examples/node_key.example.json").normalize();
    assumeTrue(Files.isRegularFile(example), "examples/node_key.example.json absent; skipping");
    NodeKey key = NodeKey.load(example);
    assertEquals(NodeId.of("2d6ea4296e321edc08897614e2a24c4bc3e71d63"), key.id());
    assertEquals(Files.readString(example).trim(), key.toJson(), "compact form is byte-identical");
  }

  @Test
  void parseAcceptsAnyWhitespaceAndRoundTrips() throws Exception {
    NodeKey k = NodeKey.fromSeed(new byte[32]);
    String spaced = k.toJson().replace("{", "{\n  ").replace(":", " :\t").replace(",", " ,\r\n");
    NodeKey back = NodeKey.parse(spaced);
    assertEquals(k.id(), back.id());
    assertArrayEquals(k.publicKey(), back.publicKey());
  }

  @Test
  void writeIsCompactWithMode0600AndLoadOrGenerateIsStable() throws Exception {
    Path file = tmp.resolve("config/node_key.json");
    NodeKey generated = NodeKey.loadOrGenerate(file, fixedRandom(7));
    assertTrue(Files.isRegularFile(file));
    String text = Files.readString(file);
    assertFalse(text.contains(" ") || text.contains("\n"), "written compactly: " + text);
    if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(file));
    }
    NodeKey again = NodeKey.loadOrGenerate(file, fixedRandom(99));
    assertEquals(generated.id(), again.id(), "an existing key is loaded, not regenerated");
    NodeKey expected = NodeKey.fromSeed(filled(7));
    assertEquals(expected.id(), generated.id(), "the injected random supplies the seed");
    try (var s = Files.list(file.getParent())) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }

  @Test
  void corruptFilesAreRejectedWithClearMessages() throws Exception {
    NodeKey k = NodeKey.fromSeed(filled(3));
    byte[] raw = Base64.getDecoder().decode(k.toJson().replaceAll(".*\"value\":\"([^\"]+)\".*", "$1"));
    assertRejected("{not json", "not valid JSON");
    assertRejected("[]", "JSON object");
    assertRejected("{}", "priv_key");
    assertRejected(json("tendermint/PrivKeySecp256k1", b64(raw)), "PrivKeySecp256k1");
    assertRejected(json("tendermint/PrivKeyEd25519", "@@@"), "not valid base64: '@' is not a base64 character");
    assertRejected(json("tendermint/PrivKeyEd25519", "QUJD="), "its length or padding is not that of base64 text");
    assertRejected("", "node key file is empty");
    assertRejected("{\"priv_key\":\n  {\"type\": }", "not valid JSON at line 2, column");
    // nothing may follow the object; the message is ours, not Jackson's settings and source
    for (String trailing : List.of(k.toJson() + "garbage", k.toJson() + "}", k.toJson() + k.toJson())) {
      NodeKeyException e = assertThrows(NodeKeyException.class, () -> NodeKey.parse(trailing));
      assertTrue(e.getMessage().startsWith("node key is not valid JSON at line 1, column"), e.getMessage());
      assertTrue(!e.getMessage().contains("Feature") && !e.getMessage().contains("Source")
          && !e.getMessage().contains("JsonNode") && !e.getMessage().contains("was expecting"), e.getMessage());
    }
    assertRejected("\uFEFF" + k.toJson(), "byte-order mark");
    assertRejected(json("tendermint/PrivKeyEd25519", b64(java.util.Arrays.copyOf(raw, 32))), "got 32");
    byte[] mismatched = raw.clone();
    mismatched[40] ^= 1;
    assertRejected(json("tendermint/PrivKeyEd25519", b64(mismatched)), "does not match");
    byte[] zeroPub = raw.clone();
    java.util.Arrays.fill(zeroPub, 32, 64, (byte) 0);
    assertRejected(json("tendermint/PrivKeyEd25519", b64(zeroPub)), "does not match");

    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"priv_key\":{}}");
    NodeKeyException e = assertThrows(NodeKeyException.class, () -> NodeKey.load(bad));
    assertTrue(e.getMessage().contains("bad.json"), e.getMessage());

    Path huge = tmp.resolve("huge.json");
    Files.write(huge, new byte[(int) NodeKey.MAX_FILE_BYTES + 1]);
    NodeKeyException tooLarge = assertThrows(NodeKeyException.class, () -> NodeKey.load(huge));
    assertTrue(tooLarge.getMessage().contains("huge.json") && tooLarge.getMessage().contains("bytes"),
        tooLarge.getMessage());
  }

  @Test
  void ed25519SignVerifyAndRejections() {
    NodeKey k = NodeKey.fromSeed(filled(5));
    byte[] msg = "challenge".getBytes();
    byte[] sig = k.sign(msg);
    assertTrue(CryptoPrimitives.ed25519Verify(k.publicKey(), msg, sig));
    sig[10] ^= 1;
    assertFalse(CryptoPrimitives.ed25519Verify(k.publicKey(), msg, sig));
    assertFalse(CryptoPrimitives.ed25519Verify(k.publicKey(), msg, new byte[63]));
    assertFalse(CryptoPrimitives.ed25519Verify(new byte[31], msg, new byte[64]));
  }

  @Test
  void ed25519Rfc8032TestVector1() {
    // RFC 8032 section 7.1, TEST 1 (empty message)
    byte[] seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    byte[] pub = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    String sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    assertArrayEquals(pub, CryptoPrimitives.ed25519PublicKey(seed));
    assertEquals(sig, hex(CryptoPrimitives.ed25519Sign(seed, pub, new byte[0])));
    assertTrue(CryptoPrimitives.ed25519Verify(pub, new byte[0], hex(sig)));
  }

  private static void assertRejected(String json, String fragment) {
    NodeKeyException e = assertThrows(NodeKeyException.class, () -> NodeKey.parse(json), json);
    assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
  }

  private static String json(String type, String value) {
    return "{\"priv_key\":{\"type\":\"" + type + "\",\"value\":\"" + value + "\"}}";
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] filled(int v) {
    byte[] b = new byte[32];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }

  /** A SecureRandom that returns {@code v} bytes, so generated keys are predictable. */
  static SecureRandom fixedRandom(int v) {
    return new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        java.util.Arrays.fill(bytes, (byte) v);
      }
    };
  }
}
