package dev.cairn.core.pex;

import dev.cairn.core.MonoTime;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import java.util.Objects;

/**
 * One PEX step with everything it was computed from: what {@link PexInvariants} are checked
 * over (a TLA+ state and the action that led to it) and what a trace records.
 */
public record PexTransition(
    PexConfig cfg, PeerView view, PexState before, MonoTime now, WallTime wallNow, PexEvent event,
    Step<PexState, PexEffect> step) {
  public PexTransition {
    Objects.requireNonNull(cfg, "cfg");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(wallNow, "wallNow");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(step, "step");
  }

  public PexState after() {
    return step.state();
  }
}
