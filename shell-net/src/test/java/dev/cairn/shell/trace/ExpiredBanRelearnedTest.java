package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.node.CoreConfigs;
import dev.cairn.shell.p2p.HostResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A book ban that has expired but is still on record when its address is learned again. Only
 * the steps that lift bans (a dial request, an admission, the maintenance round) end it, as
 * CometBFT v0.34's {@code AddAddress} refuses an ID in {@code badPeers} whatever its expiry and
 * only {@code ReinstateBadPeers} lifts it; {@code PeerManager.tla}'s {@code AddressesLearned}
 * learns only unknown peers. Found by validating a public node's 200 000-step trace: its book held
 * a thousand bans, and a PEX answer named a peer whose ban had run out before the next maintenance
 * round, which the core took back into the book where the spec keeps it banned.
 */
class ExpiredBanRelearnedTest {

  private static final NodeAddress SELF = address("11", "23.1.1.1");
  private static final NodeAddress PEER = address("22", "34.2.2.2");
  private static final NodeAddress SOURCE = address("33", "45.3.3.3");
  private static final MonoTime T0 = MonoTime.ofMillis(1_000_000);
  private static final WallTime W0 = new WallTime(1_700_000_000_000L);

  @TempDir
  Path dir;

  @Test
  void anExpiredBanStaysOnRecordUntilMaintenanceLiftsIt_andTheTraceIsTheSpecs() throws Exception {
    CoreConfig config = config();
    CoreState initial = CoreState.initial(AddressBook.empty(BookKey.of("00112233445566778899aabb")), 7);
    List<SyntheticRun.Timed> events = List.of(
        at(0, new CoreEvent.Peer(new PeerEvent.Started())),
        at(1, new CoreEvent.Peer(new PeerEvent.AddressesLearned(List.of(PEER), SOURCE))),
        at(2, new CoreEvent.Peer(new PeerEvent.PeerBanned(PEER.id(), Duration.ofMinutes(10)))),
        // an hour later the ban has run out, and the address comes again before any maintenance
        at(3_600_000, new CoreEvent.Peer(new PeerEvent.AddressesLearned(List.of(PEER), SOURCE))),
        at(3_600_001, new CoreEvent.TimerFired()));

    Path file = dir.resolve("relearned.trace");
    List<CoreState> states = new ArrayList<>();
    try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(file), config, initial, 7)) {
      CoreState s = initial;
      for (SyntheticRun.Timed t : events) {
        Step<CoreState, CoreEffect> st = Core.step(config, s, t.now(), t.wall(), t.event());
        assertThat(st.isAccepted()).as("%s", t.event()).isTrue();
        w.onStep(t.now(), t.wall(), t.event(), st, 0);
        s = st.state();
        states.add(s);
      }
    }

    AddressBook banned = states.get(2).peer().book();
    assertThat(bannedIds(banned)).containsExactly(PEER.id());
    AddressBook relearned = states.get(3).peer().book();
    assertThat(bannedIds(relearned)).as("the ban, expired, is still on record after the address is learned again")
        .containsExactly(PEER.id());
    assertThat(relearned.get(PEER.id())).as("and the address is not in the book").isEmpty();
    AddressBook maintained = states.get(4).peer().book();
    assertThat(bannedIds(maintained)).as("the maintenance round lifts it").isEmpty();
    assertThat(maintained.get(PEER.id()).map(KnownAddress::addr)).contains(PEER);

    Validate.Result r = Validate.run(file);
    assertThat(r.valid()).as(() -> r.failure().map(Validate.Failure::describe).orElse(r.toString())).isTrue();
    assertThat(r.steps()).isEqualTo(events.size());
  }

  private static List<NodeId> bannedIds(AddressBook b) {
    return b.bannedEntries().stream().map(KnownAddress::id).toList();
  }

  private static SyntheticRun.Timed at(long millis, CoreEvent e) {
    return new SyntheticRun.Timed(T0.plusMillis(millis), W0.plusMillis(millis), e);
  }

  private static NodeAddress address(String digits, String ip) {
    return new NodeAddress(NodeId.of(digits.repeat(20)), ip, 26656);
  }

  private static CoreConfig config() throws Exception {
    String toml = "[p2p]\nladdr = \"tcp://" + SELF.ip() + ":26656\"\naddr_book_strict = true\n"
        + "max_num_inbound_peers = 6\nmax_num_outbound_peers = 4\n[cairn]\nnetwork = \"relearn\"\n";
    return CoreConfigs.from(ConfigLoader.parse(toml, "config.toml", Optional.empty()), SELF.id(), List.of(SELF),
        HostResolver.none());
  }
}
