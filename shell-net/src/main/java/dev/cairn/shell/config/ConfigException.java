package dev.cairn.shell.config;

import java.util.Optional;

/**
 * A configuration that Cairn refuses to start with. The message names the file and section,
 * the key, the value found and the rule it breaks, e.g. {@code config.toml [p2p]
 * max_num_inbound_peers = -1: must not be negative}.
 */
public final class ConfigException extends Exception {

  private final String key;
  private final String value;
  private final String rule;

  /** A bad value of one key. */
  public ConfigException(String where, String key, String value, String rule) {
    super(where + " " + key + " = " + value + ": " + rule);
    this.key = key;
    this.value = value;
    this.rule = rule;
  }

  /** A problem not tied to one key, such as a TOML syntax error. */
  public ConfigException(String where, String problem, Throwable cause) {
    super(where + ": " + problem, cause);
    this.key = null;
    this.value = null;
    this.rule = problem;
  }

  /** The offending key, when the problem is one key's value. */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }

  /** The offending value as written (quoted for strings). */
  public Optional<String> value() {
    return Optional.ofNullable(value);
  }

  /** The rule that was broken. */
  public String rule() {
    return rule;
  }
}
