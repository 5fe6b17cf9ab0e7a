package dev.cairn.model;

import dev.cairn.spec.TlaModelValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One letter of the event alphabet at MC bounds: a TLA+ action of {@code PeerManager.tla} with
 * its arguments (the Java values {@link dev.cairn.spec.Tla#successors} takes), plus the two
 * choices the environment makes around a Java step:
 *
 * <ul>
 *   <li>{@code lift}: the peers whose bans have expired by this step (the wall clock is set just
 *       past their expiry). Only {@code DialRequested}, {@code InboundAccepted} and a
 *       {@code TimerFired} that fires {@code Maintenance} reinstate expired bans, in Java and in
 *       the spec ({@code Reinstated}); on the spec side the letter selects the successors that
 *       reinstate exactly these peers.
 *   <li>{@code prng}: 0 for Java's own PRNG; otherwise the seed put into the Java state's
 *       {@code prng} before the step (the PRNG is not part of the abstract state, so this picks
 *       another of Java's possible choices, e.g. a book pick that misses).
 * </ul>
 *
 * <p>Text form, one letter per fixture line: {@code DialFailed p1},
 * {@code TimerFired {Maintenance, RetryDial(p1)} lift={p2}}, {@code AddressesLearned {p2}},
 * {@code PeerReported p2 good}, {@code Started prng=7}.
 */
public record Label(String action, List<Object> args, Set<TlaModelValue> lift, long prng) {

  public static final Set<String> ACTIONS = Set.of("Started", "AddressesLearned", "DialRequested",
      "DialSucceeded", "DialFailed", "InboundAccepted", "PeerReady", "PeerDisconnected",
      "PeerErrored", "PeerReported", "PeerBanned", "TimerFired");

  /** The actions whose spec successors branch on which expired bans are reinstated. */
  static final Set<String> REINSTATING = Set.of("DialRequested", "InboundAccepted", "TimerFired");

  public Label {
    Objects.requireNonNull(action, "action");
    if (!ACTIONS.contains(action)) {
      throw new IllegalArgumentException("no PeerManager action " + action + "; actions: " + ACTIONS);
    }
    args = List.copyOf(args);
    lift = Collections.unmodifiableSet(new LinkedHashSet<>(lift));
  }

  public static Label of(String action, Object... args) {
    return new Label(action, List.of(args), Set.of(), 0);
  }

  public Label withLift(Set<TlaModelValue> peers) {
    return new Label(action, args, peers, prng);
  }

  public Label withPrng(long seed) {
    return new Label(action, args, lift, seed);
  }

  /** The spec-level event, without the environment's choices. */
  public Label event() {
    return new Label(action, args, Set.of(), 0);
  }

  /** The fired timer keys of a {@code TimerFired} letter. */
  @SuppressWarnings("unchecked")
  Set<Map<String, Object>> fired() {
    return (Set<Map<String, Object>>) args.get(0);
  }

  /** Whether this letter may reinstate bans at all (see {@link #lift}). */
  boolean reinstates() {
    return action.equals("TimerFired")
        ? fired().contains(PeerManagerMapping.MAINTENANCE_KEY)
        : REINSTATING.contains(action);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(action);
    for (Object a : args) {
      b.append(' ').append(text(a));
    }
    if (!lift.isEmpty()) {
      b.append(" lift=").append(text(lift));
    }
    if (prng != 0) {
      b.append(" prng=").append(prng);
    }
    return b.toString();
  }

  private static String text(Object o) {
    return switch (o) {
      case TlaModelValue m -> m.name();
      case Set<?> s -> {
        List<String> parts = new ArrayList<>();
        for (Object e : s) {
          parts.add(text(e));
        }
        yield "{" + String.join(", ", parts) + "}";
      }
      case Map<?, ?> key -> key.containsKey("peer")
          ? key.get("kind") + "(" + text(key.get("peer")) + ")"
          : String.valueOf(key.get("kind"));
      default -> String.valueOf(o);
    };
  }

  private static final Pattern LINE = Pattern.compile(
      "^(\\w+)((?:\\s+(?:\\{[^}]*\\}|(?!lift=|prng=)\\S+))*)(?:\\s+lift=(\\{[^}]*\\}))?(?:\\s+prng=(-?\\d+))?\\s*$");
  private static final Pattern ARG = Pattern.compile("\\{[^}]*\\}|\\S+");

  /** Reads the text form ({@link #toString}). */
  public static Label parse(String line) {
    Matcher m = LINE.matcher(line.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not an event line: '" + line + "'");
    }
    String action = m.group(1);
    List<Object> args = new ArrayList<>();
    Matcher a = ARG.matcher(m.group(2) == null ? "" : m.group(2));
    while (a.find()) {
      args.add(arg(action, a.group()));
    }
    Set<TlaModelValue> lift = new LinkedHashSet<>();
    if (m.group(3) != null) {
      for (Object o : (Set<?>) arg("AddressesLearned", m.group(3))) {
        lift.add((TlaModelValue) o);
      }
    }
    long prng = m.group(4) == null ? 0 : Long.parseLong(m.group(4));
    return new Label(action, args, lift, prng);
  }

  private static Object arg(String action, String text) {
    if (text.startsWith("{")) {
      Set<Object> out = new LinkedHashSet<>();
      String body = text.substring(1, text.length() - 1).strip();
      if (!body.isEmpty()) {
        for (String part : body.split("\\s*,\\s*")) {
          out.add(action.equals("TimerFired") ? timerKey(part) : TlaModelValue.of(part));
        }
      }
      return out;
    }
    if (text.equals("good") || text.equals("bad")) {
      return text;
    }
    return TlaModelValue.of(text);
  }

  private static Map<String, Object> timerKey(String text) {
    Matcher m = Pattern.compile("^(\\w+)(?:\\((\\w+)\\))?$").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a timer key: " + text);
    }
    return m.group(2) == null
        ? Map.of("kind", m.group(1))
        : Map.of("kind", m.group(1), "peer", TlaModelValue.of(m.group(2)));
  }
}
