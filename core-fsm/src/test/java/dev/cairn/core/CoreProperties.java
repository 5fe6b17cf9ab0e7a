package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.core.pex.PexEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.pcollections.TreePSet;

/**
 * Random event sequences for the composed machine from an environment that proposes only what a
 * world of a dozen peers and a seed could report: dial results for dials in flight, inbound
 * connections, readiness, disconnects, reactor errors, PEX messages (requests, sometimes too
 * often; answers, sometimes unsolicited, oversized or full of private, self and non-routable
 * entries; garbage) and timers. After every step and every sub-step: all PeerManager, PEX and
 * composition invariants hold, and a rejected step changed nothing. The same seed and choices
 * give equal steps. A failure prints the event list, replayable with {@link #run}.
 */
class CoreProperties {

  static final int PEERS = 12;
  static final int SEED = 40;
  static final int PRIVATE = 41;
  static final NodeId SELF = id(0);

  static NodeId id(int n) {
    return NodeId.of(String.format("%040x", n));
  }

  static NodeAddress addr(int n) {
    return new NodeAddress(id(n), (1 + n / 200) + "." + (n % 200) + ".0.1", 26656);
  }

  /** Small bounds, so that limits, bans, upgrades and seed disconnects are reached in a few dozen events. */
  static CoreConfig config(int variant) {
    BookConfig book = BookConfig.defaults(SELF).withBuckets(8, 4, 4, 4, 4, 2, 2)
        .withPrivateIds(TreePSet.singleton(id(PRIVATE)));
    PeerConfig peer = PeerConfig.defaults(book).withLimits(3, 3, 5, 1, 1, 2, 3, 4)
        .withPersistentPeers(TreePSet.singleton(addr(1)))
        .withRetry(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofMillis(50), Duration.ofMillis(300));
    PexConfig pex = PexConfig.defaults().withSeeds(TreePSet.singleton(addr(SEED))).withMaxPeers(6)
        .withMaxCrawled(4);
    return new CoreConfig(peer, variant == 1 ? pex.withSeedMode(true) : pex);
  }

  record Run(List<CoreEvent> events, List<Step<CoreState, CoreEffect>> steps) {}

  static Run run(CoreConfig cfg, long seed, List<Integer> choices) {
    CoreState s = CoreState.initial(AddressBook.empty(BookKey.of("0123456789abcdef01234567")), seed);
    MonoTime now = MonoTime.ofMillis(1);
    long wall = 1_700_000_000_000L;
    List<CoreEvent> events = new ArrayList<>();
    List<Step<CoreState, CoreEffect>> steps = new ArrayList<>();
    Prng env = Prng.seeded(~seed);
    boolean first = true;
    for (int choice : choices) {
      Prng.Long64 draw = env.nextLong();
      env = draw.next();
      long r = draw.value() >>> 1;
      CoreEvent e = first ? new CoreEvent.Peer(new PeerEvent.Started()) : propose(s, choice, r);
      first = false;
      long advance;
      if (e instanceof CoreEvent.TimerFired) {
        MonoTime next = Core.nextDeadline(s).orElse(now);
        // sometimes jump far (28 h) so that seed-mode aging and ban expiry happen
        advance = Math.max(0, next.nanosSince(now)) + (r % 7 == 0 ? Duration.ofHours(28).toNanos() : 0);
      } else {
        advance = (r % 3_000) * 1_000_000L;
      }
      now = now.plusNanos(advance);
      wall += advance / 1_000_000;
      Core.Traced t = Core.traced(cfg, s, now, new WallTime(wall), e);
      events.add(e);
      steps.add(t.step());
      try {
        CoreChecks.check(cfg, s, t);
      } catch (AssertionError | RuntimeException ex) {
        throw new AssertionError("after events " + events + ": " + ex.getMessage(), ex);
      }
      s = t.step().state();
    }
    return new Run(events, steps);
  }

  static CoreEvent propose(CoreState s, int choice, long r) {
    int any = 1 + (int) (r % PEERS);
    List<NodeId> dialing = new ArrayList<>(s.peer().dialing().keySet());
    List<Map.Entry<NodeId, Connection>> connected = new ArrayList<>(s.peer().connected().entrySet());
    List<NodeId> ready = new ArrayList<>(s.peer().ready());
    NodeId talker = ready.isEmpty() || r % 11 == 0 ? id(any) : ready.get((int) ((r / 3) % ready.size()));
    return switch (choice) {
      case 0, 1 -> dialing.isEmpty() ? new CoreEvent.Peer(new PeerEvent.DialSucceeded(addr(any)))
          : new CoreEvent.Peer(new PeerEvent.DialSucceeded(s.peer().dialing().get(dialing.get((int) (r % dialing.size())))));
      case 2 -> dialing.isEmpty() ? new CoreEvent.Peer(new PeerEvent.DialFailed(addr(any)))
          : new CoreEvent.Peer(new PeerEvent.DialFailed(s.peer().dialing().get(dialing.get((int) (r % dialing.size())))));
      case 3 -> new CoreEvent.Peer(new PeerEvent.InboundAccepted(
          new NodeAddress(id((int) (r % (PEERS + 1))), "7.7.7." + (1 + r % 9), 30000 + (int) (r % 1000))));
      case 4, 5 -> {
        if (connected.isEmpty()) {
          yield new CoreEvent.PeerReady(id(any), addr(any));
        }
        NodeId p = connected.get((int) (r % connected.size())).getKey();
        int n = Integer.parseInt(p.hex(), 16);
        yield new CoreEvent.PeerReady(p, r % 5 == 0 ? new NodeAddress(p, "0.0.0.0", 26656) : addr(n));
      }
      case 6 -> connected.isEmpty() ? new CoreEvent.Peer(new PeerEvent.PeerDisconnected(addr(any)))
          : new CoreEvent.Peer(new PeerEvent.PeerDisconnected(connected.get((int) (r % connected.size())).getValue().address()));
      case 7 -> connected.isEmpty() ? new CoreEvent.Peer(new PeerEvent.PeerErrored(id(any)))
          : new CoreEvent.Peer(new PeerEvent.PeerErrored(connected.get((int) (r % connected.size())).getKey()));
      case 8, 9 -> new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(talker));
      case 10, 11 -> new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(talker, gossip(r)));
      case 12 -> new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(talker, "garbage"));
      default -> new CoreEvent.TimerFired();
    };
  }

  /** What a peer may send: known peers, the seed, a private peer, ourselves, non-routable; rarely too many. */
  static List<NodeAddress> gossip(long r) {
    List<NodeAddress> out = new ArrayList<>();
    if (r % 23 == 0) {
      for (int n = 100; n < 351; n++) {
        out.add(addr(n));
      }
      return out;
    }
    int k = (int) (r % 6);
    for (int i = 0; i < k; i++) {
      long x = (r >>> (5 * i)) % (PEERS + 4);
      out.add(switch ((int) x) {
        case PEERS -> addr(PRIVATE);
        case PEERS + 1 -> new NodeAddress(SELF, "9.9.9.9", 26656);
        case PEERS + 2 -> new NodeAddress(id(60 + i), "10.0.0." + (1 + i), 26656);
        case PEERS + 3 -> addr(SEED);
        default -> addr(1 + (int) x);
      });
    }
    return out;
  }

  @Property(tries = 150)
  void invariantsHoldAfterEveryStep(
      @ForAll @IntRange(min = 0, max = 1) int variant,
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 120) List<@IntRange(min = 0, max = 15) Integer> choices) {
    run(config(variant), seed, choices);
  }

  @Property(tries = 40)
  void sameSeedAndEventsGiveEqualSteps(
      @ForAll @IntRange(min = 0, max = 1) int variant,
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 80) List<@IntRange(min = 0, max = 15) Integer> choices) {
    Run a = run(config(variant), seed, choices);
    Run b = run(config(variant), seed, choices);
    assertThat(b.events()).isEqualTo(a.events());
    assertThat(b.steps()).isEqualTo(a.steps());
  }

  /** Not vacuous: over fixed seeds the environment reaches every kind of PEX outcome, in both modes. */
  @Example
  void environmentReachesEveryPexOutcome() {
    java.util.TreeMap<String, Integer> seen = new java.util.TreeMap<>();
    for (int variant = 0; variant <= 1; variant++) {
      for (long seed = 1; seed <= 30; seed++) {
        Prng p = Prng.seeded(seed * 31 + variant);
        List<Integer> choices = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
          Prng.Bounded d = p.nextBelow(16);
          choices.add((int) d.value());
          p = d.next();
        }
        for (Step<CoreState, CoreEffect> st : run(config(variant), seed, choices).steps()) {
          for (CoreEffect f : st.effects()) {
            String kind = switch (f) {
              case CoreEffect.Peer e -> e.effect() instanceof dev.cairn.core.peer.PeerEffect.Disconnect d
                  ? "Disconnect " + d.reason() : e.effect().getClass().getSimpleName();
              case CoreEffect.Pex e -> e.effect().getClass().getSimpleName();
            };
            seen.merge(variant + " " + kind, 1, Integer::sum);
          }
        }
      }
    }
    assertThat(seen).containsKeys("0 SendPexRequest", "0 SendPexAddrs", "0 Disconnect BANNED", "0 Dial",
        "0 PersistBook", "1 SendPexAddrsThenDisconnect", "1 DisconnectPeer", "1 SendPexRequest", "1 Dial");
  }
}
