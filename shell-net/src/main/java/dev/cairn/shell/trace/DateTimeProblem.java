package dev.cairn.shell.trace;

import java.time.format.DateTimeParseException;
import java.util.Map;

/** A date or time given on the command line that java.time refused, in words. */
final class DateTimeProblem {

  private static final java.util.regex.Pattern OUT_OF_RANGE =
      java.util.regex.Pattern.compile("Invalid value for (\\w+) \\(valid values (-?\\d+) - (-?\\d+)\\): (-?\\d+)");
  private static final Map<String, String> FIELDS = Map.of("Year", "year", "MonthOfYear", "month",
      "DayOfMonth", "day", "HourOfDay", "hour", "MinuteOfHour", "minute", "SecondOfMinute", "second",
      "NanoOfSecond", "fraction of a second", "OffsetSeconds", "UTC offset (seconds)");

  private DateTimeProblem() {}

  /** What is wrong in a date or time, in words (java.time's own text names its fields by class). */
  static String describe(DateTimeParseException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      java.util.regex.Matcher m = OUT_OF_RANGE.matcher(String.valueOf(c.getMessage()));
      if (m.find()) {
        return FIELDS.getOrDefault(m.group(1), m.group(1)) + " " + m.group(4) + " is not in " + m.group(2) + ".."
            + m.group(3);
      }
    }
    if (e.getCause() != null && e.getCause().getMessage() != null
        && e.getCause().getMessage().startsWith("Invalid date")) {
      return "no such date (" + e.getCause().getMessage().substring("Invalid date".length()).strip() + ")";
    }
    int at = e.getErrorIndex();
    return at >= 0 && at < e.getParsedString().length()
        ? "unexpected '" + e.getParsedString().substring(at) + "' at character " + (at + 1)
        : "not a date and time";
  }
}
