package dev.cairn.shell.metrics;

/** How one outbound dial ended, as the shell saw it. The label value is the lowercase name. */
public enum DialOutcome {
  /** TCP connected and both handshakes (SecretConnection, NodeInfo) completed. */
  SUCCEEDED,
  /** The TCP connect failed (refused, unreachable, reset). */
  CONNECT_FAILED,
  /** The dial or handshake ran out of time ({@code dial_timeout}, {@code handshake_timeout}). */
  TIMED_OUT,
  /** TCP connected but the SecretConnection or NodeInfo handshake refused the peer. */
  HANDSHAKE_FAILED;

  /** The {@code outcome} label value, e.g. {@code connect_failed}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
