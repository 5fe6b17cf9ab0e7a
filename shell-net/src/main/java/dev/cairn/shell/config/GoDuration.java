package dev.cairn.shell.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Go's {@code time.Duration} text, as CometBFT's config.toml holds it: parsed like
 * {@code time.ParseDuration} ({@code "100ms"}, {@code "3s"}, {@code "1m30s"}, {@code "1.5h"},
 * {@code "0"}; units ns, us, µs, ms, s, m, h) and printed like {@code Duration.String}
 * ({@code "0s"}, {@code "100ms"}, {@code "1m30s"}, {@code "1h0m0s"}).
 */
public final class GoDuration {

  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private GoDuration() {}

  /**
   * Parses Go duration text.
   *
   * @throws IllegalArgumentException with the rule broken, when {@code text} is not one
   */
  public static Duration parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("is not a Go duration such as \"100ms\", \"3s\" or \"1m30s\"");
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) && s.charAt(i) < 128 || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        throw new IllegalArgumentException("is not a Go duration such as \"100ms\", \"3s\" or \"1m30s\"");
      }
      int unitStart = i;
      while (i < s.length() && !(Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      long unit = unitNanos(s.substring(unitStart, i));
      total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
    }
    BigInteger nanos = total.setScale(0, RoundingMode.DOWN).toBigIntegerExact();
    if (nanos.compareTo(LONG_MAX) > 0) {
      throw new IllegalArgumentException("is larger than Go's maximum duration (about 292 years)");
    }
    long n = nanos.longValueExact();
    return Duration.ofNanos(negative ? -n : n);
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs", "μs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      case "" -> throw new IllegalArgumentException(
          "has a number without a unit (use ns, us, ms, s, m or h)");
      default -> throw new IllegalArgumentException(
          "has the unknown unit \"" + unit + "\" (use ns, us, ms, s, m or h)");
    };
  }

  /** Go's {@code Duration.String()} of {@code d}, which must fit Go's int64 nanoseconds. */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    if (n == Long.MIN_VALUE) {
      return "-2562047h47m16.854775808s";
    }
    String sign = n < 0 ? "-" : "";
    long u = Math.abs(n);
    if (u < 1_000_000_000L) {
      if (u < 1_000L) {
        return sign + u + "ns";
      }
      return u < 1_000_000L ? sign + fraction(u, 3) + "µs" : sign + fraction(u, 6) + "ms";
    }
    String seconds = fraction(u % 60_000_000_000L, 9) + "s";
    long minutes = u / 60_000_000_000L;
    if (minutes == 0) {
      return sign + seconds;
    }
    long hours = minutes / 60;
    return sign + (hours > 0 ? hours + "h" : "") + (minutes % 60) + "m" + seconds;
  }

  private static String fraction(long v, int digits) {
    long scale = 1;
    for (int i = 0; i < digits; i++) {
      scale *= 10;
    }
    long whole = v / scale;
    long rest = v % scale;
    if (rest == 0) {
      return Long.toString(whole);
    }
    String r = String.format("%0" + digits + "d", rest);
    int end = r.length();
    while (r.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + r.substring(0, end);
  }
}
