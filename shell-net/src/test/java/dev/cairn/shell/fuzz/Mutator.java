package dev.cairn.shell.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Derives one input from the corpus with a seeded generator: a pure function of
 * {@code (random state, corpus, dictionary)}, so a printed seed reproduces the input.
 *
 * <p>Each input stacks one to four mutations on a corpus entry: bit flips, interesting byte
 * values, byte insertion and deletion, truncation, duplication of a range, splicing with another
 * entry, a varint or fixed-width length field set to an extreme, a dictionary token inserted or
 * overwritten. One input in 64 is plain random bytes. Inputs never exceed {@code maxLength}.
 */
final class Mutator {

  /** Varints at the edges: 0, 1, 127/128, 2^31-1, 2^32-1, 2^63-1, 2^64-1, an 11-byte overlong one. */
  private static final byte[][] VARINTS = {
      {0x00},
      {0x01},
      {0x7f},
      {(byte) 0x80, 0x01},
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07},
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
      {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10},
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f},
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
          (byte) 0xff, 0x01},
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
          (byte) 0xff, (byte) 0xff, 0x01},
      {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
          (byte) 0x80, (byte) 0x80, (byte) 0x80},
  };

  private static final int[] INTERESTING = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x22, 0x0a, 0x12, 0x1a, 0x08, 0x10};

  private final List<byte[]> dictionary;
  private final int maxLength;

  Mutator(List<byte[]> dictionary, int maxLength) {
    this.dictionary = dictionary;
    this.maxLength = maxLength;
  }

  static List<byte[]> tokens(String... tokens) {
    return Arrays.stream(tokens).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  byte[] next(SplittableRandom r, List<byte[]> corpus) {
    if (corpus.isEmpty() || r.nextInt(64) == 0) {
      byte[] b = new byte[r.nextInt(Math.min(maxLength, 256) + 1)];
      r.nextBytes(b);
      return b;
    }
    byte[] in = corpus.get(r.nextInt(corpus.size()));
    int rounds = 1 + r.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      in = mutate(r, in, corpus);
    }
    return in.length > maxLength ? Arrays.copyOf(in, maxLength) : in;
  }

  private byte[] mutate(SplittableRandom r, byte[] in, List<byte[]> corpus) {
    int n = in.length;
    switch (r.nextInt(dictionary.isEmpty() ? 11 : 13)) {
      case 0, 1 -> { // bit flip
        if (n == 0) {
          return insert(in, 0, new byte[] {(byte) r.nextInt(256)});
        }
        byte[] out = in.clone();
        int p = r.nextInt(n);
        out[p] ^= (byte) (1 << r.nextInt(8));
        return out;
      }
      case 2 -> { // an interesting or random byte value
        if (n == 0) {
          return in;
        }
        byte[] out = in.clone();
        out[r.nextInt(n)] = (byte) (r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : r.nextInt(256));
        return out;
      }
      case 3 -> { // insert random bytes
        byte[] ins = new byte[1 + r.nextInt(r.nextInt(8) == 0 ? 64 : 4)];
        r.nextBytes(ins);
        return insert(in, r.nextInt(n + 1), ins);
      }
      case 4 -> { // delete a range
        if (n == 0) {
          return in;
        }
        int p = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(n - p, r.nextInt(4) == 0 ? 256 : 8));
        return delete(in, p, len);
      }
      case 5 -> { // truncate
        return n == 0 ? in : Arrays.copyOf(in, r.nextInt(n));
      }
      case 6 -> { // duplicate a range in place
        if (n == 0 || (long) n * 2 > maxLength) {
          return in;
        }
        int p = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(n - p, 64));
        return insert(in, r.nextInt(n + 1), Arrays.copyOfRange(in, p, p + len));
      }
      case 7 -> { // splice: a prefix of this input, a suffix of another entry
        byte[] other = corpus.get(r.nextInt(corpus.size()));
        int a = r.nextInt(n + 1);
        int b = r.nextInt(other.length + 1);
        byte[] out = Arrays.copyOf(in, a + other.length - b);
        System.arraycopy(other, b, out, a, other.length - b);
        return out;
      }
      case 8 -> { // overwrite a varint (a length or a field value) with an extreme one
        if (n == 0) {
          return VARINTS[r.nextInt(VARINTS.length)].clone();
        }
        int p = r.nextInt(n);
        int end = p;
        while (end < n && (in[end] & 0x80) != 0 && end - p < 10) {
          end++;
        }
        end = Math.min(end + 1, n);
        byte[] v = VARINTS[r.nextInt(VARINTS.length)];
        return insert(delete(in, p, end - p), p, v);
      }
      case 9 -> { // a fixed-width little- or big-endian 32-bit field at an extreme
        if (n < 4) {
          return in;
        }
        byte[] out = in.clone();
        int p = r.nextInt(n - 3);
        int v = switch (r.nextInt(5)) {
          case 0 -> 0;
          case 1 -> -1;
          case 2 -> Integer.MAX_VALUE;
          case 3 -> Integer.MIN_VALUE;
          default -> 1025;
        };
        boolean little = r.nextBoolean();
        for (int i = 0; i < 4; i++) {
          out[p + i] = (byte) (v >>> (little ? 8 * i : 24 - 8 * i));
        }
        return out;
      }
      case 10 -> { // repeat a short range many times (deep nesting, long runs)
        if (n == 0) {
          return in;
        }
        int p = r.nextInt(n);
        byte[] unit = Arrays.copyOfRange(in, p, p + 1 + r.nextInt(Math.min(n - p, 4)));
        int times = 1 + r.nextInt(r.nextInt(4) == 0 ? 4096 : 16);
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (int i = 0; i < times && run.size() + n < maxLength; i++) {
          run.writeBytes(unit);
        }
        return insert(in, p, run.toByteArray());
      }
      case 11 -> { // insert a dictionary token
        byte[] t = dictionary.get(r.nextInt(dictionary.size()));
        return insert(in, r.nextInt(n + 1), t);
      }
      default -> { // overwrite with a dictionary token
        byte[] t = dictionary.get(r.nextInt(dictionary.size()));
        if (n == 0) {
          return t.clone();
        }
        int p = r.nextInt(n);
        int len = Math.min(n - p, 1 + r.nextInt(Math.max(1, t.length)));
        return insert(delete(in, p, len), p, t);
      }
    }
  }

  private static byte[] insert(byte[] in, int at, byte[] ins) {
    byte[] out = new byte[in.length + ins.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(ins, 0, out, at, ins.length);
    System.arraycopy(in, at, out, at + ins.length, in.length - at);
    return out;
  }

  private static byte[] delete(byte[] in, int at, int len) {
    byte[] out = new byte[in.length - len];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(in, at + len, out, at, in.length - at - len);
    return out;
  }
}
