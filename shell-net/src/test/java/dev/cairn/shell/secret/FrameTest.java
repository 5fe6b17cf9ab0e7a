package dev.cairn.shell.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.shell.crypto.ChaCha20Poly1305;
import dev.cairn.shell.secret.SecretConnectionException.Reason;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameTest {

  private final byte[] key = TestKeys.bytes(4);

  @Test
  void streamWriteSplitsIntoFramesAndReaderReassembles() throws Exception {
    FrameSealer s = new FrameSealer(key);
    SecretReader r = new SecretReader(new FrameOpener(key));
    for (int n : new int[] {1, 1023, 1024, 1025, 2048, 70000}) {
      byte[] data = new byte[n];
      new Random(n).nextBytes(data);
      byte[] sealed = s.seal(data);
      assertEquals((n + 1023) / 1024 * 1044, sealed.length, "write of " + n);
      r.feed(sealed);
      assertArrayEquals(data, r.readAll(), "round trip of " + n);
    }
    assertEquals(s.nextCounter(), r.opener().nextCounter());
  }

  @Test
  void zeroLengthFrameIsLegalAndPaddingIsIgnored() throws Exception {
    ChaCha20Poly1305 aead = new ChaCha20Poly1305(key);
    byte[] plain = new byte[1028];
    java.util.Arrays.fill(plain, (byte) 0x55); // stale padding, as Go may leave it
    plain[0] = 2;
    plain[1] = 0;
    plain[2] = 0;
    plain[3] = 0;
    byte[] f1 = new byte[1044];
    aead.seal(0, plain, 0, 1028, f1, 0);
    byte[] zero = new byte[1028];
    byte[] f2 = new byte[1044];
    aead.seal(1, zero, 0, 1028, f2, 0);
    SecretReader r = new SecretReader(new FrameOpener(key));
    r.feed(f1);
    r.feed(f2);
    assertArrayEquals(new byte[] {0x55, 0x55}, r.readAll());
    assertEquals(2, r.opener().nextCounter());
  }

  @Test
  void tamperedFrameNamesTheCounter() throws Exception {
    FrameSealer s = new FrameSealer(key);
    SecretReader r = new SecretReader(new FrameOpener(key));
    r.feed(s.seal(new byte[10]));
    r.feed(s.seal(new byte[10]));
    byte[] third = s.seal(new byte[10]);
    third[1043] ^= 1;
    SecretConnectionException e = assertThrows(SecretConnectionException.class, () -> r.feed(third));
    assertEquals(Reason.BAD_FRAME_TAG, e.reason());
    assertTrue(e.getMessage().contains("frame 2"), e.getMessage());
  }

  @Test
  void lengthFieldAbove1024IsRejected() {
    ChaCha20Poly1305 aead = new ChaCha20Poly1305(key);
    byte[] plain = new byte[1028];
    plain[0] = 0x01;
    plain[1] = 0x04; // 1025
    byte[] f = new byte[1044];
    aead.seal(0, plain, 0, 1028, f, 0);
    SecretReader r = new SecretReader(new FrameOpener(key));
    SecretConnectionException e = assertThrows(SecretConnectionException.class, () -> r.feed(f));
    assertEquals(Reason.FRAME_LENGTH_TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("frame 0") && e.getMessage().contains("1025"), e.getMessage());
    // a huge length (high bytes set) is also refused, not treated as negative
    plain[3] = (byte) 0x80;
    new ChaCha20Poly1305(key).seal(0, plain, 0, 1028, f, 0); // the JDK refuses key+nonce reuse on one instance
    SecretReader r2 = new SecretReader(new FrameOpener(key));
    assertEquals(Reason.FRAME_LENGTH_TOO_LARGE, assertThrows(SecretConnectionException.class, () -> r2.feed(f)).reason());
  }

  @Test
  void wrongKeyOrReorderedFramesFail() throws Exception {
    FrameSealer s = new FrameSealer(key);
    byte[] f0 = s.seal(new byte[] {1});
    byte[] f1 = s.seal(new byte[] {2});
    SecretReader r = new SecretReader(new FrameOpener(key));
    assertEquals(Reason.BAD_FRAME_TAG, assertThrows(SecretConnectionException.class, () -> r.feed(f1)).reason());
    SecretReader other = new SecretReader(new FrameOpener(TestKeys.bytes(5)));
    assertEquals(Reason.BAD_FRAME_TAG, assertThrows(SecretConnectionException.class, () -> other.feed(f0)).reason());
  }

  @Test
  void counterExhaustionIsAnError() throws Exception {
    FrameSealer s = new FrameSealer(key, -2L); // 2^64 - 2: the last usable nonce
    FrameOpener o = new FrameOpener(key, -2L);
    byte[] last = s.seal(new byte[] {9});
    assertEquals(1, o.openFrame(last, 0, new byte[1024], 0));
    assertEquals(Reason.NONCE_EXHAUSTED, assertThrows(SecretConnectionException.class, () -> s.seal(new byte[] {1})).reason());
    assertEquals(Reason.NONCE_EXHAUSTED, assertThrows(SecretConnectionException.class, () -> o.openFrame(last, 0, new byte[1024], 0)).reason());
  }

  /** A batch open names the failing frame wherever it sits in the batch. */
  @Test
  void batchOpenNamesTheFailingFrame() throws Exception {
    byte[] data = new byte[5 * 1024 - 100];
    new Random(5).nextBytes(data);
    byte[] wire = new FrameSealer(key).seal(data);
    byte[] out = new byte[5 * 1024];
    assertEquals(data.length, new FrameOpener(key).openFrames(wire, 0, 5, out, 0));
    assertArrayEquals(data, java.util.Arrays.copyOf(out, data.length));
    for (int frame = 0; frame < 5; frame++) {
      byte[] bad = wire.clone();
      bad[frame * 1044 + 7] ^= 4;
      FrameOpener o = new FrameOpener(key);
      SecretConnectionException e = assertThrows(SecretConnectionException.class,
          () -> o.openFrames(bad, 0, 5, out, 0));
      assertEquals(Reason.BAD_FRAME_TAG, e.reason());
      assertTrue(e.getMessage().contains("frame " + frame + " "), e.getMessage());
    }
  }

  @Test
  void batchOpenRefusesAnOverlongLengthInALaterFrame() {
    ChaCha20Poly1305 aead = new ChaCha20Poly1305(key);
    byte[] plain = new byte[1028];
    byte[] wire = new byte[2 * 1044];
    aead.seal(0, plain, 0, 1028, wire, 0);
    plain[0] = 0x01;
    plain[1] = 0x04; // the second frame announces 1025
    aead.seal(1, plain, 0, 1028, wire, 1044);
    SecretConnectionException e = assertThrows(SecretConnectionException.class,
        () -> new FrameOpener(key).openFrames(wire, 0, 2, new byte[2048], 0));
    assertEquals(Reason.FRAME_LENGTH_TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("frame 1 "), e.getMessage());
  }
}
