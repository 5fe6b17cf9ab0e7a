package dev.cairn.shell.report;

import java.util.Locale;

/**
 * One short line per snapshot for watching a testnet converge on stderr, e.g.
 * {@code t=3.2s  settled 7/15  peers/node 4.1  known/node 23  dials 120 (fail 8)}.
 */
public final class ProgressLine {

  private ProgressLine() {}

  public static String of(Snapshot s) {
    return String.format(Locale.ROOT, "t=%.1fs  settled %d/%d  peers/node %.1f  known/node %.0f  dials %d (fail %d)",
        s.elapsedSeconds(), s.settledCount(), s.nonSeedCount(), s.meanPeersPerNode(),
        s.meanKnownAddressesPerNode(), s.totalDials(), s.totalDialFailures());
  }
}
