package dev.cairn.core.bench;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddResult;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerInvariants;
import dev.cairn.core.peer.PeerManager;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.TimerKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of one {@link PeerManager#step} on a started node whose book holds {@code peers}
 * addresses, with 30 inbound and 8 outbound connections, 2 dials in flight and a retry timer for
 * one peer in ten (TimerFired fires one of them). The step is a pure function, so every invocation applies the same event to
 * the same prepared state; each includes the maintenance that follows the event (the book's
 * biased pick for the slot the event freed, where it frees one).
 *
 * <p>{@code ids}: {@code hashed} IDs look like real ones (a SHA-256 prefix: two IDs differ in
 * their first characters), {@code sequential} IDs are {@code %040x} of a counter, so any two
 * share 34 or more leading zeros and every comparison reads the whole string (a worst case for
 * the sorted maps; an attacker would have to grind keys to get there).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PeerStepBenchmark {

  @Param({"1000", "10000", "100000"})
  int peers;

  @Param({"hashed", "sequential"})
  String ids;

  static final MonoTime NOW = MonoTime.ofMillis(10_000);
  static final WallTime WALL = new WallTime(1_700_000_000_000L);

  PeerConfig cfg;
  PeerState state;
  PeerEvent dialFailed;
  PeerEvent dialSucceeded;
  PeerEvent peerDisconnected;
  PeerEvent timerFired;
  PeerState timerState;

  NodeId id(long n) {
    return switch (ids) {
      case "sequential" -> NodeId.of(String.format("%040x", n));
      case "hashed" -> NodeId.of(String.format("%016x%016x%08x", mix(n), mix(~n), n));
      default -> throw new IllegalArgumentException("ids must be hashed or sequential: " + ids);
    };
  }

  /** SplitMix64's finaliser: a bijection that spreads a counter over all 64 bits. */
  private static long mix(long n) {
    long z = n * 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Distinct routable IPv4 addresses spread over many /16 groups. */
  NodeAddress address(long n) {
    return new NodeAddress(id(n), (11 + n % 80) + "." + (n / 80) % 250 + "." + (n / 20_000) % 250 + ".7", 26656);
  }

  @Setup(Level.Trial)
  public void setUp() {
    // the default 256×64 + 64×64 buckets hold ~20k entries; 100k peers need 2048 new buckets
    BookConfig book = BookConfig.defaults(id(0));
    if (peers > 15_000) {
      book = book.withBuckets(2048, 64, 512, 64, 32, 4, 4);
    }
    cfg = PeerConfig.defaults(book);
    AddressBook b = AddressBook.empty(BookKey.of("5a5a5a5a5a5a5a5a5a5a5a5a"));
    Prng p = Prng.seeded(1);
    for (long n = 1; b.size() < peers && n < 4L * peers; n++) {
      AddResult r = b.add(book, address(n), address(1_000_000_000L + n / 250), WALL, p);
      b = r.book();
      p = r.prng();
      if (n % 5 == 0) {
        b = b.markGood(book, id(n), WALL);
      }
    }
    if (b.size() < peers * 95L / 100) {
      throw new IllegalStateException("book grew to " + b.size() + " of " + peers);
    }
    List<KnownAddress> entries = b.entries();
    PeerState s = PeerState.initial(b, Prng.seeded(2));
    s = PeerManager.step(cfg, s, NOW, WALL, new PeerEvent.Started()).state();
    // settle: connect whatever the manager dials, plus inbound peers up to 30
    for (int round = 0; round < 20; round++) {
      for (NodeAddress a : List.copyOf(s.dialing().values())) {
        s = PeerManager.step(cfg, s, NOW, WALL, new PeerEvent.DialSucceeded(a)).state();
      }
    }
    for (int i = 0; i < 30; i++) {
      NodeAddress remote = new NodeAddress(id(2_000_000_000L + i), "99.1." + i + ".1", 40_000 + i);
      s = PeerManager.step(cfg, s, NOW, WALL, new PeerEvent.InboundAccepted(remote)).state();
    }
    for (int i = 0; i < entries.size(); i += 10) {
      NodeId peer = entries.get(i).id();
      if (!s.connected().containsKey(peer) && !s.dialing().containsKey(peer)) {
        s = withTimer(s, new TimerKey.RetryDial(peer), NOW.plusMillis(1_000).plusNanos(i));
      }
    }
    // two outbound connections left, two dials in flight
    var outbound = s.connected().entrySet().stream()
        .filter(e -> e.getValue().direction() == dev.cairn.core.peer.Direction.OUTBOUND)
        .map(e -> e.getValue().address()).toList();
    s = PeerManager.step(cfg, s, NOW, WALL, new PeerEvent.PeerDisconnected(outbound.get(0))).state();
    s = PeerManager.step(cfg, s, NOW, WALL, new PeerEvent.PeerDisconnected(outbound.get(1))).state();
    if (s.dialing().size() < 2) {
      throw new IllegalStateException("expected two dials in flight, got " + s.dialing());
    }
    state = s;
    List<NodeAddress> dials = List.copyOf(s.dialing().values());
    dialFailed = new PeerEvent.DialFailed(dials.get(0));
    dialSucceeded = new PeerEvent.DialSucceeded(dials.get(1));
    peerDisconnected = new PeerEvent.PeerDisconnected(outbound.get(2));
    // the first retry timer expires at NOW + 1 s, before maintenance: TimerFired then fires exactly it
    timerState = s;
    timerFired = new PeerEvent.TimerFired();
    MonoTime first = PeerManager.nextDeadline(s).orElseThrow();
    timerAt = first;
    valid(state);
    valid(timerState);
    // each frees or takes an outbound slot: a redial (book pick) or PersistBook follows
    check(PeerManager.step(cfg, state, NOW, WALL, dialFailed), true);
    check(PeerManager.step(cfg, state, NOW, WALL, dialSucceeded), true);
    check(PeerManager.step(cfg, state, NOW, WALL, peerDisconnected), true);
    // the fired retry timer makes its peer dialable again; no slot is free, so nothing else
    Step<PeerState, PeerEffect> fired = PeerManager.step(cfg, timerState, timerAt, WALL, timerFired);
    check(fired, false);
    if (fired.state().timers().size() != timerState.timers().size() - 1) {
      throw new IllegalStateException("TimerFired did not fire exactly one timer");
    }
  }

  /** The measured events start from states that meet every invariant (derived counts included). */
  private void valid(PeerState s) {
    List<String> broken = PeerInvariants.violations(cfg, s);
    if (!broken.isEmpty()) {
      throw new IllegalStateException("benchmark state breaks " + broken);
    }
  }

  MonoTime timerAt;

  private static PeerState withTimer(PeerState s, TimerKey key, MonoTime at) {
    return new PeerState(s.book(), s.dialing(), s.connected(), s.ready(), s.evicting(), s.upgrading(),
        s.scores(), s.persistentDialFailures(), s.timers().arm(key, at), s.prng(), s.started());
  }

  /** A measured event must be accepted, lead to a valid state and do its work (effects). */
  private void check(Step<PeerState, PeerEffect> st, boolean effects) {
    if (!st.isAccepted()) {
      throw new IllegalStateException("benchmark event rejected: " + st.outcome());
    }
    if (effects && st.effects().isEmpty()) {
      throw new IllegalStateException("benchmark event had no effect: " + st);
    }
    valid(st.state());
  }

  @Benchmark
  public Step<PeerState, PeerEffect> dialFailed() {
    return PeerManager.step(cfg, state, NOW, WALL, dialFailed);
  }

  @Benchmark
  public Step<PeerState, PeerEffect> dialSucceeded() {
    return PeerManager.step(cfg, state, NOW, WALL, dialSucceeded);
  }

  @Benchmark
  public Step<PeerState, PeerEffect> peerDisconnected() {
    return PeerManager.step(cfg, state, NOW, WALL, peerDisconnected);
  }

  @Benchmark
  public Step<PeerState, PeerEffect> timerFired() {
    return PeerManager.step(cfg, timerState, timerAt, WALL, timerFired);
  }
}
