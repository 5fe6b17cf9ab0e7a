package dev.cairn.shell.store;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Timestamps as Go's {@code time.Time} reads and writes them in JSON: RFC 3339 with up to nine
 * fraction digits, written with trailing fraction zeros removed, in the offset the value
 * carries ({@code Z} for a zero offset). Go's zero time is {@code 0001-01-01T00:00:00Z}.
 */
final class GoTime {

  /** Go's zero {@code time.Time}, written for "never". */
  static final OffsetDateTime ZERO = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private static final Pattern RFC3339 =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?"
              + "(Z|[+-]\\d{2}:\\d{2})");

  private GoTime() {}

  /** Parses Go's RFC 3339 form, or returns empty when {@code text} is not one. */
  static Optional<OffsetDateTime> parse(String text) {
    Matcher m = RFC3339.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      String fraction = m.group(7) == null ? "" : m.group(7);
      int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
      String off = m.group(8);
      ZoneOffset offset =
          off.equals("Z")
              ? ZoneOffset.UTC
              : ZoneOffset.ofHoursMinutes(
                  Integer.parseInt(off.substring(0, 3)),
                  (off.charAt(0) == '-' ? -1 : 1) * Integer.parseInt(off.substring(4, 6)));
      return Optional.of(
          OffsetDateTime.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              Integer.parseInt(m.group(6)),
              nanos,
              offset));
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty(); // month 13, minute 61, offset beyond +-18:00, ...
    }
  }

  /** Go's {@code RFC3339Nano} rendering; years outside 0..9999 are refused as Go does. */
  static String format(OffsetDateTime t) {
    if (t.getYear() < 0 || t.getYear() > 9999) {
      throw new IllegalArgumentException("year outside 0..9999 cannot be written: " + t);
    }
    StringBuilder sb = new StringBuilder(35);
    pad(sb, t.getYear(), 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append('T');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2);
    if (t.getNano() != 0) {
      String f = String.format("%09d", t.getNano());
      int end = f.length();
      while (f.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(f, 0, end);
    }
    int total = t.getOffset().getTotalSeconds();
    if (total == 0) {
      return sb.append('Z').toString();
    }
    sb.append(total < 0 ? '-' : '+');
    int abs = Math.abs(total);
    pad(sb, abs / 3600, 2).append(':');
    return pad(sb, (abs % 3600) / 60, 2).toString();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s);
  }
}
