package dev.cairn.core.book;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.macs.SipHash;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The placement hash is SipHash-2-4, byte for byte: checked against Bouncy Castle's
 * implementation (an independent one) on every input length up to a few blocks, with the book's
 * 96-bit key padded to SipHash's 128 bits as {@link Placement.Hasher} does.
 */
class SipHashProperties {

  private static long reference(byte[] key16, byte[] in, int length) {
    SipHash mac = new SipHash(2, 4);
    mac.init(new KeyParameter(key16));
    mac.update(in, 0, length);
    return mac.doFinal();
  }

  private static long word(byte[] k, int from, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (k[from + i] & 0xff);
    }
    return v;
  }

  @Property(tries = 3000)
  void equalsTheReference(@ForAll @Size(16) byte[] key, @ForAll @Size(max = 100) byte[] in) {
    long ours = Placement.sipHash24(word(key, 0, 8), word(key, 8, 8), in, in.length);
    assertThat(ours).isEqualTo(reference(key, in, in.length));
  }

  @Example
  void theFirstVectorsOfTheSipHashPaper() {
    // key 00 01 .. 0f; message 00 01 .. (n-1); expected outputs as 64-bit little-endian words
    byte[] key = new byte[16];
    for (int i = 0; i < 16; i++) {
      key[i] = (byte) i;
    }
    byte[] msg = new byte[15];
    for (int i = 0; i < 15; i++) {
      msg[i] = (byte) i;
    }
    long k0 = word(key, 0, 8);
    long k1 = word(key, 8, 8);
    assertThat(Placement.sipHash24(k0, k1, msg, 0)).isEqualTo(0x726fdb47dd0e0e31L);
    assertThat(Placement.sipHash24(k0, k1, msg, 15)).isEqualTo(0xa129ca6149be45e5L);
  }

  @Property(tries = 500)
  void theHasherKeysWithTheBookKeyPaddedToSixteenBytes(@ForAll @Size(12) byte[] key12) {
    StringBuilder hex = new StringBuilder();
    for (byte b : key12) {
      hex.append(String.format("%02x", b & 0xff));
    }
    Placement.Hasher h = new Placement.Hasher(BookKey.of(hex.toString()));
    byte[] key16 = java.util.Arrays.copyOf(key12, 16);
    // H("ab", null, 7): be16(2) 'a' 'b' be64(7)
    byte[] in = {0, 2, 'a', 'b', 0, 0, 0, 0, 0, 0, 0, 7};
    assertThat(h.hash("ab", null, 7)).isEqualTo(reference(key16, in, in.length));
  }
}
