package dev.cairn.shell.metrics;

/**
 * Why the shell closed an inbound connection before the core saw it: these never reach the trace
 * and are logged at debug level only (a flood would fill the log), so they are counted. The label
 * value is the lowercase name.
 */
public enum InboundRefusal {
  /** All inbound handshake slots were busy: closed before its handshake. */
  TOO_MANY_HANDSHAKES,
  /** A live connection from the same address and ID was already there: closed after its handshake. */
  DUPLICATE_CONNECTION,
  /** We dialed the same peer at the same moment and our outbound connection is the one kept. */
  SIMULTANEOUS_DIAL;

  /** The {@code reason} label value, e.g. {@code too_many_handshakes}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
