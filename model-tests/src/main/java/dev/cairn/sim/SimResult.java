package dev.cairn.sim;

import java.util.List;
import java.util.Objects;

/**
 * How a simulated run ended. A failed run carries everything needed to reproduce and read it:
 * the seed, the replay command and the last lines of the event log.
 *
 * @param seed               the run's one seed
 * @param verdict            passed, or which kind of failure
 * @param message            what was violated, where and when (empty when passed)
 * @param replayCommand      the command that replays exactly this run
 * @param logTail            the last event-log lines before the end
 * @param logSha256          digest of the whole event log (equal for equal runs)
 * @param stats              counts and times of the run
 */
public record SimResult(
    long seed, Verdict verdict, String message, String replayCommand, List<String> logTail,
    String logSha256, Stats stats) {

  public enum Verdict { PASSED, SAFETY_VIOLATION, LIVENESS_FAILURE, STEP_BUDGET_EXCEEDED }

  /**
   * @param steps                 core steps taken
   * @param rejectedSteps         steps the cores rejected (impossible events the shell still delivers)
   * @param virtualMillis         virtual time at the end of the run
   * @param healedAtMillis        virtual time the fault phase ended
   * @param convergedAfterHealMillis virtual time from healing until every ordinary node reached its
   *                              outbound target (-1 if never)
   * @param dials                 dials started by the nodes' shells
   * @param pexMessagesSent       PEX messages put on links
   * @param pexMessagesLost       PEX messages lost or duplicated by fault injection (lost count)
   * @param pexMessagesDuplicated PEX messages delivered twice by fault injection
   * @param pexDroppedNotAdmitted PEX messages that arrived on a connection not (yet) admitted, dropped as the shell does
   * @param crashes               crashes executed
   * @param partitions            partitions executed
   * @param unconvergedAtHeal     ordinary nodes below their outbound target when the faults stopped
   * @param rejectedByEvent       rejected steps by event type
   */
  public record Stats(
      long steps, long rejectedSteps, long virtualMillis, long healedAtMillis, long convergedAfterHealMillis,
      long dials, long pexMessagesSent, long pexMessagesLost, long pexMessagesDuplicated,
      long pexDroppedNotAdmitted, long crashes, long partitions, int unconvergedAtHeal,
      java.util.SortedMap<String, Long> rejectedByEvent) {
    public Stats {
      rejectedByEvent = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(rejectedByEvent));
    }
  }

  public SimResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(replayCommand, "replayCommand");
    logTail = List.copyOf(logTail);
    Objects.requireNonNull(logSha256, "logSha256");
    Objects.requireNonNull(stats, "stats");
  }

  public boolean passed() {
    return verdict == Verdict.PASSED;
  }

  /** The report a failing test or harness prints: verdict, seed, replay command, log excerpt. */
  public String report() {
    StringBuilder b = new StringBuilder();
    b.append("simulation ").append(verdict).append(" (seed ").append(seed).append(")\n");
    if (!message.isEmpty()) {
      b.append(message).append('\n');
    }
    b.append("replay with: ").append(replayCommand).append('\n');
    b.append("stats: ").append(stats).append('\n');
    b.append("last ").append(logTail.size()).append(" events:\n");
    for (String line : logTail) {
      b.append("  ").append(line).append('\n');
    }
    return b.toString();
  }
}
