package dev.cairn.shell.node;

import java.util.function.LongSupplier;

/**
 * How many lines of one kind a node logs at info level per window: a peer that fails its
 * handshake is worth an operator's line (a validator on the wrong chain, an old version), a flood
 * of them is not. Past the budget the lines go to debug, and the next line the budget allows says
 * how many were passed over. One per kind of line; used on one thread (the node's event loop).
 */
final class LogBudget {

  private final int linesPerWindow;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private long windowStart;
  private int spent;
  private long passedOver;
  private boolean started;

  LogBudget(int linesPerWindow, java.time.Duration window, LongSupplier nanoTime) {
    if (linesPerWindow < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a budget of " + linesPerWindow + " lines per " + window);
    }
    this.linesPerWindow = linesPerWindow;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Takes one line from the budget: -1 when none is left in this window (log it at debug), else
   * how many lines were passed over since the last one taken (0 mostly), which that line reports.
   */
  long take() {
    long now = nanoTime.getAsLong();
    if (!started || now - windowStart >= windowNanos) {
      started = true;
      windowStart = now;
      spent = 0;
    }
    if (spent >= linesPerWindow) {
      passedOver++;
      return -1;
    }
    spent++;
    long over = passedOver;
    passedOver = 0;
    return over;
  }
}
