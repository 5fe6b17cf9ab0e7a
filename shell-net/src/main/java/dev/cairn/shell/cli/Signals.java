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

  /**
   * The stop signals this process was started with ignored, which it cannot handle: a shell that
   * is not interactive starts its background jobs ({@code cmd &}) with SIGINT ignored, and
   * {@code nohup} ignores SIGHUP. Known once {@link #stopLatch} ran.
   */
  private static final java.util.Set<String> IGNORED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @SuppressWarnings("restriction")
  static CountDownLatch stopLatch() {
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : STOP_SIGNALS) {
      try {
        // the JVM leaves a signal the process started with ignored as it is, and says so by
        // returning the ignoring disposition instead of installing the handler
        if (sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stop.countDown())
            == sun.misc.SignalHandler.SIG_IGN) {
          IGNORED.add(name);
        }
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // Signal not available on this platform: fall back to the JVM's default behaviour.
      }
    }
    return stop;
  }

  /**
   * What an operator should know when this process was started with stop signals ignored: which
   * ones, what usually ignores them, and which signals still stop it; empty when none is ignored.
   */
  static java.util.Optional<String> ignoredNote() {
    return ignoredNote(ignored());
  }

  /** {@link #ignoredNote()} for the stop signals {@code ignored} ({@code INT}, {@code TERM}, {@code HUP}). */
  static java.util.Optional<String> ignoredNote(java.util.List<String> ignored) {
    if (ignored.isEmpty()) {
      return java.util.Optional.empty();
    }
    java.util.List<String> why = new java.util.ArrayList<>();
    if (ignored.contains("INT")) {
      why.add("a script's background job ignores SIGINT");
    }
    if (ignored.contains("HUP")) {
      why.add("nohup ignores SIGHUP");
    }
    java.util.List<String> still = STOP_SIGNALS.stream().filter(n -> !ignored.contains(n)).map(n -> "SIG" + n).toList();
    return java.util.Optional.of("this process was started with " + String.join(" and ", ignored.stream()
        .map(n -> "SIG" + n).toList()) + " ignored" + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")")
        + ", which it cannot undo; " + (still.isEmpty() ? "no signal stops it gracefully: give --duration, or start it"
        + " where SIGTERM reaches it (SIGKILL stops it without saving its address book)"
        : "stop the node with " + String.join(" or ", still)));
  }

  /** The stop signals this process ignores (it was started with them ignored), in {@link #STOP_SIGNALS} order. */
  static java.util.List<String> ignored() {
    return STOP_SIGNALS.stream().filter(IGNORED::contains).toList();
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
