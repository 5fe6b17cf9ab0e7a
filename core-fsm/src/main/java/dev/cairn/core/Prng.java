package dev.cairn.core;

/**
 * An immutable SplitMix64 generator. Each draw returns the value and the next generator, so a
 * state that holds a {@code Prng} stays a value: the same seed and the same draws give the same
 * numbers on every JVM. The core never touches {@code java.util.Random} or a clock.
 */
public record Prng(long state) {

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  public static Prng seeded(long seed) {
    return new Prng(seed);
  }

  /** A 64-bit draw and the generator that follows it. */
  public record Long64(long value, Prng next) {}

  /** A bounded draw and the generator that follows it. */
  public record Bounded(long value, Prng next) {}

  public Long64 nextLong() {
    long s = state + GOLDEN_GAMMA;
    return new Long64(mix(s), new Prng(s));
  }

  private static long mix(long s) {
    long z = s;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A cursor at this generator: its draws are this generator's, in order. */
  public Cursor cursor() {
    return new Cursor(state);
  }

  /**
   * The same draws as a chain of {@link #nextLong} and {@link #nextBelow} calls, for a loop that
   * draws many times within one step: a mutable cursor, local to the loop, instead of two objects
   * per draw. {@link #prng()} is the generator that follows the last draw, as the chain would
   * have returned it.
   */
  public static final class Cursor {
    private long state;

    private Cursor(long state) {
      this.state = state;
    }

    /** {@link Prng#nextLong}'s value. */
    public long nextLong() {
      state += GOLDEN_GAMMA;
      return mix(state);
    }

    /** {@link Prng#nextBelow}'s value: uniform in {@code [0, bound)}, without modulo bias. */
    public long nextBelow(long bound) {
      if (bound <= 0) {
        throw new IllegalArgumentException("bound must be positive, got " + bound);
      }
      while (true) {
        long r = nextLong() >>> 1; // 63 uniform bits
        long v = r % bound;
        // reject the incomplete last interval so every residue is equally likely
        if (r - v + (bound - 1) >= 0) {
          return v;
        }
      }
    }

    /** The generator after the draws made so far. */
    public Prng prng() {
      return new Prng(state);
    }
  }

  /**
   * A uniform draw in {@code [0, bound)} without modulo bias (63 uniform bits reduced modulo the
   * bound, a draw in the incomplete last interval rejected and drawn again: {@link
   * Cursor#nextBelow}), and the generator that follows it.
   *
   * @throws IllegalArgumentException if {@code bound <= 0}
   */
  public Bounded nextBelow(long bound) {
    Cursor c = cursor();
    long v = c.nextBelow(bound);
    return new Bounded(v, c.prng());
  }
}
