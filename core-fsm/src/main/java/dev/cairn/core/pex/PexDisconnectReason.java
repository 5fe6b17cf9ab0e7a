package dev.cairn.core.pex;

/** Why PEX asks the shell to close a connection gracefully (no ban). */
public enum PexDisconnectReason {
  /** Seed mode: a non-persistent peer has been connected for {@code seedDisconnectWaitPeriod}. */
  SEED_CONNECTION_AGED,
  /** Seed mode: a peer we dialed to crawl answered our request; its slot is freed for the next crawl. */
  CRAWLED
}
