package dev.cairn.shell.cli;

import dev.cairn.shell.config.GoDuration;
import java.time.Duration;
import picocli.CommandLine;

/** Go duration strings on the command line ({@code 500ms}, {@code 3s}, {@code 1m30s}). */
final class CliDurations {

  private CliDurations() {}

  /**
   * Parses {@code value} of option {@code name}; a bad value is a usage error naming the option,
   * the value and the rule.
   */
  static Duration parse(CommandLine cl, String name, String value, boolean zeroAllowed) {
    try {
      Duration d = GoDuration.parse(value);
      if (d.isNegative() || (!zeroAllowed && d.isZero())) {
        throw new IllegalArgumentException(zeroAllowed ? "must not be negative" : "must be positive");
      }
      return d;
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(cl, "invalid " + name + " '" + value + "': " + e.getMessage());
    }
  }
}
