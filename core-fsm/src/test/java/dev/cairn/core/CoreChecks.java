package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.peer.PeerInvariants;
import dev.cairn.core.pex.PexInvariants;

/** Runs a composed step and checks every invariant of both machines and of the composition over it. */
final class CoreChecks {

  private CoreChecks() {}

  static Core.Traced checkedStep(CoreConfig cfg, CoreState s, MonoTime now, WallTime wallNow, CoreEvent e) {
    Core.Traced t = Core.traced(cfg, s, now, wallNow, e);
    check(cfg, s, t);
    return t;
  }

  static void check(CoreConfig cfg, CoreState before, Core.Traced t) {
    Step<CoreState, CoreEffect> out = t.step();
    if (!out.isAccepted()) {
      assertThat(out.state()).isSameAs(before);
      assertThat(out.effects()).isEmpty();
    }
    for (Core.SubStep sub : t.subSteps()) {
      switch (sub) {
        case Core.SubStep.PeerManagerStep p -> PeerInvariants.check(cfg.peer(), p.step().state());
        case Core.SubStep.PexStep p -> PexInvariants.check(p.transition());
      }
    }
    PeerInvariants.check(cfg.peer(), out.state().peer());
    CoreInvariants.check(cfg, out.state());
  }
}
