package dev.cairn.core.peer;

import static dev.cairn.core.peer.Fixtures.addr;
import static dev.cairn.core.peer.Fixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.peer.PeerEffect.Dial;
import dev.cairn.core.peer.PeerEffect.Disconnect;
import dev.cairn.core.peer.PeerEvent.AddressesLearned;
import dev.cairn.core.peer.PeerEvent.DialFailed;
import dev.cairn.core.peer.PeerEvent.DialRequested;
import dev.cairn.core.peer.PeerEvent.DialSucceeded;
import dev.cairn.core.peer.PeerEvent.InboundAccepted;
import dev.cairn.core.peer.PeerEvent.PeerBanned;
import dev.cairn.core.peer.PeerEvent.PeerDisconnected;
import dev.cairn.core.peer.PeerEvent.PeerErrored;
import dev.cairn.core.peer.PeerEvent.PeerReady;
import dev.cairn.core.peer.PeerEvent.PeerReported;
import dev.cairn.core.peer.PeerEvent.Started;
import dev.cairn.core.peer.PeerEvent.TimerFired;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.pcollections.TreePSet;

/**
 * Random event sequences from an environment that only proposes what a world of ten peers could
 * report (dial results for dials in flight — sometimes stale ones —, inbound connections,
 * readiness, disconnects of admitted connections, reactor feedback, bans, timers, operator
 * dials, PEX gossip). After every step: all {@link PeerInvariants} hold, a rejected step changed
 * nothing, and the effects are consistent with the new state. The same seed and choices give
 * equal steps. A failure prints the event list, replayable with {@link #run}.
 */
class PeerManagerProperties {

  static final int PEERS = 10;

  /**
   * Limits small enough that every limit, upgrade and trim is hit within a few dozen events;
   * variant 1 with the inbound eviction of idle peers on.
   */
  static PeerConfig config(int variant) {
    BookConfig book = Fixtures.bookConfig().withBuckets(8, 4, 4, 4, 4, 2, 2);
    PeerConfig base = PeerConfig.defaults(book);
    PeerConfig cfg = switch (variant) {
      case 0 -> base.withLimits(3, 2, 4, 1, 0, 1, 2, 3);
      case 1 -> base.withLimits(2, 3, 4, 2, 1, 2, 2, 4).withIdleInboundEviction(true);
      default -> base.withLimits(4, 4, 5, 0, 1, 2, 3, 4);
    };
    cfg = cfg.withPersistentPeers(TreePSet.singleton(addr(1)))
        .withUnconditionalPeerIds(TreePSet.singleton(id(2)))
        .withRetry(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofMillis(50), Duration.ofMillis(300));
    return cfg;
  }

  record Run(List<PeerEvent> events, List<Step<PeerState, PeerEffect>> steps, List<MonoTime> times) {}

  /** Drives the manager with {@code choices}; each choice picks a plausible event for the current state. */
  static Run run(PeerConfig cfg, long seed, List<Integer> choices) {
    PeerState s = PeerState.initial(Fixtures.emptyBook(), Prng.seeded(seed));
    MonoTime now = MonoTime.ofMillis(1);
    long wall = 1_700_000_000_000L;
    List<PeerEvent> events = new ArrayList<>();
    List<Step<PeerState, PeerEffect>> steps = new ArrayList<>();
    List<MonoTime> times = new ArrayList<>();
    Prng env = Prng.seeded(~seed);
    boolean first = true;
    for (int choice : choices) {
      Prng.Long64 draw = env.nextLong();
      env = draw.next();
      long r = draw.value() >>> 1;
      PeerEvent e = first ? new Started() : propose(s, choice, r);
      first = false;
      if (e instanceof TimerFired) {
        MonoTime next = PeerManager.nextDeadline(s).orElse(now);
        long advanced = next.nanosSince(now);
        if (advanced > 0) {
          now = next;
          wall += advanced / 1_000_000;
        }
      } else {
        now = now.plusMillis(r % 50);
        wall += r % 50;
      }
      Step<PeerState, PeerEffect> out = PeerManager.step(cfg, s, now, new WallTime(wall), e);
      events.add(e);
      steps.add(out);
      times.add(now);
      check(cfg, s, e, out, events);
      s = out.state();
    }
    return new Run(events, steps, times);
  }

  static PeerEvent propose(PeerState s, int choice, long r) {
    NodeId any = id(1 + (int) (r % PEERS));
    List<NodeId> dialing = new ArrayList<>(s.dialing().keySet());
    List<Map.Entry<NodeId, Connection>> connected = new ArrayList<>(s.connected().entrySet());
    return switch (choice) {
      case 0 -> new AddressesLearned(List.of(addr(1 + (int) (r % PEERS)), addr(1 + (int) ((r / 7) % PEERS))),
          addr(1 + (int) ((r / 49) % PEERS)));
      case 1 -> dialing.isEmpty() ? new DialSucceeded(addr(1 + (int) (r % PEERS)))
          : new DialSucceeded(s.dialing().get(dialing.get((int) (r % dialing.size()))));
      case 2 -> dialing.isEmpty() ? new DialFailed(addr(1 + (int) (r % PEERS)))
          : new DialFailed(s.dialing().get(dialing.get((int) (r % dialing.size()))));
      case 3 -> new InboundAccepted(new NodeAddress(id((int) (r % (PEERS + 1))), // id(0) is ourselves
          "7.7.7." + (1 + r % 9), 30000 + (int) (r % 1000)));
      case 4 -> connected.isEmpty() ? new PeerReady(any)
          : new PeerReady(connected.get((int) (r % connected.size())).getKey());
      case 5 -> connected.isEmpty() ? new PeerDisconnected(addr(1 + (int) (r % PEERS)))
          : new PeerDisconnected(connected.get((int) (r % connected.size())).getValue().address());
      case 6 -> connected.isEmpty() ? new PeerErrored(any)
          : new PeerErrored(connected.get((int) (r % connected.size())).getKey());
      case 7 -> connected.isEmpty() ? new PeerReported(any, Feedback.BAD)
          : new PeerReported(connected.get((int) (r % connected.size())).getKey(),
              r % 3 == 0 ? Feedback.GOOD : Feedback.BAD);
      case 8 -> new PeerBanned(any, Duration.ofMillis(1 + r % 2000));
      case 9 -> new DialRequested(addr(1 + (int) (r % PEERS)));
      default -> new TimerFired();
    };
  }

  static void check(PeerConfig cfg, PeerState before, PeerEvent e, Step<PeerState, PeerEffect> out,
      List<PeerEvent> events) {
    List<String> broken = PeerInvariants.violations(cfg, out.state());
    assertThat(broken).as("invariants after %s; replay: %s", e, events).isEmpty();
    if (!out.isAccepted()) {
      assertThat(out.state()).as("rejected %s changed the state", e).isSameAs(before);
      assertThat(out.effects()).as("rejected %s emitted effects", e).isEmpty();
      return;
    }
    for (PeerEffect f : out.effects()) {
      switch (f) {
        case Dial d -> assertThat(out.state().dialing()).as("Dial of %s not recorded", d)
            .containsEntry(d.address().id(), d.address());
        case Disconnect d -> {
          Connection c = out.state().connected().get(d.peer());
          if (c != null && c.address().equals(d.address())) {
            assertThat(out.state().evicting()).as("admitted connection closed without eviction: %s", d)
                .containsKey(d.peer());
          }
        }
        case PeerEffect.PublishPeerUpdate u -> { }
        case PeerEffect.PersistBook p -> assertThat(p.book()).isSameAs(out.state().book());
      }
    }
  }

  @Property(tries = 300)
  void invariantsHoldAfterEveryStep(
      @ForAll @IntRange(min = 0, max = 2) int variant,
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 150) List<@IntRange(min = 0, max = 12) Integer> choices) {
    run(config(variant), seed, choices); // checks inside
  }

  /** The environment reaches every disconnect reason, upgrade reservations and retries: the properties are not vacuous. */
  @net.jqwik.api.Example
  void theEnvironmentReachesTheInterestingTransitions() {
    java.util.Set<DisconnectReason> reasons = java.util.EnumSet.noneOf(DisconnectReason.class);
    boolean reserved = false;
    boolean retried = false;
    int accepted = 0;
    Prng p = Prng.seeded(2024);
    for (int runIndex = 0; runIndex < 300; runIndex++) {
      List<Integer> choices = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        Prng.Bounded b = p.nextBelow(13);
        p = b.next();
        choices.add((int) b.value());
      }
      Run run = run(config(runIndex % 3), runIndex, choices);
      for (Step<PeerState, PeerEffect> st : run.steps()) {
        accepted += st.isAccepted() ? 1 : 0;
        reserved |= !st.state().upgrading().isEmpty();
        retried |= st.state().timers().deadlines().keySet().stream().anyMatch(k -> k instanceof TimerKey.RetryDial);
        for (PeerEffect f : st.effects()) {
          if (f instanceof Disconnect d) {
            reasons.add(d.reason());
          }
        }
      }
    }
    assertThat(reasons).containsExactlyInAnyOrder(DisconnectReason.values());
    assertThat(reserved).isTrue();
    assertThat(retried).isTrue();
    assertThat(accepted).isGreaterThan(300 * 120 / 3);
  }

  @Property(tries = 100)
  void sameSeedAndEventsGiveEqualSteps(
      @ForAll @IntRange(min = 0, max = 2) int variant,
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 100) List<@IntRange(min = 0, max = 12) Integer> choices) {
    Run a = run(config(variant), seed, choices);
    Run b = run(config(variant), seed, choices);
    assertThat(b.events()).isEqualTo(a.events());
    assertThat(b.steps()).isEqualTo(a.steps());
  }

  /**
   * Rejection is decided by the state the event met, by rules written out here apart from the
   * manager: an event that is plainly impossible there (a dial failure of an address not being
   * dialed, readiness of a peer not connected or already ready, a timer with none due, ...) is
   * rejected, and for the events whose only rules these are, nothing else is. So the manager never
   * turns away an event it should have taken, nor takes one it cannot.
   */
  @Property(tries = 200)
  void anEventIsRejectedExactlyWhenTheStateItMetRulesItOut(
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 100) List<@IntRange(min = 0, max = 12) Integer> choices) {
    PeerConfig cfg = config(0);
    Run run = run(cfg, seed, choices);
    PeerState s = PeerState.initial(Fixtures.emptyBook(), Prng.seeded(seed));
    for (int i = 0; i < run.steps().size(); i++) {
      PeerEvent e = run.events().get(i);
      Step<PeerState, PeerEffect> st = run.steps().get(i);
      String why = impossible(cfg, s, e, run.times().get(i));
      if (why != null) {
        assertThat(st.isAccepted()).as("step %d, %s: %s, yet accepted", i, e, why).isFalse();
      } else if (decidedByTheseRulesAlone(e)) {
        assertThat(st.isAccepted()).as("step %d, %s: possible, yet rejected: %s", i, e, st.outcome())
            .isTrue();
      }
      s = st.state();
    }
  }

  /** Why {@code e} cannot happen in {@code s} at {@code now}, or null if nothing here rules it out. */
  static String impossible(PeerConfig cfg, PeerState s, PeerEvent e, MonoTime now) {
    return switch (e) {
      case Started x -> s.started() ? "already started" : null;
      case DialRequested d -> d.address().id().equals(cfg.self()) ? "a dial of ourselves"
          : s.connected().containsKey(d.address().id()) || s.dialing().containsKey(d.address().id())
              ? "already connected or dialing" : null;
      case DialFailed d -> d.address().equals(s.dialing().get(d.address().id())) ? null : "not being dialed there";
      case PeerReady r -> !s.connected().containsKey(r.peer()) ? "not connected"
          : s.ready().contains(r.peer()) ? "already ready"
          : s.evicting().containsKey(r.peer()) ? "being evicted" : null;
      case PeerDisconnected d -> s.connected().containsKey(d.address().id())
          && s.connected().get(d.address().id()).address().equals(d.address()) ? null : "no connection there";
      case PeerErrored x -> s.connected().containsKey(x.peer()) ? null : "not connected";
      case PeerReported x -> s.connected().containsKey(x.peer()) ? null : "not connected";
      case PeerBanned b -> b.peer().equals(cfg.self()) ? "a ban of ourselves"
          : b.duration().isNegative() || b.duration().isZero() ? "a ban for no time" : null;
      case TimerFired x -> PeerManager.nextDeadline(s).filter(d -> !d.isAfter(now)).isEmpty() ? "no timer due" : null;
      default -> null;
    };
  }

  /**
   * The events whose rejection rules are all in {@link #impossible}; the others are also turned
   * away for want of a slot, a ban or a limit.
   */
  static boolean decidedByTheseRulesAlone(PeerEvent e) {
    return e instanceof Started || e instanceof DialFailed || e instanceof PeerReady
        || e instanceof PeerDisconnected || e instanceof PeerErrored || e instanceof PeerReported
        || e instanceof PeerBanned || e instanceof TimerFired;
  }

}
