package dev.cairn.shell.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The log levels the environment names ({@code CAIRN_LOG_LEVEL}, {@code CAIRN_NODE_LOG_LEVEL}).
 * Logback reads them when it starts and takes a value it does not know for DEBUG, without a word;
 * here such a value is named on standard error and its loggers are set to INFO, the default.
 */
final class LogLevels {

  static final String ROOT = "CAIRN_LOG_LEVEL";
  static final String NODE = "CAIRN_NODE_LOG_LEVEL";
  private static final String NODE_LOGGER = "dev.cairn.shell.node";
  private static final Set<String> KNOWN = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "ALL");

  private LogLevels() {}

  /**
   * Sets the loggers of an unknown level in {@code env} to INFO and returns one warning per unknown
   * value (none when both are unset or known).
   */
  static List<String> correct(Map<String, String> env) {
    List<String> warnings = new ArrayList<>();
    boolean rootBad = unknown(env.get(ROOT));
    boolean nodeBad = unknown(env.get(NODE));
    if (rootBad) {
      warnings.add(warning(ROOT, env.get(ROOT)));
      set(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
    if (nodeBad) {
      warnings.add(warning(NODE, env.get(NODE)));
    }
    if (nodeBad || (rootBad && env.get(NODE) == null)) { // the node's logger follows the root's unless named
      set(NODE_LOGGER);
    }
    return warnings;
  }

  private static boolean unknown(String value) {
    return value != null && !KNOWN.contains(value.strip().toUpperCase(Locale.ROOT));
  }

  private static String warning(String variable, String value) {
    return "cairn: " + variable + "=" + value + " is not a log level (one of TRACE, DEBUG, INFO, WARN, ERROR, OFF);"
        + " logging at INFO";
  }

  private static void set(String logger) {
    if (LoggerFactory.getLogger(logger) instanceof Logger l) {
      l.setLevel(Level.INFO);
    }
  }
}
