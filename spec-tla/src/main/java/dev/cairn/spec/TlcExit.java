package dev.cairn.spec;

/**
 * What a {@code tlc2.TLC} exit status means (TLC 2.18, {@code tlc2.output.EC.ExitStatus}). The
 * gate passes only on {@link #SUCCESS}; every other status fails the build with TLC's output.
 */
public enum TlcExit {
  SUCCESS(0, "no error"),
  BAD_ARGUMENTS(1, "bad command-line arguments or environment (e.g. a metadir clash)"),
  ASSUMPTION_VIOLATED(10, "an ASSUME is violated"),
  DEADLOCK(11, "deadlock reached"),
  INVARIANT_VIOLATED(12, "an invariant is violated"),
  PROPERTY_VIOLATED(13, "a temporal or action property is violated"),
  ASSERT_FAILED(14, "an Assert failed"),
  EVAL_ERROR(75, "evaluation error in the spec"),
  EVAL_ERROR_SAFETY(76, "evaluation error while checking safety"),
  EVAL_ERROR_LIVENESS(77, "evaluation error while checking liveness"),
  PARSE_ERROR(150, "parse or semantic error"),
  CONFIG_ERROR(151, "error in the .cfg file"),
  STATE_SPACE_TOO_LARGE(152, "state space too large"),
  SYSTEM_ERROR(153, "system error"),
  GENERIC_ERROR(255, "generic error (e.g. a cfg CONSTANT the spec does not declare)"),
  TIMED_OUT(-1, "TLC did not finish within the time limit and was stopped"),
  UNKNOWN(-2, "an exit status this table does not know");

  private final int code;
  private final String meaning;

  TlcExit(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /** The entry for a process exit status; {@link #UNKNOWN} when the table has none. */
  public static TlcExit of(int status) {
    for (TlcExit e : values()) {
      if (e.code == status && e.code >= 0) {
        return e;
      }
    }
    return UNKNOWN;
  }
}
