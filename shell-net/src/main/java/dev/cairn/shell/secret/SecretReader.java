package dev.cairn.shell.secret;

import java.util.Arrays;

/**
 * Sans-IO receiving byte stream: ciphertext goes in with {@link #feed}, in pieces of any size;
 * complete frames are opened at once and their data is buffered until {@link #read}. Not
 * thread-safe.
 */
public final class SecretReader {

  private final FrameOpener opener;
  private final byte[] partial = new byte[Frames.SEALED_BYTES];
  private int partialLen;
  private byte[] plain = new byte[4 * Frames.DATA_MAX];
  private int plainStart;
  private int plainEnd;

  public SecretReader(FrameOpener opener) {
    this.opener = opener;
  }

  /** A reader whose buffer starts with {@code plaintext} (data already opened elsewhere). */
  public SecretReader(FrameOpener opener, byte[] plaintext) {
    this.opener = opener;
    if (plaintext.length > plain.length) {
      plain = new byte[plaintext.length + Frames.DATA_MAX];
    }
    System.arraycopy(plaintext, 0, plain, 0, plaintext.length);
    plainEnd = plaintext.length;
  }

  /** Adds received ciphertext; opens every frame it completes. */
  public void feed(byte[] src, int off, int len) throws SecretConnectionException {
    int p = off;
    int end = off + len;
    while (p < end) {
      if (partialLen == 0 && end - p >= Frames.SEALED_BYTES) {
        ensurePlainRoom();
        plainEnd += opener.openFrame(src, p, plain, plainEnd);
        p += Frames.SEALED_BYTES;
        continue;
      }
      int n = Math.min(Frames.SEALED_BYTES - partialLen, end - p);
      System.arraycopy(src, p, partial, partialLen, n);
      partialLen += n;
      p += n;
      if (partialLen == Frames.SEALED_BYTES) {
        ensurePlainRoom();
        plainEnd += opener.openFrame(partial, 0, plain, plainEnd);
        partialLen = 0;
      }
    }
  }

  /** Adds received ciphertext. */
  public void feed(byte[] src) throws SecretConnectionException {
    feed(src, 0, src.length);
  }

  /** Buffered plaintext bytes. */
  public int available() {
    return plainEnd - plainStart;
  }

  /** Ciphertext bytes of a frame not yet complete. */
  public int pendingCiphertext() {
    return partialLen;
  }

  /** Copies up to {@code len} buffered plaintext bytes; returns how many. */
  public int read(byte[] dst, int off, int len) {
    int n = Math.min(len, available());
    System.arraycopy(plain, plainStart, dst, off, n);
    plainStart += n;
    if (plainStart == plainEnd) {
      plainStart = 0;
      plainEnd = 0;
    }
    return n;
  }

  /** Looks at buffered plaintext byte {@code i} (0 = next) without consuming it. */
  public int peek(int i) {
    return plain[plainStart + i] & 0xff;
  }

  /** All buffered plaintext. */
  public byte[] readAll() {
    byte[] out = new byte[available()];
    read(out, 0, out.length);
    return out;
  }

  /** The partial frame's ciphertext, removed from this reader (to hand it on). */
  byte[] takePendingCiphertext() {
    byte[] out = Arrays.copyOf(partial, partialLen);
    partialLen = 0;
    return out;
  }

  FrameOpener opener() {
    return opener;
  }

  private void ensurePlainRoom() {
    if (plain.length - plainEnd >= Frames.DATA_MAX) {
      return;
    }
    int live = plainEnd - plainStart;
    if (plainStart > 0 && plain.length - live >= Frames.DATA_MAX) {
      System.arraycopy(plain, plainStart, plain, 0, live);
    } else {
      plain = Arrays.copyOfRange(plain, plainStart, plainStart + Math.max(plain.length * 2, live + Frames.DATA_MAX));
    }
    plainStart = 0;
    plainEnd = live;
  }
}
