package dev.cairn.shell.p2p;

/**
 * Text a peer chose (a moniker, a network name, an address it advertised), made safe to put in a
 * message that ends in a log line or a trace: quoted, cut to {@value #MAX_CHARS} characters, and
 * every character outside printable ASCII written as an escape, so that no peer can end a log line
 * and forge the next one, colour a terminal, or fill the disk with one long field.
 */
public final class PeerText {

  /** Characters of a peer's text kept in a message; the rest is counted, not shown. */
  public static final int MAX_CHARS = 128;

  private PeerText() {}

  /**
   * {@code s} in single quotes: a backslash, a quote of either kind, a line end, a tab or another
   * character outside printable ASCII escaped ({@code \\}, {@code \'}, {@code \"}, {@code \n},
   * {@code \r}, {@code \t}, {@code \x1b}, and a backslash, "u" and four hex digits above 0xff);
   * beyond {@value #MAX_CHARS} characters, the length ({@code '…'... (60000 characters)}).
   */
  public static String quote(String s) {
    int shown = Math.min(s.length(), MAX_CHARS);
    StringBuilder sb = new StringBuilder(shown + 24).append('\'');
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '\'' || c == '"') {
        sb.append('\\').append(c);
      } else {
        append(sb, c);
      }
    }
    sb.append('\'');
    if (s.length() > shown) {
      sb.append("... (").append(s.length()).append(" characters)");
    }
    return sb.toString();
  }

  /**
   * {@code s} as it is when it is printable ASCII, else with each other character escaped as
   * {@link #quote} escapes it (quotes and backslashes left as they are): for text already
   * recorded, such as a reason read from a trace written before peers' text was quoted.
   */
  public static String printable(String s) {
    if (s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      append(sb, s.charAt(i));
    }
    return sb.toString();
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * {@code c} as it is when it is printable ASCII, else escaped: {@code \n}, {@code \r}, {@code
   * \t}, {@code \xNN} below 0x100, else a backslash, "u" and four hex digits, written without a
   * formatter (a peer's text may be all such characters).
   */
  private static void append(StringBuilder sb, char c) {
    if (c >= 0x20 && c < 0x7f) {
      sb.append(c);
      return;
    }
    sb.append('\\');
    switch (c) {
      case '\n' -> sb.append('n');
      case '\r' -> sb.append('r');
      case '\t' -> sb.append('t');
      default -> {
        if (c < 0x100) {
          sb.append('x').append(HEX[c >> 4]).append(HEX[c & 0xf]);
        } else {
          sb.append('u').append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
              .append(HEX[c & 0xf]);
        }
      }
    }
  }
}
