package dev.cairn.sim;

/**
 * One SplitMix64 stream of the simulator. Every source of randomness in a run (latency, loss,
 * duplication, the fault schedule, node seeds) has its own stream, derived from the run's one
 * seed and the purpose's name, so that changing how often one purpose draws never shifts the
 * draws of another. Mutable and single-threaded: it belongs to the simulator, never to a core.
 */
final class SimRandom {

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private long state;

  private SimRandom(long state) {
    this.state = state;
  }

  /** The stream for {@code purpose} of the run with {@code seed}. */
  static SimRandom derive(long seed, String purpose) {
    long h = mix(seed);
    for (int i = 0; i < purpose.length(); i++) {
      h = mix(h ^ purpose.charAt(i));
    }
    return new SimRandom(h);
  }

  long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in {@code [0, bound)}; {@code bound} must be positive. */
  long below(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    while (true) {
      long r = nextLong() >>> 1;
      long v = r % bound;
      if (r - v + (bound - 1) >= 0) {
        return v;
      }
    }
  }

  /** Uniform in {@code [min, max]}. */
  long between(long min, long max) {
    return min + below(max - min + 1);
  }

  /** True with probability {@code perMille}/1000. */
  boolean chancePerMille(int perMille) {
    return perMille > 0 && below(1000) < perMille;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
