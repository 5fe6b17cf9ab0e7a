package dev.cairn.spec.mapping;

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
 * One letter of the composed core's event alphabet: an action of {@code Core.tla} with its
 * arguments (the Java values {@link dev.cairn.spec.Tla#successors} takes), plus the choices the
 * environment makes around a Java step, which the spec leaves to its {@code \E}:
 *
 * <ul>
 *   <li>{@code lift}: the peers whose bans expired by this step (wall time); the spec's
 *       successors are those that reinstate exactly these peers.
 *   <li>{@code prng}: 0 for Java's own generators, else the seed put into both machines'
 *       generators before the step (another of Java's possible random choices).
 *   <li>{@code time}: which of the step's time facts hold, one bit each in the order of
 *       {@link CoreMapping#timeFacts}: request windows that passed, peers connected long enough
 *       to be aged, crawl records past retention or old enough to crawl again, a request that
 *       arrives after the window. 0: none (time stands still).
 * </ul>
 *
 * <p>Text form: {@code PexAddrsReceived s {a, self}}, {@code TimerFired {Maintenance} {EnsurePeers} time=1},
 * {@code PeerReady s lift={a} prng=3}.
 */
public record CoreLetter(String action, List<Object> args, Set<TlaModelValue> lift, long prng, int time) {

  /** The actions of {@code Core.tla} (one per CoreEvent). */
  public static final Set<String> ACTIONS = Set.of("Started", "AddressesLearned", "DialRequested",
      "DialSucceeded", "DialFailed", "InboundAccepted", "PeerReady", "PeerDisconnected",
      "PeerErrored", "PeerReported", "PeerBanned", "PexRequestReceived", "PexAddrsReceived",
      "PexMessageMalformed", "TimerFired");

  public CoreLetter {
    Objects.requireNonNull(action, "action");
    if (!ACTIONS.contains(action)) {
      throw new IllegalArgumentException("no Core action " + action + "; actions: " + ACTIONS);
    }
    args = List.copyOf(args);
    lift = Collections.unmodifiableSet(new LinkedHashSet<>(lift));
  }

  public static CoreLetter of(String action, Object... args) {
    return new CoreLetter(action, List.of(args), Set.of(), 0, 0);
  }

  public CoreLetter withLift(Set<TlaModelValue> peers) {
    return new CoreLetter(action, args, peers, prng, time);
  }

  public CoreLetter withPrng(long seed) {
    return new CoreLetter(action, args, lift, seed, time);
  }

  public CoreLetter withTime(int bits) {
    return new CoreLetter(action, args, lift, prng, bits);
  }

  /** The spec-level event, without the environment's choices. */
  public CoreLetter event() {
    return new CoreLetter(action, args, Set.of(), 0, 0);
  }

  /** The PeerManager timer keys a {@code TimerFired} letter fires. */
  @SuppressWarnings("unchecked")
  public Set<Map<String, Object>> fired() {
    return (Set<Map<String, Object>>) args.get(0);
  }

  /** The PEX round keys a {@code TimerFired} letter fires. */
  @SuppressWarnings("unchecked")
  public Set<String> pexFired() {
    return (Set<String>) args.get(1);
  }

  /** The peer a letter names, when its first argument is one. */
  public TlaModelValue peer() {
    return (TlaModelValue) args.get(0);
  }

  /**
   * Whether the step may reinstate expired bans: the PeerManager does so on {@code DialRequested}
   * (also PEX's dial hand-offs: a seed dialed at {@code Started} or in a round, whose ban PEX sees
   * expired), {@code InboundAccepted} and its maintenance.
   */
  public boolean reinstates() {
    return switch (action) {
      case "Started", "DialRequested", "InboundAccepted" -> true;
      case "TimerFired" -> fired().contains(CoreMapping.MAINTENANCE_KEY) || !pexFired().isEmpty();
      default -> false;
    };
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
    if (time != 0) {
      b.append(" time=").append(time);
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
      "^(\\w+)((?:\\s+(?:\\{[^}]*\\}|(?!lift=|prng=|time=)\\S+))*)(?:\\s+lift=(\\{[^}]*\\}))?"
          + "(?:\\s+prng=(-?\\d+))?(?:\\s+time=(\\d+))?\\s*$");
  private static final Pattern ARG = Pattern.compile("\\{[^}]*\\}|\\S+");
  private static final Set<String> ROUNDS = Set.of("EnsurePeers", "CrawlPeers");

  /** Reads the text form ({@link #toString}). */
  public static CoreLetter parse(String line) {
    Matcher m = LINE.matcher(line.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not an event line: '" + line + "'");
    }
    String action = m.group(1);
    List<Object> args = new ArrayList<>();
    Matcher a = ARG.matcher(m.group(2) == null ? "" : m.group(2));
    while (a.find()) {
      args.add(arg(action, args.size(), a.group()));
    }
    Set<TlaModelValue> lift = new LinkedHashSet<>();
    if (m.group(3) != null) {
      for (Object o : (Set<?>) arg("PexAddrsReceived", 1, m.group(3))) {
        lift.add((TlaModelValue) o);
      }
    }
    long prng = m.group(4) == null ? 0 : Long.parseLong(m.group(4));
    int time = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
    return new CoreLetter(action, args, lift, prng, time);
  }

  private static Object arg(String action, int index, String text) {
    if (text.startsWith("{")) {
      Set<Object> out = new LinkedHashSet<>();
      String body = text.substring(1, text.length() - 1).strip();
      if (!body.isEmpty()) {
        for (String part : body.split("\\s*,\\s*")) {
          if (action.equals("TimerFired")) {
            out.add(index == 1 || ROUNDS.contains(part) ? part : timerKey(part));
          } else {
            out.add(TlaModelValue.of(part));
          }
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
