package dev.cairn.shell.trace;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress of a long trace command, one line at a time, e.g. {@code validate a.trace: 120 000
 * steps, 12 %, 9 800 steps/s, about 1 min 30 s left}: nothing for work that ends within {@link
 * #FIRST_AFTER_NANOS}, then a line every {@link #EVERY_NANOS}. The rate and the time left are those
 * since the first report. The clock is given, so that a test can drive it.
 */
public final class StepProgress {

  /** No line before the work has run this long. */
  public static final long FIRST_AFTER_NANOS = 2_000_000_000L;
  /** At most one line per this long. */
  public static final long EVERY_NANOS = 5_000_000_000L;

  private final String what;
  private final LongSupplier nanoClock;
  private final Consumer<String> out;
  private long next;

  /**
   * @param what      what is being done, the start of each line ({@code validate a.trace})
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   * @param out       where each line goes (stderr)
   */
  public StepProgress(String what, LongSupplier nanoClock, Consumer<String> out) {
    this.what = what;
    this.nanoClock = nanoClock;
    this.out = out;
    this.next = nanoClock.getAsLong() + FIRST_AFTER_NANOS;
  }

  /**
   * {@code steps} done, {@code fraction} of the whole work (0..1; negative when unknown). Cheap
   * when no line is due: one clock read.
   */
  public void at(long steps, double fraction) {
    long now = nanoClock.getAsLong();
    if (firstAt == Long.MIN_VALUE) {
      // rates are taken from the first report on: what came before (loading the spec, reading the
      // file once) is not stepping
      firstAt = now;
      firstSteps = steps;
      firstFraction = fraction;
    }
    if (now - next < 0) {
      return;
    }
    next = now + EVERY_NANOS;
    double seconds = (now - firstAt) / 1e9;
    StringBuilder b = new StringBuilder(what).append(": ").append(grouped(steps)).append(" steps");
    if (fraction >= 0) {
      b.append(", ").append((int) Math.floor(Math.min(fraction, 1) * 100)).append(" %");
    }
    if (seconds > 0 && steps > firstSteps) {
      b.append(", ").append(grouped(Math.round((steps - firstSteps) / seconds))).append(" steps/s");
      if (fraction > firstFraction && firstFraction >= 0 && fraction < 1) {
        b.append(", about ").append(duration(seconds * (1 - fraction) / (fraction - firstFraction))).append(" left");
      }
    }
    out.accept(b.toString());
  }

  private long firstAt = Long.MIN_VALUE;
  private long firstSteps;
  private double firstFraction;

  static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
  }

  static String duration(double seconds) {
    long s = Math.max(1, Math.round(seconds));
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min " + s % 60 + " s";
    }
    return s / 3600 + " h " + s % 3600 / 60 + " min";
  }
}
