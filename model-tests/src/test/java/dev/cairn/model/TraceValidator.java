package dev.cairn.model;

import dev.cairn.core.MonoTime;
import dev.cairn.core.WallTime;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a log of Java steps against the spec, step by step (check 4's reusable piece, for
 * the trace files of DESIGN.md §6). It keeps the <i>set</i> of spec states consistent with the
 * log so far: each logged event is mapped to its action; every successor whose {@code outbox}
 * equals the logged effects (α) stays. The log does not say which timers fired nor which bans
 * expired, so {@code TimerFired} tries every non-empty set of armed timers and every
 * {@code Reinstated} choice is kept: the spec's nondeterminism stays in the set. A step Java
 * rejected must meet a disabled action (its state stays). The first step after which no state
 * is left is reported, with the actions enabled in the states before it.
 */
public final class TraceValidator {

  /** One logged Java step: the clocks it ran at, the event, its effects, and whether Java accepted it. */
  public record TraceStep(MonoTime now, WallTime wallNow, PeerEvent event, List<PeerEffect> effects,
      boolean accepted) {
    public TraceStep {
      effects = List.copyOf(effects);
    }
  }

  /**
   * The verdict. {@code failedStep}: 1-based index of the first step that leaves the spec (0 when
   * the whole log is a spec behaviour); {@code enabledThere}: the letters enabled in some state
   * consistent with the log before that step; {@code largestFrontier}: the most spec states the
   * log was consistent with at once.
   */
  public record Verdict(int failedStep, Optional<PeerEvent> event, List<String> enabledThere,
      int largestFrontier, String detail) {
    public boolean valid() {
      return failedStep == 0;
    }
  }

  private final Tla tla;
  private final PeerManagerMapping mapping;

  public TraceValidator(Tla tla, PeerManagerMapping mapping) {
    this.tla = tla;
    this.mapping = mapping;
  }

  public Verdict validate(List<TraceStep> log) {
    Set<TlaState> frontier = new LinkedHashSet<>(tla.initialStates());
    int largest = frontier.size();
    for (int i = 0; i < log.size(); i++) {
      TraceStep step = log.get(i);
      Set<TlaState> next = new LinkedHashSet<>();
      for (TlaState s : frontier) {
        List<Label> letters = letters(step.event(), s);
        if (letters.isEmpty()) {
          return new Verdict(i + 1, Optional.of(step.event()), enabled(frontier), largest,
              "the event names a node outside the model");
        }
        for (Label l : letters) {
          List<TlaState> succ = tla.successors(s, l.action(), l.args().toArray());
          if (!step.accepted()) {
            if (succ.isEmpty() || l.action().equals("TimerFired")) {
              next.add(s); // Java's rejection is the spec's disabled action
            }
            continue;
          }
          Object before = Equivalence.vars(s).get("book");
          for (TlaState t : succ) {
            Map<String, Object> vt = Equivalence.vars(t);
            boolean bookVisible = !before.equals(vt.get("book"));
            if (vt.get("outbox").equals(mapping.alphaEffects(step.effects(), bookVisible))) {
              next.add(t);
            }
          }
        }
      }
      if (next.isEmpty()) {
        return new Verdict(i + 1, Optional.of(step.event()), enabled(frontier), largest,
            "step " + (i + 1) + " (" + step.event() + (step.accepted() ? ", accepted, effects " + step.effects()
                : ", rejected") + ") is not a step of the spec from any of the " + frontier.size()
                + " states consistent with the log so far");
      }
      frontier = next;
      largest = Math.max(largest, frontier.size());
    }
    return new Verdict(0, Optional.empty(), List.of(), largest, "");
  }

  private List<Label> letters(PeerEvent e, TlaState s) {
    if (!(e instanceof PeerEvent.TimerFired)) {
      return mapping.fromJava(e, Set.of()).map(List::of).orElse(List.of());
    }
    List<Object> armed = new ArrayList<>((Set<?>) Equivalence.vars(s).get("timers"));
    List<Label> out = new ArrayList<>();
    for (Set<Object> f : PeerManagerMapping.subsets(armed)) {
      if (!f.isEmpty()) {
        out.add(Label.of("TimerFired", f));
      }
    }
    if (out.isEmpty()) {
      out.add(Label.of("TimerFired", Set.of()));
    }
    return out;
  }

  private List<String> enabled(Set<TlaState> frontier) {
    Set<String> out = new LinkedHashSet<>();
    for (TlaState s : frontier) {
      for (Label l : mapping.alphabet()) {
        if (!tla.successors(s, l.action(), l.args().toArray()).isEmpty()) {
          out.add(l.toString());
        }
      }
    }
    return new ArrayList<>(out);
  }
}
