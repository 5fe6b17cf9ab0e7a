package dev.cairn.spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of one TLC run on one model.
 *
 * @param model the model checked
 * @param status the process exit status ({@code -1} when it was stopped at the time limit)
 * @param exit what the status means
 * @param output everything TLC printed (stdout and stderr, interleaved)
 * @param outputFile where that output is saved
 * @param elapsed wall time of the run, JVM start included
 */
public record TlcResult(
    TlcModel model, int status, TlcExit exit, String output, Path outputFile, Duration elapsed) {

  private static final Pattern DISTINCT =
      Pattern.compile("(\\d[\\d,]*) states generated, (\\d[\\d,]*) distinct states found");

  public boolean passed() {
    return exit == TlcExit.SUCCESS;
  }

  /** The counterexample TLC printed, if any. */
  public Optional<Counterexample> counterexample() {
    return Counterexample.parse(output);
  }

  /** Distinct states TLC reported (the last report), or -1 when it printed none. */
  public long distinctStates() {
    Matcher m = DISTINCT.matcher(output);
    long last = -1;
    while (m.find()) {
      last = Long.parseLong(m.group(2).replace(",", ""));
    }
    return last;
  }

  /**
   * A report for a failed build: the model, the exit status and its meaning, then TLC's output
   * from its first error line on (the violated invariant or property and the whole trace), or
   * the whole output when TLC printed no error line.
   */
  public String failureReport() {
    int from = output.indexOf("Error:");
    String body = from >= 0 ? output.substring(from) : output;
    return "TLC failed on model " + model.name() + " (" + model.module().getFileName() + " with "
        + model.cfg().getFileName() + "): exit " + status + ", " + exit.meaning() + "\n"
        + "full output: " + outputFile + "\n"
        + "----\n" + body.strip() + "\n----"
        + counterexample().filter(c -> c.states().size() > 1)
            .map(c -> "\nwhat each step changed:\n  " + String.join("\n  ", c.changes())).orElse("");
  }
}
