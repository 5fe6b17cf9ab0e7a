package dev.cairn.shell.node;

import java.time.Duration;

/**
 * CometBFT's rule for PexRequests received from one connected peer ({@code receiveRequest} in
 * v0.34's pex_reactor.go): the first two requests are free, after that two requests closer than
 * {@code minInterval} (10 s: a third of the 30 s ensure-peers period) are abuse, answered by a
 * disconnect and a ban. One instance per connection; a reconnecting peer starts afresh.
 */
public final class PexRequestRateLimit {

  /** CometBFT's {@code minReceiveRequestInterval}. */
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(10);

  private final long minIntervalNanos;
  private int accepted;
  private long lastNanos;

  public PexRequestRateLimit(Duration minInterval) {
    this.minIntervalNanos = minInterval.toNanos();
  }

  /**
   * Records a request received at {@code nowNanos} (monotonic) and says whether it is allowed.
   * A refused request leaves the record unchanged.
   */
  public boolean tryAccept(long nowNanos) {
    if (accepted < 2) {
      // The first request stores Go's zero-time sentinel, the second the real time.
      accepted++;
      lastNanos = nowNanos;
      return true;
    }
    if (nowNanos - lastNanos < minIntervalNanos) {
      return false;
    }
    lastNanos = nowNanos;
    return true;
  }
}
