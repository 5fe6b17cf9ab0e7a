package dev.cairn.core.peer;

/** Why the core asks the shell to close a connection. Carried by {@link PeerEffect.Disconnect}. */
public enum DisconnectReason {
  /** The peer's ID (or the address it connected from) is banned. */
  BANNED,
  /** The connection reached ourselves. */
  SELF,
  /** The peer already has an admitted connection; this second one is closed. */
  DUPLICATE,
  /** A dial completed that the core no longer wants (its dial was cancelled by a ban or an inbound win). */
  NOT_DIALING,
  /** No slot left and no strictly lower-scored peer to replace. */
  FULL,
  /** Replaced by a strictly higher-scored peer through an upgrade slot. */
  EVICTED_FOR_UPGRADE,
  /** A reactor reported a fatal error for this peer. */
  ERRORED,
  /** Connection-count maintenance: above {@code maxThreshold}, trimmed towards {@code maxTarget}. */
  ABOVE_MAX_THRESHOLD,
  /**
   * Inbound was full and a new inbound peer arrived: this inbound peer, idle the longest (no
   * reactor reported it good since it was admitted), gave up its slot.
   */
  EVICTED_IDLE
}
