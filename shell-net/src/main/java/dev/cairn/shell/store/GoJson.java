package dev.cairn.shell.store;

/** JSON string literals escaped exactly as Go's {@code encoding/json} escapes them. */
final class GoJson {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private GoJson() {}

  /** Appends {@code s} quoted; like Go, escapes {@code <>&} and U+2028/U+2029 too. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** {@code s} as a quoted literal, cut to 80 characters, for error messages. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    string(sb, s.length() > 80 ? s.substring(0, 80) + "..." : s);
    return sb.toString();
  }
}
