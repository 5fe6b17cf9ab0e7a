package dev.cairn.model;

import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.mapping.CoreLetter;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

  /** The text form: the composed machine's ({@link CoreLetter#toString}), of which this alphabet is a part. */
  @Override
  public String toString() {
    return new CoreLetter(action, args, lift, prng, 0).toString();
  }

  /** Reads the text form ({@link #toString}). */
  public static Label parse(String line) {
    CoreLetter l = CoreLetter.parse(line);
    if (l.time() != 0) {
      throw new IllegalArgumentException("a PeerManager letter has no time choice: '" + line + "'");
    }
    return new Label(l.action(), l.args(), l.lift(), l.prng());
  }
}
