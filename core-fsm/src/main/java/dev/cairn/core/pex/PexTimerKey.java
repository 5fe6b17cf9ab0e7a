package dev.cairn.core.pex;

import java.util.Comparator;

/**
 * The name of a timer in {@link PexState#timers()}. There are only the two periodic rounds: the
 * request window needs no timer (the next round looks at it).
 */
public sealed interface PexTimerKey extends Comparable<PexTimerKey> {

  /** CometBFT's {@code ensurePeersRoutine} tick (not in seed mode). */
  record EnsurePeers() implements PexTimerKey {}

  /** CometBFT's {@code crawlPeersRoutine} tick (seed mode only). */
  record CrawlPeers() implements PexTimerKey {}

  EnsurePeers ENSURE_PEERS = new EnsurePeers();
  CrawlPeers CRAWL_PEERS = new CrawlPeers();

  private static int kind(PexTimerKey k) {
    return switch (k) {
      case EnsurePeers e -> 0;
      case CrawlPeers c -> 1;
    };
  }

  Comparator<PexTimerKey> ORDER = Comparator.comparingInt(PexTimerKey::kind);

  @Override
  default int compareTo(PexTimerKey other) {
    return ORDER.compare(this, other);
  }
}
