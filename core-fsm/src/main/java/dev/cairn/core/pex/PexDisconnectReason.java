package dev.cairn.core.pex;

/** Why PEX asks the shell to close a connection gracefully (no ban). */
public enum PexDisconnectReason {
  /** Seed mode: a non-persistent peer has been connected for {@code seedDisconnectWaitPeriod}. */
  SEED_CONNECTION_AGED,
  /** Seed mode: a peer we dialed to crawl answered our request; its slot is freed for the next crawl. */
  CRAWLED,
  /**
   * Not a seed: a configured seed we dialed answered our request; we dialed it for addresses only,
   * so its outbound slot goes back to the peers it told us about.
   */
  SEED_ANSWERED
}
