package dev.cairn.shell.secret;

import static dev.cairn.shell.crypto.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.cairn.proto.crypto.PublicKey;
import dev.cairn.proto.p2p.AuthSigMessage;
import dev.cairn.shell.crypto.CryptoPrimitives;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.secret.SecretConnectionException.Reason;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandshakeTest {

  private final NodeKey keyA = NodeKey.fromSeed(TestKeys.bytes(1));
  private final NodeKey keyB = NodeKey.fromSeed(TestKeys.bytes(2));

  @Test
  void javaToJavaHandshakeAndDataBothWays() throws Exception {
    SecretHandshake a = new SecretHandshake(keyA, TestKeys.fixed(TestKeys.bytes(10)));
    SecretHandshake b = new SecretHandshake(keyB, TestKeys.fixed(TestKeys.bytes(11)));
    // both write first, then each reads what the other wrote
    byte[] aOut = a.takeOutbound();
    byte[] bOut = b.takeOutbound();
    a.receive(bOut);
    b.receive(aOut);
    assertArrayEquals(a.challenge(), b.challenge(), "both sides derive the same challenge");
    a.receive(b.takeOutbound());
    b.receive(a.takeOutbound());
    assertTrue(a.isDone() && b.isDone());
    assertEquals(keyB.id(), a.result().remoteId());
    assertEquals(keyA.id(), b.result().remoteId());

    byte[] payload = new byte[5000];
    new Random(1).nextBytes(payload);
    byte[] sealed = a.result().sealer().seal(payload);
    assertEquals(5 * Frames.SEALED_BYTES, sealed.length, "ceil(5000/1024) frames");
    assertEquals(0, a.result().sealer().seal(new byte[0]).length, "an empty write sends nothing");
    SecretReader rb = b.result().newReader();
    rb.feed(sealed, 0, 100);
    assertEquals(0, rb.available());
    rb.feed(sealed, 100, sealed.length - 100);
    byte[] first = new byte[3000];
    assertEquals(3000, rb.read(first, 0, 3000));
    assertEquals(2000, rb.available(), "unread plaintext stays buffered");
    assertArrayEquals(payload, HandshakeVectorTest.concat(first, rb.readAll()));

    SecretReader ra = a.result().newReader();
    ra.feed(b.result().sealer().seal("pong".getBytes()));
    assertEquals("pong", new String(ra.readAll()));
  }

  @Test
  void truncatedEphemeralIsReportedOnClose() throws Exception {
    SecretHandshake a = new SecretHandshake(keyA, TestKeys.fixed(TestKeys.bytes(10)));
    byte[] eph = SecretHandshake.ephemeralMessage(TestKeys.bytes(3));
    a.receive(Arrays.copyOf(eph, 20));
    SecretConnectionException e = a.closedByPeer();
    assertEquals(Reason.TRUNCATED_EPHEMERAL, e.reason());
    assertTrue(e.getMessage().contains("20 of 35"), e.getMessage());
  }

  @Test
  void malformedEphemeralPrefixesAreRejectedAtOnce() {
    for (byte[] bad : new byte[][] {{0x21}, {0x22, 0x0b}, {0x22, 0x0a, 0x21}, {(byte) 0xa2, 0x00}}) {
      SecretHandshake a = new SecretHandshake(keyA, TestKeys.fixed(TestKeys.bytes(10)));
      SecretConnectionException e = assertThrows(SecretConnectionException.class, () -> a.receive(bad));
      assertEquals(Reason.MALFORMED_EPHEMERAL, e.reason());
      assertEquals(SecretHandshake.State.FAILED, a.state());
    }
  }

  @Test
  void everyLowOrderPointIsRejected() throws Exception {
    List<String[]> rows = dev.cairn.shell.crypto.Vectors.csv("x25519_low_order_points.csv");
    assertEquals(7, rows.size(), "the seven low-order points of tendermint-rs' list");
    for (String[] row : rows) {
      SecretHandshake a = new SecretHandshake(keyA, TestKeys.fixed(TestKeys.bytes(10)));
      SecretConnectionException e = assertThrows(SecretConnectionException.class,
          () -> a.receive(SecretHandshake.ephemeralMessage(hex(row[0]))), row[1]);
      assertEquals(Reason.LOW_ORDER_POINT, e.reason(), row[1]);
      assertEquals(35, a.takeOutbound().length, "no AuthSig is sent after a low-order point");
    }
  }

  @Test
  void badSignatureIsRejected() throws Exception {
    assertPeerAuthSigRejected(Reason.BAD_SIGNATURE, (pub, sig) -> {
      sig[0] ^= 1;
      return authSig(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(pub)), sig);
    });
  }

  @Test
  void signatureByAnotherKeyIsRejected() throws Exception {
    NodeKey other = NodeKey.fromSeed(TestKeys.bytes(9));
    assertPeerAuthSigRejected(Reason.BAD_SIGNATURE,
        (pub, sig) -> authSig(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(other.publicKey())), sig));
  }

  @Test
  void wrongKeyTypesAreRefusedByName() throws Exception {
    SecretConnectionException e = assertPeerAuthSigRejected(Reason.UNSUPPORTED_KEY_TYPE,
        (pub, sig) -> authSig(PublicKey.newBuilder().setSecp256K1(ByteString.copyFrom(new byte[33])), sig));
    assertTrue(e.getMessage().contains("secp256k1"), e.getMessage());
    e = assertPeerAuthSigRejected(Reason.UNSUPPORTED_KEY_TYPE,
        (pub, sig) -> authSig(PublicKey.newBuilder().setBls12381(ByteString.copyFrom(new byte[48])), sig));
    assertTrue(e.getMessage().contains("bls12381"), e.getMessage());
    e = assertPeerAuthSigRejected(Reason.UNSUPPORTED_KEY_TYPE,
        (pub, sig) -> authSig(PublicKey.newBuilder(), sig));
    assertTrue(e.getMessage().contains("unset"), e.getMessage());
    assertPeerAuthSigRejected(Reason.BAD_KEY_LENGTH,
        (pub, sig) -> authSig(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(new byte[31])), sig));
  }

  @Test
  void oversizedOrGarbageAuthSigIsRejected() throws Exception {
    assertPeerAuthSigRejected(Reason.MALFORMED_AUTH_SIG, (pub, sig) -> new byte[] {(byte) 0xff, (byte) 0xff, 0x7f});
    assertPeerAuthSigRejected(Reason.MALFORMED_AUTH_SIG, (pub, sig) -> new byte[] {0x03, (byte) 0xff, (byte) 0xff, (byte) 0xff});
  }

  @Test
  void tamperedAuthSigFrameFailsTag() throws Exception {
    SecretHandshake a = new SecretHandshake(keyA, TestKeys.fixed(TestKeys.bytes(10)));
    SecretHandshake b = new SecretHandshake(keyB, TestKeys.fixed(TestKeys.bytes(11)));
    a.receive(b.takeOutbound());
    b.receive(a.takeOutbound());
    byte[] frame = b.takeOutbound();
    frame[500] ^= 0x40;
    SecretConnectionException e = assertThrows(SecretConnectionException.class, () -> a.receive(frame));
    assertEquals(Reason.BAD_FRAME_TAG, e.reason());
    assertTrue(e.getMessage().contains("frame 0"), e.getMessage());
  }

  interface AuthSigForger {
    byte[] forge(byte[] honestPub, byte[] honestSig);
  }

  private static byte[] authSig(PublicKey.Builder pk, byte[] sig) {
    return SecretHandshake.delimit(AuthSigMessage.newBuilder().setPubKey(pk).setSig(ByteString.copyFrom(sig)).build().toByteArray());
  }

  /** Runs A against a hand-driven B whose AuthSig message is replaced by {@code forger}'s. */
  private SecretConnectionException assertPeerAuthSigRejected(Reason expected, AuthSigForger forger) throws Exception {
    byte[] bEphPriv = TestKeys.bytes(11);
    byte[] bEphPub = CryptoPrimitives.x25519PublicKey(bEphPriv);
    SecretHandshake a = new SecretHandshake(keyA, TestKeys.fixed(TestKeys.bytes(10)));
    byte[] aEphPub = Arrays.copyOfRange(a.takeOutbound(), 3, 35);
    a.receive(SecretHandshake.ephemeralMessage(bEphPub));
    byte[] dh = CryptoPrimitives.x25519(bEphPriv, aEphPub);
    boolean bLeast = SecretKeys.isLeast(bEphPub, aEphPub);
    SecretKeys keys = SecretKeys.derive(dh, bLeast);
    byte[] challenge = SecretKeys.challenge(bLeast ? bEphPub : aEphPub, bLeast ? aEphPub : bEphPub, dh);
    assertArrayEquals(a.challenge(), challenge);
    byte[] msg = forger.forge(keyB.publicKey(), keyB.sign(challenge));
    byte[] frames = new FrameSealer(keys.sendKey()).seal(msg);
    SecretConnectionException e = assertThrows(SecretConnectionException.class, () -> a.receive(frames));
    assertEquals(expected, e.reason(), e.getMessage());
    assertEquals(SecretHandshake.State.FAILED, a.state());
    return e;
  }
}
