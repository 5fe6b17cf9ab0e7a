package dev.cairn.core;

import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Feedback;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerManager;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.PeerStatus;
import dev.cairn.core.pex.PeerView;
import dev.cairn.core.pex.Pex;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.core.pex.PexState;
import dev.cairn.core.pex.PexTransition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The composition of the PeerManager and PEX: one shell event is one atomic, deterministic step
 * of the whole core (and one step of the composed TLA+ spec). The event goes to the machine it
 * concerns; what one machine produces for the other is applied in the same step, in the order it
 * was produced (first in, first out):
 *
 * <ul>
 *   <li>PeerManager → PEX: {@code Started} is followed by PEX's {@code Started};
 *       {@code PublishPeerUpdate(UP)} becomes {@code PeerUp} (with the connection's direction
 *       and the listen address the shell gave with {@link CoreEvent.PeerReady}),
 *       {@code PublishPeerUpdate(DOWN)} becomes {@code PeerDown}. The updates still reach the shell
 *       for the other reactors.
 *   <li>PEX → PeerManager: {@link PexEffect.HandOff}s become PeerManager events
 *       ({@code LearnAddresses} → {@code AddressesLearned}, {@code BanPeer} → {@code PeerBanned},
 *       {@code RequestDial} → {@code DialRequested}, {@code ReportPeer} → {@code PeerReported(GOOD)}). The PeerManager may refuse one (a dial
 *       with no free slot): that sub-step changes nothing and the composed step goes on.
 * </ul>
 *
 * The effects of the composed step are the shell effects of every sub-step, in sub-step order.
 * The step is rejected, with the state unchanged, exactly when the shell's event is rejected by
 * the machine it goes to.
 */
public final class Core {

  /**
   * The revision of the core's decisions: raised whenever the same configuration, state, seed and
   * event can give a different step (a rule changed, or a random choice made with other draws,
   * as when PEX answers began drawing among home slots: revision 1; when an address whose ban had
   * expired but was still on record stopped being learned back into the book before the bans were
   * lifted: revision 2; when configured seeds stopped being picked from the book as outbound peers:
   * revision 3; when the end of a dial, a retry delay or a cool-down stopped making book picks,
   * which follow news and the maintenance timer: revision 4; when a dial was refused with as many
   * dials in flight as outbound and upgrade slots together, which dials of dropped upgrade
   * reservations had let pile up: revision 5). A trace records it, and a
   * replay refuses a trace of another revision, whose digests this core would not reproduce.
   * Traces written before it was recorded read as revision 0.
   */
  public static final int REVISION = 5;

  /** Sub-steps one shell event may cause; more means the machines feed each other in a loop (a bug). */
  static final int MAX_SUB_STEPS = 10_000;

  private Core() {}

  /** One sub-step of a composed step: a machine, the event it took, and its step. */
  public sealed interface SubStep {
    /** The PeerManager took {@code event} in {@code before}. */
    record PeerManagerStep(PeerState before, PeerEvent event, Step<PeerState, PeerEffect> step) implements SubStep {}

    /** PEX took an event; the transition holds everything it was computed from. */
    record PexStep(PexTransition transition) implements SubStep {}
  }

  /** A composed step and the sub-steps it was made of, in order (for traces and invariant checks). */
  public record Traced(Step<CoreState, CoreEffect> step, List<SubStep> subSteps) {
    public Traced {
      Objects.requireNonNull(step, "step");
      subSteps = List.copyOf(subSteps);
    }
  }

  /** One composed transition. Never throws for an impossible event: it is {@code Rejected}, state unchanged. */
  public static Step<CoreState, CoreEffect> step(
      CoreConfig cfg, CoreState s, MonoTime now, WallTime wallNow, CoreEvent event) {
    Composition c = new Composition(cfg, s, now, wallNow, false);
    return c.run(event);
  }

  /** {@link #step}, with the sub-steps it was made of. */
  public static Traced traced(CoreConfig cfg, CoreState s, MonoTime now, WallTime wallNow, CoreEvent event) {
    Composition c = new Composition(cfg, s, now, wallNow, true);
    Step<CoreState, CoreEffect> step = c.run(event);
    return new Traced(step, c.subSteps);
  }

  /** The earliest armed timer of either machine; the shell keeps exactly one wake-up scheduled at it. */
  public static Optional<MonoTime> nextDeadline(CoreState s) {
    Optional<MonoTime> a = PeerManager.nextDeadline(s.peer());
    Optional<MonoTime> b = Pex.nextDeadline(s.pex());
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return Optional.of(MonoTime.min(a.get(), b.get()));
  }

  /** Work queued inside one composed step. */
  private sealed interface Work {
    record ToPeerManager(PeerEvent event) implements Work {}

    record ToPex(PexEvent event) implements Work {}
  }

  /** The state, effects and pending hand-offs of one composed step; local to it. */
  private static final class Composition {
    final CoreConfig cfg;
    final MonoTime now;
    final WallTime wallNow;
    CoreState s;
    final List<CoreEffect> out = new ArrayList<>();
    /** The sub-steps taken, when {@link Core#traced} asked for them (null for {@link Core#step}). */
    final List<SubStep> subSteps;
    final Deque<Work> queue = new ArrayDeque<>(3); // a step hands off a few items at most, usually
    int taken; // sub-steps taken, the loop guard
    Optional<NodeAddress> listenAddress = Optional.empty();

    Composition(CoreConfig cfg, CoreState s, MonoTime now, WallTime wallNow, boolean traced) {
      this.cfg = cfg;
      this.s = s;
      this.now = now;
      this.wallNow = wallNow;
      this.subSteps = traced ? new ArrayList<>() : null;
    }

    Step<CoreState, CoreEffect> run(CoreEvent event) {
      CoreState before = s;
      Optional<String> rejected = switch (event) {
        case CoreEvent.Peer e -> first(e.event(), Optional.empty());
        case CoreEvent.PeerReady e -> first(new PeerEvent.PeerReady(e.peer()), Optional.of(e.listenAddress()));
        case CoreEvent.PexMessage e -> firstPex(e.event());
        case CoreEvent.TimerFired e -> timers();
      };
      if (rejected.isPresent()) {
        return Step.rejected(before, rejected.get());
      }
      drain();
      return Step.accepted(s, out);
    }

    /** The shell's PeerManager event; its rejection rejects the composed step. */
    Optional<String> first(PeerEvent e, Optional<NodeAddress> listen) {
      listenAddress = listen;
      return peerManager(e);
    }

    /** The shell's PEX message; its rejection rejects the composed step. */
    Optional<String> firstPex(PexEvent.FromPeer e) {
      return pex(e);
    }

    /** Expired timers of both machines, the PeerManager's first. */
    Optional<String> timers() {
      boolean peerDue = PeerManager.nextDeadline(s.peer()).map(d -> !d.isAfter(now)).orElse(false);
      boolean pexDue = Pex.nextDeadline(s.pex()).map(d -> !d.isAfter(now)).orElse(false);
      if (!peerDue && !pexDue) {
        return Optional.of("no timer expired at " + now);
      }
      if (peerDue) {
        peerManager(new PeerEvent.TimerFired()).ifPresent(r -> {
          throw new IllegalStateException("PeerManager refused its own expired timer: " + r);
        });
      }
      if (pexDue) {
        queue.add(new Work.ToPex(new PexEvent.TimerFired()));
      }
      return Optional.empty();
    }

    void drain() {
      while (!queue.isEmpty()) {
        if (taken > MAX_SUB_STEPS) {
          throw new IllegalStateException("more than " + MAX_SUB_STEPS + " sub-steps in one step");
        }
        switch (queue.poll()) {
          case Work.ToPeerManager w -> peerManager(w.event()); // a refused hand-off changes nothing
          case Work.ToPex w -> pex(w.event()).ifPresent(r -> {
            throw new IllegalStateException("PEX refused " + w.event() + " from the PeerManager: " + r);
          });
        }
      }
    }

    Optional<String> peerManager(PeerEvent e) {
      PeerState before = s.peer();
      Step<PeerState, PeerEffect> st = PeerManager.step(cfg.peer(), before, now, wallNow, e);
      taken++;
      if (subSteps != null) {
        subSteps.add(new SubStep.PeerManagerStep(before, e, st));
      }
      if (st.outcome() instanceof Outcome.Rejected r) {
        return Optional.of(r.reason());
      }
      s = s.withPeer(st.state());
      if (e instanceof PeerEvent.Started) {
        queue.add(new Work.ToPex(new PexEvent.Started()));
      }
      for (PeerEffect f : st.effects()) {
        out.add(new CoreEffect.Peer(f));
        if (f instanceof PeerEffect.PublishPeerUpdate u) {
          queue.add(new Work.ToPex(peerUpdate(u)));
        }
      }
      return Optional.empty();
    }

    PexEvent peerUpdate(PeerEffect.PublishPeerUpdate u) {
      NodeId id = u.peer();
      if (u.status() == PeerStatus.DOWN) {
        return new PexEvent.PeerDown(id);
      }
      Connection c = s.peer().connected().get(id);
      NodeAddress listen = listenAddress.filter(a -> a.id().equals(id)).orElseThrow(() ->
          new IllegalStateException(id + " came up without its listen address"));
      return new PexEvent.PeerUp(id, c.direction(), listen);
    }

    Optional<String> pex(PexEvent e) {
      PexState before = s.pex();
      PeerView view = new PeerView(cfg.peer(), s.peer());
      Step<PexState, PexEffect> st = Pex.step(cfg.pex(), before, view, now, wallNow, e);
      taken++;
      if (subSteps != null) {
        subSteps.add(new SubStep.PexStep(new PexTransition(cfg.pex(), view, before, now, wallNow, e, st)));
      }
      if (st.outcome() instanceof Outcome.Rejected r) {
        return Optional.of(r.reason());
      }
      s = s.withPex(st.state());
      for (PexEffect f : st.effects()) {
        switch (f) {
          case PexEffect.ShellEffect shell -> out.add(new CoreEffect.Pex(shell));
          case PexEffect.HandOff h -> queue.add(new Work.ToPeerManager(handOff(h)));
        }
      }
      return Optional.empty();
    }

    static PeerEvent handOff(PexEffect.HandOff h) {
      return switch (h) {
        case PexEffect.LearnAddresses l -> new PeerEvent.AddressesLearned(l.addresses(), l.source());
        case PexEffect.BanPeer b -> new PeerEvent.PeerBanned(b.peer(), b.duration());
        case PexEffect.RequestDial d -> new PeerEvent.DialRequested(d.address());
        case PexEffect.ReportPeer r -> new PeerEvent.PeerReported(r.peer(), Feedback.GOOD);
      };
    }
  }
}
