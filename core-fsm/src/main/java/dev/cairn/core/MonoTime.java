package dev.cairn.core;

/**
 * A point on the monotonic clock in nanoseconds, comparable only with other {@code MonoTime}s.
 * The shell reads it from {@code System.nanoTime()}; tests and simulations make it up. The
 * core receives it as an argument and never reads a clock itself.
 */
public record MonoTime(long nanos) implements Comparable<MonoTime> {

  public static final MonoTime ZERO = new MonoTime(0);

  public static MonoTime ofMillis(long millis) {
    return new MonoTime(Math.multiplyExact(millis, 1_000_000L));
  }

  public MonoTime plusNanos(long n) {
    return new MonoTime(Math.addExact(nanos, n));
  }

  public MonoTime plusMillis(long millis) {
    return plusNanos(Math.multiplyExact(millis, 1_000_000L));
  }

  /** Nanoseconds from {@code earlier} to this point (negative if {@code earlier} is later). */
  public long nanosSince(MonoTime earlier) {
    return Math.subtractExact(nanos, earlier.nanos);
  }

  public boolean isBefore(MonoTime other) {
    return nanos < other.nanos;
  }

  public boolean isAfter(MonoTime other) {
    return nanos > other.nanos;
  }

  public static MonoTime max(MonoTime a, MonoTime b) {
    return a.nanos >= b.nanos ? a : b;
  }

  public static MonoTime min(MonoTime a, MonoTime b) {
    return a.nanos <= b.nanos ? a : b;
  }

  @Override
  public int compareTo(MonoTime other) {
    return Long.compare(nanos, other.nanos);
  }

  @Override
  public String toString() {
    return nanos + "ns";
  }
}
