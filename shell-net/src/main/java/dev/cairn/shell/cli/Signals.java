package dev.cairn.shell.cli;

import java.util.concurrent.CountDownLatch;

/**
 * SIGINT, SIGTERM and SIGHUP as a latch, so that a long-running command stops cleanly and exits 0
 * rather than being torn down by the JVM's default handler (exit 130/143/129): a node whose
 * terminal closed (SIGHUP) still saves its address book and closes its trace with its trailer.
 */
final class Signals {

  /** The signals that stop a long-running command cleanly. */
  static final java.util.List<String> STOP_SIGNALS = java.util.List.of("INT", "TERM", "HUP");

  private Signals() {}

  @SuppressWarnings("restriction")
  static CountDownLatch stopLatch() {
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : STOP_SIGNALS) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stop.countDown());
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // Signal not available on this platform: fall back to the JVM's default behaviour.
      }
    }
    return stop;
  }

  /**
   * Whether SIGINT, SIGTERM or SIGHUP came, taken from the JVM's default handling now: a command that asks
   * ends when it next asks (exit 0, everything it holds written out).
   */
  static java.util.function.BooleanSupplier stopAsked() {
    CountDownLatch stop = stopLatch();
    return () -> stop.getCount() == 0;
  }
}
