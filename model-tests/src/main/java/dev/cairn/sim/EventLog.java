package dev.cairn.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The run's event log: every line goes into a SHA-256 (two runs are identical exactly when their
 * digests are) and the last {@code keep} lines are kept for a failure report. Nothing else is
 * stored, so a run of millions of steps costs no memory here.
 */
final class EventLog {

  private final MessageDigest digest;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final int keep;
  private long lines;

  EventLog(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep = " + keep + " must be positive");
    }
    this.keep = keep;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  void add(String line) {
    digest.update(line.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
    lines++;
    if (tail.size() == keep) {
      tail.removeFirst();
    }
    tail.addLast(line);
  }

  long lines() {
    return lines;
  }

  List<String> tail() {
    return new ArrayList<>(tail);
  }

  /** The digest of every line so far (the log stays usable). */
  String sha256() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests are cloneable", e);
    }
  }
}
