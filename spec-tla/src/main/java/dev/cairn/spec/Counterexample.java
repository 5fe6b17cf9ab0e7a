package dev.cairn.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLC counterexample read from TLC's plain-mode output: what was violated and the trace of
 * states, each with the action that produced it and its variables as Java values (see
 * {@link TlaValueParser}). Used to replay a violation as a Java fixture.
 *
 * <p>TLC 2.18 prints the action's name and location but not its parameters; a replay recovers
 * the parameters by asking the spec which instance of the action leads from one state to the
 * next ({@link Tla#successors}).
 *
 * @param kind what TLC reported
 * @param violated the invariant or action property named by TLC, when it names one
 * @param message TLC's error lines before the trace
 * @param states the trace, first state first
 * @param backToState for a liveness lasso, the number of the state the last one loops back to
 */
public record Counterexample(
    Kind kind,
    Optional<String> violated,
    String message,
    List<TraceState> states,
    OptionalInt backToState) {

  public enum Kind { INVARIANT, ACTION_PROPERTY, TEMPORAL_PROPERTY, DEADLOCK, ASSERTION, OTHER }

  /**
   * One state of the trace.
   *
   * @param number TLC's 1-based state number
   * @param action the action's name ({@code "Init"} for the initial predicate,
   *     {@code "Stuttering"} for a stuttering step)
   * @param location TLC's text between the angle brackets (name and source location)
   * @param variables every variable's value, in TLC's printed order
   */
  public record TraceState(int number, String action, String location, Map<String, Object> variables) {}

  private static final Pattern STATE =
      Pattern.compile("^State (\\d+): (?:<(.*)>|(Stuttering))\\s*$");
  private static final Pattern BACK = Pattern.compile("^Back to state (\\d+)(?::.*)?$");
  private static final Pattern ACTION_NAME = Pattern.compile("^(\\S+)(?: line \\d+.*)?$");
  private static final Pattern INVARIANT = Pattern.compile("Invariant (\\S+) is violated");
  private static final Pattern ACTION_PROPERTY = Pattern.compile("Action property (\\S+) is violated");
  private static final Pattern VARIABLE = Pattern.compile("^(?:/\\\\ )?([A-Za-z_][A-Za-z0-9_]*) = (.*)$");

  /** Reads the first counterexample in {@code output}; empty when TLC printed none. */
  public static Optional<Counterexample> parse(String output) {
    List<String> lines = output.lines().toList();
    int first = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("Error: ")) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return Optional.empty();
    }
    StringBuilder message = new StringBuilder();
    int i = first;
    while (i < lines.size() && !STATE.matcher(lines.get(i)).matches()) {
      String line = lines.get(i);
      if (!line.isBlank() && !line.startsWith("Error: The behavior up to this point is:")
          && !line.startsWith("Error: The following behavior constitutes a counter-example:")) {
        message.append(line).append('\n');
      }
      i++;
    }
    List<TraceState> states = new ArrayList<>();
    OptionalInt back = OptionalInt.empty();
    while (i < lines.size()) {
      String line = lines.get(i);
      Matcher m = STATE.matcher(line);
      Matcher b = BACK.matcher(line);
      if (m.matches()) {
        int end = i + 1;
        while (end < lines.size() && !lines.get(end).isBlank()
            && !STATE.matcher(lines.get(end)).matches()) {
          end++;
        }
        states.add(state(Integer.parseInt(m.group(1)), m.group(2), lines.subList(i + 1, end)));
        i = end;
      } else if (b.matches()) {
        back = OptionalInt.of(Integer.parseInt(b.group(1)));
        break;
      } else if (!line.isBlank()) {
        break;  // the statistics after the trace
      }
      i++;
    }
    String msg = message.toString().strip();
    return Optional.of(new Counterexample(
        kind(msg), violated(msg), msg, Collections.unmodifiableList(states), back));
  }

  /** The state's variables, or fails naming the state number. */
  public TraceState state(int number) {
    return states.stream()
        .filter(s -> s.number() == number)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no state " + number + " in the trace"));
  }

  /**
   * What each step of the trace changed, one line a step: its action, then each variable whose
   * value changed; a function or record by the keys it gained, lost or changed ({@code k :> v}),
   * a set or sequence by what it gained ({@code +x}) and lost ({@code -x}). TLC prints a step's
   * action without its arguments: the changed keys name the peers it was taken with.
   */
  public List<String> changes() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i < states.size(); i++) {
      TraceState before = states.get(i - 1);
      TraceState after = states.get(i);
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, Object> v : after.variables().entrySet()) {
        Object was = before.variables().get(v.getKey());
        if (!java.util.Objects.equals(was, v.getValue())) {
          parts.add(v.getKey() + ": " + cut(change(was, v.getValue()), CHANGE_CHARS));
        }
      }
      out.add("State " + after.number() + " <" + after.action() + ">: "
          + (parts.isEmpty() ? "(nothing changed)" : String.join("; ", parts)));
    }
    return out;
  }

  /** The characters of one variable's change in {@link #changes}, past which it is cut. */
  static final int CHANGE_CHARS = 240;

  private static String change(Object was, Object now) {
    // TLC prints an empty function as << >>, read as an empty sequence
    if (was instanceof java.util.Collection<?> c && c.isEmpty() && now instanceof Map<?, ?>) {
      was = Map.of();
    }
    if (now instanceof java.util.Collection<?> c && c.isEmpty() && was instanceof Map<?, ?>) {
      now = Map.of();
    }
    if (was instanceof Map<?, ?> a && now instanceof Map<?, ?> b) {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<?, ?> e : b.entrySet()) {
        if (!a.containsKey(e.getKey())) {
          parts.add("+" + e.getKey() + " :> " + e.getValue());
        } else if (!java.util.Objects.equals(a.get(e.getKey()), e.getValue())) {
          Object old = a.get(e.getKey());
          parts.add(e.getKey() + " :> " + (old instanceof Map<?, ?> || e.getValue() instanceof Map<?, ?>
              ? "(" + change(old, e.getValue()) + ")" : old + " -> " + e.getValue()));
        }
      }
      for (Object k : a.keySet()) {
        if (!b.containsKey(k)) {
          parts.add("-" + k);
        }
      }
      return String.join(", ", parts);
    }
    if (was instanceof java.util.Collection<?> a && now instanceof java.util.Collection<?> b) {
      List<String> parts = new ArrayList<>();
      b.stream().filter(x -> !a.contains(x)).forEach(x -> parts.add("+" + x));
      a.stream().filter(x -> !b.contains(x)).forEach(x -> parts.add("-" + x));
      return parts.isEmpty() ? was + " -> " + now : String.join(", ", parts);
    }
    return was + " -> " + now;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** The last state of the trace (the one that violates an invariant). */
  public TraceState last() {
    if (states.isEmpty()) {
      throw new IllegalStateException("the counterexample has no states: " + message);
    }
    return states.get(states.size() - 1);
  }

  private static TraceState state(int number, String location, List<String> body) {
    String action;
    String loc;
    if (location == null) {
      action = "Stuttering";
      loc = "Stuttering";
    } else if (location.equals("Initial predicate")) {
      action = "Init";
      loc = location;
    } else {
      Matcher n = ACTION_NAME.matcher(location);
      action = n.matches() ? n.group(1) : location;
      loc = location;
    }
    Map<String, Object> vars = new LinkedHashMap<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    for (String line : body) {
      Matcher v = VARIABLE.matcher(line);
      boolean starts = line.startsWith("/\\ ") || (name == null && v.matches());
      if (starts && v.matches()) {
        if (name != null) {
          vars.put(name, TlaValueParser.parse(value.toString()));
        }
        name = v.group(1);
        value.setLength(0);
        value.append(v.group(2));
      } else if (name != null) {
        value.append('\n').append(line);
      }
    }
    if (name != null) {
      vars.put(name, TlaValueParser.parse(value.toString()));
    }
    return new TraceState(number, action, loc, Collections.unmodifiableMap(vars));
  }

  private static Kind kind(String msg) {
    if (INVARIANT.matcher(msg).find()) {
      return Kind.INVARIANT;
    }
    if (ACTION_PROPERTY.matcher(msg).find()) {
      return Kind.ACTION_PROPERTY;
    }
    if (msg.contains("Temporal properties were violated")) {
      return Kind.TEMPORAL_PROPERTY;
    }
    if (msg.contains("Deadlock reached")) {
      return Kind.DEADLOCK;
    }
    if (msg.contains("Assert")) {
      return Kind.ASSERTION;
    }
    return Kind.OTHER;
  }

  private static Optional<String> violated(String msg) {
    Matcher m = INVARIANT.matcher(msg);
    if (m.find()) {
      return Optional.of(m.group(1));
    }
    Matcher a = ACTION_PROPERTY.matcher(msg);
    return a.find() ? Optional.of(a.group(1)) : Optional.empty();
  }
}
