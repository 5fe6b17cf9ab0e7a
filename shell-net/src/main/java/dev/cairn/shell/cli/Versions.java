package dev.cairn.shell.cli;

/** The software version, and the one-line rendering of a failure used in logs and output. */
public final class Versions {

  /** Software version advertised in NodeInfo. */
  public static final String VERSION = Cairn.VERSION;

  private Versions() {}

  /** A failure as one line naming the reason. */
  public static String reason(Throwable t) {
    return FailureReasons.describe(t);
  }
}
