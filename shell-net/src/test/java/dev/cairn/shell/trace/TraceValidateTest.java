package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.core.pex.PexDisconnectReason;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.proto.trace.Event;
import dev.cairn.proto.trace.TraceRecord;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.Node;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaState;
import dev.cairn.spec.mapping.CoreStepValidator;
import dev.cairn.spec.mapping.PairChecker;
import dev.cairn.spec.mapping.TraceModel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn trace validate} on a trace a real node recorded in a loopback network of five
 * nodes (persistent peers both ways, inbound refusals, PEX): every step is a step of
 * {@code Core.tla}. Tampered traces are caught at the tampered step; a trace recorded by a
 * changed core (a test-only mutant whose steps and digests agree with each other) is rejected by
 * the spec's step relation at the changed step; broken files end in exit status 2 with the offset.
 */
class TraceValidateTest {

  @TempDir static Path dir;

  private static Path trace;
  private static long steps;

  @BeforeAll
  static void record() throws Exception {
    EventLoopGroup group = EventLoops.newGroup(2);
    List<Node> nodes = new ArrayList<>();
    try {
      trace = dir.resolve("a.trace");
      TraceWriter[] writer = new TraceWriter[1];
      nodes.addAll(TraceFiles.runFiveNodes(group, sa -> {
        writer[0] = new TraceWriter(TraceWriter.Options.defaults(trace).withCheckpointInterval(16), sa.core(),
            TraceFiles.initial(sa), 42);
        return writer[0]::onStep;
      }));
      for (Node n : nodes) {
        n.close();
      }
      nodes.clear();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      writer[0].close();
      assertThat(writer[0].failed()).isFalse();
      steps = writer[0].written();
    } finally {
      for (Node n : nodes) {
        n.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void loopbackTraceValidatesAndReplaysBitIdentically() throws Exception {
    assertThat(steps).isGreaterThan(20);
    Validate.Result r = Validate.run(trace);
    assertThat(r.failure()).as(() -> r.failure().get().describe()).isEmpty();
    assertThat(r.endMismatch()).isEmpty();
    assertThat(r.steps()).isEqualTo(steps);
    // the run's interesting steps were judged by the spec, not skipped
    assertThat(r.verdicts().get(dev.cairn.spec.mapping.CoreStepValidator.Kind.MATCHED)).isGreaterThan(steps / 2);
    assertThat(r.verdicts()).doesNotContainKey(dev.cairn.spec.mapping.CoreStepValidator.Kind.OUTSIDE_ABSTRACTION);
    assertThat(r.nodes()).isGreaterThanOrEqualTo(5);
    try (Replay replay = Replay.open(trace)) {
      long n = 0;
      for (var s = replay.next(); s.isPresent(); s = replay.next()) {
        assertThat(s.get().mismatch()).isEmpty();
        n++;
      }
      assertThat(n).isEqualTo(steps);
      assertThat(replay.endMismatch()).isEmpty();
    }
    TraceFiles.Run run = TraceFiles.cairn("trace", "validate", trace.toString());
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("OK: " + steps + " steps are steps of Core.tla");
    // several files in one run: the spec is loaded once for traces of equal models (a copy's)
    Path copy = java.nio.file.Files.copy(trace, trace.resolveSibling("copy-of-" + trace.getFileName()),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    TraceFiles.Run two = TraceFiles.cairn("trace", "validate", trace.toString(), copy.toString());
    assertThat(two.code()).as(two.out() + two.err()).isZero();
    assertThat(two.out()).contains(trace + ": OK: " + steps + " steps").contains(copy + ": OK: " + steps + " steps")
        .contains("2 files, " + 2 * steps + " steps").contains("loading the spec 1 times");
  }

  @Test
  void pairsAndEnumerationGiveTheSameVerdictAtEveryStep() throws Exception {
    assertSameVerdicts(trace, Validate.CORE);
  }

  @Test
  void smallWorldTracesAgreeWithEnumeration() throws Exception {
    // networks small enough for every successor to be enumerated (a PEX answer from a book of n
    // peers has 2^n choices, a seed's crawl round far more): a validator with three sentries, a
    // seed and two more nodes; the seed of a network of five nodes
    Path v = dir.resolve("small-validator.trace");
    SmallWorldRun.generate(1500, 3, false, 2).record(TraceWriter.Options.defaults(v).withCheckpointInterval(256));
    Validate.Result r = assertSameVerdicts(v, Validate.CORE);
    assertThat(r.valid()).as(() -> r.failure().map(Validate.Failure::describe).orElse("")).isTrue();
    Path s = dir.resolve("small-seed.trace");
    SmallWorldRun.generate(1000, 4, true, 0).record(TraceWriter.Options.defaults(s));
    Validate.Result rs = assertSameVerdicts(s, Validate.CORE);
    assertThat(rs.valid()).as(() -> rs.failure().map(Validate.Failure::describe).orElse("")).isTrue();
  }

  /**
   * A node whose network crowds one new bucket (a thousand nodes in one /16, one source group):
   * its full bucket pushes known peers out of the book as it learns others, and every such step
   * is a step of the spec (the book's choice of whom to push out is read off the result).
   */
  @Test
  void aCrowdedNodesBookPushesPeersOutAndItsTraceValidates() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(4000, 5, false, 1_000);
    assertThat(stepsPushingPeersOut(world)).as("steps whose full bucket pushed a known peer out").isGreaterThan(100);
    Validate.Result r = assertValidByPairs(world, "crowded.trace");
    assertThat(r.verdicts()).doesNotContainKey(CoreStepValidator.Kind.NOT_A_STEP);
  }

  /**
   * Records {@code world} as {@code name} and validates it as {@code cairn trace validate} does
   * (pairs): every step judged valid, none judged by enumeration, the file read to its end.
   */
  Validate.Result assertValidByPairs(SmallWorldRun world, String name) throws Exception {
    Path f = dir.resolve(name);
    world.record(TraceWriter.Options.defaults(f));
    try (Validate.Session session = new Validate.Session()) {
      Validate.Result r = session.validate(f, Validate.CORE, Validate.Mode.PAIRS, null);
      assertThat(r.failure()).as(() -> r.failure().get().describe()).isEmpty();
      assertThat(r.endMismatch()).isEmpty();
      assertThat(r.steps()).isEqualTo(world.events().size());
      assertThat(session.lastStats().enumerated).isZero();
      return r;
    }
  }

  /**
   * Answers that name each peer at two addresses: the book stores both (the second as one more
   * bucket of the entry), so one batch may push out more peers than it names, and the spec,
   * which sees one address per peer, must allow it.
   */
  @Test
  void answersNamingPeersTwiceValidate() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(4000, 5, false, 1_000, UnaryOperator.identity(),
        UnaryOperator.identity(), SmallWorldRun.Addresses.PRIVATE_TWICE);
    CoreState s = world.initial();
    int beyond = 0;
    for (SyntheticRun.Timed t : world.events()) {
      dev.cairn.core.book.AddressBook before = s.peer().book();
      s = Core.step(world.config(), s, t.now(), t.wall(), t.event()).state();
      dev.cairn.core.book.AddressBook after = s.peer().book();
      if (t.event() instanceof CoreEvent.PexMessage m && m.event() instanceof dev.cairn.core.pex.PexEvent.PexAddrsReceived a) {
        long named = a.addresses().stream().map(dev.cairn.core.NodeAddress::id).distinct().count();
        long pushed = before.entries().stream().filter(k -> !after.contains(k.id())
            && !after.bans().containsKey(k.id())).count();
        beyond += pushed > named ? 1 : 0;
      }
    }
    assertThat(beyond).as("answers that pushed out more peers than they named").isPositive();
    assertValidByPairs(world, "twice.trace");
  }

  /**
   * A PexAddrs of more entries than a message may carry, naming fewer peers than that (an
   * attacker repeating addresses): PEX refuses it as oversized, the spec (an address per peer)
   * sees a message within the bound, so the step is outside the abstraction, in both ways of
   * checking (where TLC's enumeration of a 200-peer answer once failed on its set limit). The
   * same answer one entry shorter is judged.
   */
  @Test
  void anAnswerOversizedOnlyByRepeatsIsOutsideTheAbstraction() throws Exception {
    int max = SmallWorldRun.generate(10, 3, false, 2).config().pex().maxAddressesPerMessage();
    for (int[] shape : new int[][] {{15, max + 5}, {200, max + 1}, {15, max}}) {
      SmallWorldRun world = SmallWorldRun.generate(1500, 3, false, 2);
      Path f = dir.resolve("repeats-" + shape[0] + "-" + shape[1] + ".trace");
      boolean[] injected = {false};
      CoreState[] state = {world.initial()};
      long recorded = 0;
      try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(f), world.config(), state[0], world.prngSeed())) {
        for (SyntheticRun.Timed t : world.events()) {
          CoreEvent e = t.event();
          if (!injected[0] && !state[0].pex().requestsSent().isEmpty()) {
            List<dev.cairn.core.NodeAddress> list = new ArrayList<>();
            java.util.Random r = new java.util.Random(shape[0]);
            for (int i = 0; i < shape[0]; i++) {
              byte[] b = new byte[20];
              r.nextBytes(b);
              list.add(new dev.cairn.core.NodeAddress(NodeId.of(java.util.HexFormat.of().formatHex(b)),
                  "10.9." + (i / 200) + "." + (1 + i % 200), 26656));
            }
            for (int i = 0; list.size() < shape[1]; i++) {
              list.add(list.get(i % shape[0]));
            }
            e = new CoreEvent.PexMessage(new dev.cairn.core.pex.PexEvent.PexAddrsReceived(
                state[0].pex().requestsSent().firstKey(), list));
            injected[0] = true;
          }
          Step<CoreState, CoreEffect> st = Core.traced(world.config(), state[0], t.now(), t.wall(), e).step();
          w.onStep(t.now(), t.wall(), e, st, 0);
          state[0] = st.state();
          recorded++;
          if (injected[0]) {
            break; // the world's next events were made for the answer it sent, not this one
          }
        }
      }
      assertThat(injected[0]).isTrue();
      Validate.Result r = assertSameVerdicts(f, Validate.CORE);
      assertThat(r.valid()).as(() -> r.failure().map(Validate.Failure::describe).orElse("")).isTrue();
      assertThat(r.steps()).isEqualTo(recorded);
      assertThat(r.verdicts().getOrDefault(CoreStepValidator.Kind.OUTSIDE_ABSTRACTION, 0L))
          .as("shape %s", java.util.Arrays.toString(shape)).isEqualTo(shape[1] > max ? 1L : 0L);
    }
  }

  /**
   * Late events of an earlier socket: a dial's result naming a node at another address than the
   * one it is being dialed at (or, for a success, connected outbound at), a disconnect naming it
   * at another address than its connection's. Java tells them by their address and changes
   * nothing (a success closes that socket); the spec, an address per node, would take them for
   * the current dial's or connection's. Such steps are outside the abstraction, in both ways of
   * checking; a core that takes the late disconnect for the current connection's is rejected at
   * that step.
   */
  @Test
  void lateEventsOfAnotherSocketAreOutsideTheAbstraction() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(1500, 3, false, 2);
    Path f = dir.resolve("late.trace");
    Set<String> injected = new TreeSet<>();
    long recorded = recordWithLateEvents(world, Validate.CORE, f, injected, new long[1]);
    assertThat(injected).containsExactly("DialFailed", "DialSucceeded", "DialSucceededConnected", "PeerDisconnected");
    Validate.Result r = assertSameVerdicts(f, Validate.CORE);
    assertThat(r.valid()).as(() -> r.failure().map(Validate.Failure::describe).orElse("")).isTrue();
    assertThat(r.steps()).isEqualTo(recorded);
    assertThat(r.verdicts().getOrDefault(CoreStepValidator.Kind.OUTSIDE_ABSTRACTION, 0L)).isEqualTo(4L);

    // a core that takes a late disconnect for the current connection's: it disconnects the peer
    Validate.Stepper mutant = (config, s, now, wall, e) -> {
      if (e instanceof CoreEvent.Peer(PeerEvent.PeerDisconnected d)) {
        dev.cairn.core.peer.Connection c = s.peer().connected().get(d.address().id());
        if (c != null && !c.address().equals(d.address())) {
          return Core.traced(config, s, now, wall, new CoreEvent.Peer(new PeerEvent.PeerDisconnected(c.address())));
        }
      }
      return Core.traced(config, s, now, wall, e);
    };
    Path m = dir.resolve("late-mutant.trace");
    long[] disconnectAt = new long[1];
    recordWithLateEvents(world, mutant, m, new TreeSet<>(), disconnectAt);
    Validate.Result bad = assertSameVerdicts(m, mutant);
    assertThat(bad.failure()).isPresent();
    assertThat(bad.failure().get().step()).isEqualTo(disconnectAt[0]);
    assertThat(bad.failure().get().reason()).contains("is connected at").contains("changed its state");
  }

  /**
   * Records {@code world}'s events stepped by {@code stepper}, with one late event of each kind
   * put before the first world event at which it can be ({@code injected} names those put;
   * {@code disconnectAt[0]} is the late disconnect's step). Returns the steps recorded.
   */
  private static long recordWithLateEvents(SmallWorldRun world, Validate.Stepper stepper, Path f, Set<String> injected,
      long[] disconnectAt) throws Exception {
    CoreState state = world.initial();
    long recorded = 0;
    try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(f), world.config(), state, world.prngSeed())) {
      for (SyntheticRun.Timed t : world.events()) {
        List<CoreEvent> events = new ArrayList<>();
        var ps = state.peer();
        if (!ps.dialing().isEmpty()) {
          dev.cairn.core.NodeAddress a = ps.dialing().values().iterator().next();
          dev.cairn.core.NodeAddress late = new dev.cairn.core.NodeAddress(a.id(), a.ip(), a.port() + 1);
          if (injected.add("DialFailed")) {
            events.add(new CoreEvent.Peer(new PeerEvent.DialFailed(late)));
          } else if (injected.add("DialSucceeded")) {
            events.add(new CoreEvent.Peer(new PeerEvent.DialSucceeded(late)));
          }
        }
        for (var c : ps.connected().entrySet()) {
          dev.cairn.core.NodeAddress a = c.getValue().address();
          dev.cairn.core.NodeAddress late = new dev.cairn.core.NodeAddress(a.id(), a.ip(), a.port() + 1);
          if (c.getValue().direction() == dev.cairn.core.peer.Direction.OUTBOUND && !ps.dialing().containsKey(a.id())
              && injected.add("DialSucceededConnected")) {
            events.add(new CoreEvent.Peer(new PeerEvent.DialSucceeded(late)));
          } else if (injected.add("PeerDisconnected")) {
            disconnectAt[0] = recorded + events.size();
            events.add(new CoreEvent.Peer(new PeerEvent.PeerDisconnected(late)));
          }
        }
        events.add(t.event());
        for (CoreEvent e : events) {
          Step<CoreState, CoreEffect> st = stepper.step(world.config(), state, t.now(), t.wall(), e).step();
          if (e != t.event() && stepper == Validate.CORE) {
            assertThat(st.state()).as("a late event changes nothing: %s", e).isEqualTo(state);
          }
          w.onStep(t.now(), t.wall(), e, st, 0);
          state = st.state();
          recorded++;
        }
      }
    }
    return recorded;
  }

  /**
   * Buckets of two entries in a network of eight nodes: peers are pushed out of the book (and
   * some stored again by the same answer) in models small enough to enumerate, where the checks
   * read off the result and the spec's every choice agree at every step.
   */
  @Test
  void pushedOutPeersAgreeWithEnumeration() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(1500, 3, false, 2, UnaryOperator.identity(),
        b -> b.withBuckets(1, 2, 1, 2, 1, 1, 1), SmallWorldRun.Addresses.PRIVATE);
    assertThat(stepsPushingPeersOut(world)).as("steps whose full bucket pushed a known peer out").isGreaterThan(20);
    Path f = dir.resolve("small-buckets.trace");
    world.record(TraceWriter.Options.defaults(f));
    Validate.Result r = assertSameVerdicts(f, Validate.CORE);
    assertThat(r.valid()).as(() -> r.failure().map(Validate.Failure::describe).orElse("")).isTrue();
    assertThat(r.steps()).isEqualTo(1500);
  }

  /**
   * Bans past the book's {@code maxBanned}: the ban that expires first is dropped (its peer
   * unknown again), in a model small enough to enumerate, where the checks agree with the spec's
   * every choice, and in a public node's model, where the ban dropped is read off the result.
   */
  @Test
  void bansDroppedPastTheBoundValidate() throws Exception {
    SmallWorldRun small = SmallWorldRun.generate(1500, 3, false, 2, UnaryOperator.identity(),
        b -> b.withMaxBanned(1), SmallWorldRun.Addresses.PRIVATE);
    assertThat(stepsDroppingBans(small)).as("steps that dropped a book ban past the bound").isGreaterThan(5);
    Path f = dir.resolve("few-bans.trace");
    small.record(TraceWriter.Options.defaults(f));
    Validate.Result r = assertSameVerdicts(f, Validate.CORE);
    assertThat(r.valid()).as(() -> r.failure().map(Validate.Failure::describe).orElse("")).isTrue();

    SmallWorldRun open = SmallWorldRun.generate(6000, 5, false, 1_000, UnaryOperator.identity(),
        b -> b.withMaxBanned(20), SmallWorldRun.Addresses.ROUTABLE);
    assertThat(stepsDroppingBans(open)).as("steps that dropped a book ban past the bound").isGreaterThan(20);
    assertValidByPairs(open, "public-few-bans.trace");
  }

  /** How many steps of {@code world} drop a ban from the book (its peer neither banned nor known after). */
  static int stepsDroppingBans(SmallWorldRun world) {
    return stepsLosing(world, AddressBook::bannedEntries);
  }

  /** How many steps of {@code world} push a known peer out of the book (not by a ban). */
  static int stepsPushingPeersOut(SmallWorldRun world) {
    return stepsLosing(world, AddressBook::entries);
  }

  /** How many steps of {@code world} leave a peer of {@code before}'s {@code of} neither known nor banned. */
  private static int stepsLosing(SmallWorldRun world,
      java.util.function.Function<AddressBook, List<dev.cairn.core.book.KnownAddress>> of) {
    CoreState s = world.initial();
    int steps = 0;
    for (SyntheticRun.Timed t : world.events()) {
      AddressBook before = s.peer().book();
      s = Core.step(world.config(), s, t.now(), t.wall(), t.event()).state();
      AddressBook after = s.peer().book();
      if (after == before) {
        continue;
      }
      for (dev.cairn.core.book.KnownAddress ka : of.apply(before)) {
        if (after.get(ka.id()).isEmpty() && !after.bans().containsKey(ka.id())) {
          steps++;
          break;
        }
      }
    }
    return steps;
  }


  /**
   * A core whose book forgets a known peer in a step that stores nothing (a peer becoming ready):
   * its trace replays (the same core), and the spec refuses that step, in a model small enough
   * to enumerate and, once its book holds a full bucket's worth of peers (a book that may push
   * peers out when it stores one), in one that is not.
   */
  @Test
  void aBookThatForgetsAPeerWithoutCauseIsRejected() throws Exception {
    for (SmallWorldRun world : List.of(
        SmallWorldRun.generate(1500, 3, false, 2, UnaryOperator.identity(),
            b -> b.withBuckets(1, 2, 1, 2, 1, 1, 1), SmallWorldRun.Addresses.PRIVATE),
        SmallWorldRun.generate(3000, 5, false, 1_000))) {
      int minBook = world.config().peer().book().newBucketSize() + 1;
      Path f = dir.resolve("forgetting-" + minBook + ".trace");
      ForgettingMutant recorder = new ForgettingMutant(minBook);
      recordWith(world, recorder, f);
      long at = recorder.mutatedAt.orElseThrow();
      Validate.Result r = Validate.run(f, new ForgettingMutant(minBook));
      Validate.Failure fail = r.failure().orElseThrow();
      assertThat(fail.check()).as(fail.describe()).isEqualTo(Validate.Check.SPEC);
      assertThat(fail.step()).as(fail.describe()).isEqualTo(at);
    }
  }

  /**
   * At the first accepted PeerReady whose book holds at least {@code minBook} entries and knows a
   * peer with nothing else about it (not dialed, not connected, no timer, no score), that peer's
   * entry is removed from the book.
   */
  static final class ForgettingMutant extends OnceMutant {
    private final int minBook;

    ForgettingMutant(int minBook) {
      this.minBook = minBook;
    }

    @Override
    Optional<Step<CoreState, CoreEffect>> mutate(CoreConfig config, CoreEvent event, Step<CoreState, CoreEffect> st,
        long current) {
      if (!(event instanceof CoreEvent.PeerReady) || !st.isAccepted() || st.state().peer().book().size() < minBook) {
        return Optional.empty();
      }
      dev.cairn.core.peer.PeerState p = st.state().peer();
      Set<NodeId> timed = new HashSet<>();
      p.timers().deadlines().keySet().forEach(k -> {
        if (k instanceof dev.cairn.core.peer.TimerKey.RetryDial d) {
          timed.add(d.peer());
        } else if (k instanceof dev.cairn.core.peer.TimerKey.DisconnectCooldown d) {
          timed.add(d.peer());
        }
      });
      Optional<NodeId> idle = p.book().entries().stream().map(dev.cairn.core.book.KnownAddress::id)
          .filter(id -> !p.dialing().containsKey(id) && !p.connected().containsKey(id) && !timed.contains(id)
              && !p.scores().containsKey(id) && !config.peer().isPersistent(id))
          .findFirst();
      return idle.map(id -> Step.accepted(st.state().withPeer(new dev.cairn.core.peer.PeerState(p.book().remove(id),
          p.dialing(), p.connected(), p.ready(), p.evicting(), p.upgrading(), p.scores(), p.persistentDialFailures(),
          p.timers(), p.prng(), p.started(), p.bannedIds(), p.idleInbound(), p.occupied())), st.effects()));
    }
  }

  @Test
  void aTraceRecordedAgainstAnotherSpecVersionIsValidatedWithANote() throws Exception {
    Path same = dir.resolve("same-spec.trace");
    SmallWorldRun.generate(200, 3, false, 2).record(TraceWriter.Options.defaults(same));
    TraceFiles.Run r = TraceFiles.cairn("trace", "validate", same.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).as("recorded with the modules it is checked against").doesNotContain("note:");

    Path other = dir.resolve("other-spec.trace");
    TraceWriter.Options d = TraceWriter.Options.defaults(other);
    SmallWorldRun.generate(200, 3, false, 2).record(new TraceWriter.Options(other, d.maxFileBytes(), d.maxFiles(),
        d.queueCapacity(), d.maxBlock(), new SpecHash(java.util.Optional.of("ab".repeat(32))), d.checkpointInterval()));
    TraceFiles.Run o = TraceFiles.cairn("trace", "validate", other.toString());
    assertThat(o.code()).as("the verdict is still the spec's: " + o.out() + o.err()).isZero();
    assertThat(o.out()).contains("note: the trace was recorded against TLA+ modules with hash " + "ab".repeat(32))
        .contains("this validator checks against " + SpecHash.fromClasspath().hex().orElseThrow());
  }

  @Test
  void longTracesOfTwentyFiveNodesValidate() throws Exception {
    for (boolean seed : new boolean[] {false, true}) {
      Path f = dir.resolve("world-" + seed + ".trace");
      SmallWorldRun.generate(5000, 5, seed).record(TraceWriter.Options.defaults(f).withCheckpointInterval(512));
      try (Validate.Session session = new Validate.Session()) {
        Validate.Result r = session.validate(f, Validate.CORE, Validate.Mode.PAIRS, null);
        assertThat(r.failure()).as(() -> r.failure().get().describe()).isEmpty();
        assertThat(r.endMismatch()).isEmpty();
        assertThat(r.steps()).isEqualTo(5000);
        assertThat(r.nodes()).isEqualTo(SmallWorldRun.NODES);
        assertThat(session.lastStats().enumerated).isZero();
        System.out.println(f.getFileName() + ": " + session.lastStats() + " " + r.verdicts());
      }
    }
  }

  /**
   * Judging with TLC checks run ahead on worker threads ({@code --jobs}) changes nothing but the
   * speed: on a public node's trace (a thousand peers in the model, every pair new to the memo,
   * checks slow enough to be started ahead), the same node's trace with a mutant step late (its
   * pair refused and judged by enumeration while the checks of the steps after it are running), a
   * seed's trace whose mutant step comes after the symmetric memo found many pairs, and the
   * loopback trace with one event altered (a refused step), each step gets the verdict it gets on
   * one thread, and the validation ends at the same step with the same words.
   */
  @Test
  void judgingOnSeveralThreadsGivesTheVerdictsOfOne() throws Exception {
    Path open = dir.resolve("public.trace");
    SmallWorldRun world =
        SmallWorldRun.generate(3000, 5, false, 1_000, UnaryOperator.identity(), SmallWorldRun.Addresses.ROUTABLE);
    world.record(TraceWriter.Options.defaults(open));
    Path publicMutant = dir.resolve("public-mutant.trace");
    recordWith(world, new Mutant(2500), publicMutant);
    Path mutant = dir.resolve("threads-mutant.trace");
    recordWith(SmallWorldRun.generate(3000, 7, true), new Mutant(2500), mutant);
    List<TraceRecord> rs = TraceFiles.parse(trace).records();
    int k = firstAccepted(rs, Event.SumCase.PEER_READY);
    Path altered = TraceFiles.rewrite(trace, dir.resolve("threads-altered.trace"), l -> {
      TraceRecord r = l.get(k);
      Event.Builder e = r.getEvent().toBuilder();
      String other = "00000000000000000000000000000000000000aa";
      e.getPeerReadyBuilder().setPeer(other).getListenAddressBuilder().setId(other);
      l.set(k, r.toBuilder().setEvent(e).build());
      return l;
    });
    Map<Path, Validate.Stepper> steppers = new LinkedHashMap<>();
    steppers.put(open, Validate.CORE);
    steppers.put(publicMutant, null);
    steppers.put(mutant, null);
    steppers.put(altered, Validate.CORE);
    for (Map.Entry<Path, Validate.Stepper> t : steppers.entrySet()) {
      List<CoreStepValidator.Kind> one = new ArrayList<>();
      List<CoreStepValidator.Kind> four = new ArrayList<>();
      Validate.Result r1;
      Validate.Result r4;
      PairChecker.Stats s1;
      PairChecker.Stats s4;
      try (Validate.Session s = new Validate.Session()) {
        s.jobs(1);
        r1 = s.validate(t.getKey(), t.getValue() == null ? new Mutant(2500) : t.getValue(), Validate.Mode.PAIRS, one);
        s1 = s.lastStats();
      }
      try (Validate.Session s = new Validate.Session()) {
        s.jobs(4);
        r4 = s.validate(t.getKey(), t.getValue() == null ? new Mutant(2500) : t.getValue(), Validate.Mode.PAIRS, four);
        s4 = s.lastStats();
      }
      // no worker outlives the validation, whether it ended at its last step or at a failure
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (workersAlive() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(workersAlive()).as("worker threads still alive after " + t.getKey().getFileName()).isFalse();
      System.out.println(t.getKey().getFileName() + ": one thread " + s1 + "; four " + s4);
      assertThat(four).as(t.getKey().getFileName().toString()).isEqualTo(one);
      assertThat(r4.steps()).isEqualTo(r1.steps());
      assertThat(r4.failure().map(Validate.Failure::describe)).isEqualTo(r1.failure().map(Validate.Failure::describe));
      assertThat(r4.endMismatch()).isEqualTo(r1.endMismatch());
      assertThat(s1.pairsAhead).as("one thread checks nothing ahead").isZero();
      assertThat(s4.narrowingMisses).isZero();
      if (t.getKey().equals(open)) {
        assertThat(r4.failure()).isEmpty();
        assertThat(r4.steps()).isEqualTo(3000);
      } else {
        assertThat(r4.failure()).isPresent();
      }
      if (t.getKey().equals(open) || t.getKey().equals(publicMutant)) {
        assertThat(s4.pairsAhead).as("pairs checked by the workers: " + s4).isPositive();
      }
    }
  }

  private static boolean workersAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(th -> th.isAlive() && th.getName().startsWith("cairn-validate-judge-"));
  }

  @Test
  void validateJudgesOnTheThreadsItIsGiven() throws Exception {
    TraceFiles.Run one = TraceFiles.cairn("trace", "validate", "--jobs", "1", trace.toString());
    TraceFiles.Run three = TraceFiles.cairn("trace", "validate", "--jobs", "3", trace.toString());
    assertThat(one.code()).as(one.out() + one.err()).isZero();
    assertThat(three.code()).as(three.out() + three.err()).isZero();
    // the same report but for the time taken
    assertThat(three.out().replaceAll("\\(\\d+\\.\\d s, spec load \\d+\\.\\d s\\)", ""))
        .isEqualTo(one.out().replaceAll("\\(\\d+\\.\\d s, spec load \\d+\\.\\d s\\)", ""))
        .contains("OK: " + steps + " steps");
    TraceFiles.Run none = TraceFiles.cairn("trace", "validate", "--jobs", "0", trace.toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--jobs must be at least 1, got 0");
  }

  @Test
  void aBoundedMemoIsForgottenAndGivesTheSameVerdicts() throws Exception {
    // the memo only saves TLC evaluations: with a bound small enough to be reached several times,
    // a valid trace and the same trace with one event altered get the verdicts they get unbounded
    Path f = dir.resolve("bounded.trace");
    SmallWorldRun.generate(4000, 5, false).record(TraceWriter.Options.defaults(f));
    Path bad = TraceFiles.rewrite(f, dir.resolve("bounded-bad.trace"), l -> {
      int at = 3000;
      l.set(at, l.get(at).toBuilder().setEffectsDigest(l.get(at).getEffectsDigest() ^ 1).build());
      return l;
    });
    for (Path file : List.of(f, bad)) {
      List<CoreStepValidator.Kind> unbounded = new ArrayList<>();
      List<CoreStepValidator.Kind> bounded = new ArrayList<>();
      Validate.Result u;
      Validate.Result b;
      PairChecker.Stats us;
      List<String> lines = new ArrayList<>();
      long[] clock = {0};
      // a clock 6 s further at each reading: a line is due at every report
      StepProgress progress = new StepProgress("validate", () -> clock[0] += 6_000_000_000L, lines::add);
      try (Validate.Session s = new Validate.Session()) {
        u = s.validate(file, Validate.CORE, Validate.Mode.PAIRS, unbounded, progress);
        us = s.lastStats();
      }
      // reported every 256 steps judged, with the share of the file's records
      assertThat(lines).hasSize((int) (u.steps() / 256)).first().isEqualTo("validate: 256 steps, 6 %");
      assertThat(lines.get(1)).startsWith("validate: 512 steps, 12 %, ").endsWith(" s left");
      try (Validate.Session s = new Validate.Session()) {
        s.limitMemo(1_000);
        b = s.validate(file, Validate.CORE, Validate.Mode.PAIRS, bounded);
        assertThat(s.lastStats().memoResets).as("memo forgotten").isGreaterThanOrEqualTo(2);
        assertThat(s.lastStats().pairChecks).as("pairs checked again").isGreaterThan(us.pairChecks);
      }
      assertThat(us.memoResets).isZero();
      assertThat(bounded).isEqualTo(unbounded);
      assertThat(b.steps()).isEqualTo(u.steps());
      assertThat(b.failure().map(x -> x.step() + " " + x.check()))
          .isEqualTo(u.failure().map(x -> x.step() + " " + x.check()));
    }
  }

  /**
   * Validates {@code file} both ways (pairs with narrowed choices; every successor enumerated) in
   * one session and asserts the same verdict at every step and the same failure, if any.
   */
  static Validate.Result assertSameVerdicts(Path file, Validate.Stepper stepper) throws Exception {
    return assertSameVerdicts(file, () -> stepper);
  }

  static Validate.Result assertSameVerdicts(Path file, java.util.function.Supplier<Validate.Stepper> stepper)
      throws Exception {
    try (Validate.Session s = new Validate.Session()) {
      List<dev.cairn.spec.mapping.CoreStepValidator.Kind> pairs = new ArrayList<>();
      List<dev.cairn.spec.mapping.CoreStepValidator.Kind> enumerated = new ArrayList<>();
      long t0 = System.nanoTime();
      Validate.Result p = s.validate(file, stepper.get(), Validate.Mode.PAIRS, pairs);
      long t1 = System.nanoTime();
      assertThat(s.lastStats().narrowingMisses).as(s.lastStats().toString()).isZero();
      Validate.Result e = s.validate(file, stepper.get(), Validate.Mode.ENUMERATE, enumerated);
      System.out.printf("%s: %d steps, pairs %.0f ms (%s), enumeration %.0f ms%n", file.getFileName(), p.steps(),
          (t1 - t0) / 1e6, s.lastStats(), (System.nanoTime() - t1) / 1e6);
      assertThat(pairs).isEqualTo(enumerated);
      assertThat(p.steps()).isEqualTo(e.steps());
      assertThat(p.failure().map(f -> f.step() + " " + f.check())).isEqualTo(e.failure().map(f -> f.step() + " " + f.check()));
      return p;
    }
  }

  @Test
  void alteredEventIsCaughtAtItsStep() throws Exception {
    List<TraceRecord> rs = TraceFiles.parse(trace).records();
    int k = firstAccepted(rs, Event.SumCase.PEER_READY);
    // the peer that becomes ready is replaced by one that is not connected
    NodeId other = NodeId.of("00000000000000000000000000000000000000aa");
    Path bad = TraceFiles.rewrite(trace, dir.resolve("altered.trace"), l -> {
      TraceRecord r = l.get(k);
      Event.Builder e = r.getEvent().toBuilder();
      e.getPeerReadyBuilder().setPeer(other.hex()).getListenAddressBuilder().setId(other.hex());
      l.set(k, r.toBuilder().setEvent(e).build());
      return l;
    });
    Validate.Result r = Validate.run(bad);
    assertSameVerdicts(bad, Validate.CORE);
    assertThat(r.failure()).isPresent();
    Validate.Failure f = r.failure().get();
    assertThat(f.step()).as(f.describe()).isEqualTo(rs.get(k).getStep());
    assertThat(r.steps()).isEqualTo(k);
    // the core and the spec both refuse it, the record says accepted
    assertThat(f.check()).isEqualTo(Validate.Check.RECORD);
    assertThat(f.reason()).contains("this build's core rejects").contains("the node that recorded it accepted it")
        .endsWith("; the step this build's core takes is one the spec allows");
    // the peer that really became ready is among the actions the spec allowed there
    NodeId ready = NodeId.of(rs.get(k).getEvent().getPeerReady().getPeer());
    assertThat(f.enabled()).anyMatch(e -> e.startsWith("PeerReady ") && e.contains(ready.hex().substring(0, 12)));
    TraceFiles.Run run = TraceFiles.cairn("trace", "validate", bad.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).contains("INVALID at step " + rs.get(k).getStep() + " (record " + k + " at byte offset")
        .contains("enabled in the spec before this step");
  }

  @Test
  void aStepOfTheSpecUnlikeItsRecordNamesTheActionsEnabledBeforeIt() throws Exception {
    // the step is one of the spec (its pair is checked and matches) but its effects digest, and the
    // next one's, were altered (the next not verifying from the one replayed, this is not a damaged
    // digest alone): the failure is the record's, and the actions enabled before it, found by
    // enumeration with the spec's own operators, include the recorded one
    List<TraceRecord> rs = TraceFiles.parse(trace).records();
    int k = firstAccepted(rs, Event.SumCase.PEER_READY);
    Path bad = TraceFiles.rewrite(trace, dir.resolve("digest.trace"), l -> {
      for (int i = k; i <= k + 1; i++) {
        l.set(i, l.get(i).toBuilder().setEffectsDigest(l.get(i).getEffectsDigest() ^ 1).build());
      }
      return l;
    });
    for (int jobs : new int[] {1, 2}) {
      try (Validate.Session s = new Validate.Session()) {
        s.jobs(jobs);
        Validate.Result r = s.validate(bad, Validate.CORE, Validate.Mode.PAIRS, null);
        Validate.Failure f = r.failure().orElseThrow();
        assertThat(f.step()).as(f.describe()).isEqualTo(rs.get(k).getStep());
        assertThat(f.check()).isEqualTo(Validate.Check.RECORD);
        NodeId ready = NodeId.of(rs.get(k).getEvent().getPeerReady().getPeer());
        assertThat(f.enabled()).as("jobs %d: %s", jobs, f.describe())
            .anyMatch(e -> e.startsWith("PeerReady ") && e.contains(ready.hex().substring(0, 12)));
      }
    }
  }

  @Test
  void droppedEventIsCaughtAtItsStep() throws Exception {
    List<TraceRecord> rs = TraceFiles.parse(trace).records();
    int k = firstAccepted(rs, Event.SumCase.DIAL_SUCCEEDED);
    NodeId dialed = NodeId.of(rs.get(k).getEvent().getDialSucceeded().getAddress().getId());
    Path hidden = TraceFiles.rewrite(trace, dir.resolve("dropped.trace"), l -> {
      l.remove(k);
      for (int i = k; i < l.size(); i++) {
        l.set(i, l.get(i).toBuilder().setStep(i).build());
      }
      return l;
    });
    Validate.Result r = Validate.run(hidden);
    assertSameVerdicts(hidden, Validate.CORE);
    Validate.Failure f = r.failure().orElseThrow();
    assertThat(f.step()).as(f.describe()).isEqualTo(k);
    assertThat(r.steps()).isEqualTo(k);
    // the dial that succeeded in the real run is still pending there: the spec allows its success
    assertThat(f.enabled()).anyMatch(e -> e.startsWith("DialSucceeded ") && e.contains(dialed.hex().substring(0, 12)));
  }

  /**
   * A core that forgets one decision: at the first peer that becomes ready it does not publish
   * the peer's update to the reactors. Its trace is self-consistent (stepping it with the same
   * mutant reproduces every digest), so only the spec can reject it.
   */
  static final class Mutant extends OnceMutant {
    private final long from;

    Mutant() {
      this(0);
    }

    /** A mutant that changes nothing before step {@code from}. */
    Mutant(long from) {
      this.from = from;
    }

    @Override
    Optional<Step<CoreState, CoreEffect>> mutate(CoreConfig config, CoreEvent event, Step<CoreState, CoreEffect> st,
        long current) {
      if (current < from || !(event instanceof CoreEvent.PeerReady) || !st.isAccepted()) {
        return Optional.empty();
      }
      List<CoreEffect> kept = new ArrayList<>(st.effects());
      if (!kept.removeIf(e -> e instanceof CoreEffect.Peer p && p.effect() instanceof PeerEffect.PublishPeerUpdate)) {
        return Optional.empty();
      }
      return Optional.of(Step.accepted(st.state(), kept));
    }
  }

  /**
   * A core that changes one step and steps as the real one otherwise: the first step {@link
   * #mutate} changes (its number in {@link #mutatedAt}).
   */
  abstract static class OnceMutant implements Validate.Stepper {
    private boolean done;
    Optional<Long> mutatedAt = Optional.empty();
    private long step;

    /** The changed step for the real core's {@code st} of {@code event}, the {@code current}-th; empty to keep it. */
    abstract Optional<Step<CoreState, CoreEffect>> mutate(CoreConfig config, CoreEvent event,
        Step<CoreState, CoreEffect> st, long current);

    @Override
    public Core.Traced step(CoreConfig config, CoreState state, MonoTime now, WallTime wallNow, CoreEvent event) {
      Core.Traced t = Core.traced(config, state, now, wallNow, event);
      long current = step++;
      if (done) {
        return t;
      }
      Optional<Step<CoreState, CoreEffect>> changed = mutate(config, event, t.step(), current);
      if (changed.isEmpty()) {
        return t;
      }
      done = true;
      mutatedAt = Optional.of(current);
      return new Core.Traced(changed.get(), t.subSteps());
    }
  }

  @Test
  void traceOfAMutantCoreIsRejectedByTheSpec() throws Exception {
    // record the mutant's run of the same events from the same header
    CoreConfig config;
    CoreState state;
    long seed;
    try (Replay r = Replay.open(trace)) {
      config = r.config();
      state = r.state();
      seed = r.header().getPrngSeed();
    }
    Path mutantTrace = dir.resolve("mutant.trace");
    Mutant recorder = new Mutant();
    TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(mutantTrace), config, state, seed);
    try (TraceReader reader = TraceReader.open(trace)) {
      for (var e = reader.next(); e.isPresent(); e = reader.next()) {
        CoreEvent ev = EventCodec.decode(e.get().event());
        MonoTime now = new MonoTime(e.get().monoNanos());
        WallTime wall = new WallTime(e.get().wallMillis());
        Step<CoreState, CoreEffect> st = recorder.step(config, state, now, wall, ev).step();
        w.onStep(now, wall, ev, st, 0);
        state = st.state();
      }
    }
    w.close();
    assertThat(w.failed()).isFalse();
    long mutated = recorder.mutatedAt.orElseThrow();

    // stepped by the same mutant, every record matches: the spec is what rejects the step
    Validate.Result r = Validate.run(mutantTrace, new Mutant());
    Validate.Failure f = r.failure().orElseThrow();
    assertThat(f.step()).as(f.describe()).isEqualTo(mutated);
    assertThat(f.check()).isEqualTo(Validate.Check.SPEC);
    assertThat(f.reason()).contains("DIFFERENT_RESULT").contains("outbox").contains("PublishPeerUpdate");
    assertThat(r.steps()).isEqualTo(mutated);
    // the step's own letter is among those the spec allows there, to other states: said where it is listed
    assertThat(f.enabled()).anyMatch(e -> e.startsWith(f.letter() + "   ["));
    assertThat(f.describe()).contains("   <- this step's letter: the spec takes it here, to states other than the one"
        + " this step reached");
    // both ways of checking judge every step alike, the mutated one included
    assertSameVerdicts(mutantTrace, Mutant::new);
    // the real core's validation of the same file stops at the same step: its record is not the core's
    Validate.Result real = Validate.run(mutantTrace);
    assertThat(real.failure().orElseThrow().step()).isEqualTo(mutated);
    assertThat(real.failure().get().check()).isEqualTo(Validate.Check.RECORD);
    // a later record altered too (its effects digest): the reading thread meets that record's
    // mismatch ahead of the judging thread, but steps are judged in order, so the spec's refusal of
    // the mutated step is still the failure reported
    List<TraceRecord> rs = TraceFiles.parse(mutantTrace).records();
    int lastStep = rs.size() - 1;
    while (rs.get(lastStep).getTrailer()) {
      lastStep--;
    }
    assertThat(rs.get(lastStep).getStep()).as("steps after the mutated one").isGreaterThan(mutated + 2);
    int at = lastStep;
    Path later = TraceFiles.rewrite(mutantTrace, dir.resolve("mutant-later.trace"), l -> {
      l.set(at, l.get(at).toBuilder().setEffectsDigest(l.get(at).getEffectsDigest() ^ 1).build());
      return l;
    });
    Validate.Result both = Validate.run(later, new Mutant());
    assertThat(both.failure().orElseThrow().step()).isEqualTo(mutated);
    assertThat(both.failure().get().check()).isEqualTo(Validate.Check.SPEC);
    // and that later record alone is caught at its own step, by its record
    Validate.Result alone = Validate.run(TraceFiles.rewrite(trace, dir.resolve("later.trace"), l -> {
      int i = l.size() - 1;
      while (l.get(i).getTrailer()) {
        i--;
      }
      l.set(i, l.get(i).toBuilder().setEffectsDigest(l.get(i).getEffectsDigest() ^ 1).build());
      return l;
    }));
    assertThat(alone.failure().orElseThrow().check()).isEqualTo(Validate.Check.RECORD);
    assertThat(alone.failure().get().step()).isEqualTo(steps - 1);
  }

  @Test
  void thePreparedAbstractStateIsTheMappingsAtEveryStep() throws Exception {
    // PairChecker builds α's book directly as a TLC function and reuses unchanged variables; it
    // must be the mapping's α, variable by variable, including banned entries (a side branch bans
    // a connected peer every 50 steps)
    SmallWorldRun world = SmallWorldRun.generate(1500, 3, false);
    Set<NodeId> ids = idsOf(world);
    int banned = 0;
    Map<Map<String, Object>, Long> fingerprints = new HashMap<>();
    try (TraceModel model = TraceModel.load(world.config(), ids, Files.createDirectories(dir.resolve("alpha-model")))) {
      PairChecker pairs = model.pairs();
      CoreStepValidator validator = model.validator();
      CoreState state = world.initial();
      int i = 0;
      for (SyntheticRun.Timed t : world.events()) {
        List<CoreState> states = new ArrayList<>(List.of(state));
        if (i++ % 50 == 0 && !state.peer().connected().isEmpty()) {
          NodeId victim = state.peer().connected().keySet().iterator().next();
          CoreEvent ban = new CoreEvent.Peer(new PeerEvent.PeerBanned(victim, Duration.ofHours(1)));
          states.add(Core.step(world.config(), state, t.now(), t.wall(), ban).state());
        }
        for (CoreState c : states) {
          PairChecker.Alpha prepared = pairs.alpha(c, t.now());
          TlaState fast = pairs.specState(prepared);
          TlaState slow = validator.specState(model.mapping().alpha(c, t.now()));
          assertThat(fast.variables()).as("step %d", i).isEqualTo(slow.variables());
          assertThat(fast).isEqualTo(slow);
          // the book's fingerprint is kept up to date edit by edit, from whichever state came
          // before (the side branch's or the run's): one fingerprint per distinct state
          Long had = fingerprints.putIfAbsent(slow.variables(), prepared.fingerprint());
          assertThat(had == null ? prepared.fingerprint() : had).as("step %d", i).isEqualTo(prepared.fingerprint());
          banned += c.peer().book().bans().size();
        }
        state = Core.step(world.config(), state, t.now(), t.wall(), t.event()).state();
      }
    }
    assertThat(banned).as("banned entries seen").isPositive();
    assertThat(Set.copyOf(fingerprints.values())).as("distinct states, distinct fingerprints")
        .hasSameSizeAs(fingerprints.keySet()).hasSizeGreaterThan(500);
  }

  @Test
  void flatteningTheInstanceChangesNoSuccessorAndNoInvariant() throws Exception {
    // the spec loaded as parsed and with PM == INSTANCE PeerManager flattened: every step's
    // successors (the spec's own operators, enumerated, no narrowing) and the invariants each
    // successor violates are the same, on the steps of a small world (validator and seed)
    for (boolean seedNode : List.of(false, true)) {
      SmallWorldRun world = SmallWorldRun.generate(400, 3, seedNode, 1);
      TraceModel.Plan plan = TraceModel.plan(world.config(), idsOf(world));
      List<Object> asParsed = successorsAlong(world, plan, false);
      List<Object> flattened = successorsAlong(world, plan, true);
      assertThat(asParsed).hasSize(world.events().size());
      assertThat(flattened).isEqualTo(asParsed);
      assertThat(asParsed.stream().filter(x -> !((List<?>) x).isEmpty()).count())
          .as("steps with successors").isGreaterThan(100);
    }
  }

  @Test
  void invariantPartsDecideAsTheirWholeInvariants() throws Exception {
    // the pair checker memoises each top-level conjunct of an invariant on its own: along a small
    // world's states, and those states broken in three ways, an invariant holds exactly when each
    // of its parts does (or, where a part fails to evaluate alone, the whole is false)
    SmallWorldRun world = SmallWorldRun.generate(300, 3, false, 1);
    TraceModel.Plan plan = TraceModel.plan(world.config(), idsOf(world));
    Path scratch = Files.createTempDirectory(dir, "parts");
    try (TraceModel model = TraceModel.load(plan, scratch)) {
      Tla tla = model.tla();
      List<Tla.InvariantPart> parts = tla.invariantParts();
      List<String> names = tla.invariantNames();
      assertThat(parts.stream().filter(p -> names.get(p.invariant()).equals("TypeOK")).count())
          .as("TypeOK, a part per variable").isGreaterThanOrEqualTo(12);
      Set<String> broken = new TreeSet<>();
      CoreState state = world.initial();
      for (SyntheticRun.Timed t : world.events()) {
        state = Core.step(world.config(), state, t.now(), t.wall(), t.event()).state();
        Map<String, Object> a = model.mapping().alpha(state, t.now());
        for (Map<String, Object> variant : brokenWays(a, tla.constant("Self"))) {
          TlaState s = model.validator().specState(variant);
          List<String> viaParts = new ArrayList<>();
          for (int j = 0; j < parts.size(); j++) {
            String name = names.get(parts.get(j).invariant());
            boolean holds;
            try {
              holds = tla.invariantPartHolds(j, s.tlcState());
            } catch (RuntimeException e) {
              holds = tla.invariantHolds(parts.get(j).invariant(), s.tlcState());
              assertThat(holds).as("a part that fails alone, in a state where its invariant holds").isFalse();
            }
            if (!holds && !viaParts.contains(name)) {
              viaParts.add(name);
            }
          }
          assertThat(viaParts).as("at %s", t).isEqualTo(tla.violatedInvariants(s));
          broken.addAll(viaParts);
        }
      }
      assertThat(broken).as("invariants the broken states break")
          .contains("TypeOK", "DialingDisjointConnected", "SelfNeverDialed");
    }
  }

  /** {@code a} as it is, and with a dial to a connected peer, an out-of-range score, a dial to {@code self}. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> brokenWays(Map<String, Object> a, Object self) {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(a);
    Map<Object, Object> connected = (Map<Object, Object>) a.get("connected");
    if (!connected.isEmpty()) {
      Map<String, Object> v = new LinkedHashMap<>(a);
      Set<Object> dialing = new HashSet<>((Set<Object>) a.get("dialing"));
      dialing.add(connected.keySet().iterator().next());
      v.put("dialing", dialing);
      out.add(v);
      Map<String, Object> w = new LinkedHashMap<>(a);
      Map<Object, Object> scores = new HashMap<>((Map<Object, Object>) a.get("scores"));
      scores.put(connected.keySet().iterator().next(), 1_000_000);
      w.put("scores", scores);
      out.add(w);
    }
    Map<String, Object> x = new LinkedHashMap<>(a);
    Set<Object> dialing = new HashSet<>((Set<Object>) a.get("dialing"));
    dialing.add(self);
    x.put("dialing", dialing);
    out.add(x);
    return out;
  }

  /** The node IDs {@code world}'s run names (its states and events), as validation collects them. */
  static Set<NodeId> idsOf(SmallWorldRun world) {
    Set<NodeId> ids = new java.util.TreeSet<>();
    Validate.ids(world.initial(), ids);
    CoreState s = world.initial();
    for (SyntheticRun.Timed t : world.events()) {
      Validate.ids(t.event(), ids);
      s = Core.step(world.config(), s, t.now(), t.wall(), t.event()).state();
      Validate.ids(s, ids);
    }
    return ids;
  }

  /** Per step of {@code world}: each successor of its letter with the invariants it violates. */
  private static List<Object> successorsAlong(SmallWorldRun world, TraceModel.Plan plan, boolean flatten)
      throws Exception {
    List<Object> out = new ArrayList<>();
    Path scratch = Files.createTempDirectory(dir, "flatten");
    try (TraceModel model = TraceModel.load(plan, scratch, flatten)) {
      // flattened: PM == INSTANCE PeerManager at least, or this compares the spec with itself
      assertThat(model.flattened() > 0).as("definitions flattened").isEqualTo(flatten);
      CoreStepValidator validator = model.validator();
      CoreState state = world.initial();
      for (SyntheticRun.Timed t : world.events()) {
        List<Object> step = new ArrayList<>();
        var letter = model.mapping().fromJava(t.event(), state, t.now());
        if (letter.isPresent() && dev.cairn.spec.mapping.PairChecker.choiceBits(model.mapping().alpha(state, t.now()),
            letter.get(), world.config().peer().book().newBucketSize()) <= 10) {
          TlaState before = validator.specState(model.mapping().alpha(state, t.now()));
          for (TlaState succ : validator.successors(before, letter.get())) {
            step.add(List.of(succ.variables(), model.tla().violatedInvariants(succ)));
          }
        }
        out.add(step);
        state = Core.step(world.config(), state, t.now(), t.wall(), t.event()).state();
      }
    }
    return out;
  }

  @Test
  void anErrorWhileSteppingEndsTheValidationWithIt() throws Exception {
    // the core steps on a thread of its own: an Error there (a failed assertion, say) must reach
    // the caller as it is, not leave the judging thread waiting for steps
    Validate.Stepper failing = new Validate.Stepper() {
      int n;

      @Override
      public Core.Traced step(CoreConfig config, CoreState s, MonoTime now, WallTime wallNow, CoreEvent event) {
        if (n++ == 3) {
          throw new AssertionError("a broken core invariant");
        }
        return Core.traced(config, s, now, wallNow, event);
      }
    };
    assertThatThrownBy(() -> Validate.run(trace, failing))
        .isInstanceOf(AssertionError.class).hasMessage("a broken core invariant");
  }

  @Test
  void aMutantIsRejectedInAModelTooLargeToEnumerate() throws Exception {
    // 25 nodes: once the book knows more than 16 peers, enumerating a step's successors is out of
    // reach; the mutated step is still refused, at its step, without enumeration
    SmallWorldRun world = SmallWorldRun.generate(3000, 6, false);
    Path f = dir.resolve("world-mutant.trace");
    Mutant recorder = new Mutant();
    CoreState state = world.initial();
    long known = 0;
    long first = -1;
    long index = 0;
    try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(f), world.config(), state, world.prngSeed())) {
      for (SyntheticRun.Timed t : world.events()) {
        if (state.peer().book().size() > 16) {
          known++;
          if (first < 0) {
            first = index;
          }
        }
        index++;
        Mutant m = known > 0 ? recorder : null;
        Step<CoreState, CoreEffect> st = (m != null ? m.step(world.config(), state, t.now(), t.wall(), t.event())
            : Core.traced(world.config(), state, t.now(), t.wall(), t.event())).step();
        w.onStep(t.now(), t.wall(), t.event(), st, 0);
        state = st.state();
      }
    }
    Mutant replaying = new Mutant();
    // the same mutant replays the file: it mutates at the same step if it sees the same history
    Validate.Result r = Validate.run(f, new Validate.Stepper() {
      boolean on;

      @Override
      public Core.Traced step(CoreConfig config, CoreState s, MonoTime now, WallTime wallNow, CoreEvent event) {
        on |= s.peer().book().size() > 16;
        return on ? replaying.step(config, s, now, wallNow, event) : Core.traced(config, s, now, wallNow, event);
      }
    });
    Validate.Failure fail = r.failure().orElseThrow();
    assertThat(fail.check()).as(fail.describe()).isEqualTo(Validate.Check.SPEC);
    assertThat(fail.step()).isEqualTo(first + recorder.mutatedAt.orElseThrow());
    assertThat(fail.reason()).contains("NOT_A_STEP");
  }

  /**
   * A seed's core that starts a dial without saying so: at the first timer step that dials two
   * or more peers (a crawl round's {@code RequestDial} hand-offs), the last dial's {@code Dial}
   * effect is dropped; the state is the real core's. The pair checker applies a round's hand-offs
   * in the order PEX produced them only: that shortcut must still refuse the step.
   */
  static final class CrawlMutant extends OnceMutant {
    @Override
    Optional<Step<CoreState, CoreEffect>> mutate(CoreConfig config, CoreEvent event, Step<CoreState, CoreEffect> st,
        long current) {
      if (!(event instanceof CoreEvent.TimerFired) || !st.isAccepted()) {
        return Optional.empty();
      }
      List<CoreEffect> kept = new ArrayList<>(st.effects());
      int last = -1;
      int dials = 0;
      for (int i = 0; i < kept.size(); i++) {
        if (kept.get(i) instanceof CoreEffect.Peer p && p.effect() instanceof PeerEffect.Dial) {
          last = i;
          dials++;
        }
      }
      if (dials < 2) {
        return Optional.empty();
      }
      kept.remove(last);
      return Optional.of(Step.accepted(st.state(), kept));
    }
  }

  /** Records {@code world} stepped by {@code core} into {@code f}. */
  static void recordWith(SmallWorldRun world, Validate.Stepper core, Path f) throws Exception {
    CoreState state = world.initial();
    try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(f), world.config(), state, world.prngSeed())) {
      for (SyntheticRun.Timed t : world.events()) {
        Step<CoreState, CoreEffect> st = core.step(world.config(), state, t.now(), t.wall(), t.event()).step();
        w.onStep(t.now(), t.wall(), t.event(), st, 0);
        state = st.state();
      }
    }
  }

  @Test
  void aCrawlRoundWithADialLeftOutIsRejectedAtItsStep() throws Exception {
    // a seed of a network of five nodes (every successor can be enumerated: both ways must agree)
    // and a seed of 25 node IDs (pairs only)
    List<SmallWorldRun> worlds = List.of(SmallWorldRun.generate(1000, 4, true, 0), SmallWorldRun.generate(3000, 6, true));
    for (int i = 0; i < worlds.size(); i++) {
      SmallWorldRun world = worlds.get(i);
      Path f = dir.resolve("crawl-mutant-" + i + ".trace");
      CrawlMutant recorder = new CrawlMutant();
      recordWith(world, recorder, f);
      long mutated = recorder.mutatedAt.orElseThrow();
      Validate.Result r = Validate.run(f, new CrawlMutant());
      Validate.Failure fail = r.failure().orElseThrow();
      assertThat(fail.step()).as(fail.describe()).isEqualTo(mutated);
      assertThat(fail.check()).isEqualTo(Validate.Check.SPEC);
      assertThat(r.steps()).isEqualTo(mutated);
      // the real core validates the file up to that step (its record is not the core's there)
      Validate.Result real = Validate.run(f);
      assertThat(real.failure().orElseThrow().step()).isEqualTo(mutated);
      assertThat(real.failure().get().check()).isEqualTo(Validate.Check.RECORD);
    }
    // both ways of checking judge every step of the small one alike, the mutated one included
    assertThat(assertSameVerdicts(dir.resolve("crawl-mutant-0.trace"), CrawlMutant::new).failure()).isPresent();
  }

  /**
   * Seeds whose crawl records are pruned or evicted and whose connections are aged within the
   * run (records kept and not crawled again for 2 minutes, connections aged after 3 seconds; in
   * the larger network at most 3 records): the choices the pair checker takes from Java's step
   * (the records past retention, the order of a round's records) and from the reached state
   * (aged connections) must still match every step.
   */
  @Test
  void seedTracesWithPrunedEvictedAndAgedRecordsValidate() throws Exception {
    SmallWorldRun small = SmallWorldRun.generate(2000, 4, true, 1, brief(PexConfig.defaults().maxCrawled()));
    SmallWorldRun large = SmallWorldRun.generate(4000, 5, true, SmallWorldRun.OTHERS, brief(3));
    // the runs prune, evict and age: a crawl round meets a record past retention, a record
    // leaves at the bound, a connection is aged
    int pruning = 0;
    int evicting = 0;
    int aging = 0;
    for (SmallWorldRun world : List.of(small, large)) {
      CoreState s = world.initial();
      Duration keep = world.config().pex().crawlRecordRetention();
      int bound = world.config().pex().maxCrawled();
      for (SyntheticRun.Timed t : world.events()) {
        Core.Traced traced = Core.traced(world.config(), s, t.now(), t.wall(), t.event());
        CoreState next = traced.step().state();
        if (t.event() instanceof CoreEvent.TimerFired && s.pex().crawled().values().stream()
            .anyMatch(at -> t.now().nanosSince(at) > keep.toNanos())) {
          pruning++;
        }
        if (s.pex().crawled().size() == bound
            && !next.pex().crawled().keySet().containsAll(s.pex().crawled().keySet())) {
          evicting++;
        }
        if (traced.step().effects().stream().anyMatch(e -> e instanceof CoreEffect.Pex p
            && p.effect() instanceof PexEffect.DisconnectPeer d && d.reason() == PexDisconnectReason.SEED_CONNECTION_AGED)) {
          aging++;
        }
        s = next;
      }
    }
    System.out.println("brief seeds: " + pruning + " rounds pruning, " + evicting + " evictions, " + aging + " aged");
    assertThat(pruning).as("crawl rounds with records past retention").isPositive();
    assertThat(evicting).as("records evicted at the bound").isPositive();
    assertThat(aging).as("aged connections").isPositive();
    Path f = dir.resolve("brief-seed-small.trace");
    small.record(TraceWriter.Options.defaults(f));
    Validate.Result r = assertSameVerdicts(f, Validate.CORE);
    assertThat(r.failure()).as(() -> r.failure().get().describe()).isEmpty();
    Path g = dir.resolve("brief-seed-large.trace");
    large.record(TraceWriter.Options.defaults(g));
    try (Validate.Session session = new Validate.Session()) {
      Validate.Result rl = session.validate(g, Validate.CORE, Validate.Mode.PAIRS, null);
      assertThat(rl.failure()).as(() -> rl.failure().get().describe()).isEmpty();
      assertThat(rl.steps()).isEqualTo(4000);
      assertThat(session.lastStats().narrowingMisses).as(session.lastStats().toString()).isZero();
      assertThat(session.lastStats().enumerated).isZero();
    }
  }

  @Test
  void aMutantIsRejectedAfterManyStepsFoundBySymmetry() throws Exception {
    // a seed of 25 node IDs: by step 2500 many pairs have been found steps under another naming
    // of the ordinary peers; the mutated step (a peer's update left out) must still be refused
    SmallWorldRun world = SmallWorldRun.generate(3500, 7, true);
    Path f = dir.resolve("late-mutant.trace");
    Mutant recorder = new Mutant(2500);
    recordWith(world, recorder, f);
    long mutated = recorder.mutatedAt.orElseThrow();
    try (Validate.Session session = new Validate.Session()) {
      Validate.Result r = session.validate(f, new Mutant(2500), Validate.Mode.PAIRS, null);
      Validate.Failure fail = r.failure().orElseThrow();
      assertThat(fail.step()).as(fail.describe()).isEqualTo(mutated);
      assertThat(fail.check()).isEqualTo(Validate.Check.SPEC);
      assertThat(session.lastStats().symmetryHits).as(session.lastStats().toString()).isGreaterThan(100);
      assertThat(session.lastStats().narrowingMisses).isZero();
    }
  }

  /** A seed's PEX config with records kept 2 minutes, at most {@code maxCrawled}, connections aged after 3 s. */
  static UnaryOperator<PexConfig> brief(int maxCrawled) {
    return x -> new PexConfig(x.seedMode(), x.seeds(), x.ensurePeersPeriod(), x.minReceiveRequestInterval(),
        x.freeRequests(), x.maxAddressesPerMessage(), x.banTime(), x.crawlPeriod(), Duration.ofMinutes(2),
        Duration.ofMinutes(2), maxCrawled, Duration.ofSeconds(3), x.seedBiasTowardsNew(), x.maxPeers());
  }

  @Test
  void brokenFilesEndInStatusTwoWithTheirOffset() throws Exception {
    byte[] all = Files.readAllBytes(trace);
    long at = TraceFiles.offsetOf(trace, 5);
    Path cut = dir.resolve("cut.trace");
    Files.write(cut, java.util.Arrays.copyOf(all, (int) at + 3));
    TraceFiles.Run run = TraceFiles.cairn("trace", "validate", cut.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("truncated: record 5 at byte offset " + at).doesNotContain("\tat ");
    // the records before the cut are validated, as after a node stopped while writing
    assertThat(run.out()).contains("BROKEN: the 5 steps before the broken record are steps of the spec")
        .contains("a node that stopped while writing leaves its last record cut short");
    Path foreign = dir.resolve("notes.txt");
    Files.writeString(foreign, "this is not a trace, just some notes\n");
    TraceFiles.Run f = TraceFiles.cairn("trace", "validate", foreign.toString());
    assertThat(f.code()).isEqualTo(2);
    assertThat(f.err()).contains("is not a Cairn trace").contains("byte offset 0");
    Path corrupt = dir.resolve("corrupt.trace");
    int rec = TraceFiles.corruptRecord(trace, 3, corrupt);
    TraceFiles.Run c = TraceFiles.cairn("trace", "validate", corrupt.toString());
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err()).contains("corrupt record 3 at byte offset " + rec).doesNotContain("\tat ");
    assertThat(c.out()).contains("BROKEN: the 3 steps before the broken record are steps of the spec")
        .as("damage inside the file is not said to be a record cut short").contains("damaged or altered")
        .doesNotContain("leaves its last record cut short");
    // with a good file: each file is judged, the status is the worst
    TraceFiles.Run both = TraceFiles.cairn("trace", "validate", trace.toString(), corrupt.toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.out()).contains(trace + ": OK: ");
    assertThat(both.err()).contains("corrupt record 3");
  }

  private static int firstAccepted(List<TraceRecord> rs, Event.SumCase kind) {
    for (int i = 0; i < rs.size(); i++) {
      if (rs.get(i).getEvent().getSumCase() == kind && !rs.get(i).getRejected()) {
        return i;
      }
    }
    throw new AssertionError("the run has no accepted " + kind);
  }
}
