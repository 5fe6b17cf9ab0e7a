package dev.cairn.shell.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The values one label may take, capped: the first {@code maxValues} distinct values are kept
 * as given, any later new value is reported as {@value #OVERFLOW}. A Prometheus series per label
 * value costs memory in the node and in every server that scrapes it, so a label fed from
 * text the node does not control (rejection reasons carry peer IDs and times) must not grow
 * without limit.
 */
final class BoundedLabel {

  static final String OVERFLOW = "other";
  private static final int VALUE_LENGTH_MAX = 96;
  private static final Pattern NODE_ID = Pattern.compile("\\b[0-9a-f]{40}\\b");
  private static final Pattern ADDRESS = Pattern.compile("\\[[0-9a-fA-F:.]+\\]:\\d+|\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private final int maxValues;
  private final ConcurrentHashMap<String, String> admitted = new ConcurrentHashMap<>();

  BoundedLabel(int maxValues) {
    if (maxValues < 1) {
      throw new IllegalArgumentException("maxValues must be at least 1, was " + maxValues);
    }
    this.maxValues = maxValues;
  }

  /** {@code value} if it is already admitted or there is room for it, otherwise {@value #OVERFLOW}. */
  String of(String value) {
    String known = admitted.get(value);
    if (known != null) {
      return known;
    }
    synchronized (this) { // exact cap: check and insert together; rare, only for first sightings
      if (admitted.size() >= maxValues) {
        return OVERFLOW;
      }
      admitted.putIfAbsent(value, value);
      return value;
    }
  }

  /**
   * A free-text reason reduced to its kind: node IDs become {@code <id>}, IP addresses
   * {@code <addr>}, other numbers {@code <n>}; "abc… is not connected" for any peer is one value.
   */
  static String reasonKind(String reason) {
    String kind = NODE_ID.matcher(reason).replaceAll("<id>");
    kind = ADDRESS.matcher(kind).replaceAll("<addr>");
    kind = NUMBER.matcher(kind).replaceAll("<n>");
    return kind.length() <= VALUE_LENGTH_MAX ? kind : kind.substring(0, VALUE_LENGTH_MAX);
  }
}
