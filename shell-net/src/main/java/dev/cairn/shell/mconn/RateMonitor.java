package dev.cairn.shell.mconn;

/**
 * A byte-rate limiter in the manner of Go's {@code libs/flowrate}: time is cut into 100 ms
 * samples and a transfer may proceed while fewer than {@code rate * 0.1 s} bytes have been
 * counted in the current sample. Unlike flowrate, bytes sent past the allowance of one sample
 * (a packet that straddles it) are carried into the next, so the long-run rate equals the
 * configured one to within one packet. Time is an argument; nothing here reads a clock.
 */
public final class RateMonitor {

  /** Length of a sample in nanoseconds (flowrate's 100 ms). */
  public static final long SAMPLE_NANOS = 100_000_000L;

  private final long allowance;
  private long sampleStart;
  private long counted;
  private long total;

  /** @param bytesPerSecond the limit; 0 or less disables limiting */
  public RateMonitor(long bytesPerSecond, long nowNanos) {
    this.allowance = bytesPerSecond <= 0 ? 0 : Math.max(1, Math.round(bytesPerSecond * 0.1));
    this.sampleStart = nowNanos;
  }

  public boolean limited() {
    return allowance > 0;
  }

  /** Counts {@code n} bytes transferred at {@code now}. */
  public void update(long n, long nowNanos) {
    roll(nowNanos);
    counted += n;
    total += n;
  }

  /** Whether a transfer may proceed at {@code now}. */
  public boolean allows(long nowNanos) {
    if (allowance == 0) {
      return true;
    }
    roll(nowNanos);
    return counted < allowance;
  }

  /** When a transfer may proceed again; {@code now} if it may already. */
  public long resumeAt(long nowNanos) {
    if (allows(nowNanos)) {
      return nowNanos;
    }
    return sampleStart + (counted / allowance) * SAMPLE_NANOS;
  }

  /** Bytes counted since creation. */
  public long total() {
    return total;
  }

  private void roll(long nowNanos) {
    long elapsed = nowNanos - sampleStart;
    if (elapsed < SAMPLE_NANOS) {
      return;
    }
    long samples = elapsed / SAMPLE_NANOS;
    sampleStart += samples * SAMPLE_NANOS;
    if (allowance > 0) {
      counted = samples >= counted / allowance + 1 ? 0 : Math.max(0, counted - samples * allowance);
    } else {
      counted = 0;
    }
  }
}
