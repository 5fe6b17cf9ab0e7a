package dev.cairn.core;

/**
 * Wall-clock time in milliseconds since the Unix epoch, used only for stamps that are persisted
 * (last attempt, last success, ban expiry) and written to CometBFT's files. Passed in by the
 * shell like {@link MonoTime}; the core never reads a clock.
 */
public record WallTime(long epochMillis) implements Comparable<WallTime> {

  /** Go's zero {@code time.Time} ({@code 0001-01-01T00:00:00Z}), meaning "never". */
  public static final WallTime NEVER = new WallTime(-62135596800000L);

  public boolean isNever() {
    return epochMillis == NEVER.epochMillis;
  }

  public WallTime plusMillis(long millis) {
    return new WallTime(Math.addExact(epochMillis, millis));
  }

  public boolean isBefore(WallTime other) {
    return epochMillis < other.epochMillis;
  }

  public boolean isAfter(WallTime other) {
    return epochMillis > other.epochMillis;
  }

  @Override
  public int compareTo(WallTime other) {
    return Long.compare(epochMillis, other.epochMillis);
  }
}
