package dev.cairn.core.pex;

import static dev.cairn.core.pex.PexFixtures.SELF;
import static dev.cairn.core.pex.PexFixtures.T0;
import static dev.cairn.core.pex.PexFixtures.WALL;
import static dev.cairn.core.pex.PexFixtures.addr;
import static dev.cairn.core.pex.PexFixtures.addrs;
import static dev.cairn.core.pex.PexFixtures.book;
import static dev.cairn.core.pex.PexFixtures.bookConfig;
import static dev.cairn.core.pex.PexFixtures.id;
import static dev.cairn.core.pex.PexFixtures.initial;
import static dev.cairn.core.pex.PexFixtures.up;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * {@link PexInvariants#NeverSendPrivateOrBanned} reads every address of every answer: one
 * address the answer may not hold (the requester, ourselves, a private ID, a banned peer, in
 * strict mode a non-routable address), or one address too many, breaks it, in a plain answer
 * and in a seed's answer before its disconnect; the real answer does not.
 */
class NeverSendPrivateOrBannedTest {

  private static final String NAME = PexInvariants.NeverSendPrivateOrBanned.name();
  private static final PexConfig CFG = PexConfig.defaults();
  private static final BookConfig STRICT = bookConfig().withStrict(true).withPrivateIds(TreePSet.singleton(id(40)));
  private static final WallTime LATER = WALL.plusMillis(3_600_000);

  private final PeerView view = new PeerView(PeerConfig.defaults(STRICT),
      PeerState.initial(book(bookConfig(), 10, 60), dev.cairn.core.Prng.seeded(1)));
  private final PexState state = up(initial(), 1, Direction.INBOUND, T0);
  private final PexEvent asked = new PexEvent.PexRequestReceived(id(1));

  private List<String> violations(PeerView v, List<NodeAddress> answer, boolean thenDisconnect) {
    PexEffect sent = thenDisconnect
        ? new PexEffect.SendPexAddrsThenDisconnect(id(1), answer)
        : new PexEffect.SendPexAddrs(id(1), answer);
    return PexInvariants.violations(new PexTransition(CFG, v, state, T0, WALL, asked,
        Step.accepted(state, List.of(sent))));
  }

  @Test
  void oneAddressItMayNotSendBreaksIt() {
    Step<PexState, PexEffect> answered = Pex.step(CFG, state, view, T0, WALL, asked);
    List<NodeAddress> answer = answered.effects().stream()
        .filter(e -> e instanceof PexEffect.SendPexAddrs).map(e -> ((PexEffect.SendPexAddrs) e).addresses())
        .findFirst().orElseThrow();
    assertThat(answer).hasSizeGreaterThanOrEqualTo(32);
    PeerView banning = new PeerView(view.config(), view.state().withBannedIds(TreePMap.singleton(id(90), LATER)));
    PeerView lax = new PeerView(PeerConfig.defaults(STRICT.withStrict(false)), view.state());
    NodeAddress nonRoutable = new NodeAddress(id(77), "10.0.0.1", 26656);
    for (boolean thenDisconnect : new boolean[] {false, true}) {
      assertThat(violations(view, answer, thenDisconnect)).doesNotContain(NAME);
      assertThat(violations(banning, answer, thenDisconnect)).doesNotContain(NAME);
      assertThat(violations(lax, replaced(answer, nonRoutable), thenDisconnect)).doesNotContain(NAME);
      assertThat(violations(view, addrs(100, 100 + CFG.maxAddressesPerMessage()), thenDisconnect))
          .doesNotContain(NAME);

      assertThat(violations(view, replaced(answer, addr(1)), thenDisconnect)).as("the requester").contains(NAME);
      assertThat(violations(view, replaced(answer, new NodeAddress(SELF, "3.3.3.3", 26656)), thenDisconnect))
          .as("ourselves").contains(NAME);
      assertThat(violations(view, replaced(answer, addr(40)), thenDisconnect)).as("a private ID").contains(NAME);
      assertThat(violations(banning, replaced(answer, addr(90)), thenDisconnect)).as("banned").contains(NAME);
      assertThat(violations(view, replaced(answer, nonRoutable), thenDisconnect)).as("non-routable").contains(NAME);
      assertThat(violations(view, addrs(100, 101 + CFG.maxAddressesPerMessage()), thenDisconnect))
          .as("one too many").contains(NAME);
    }
  }

  /** The answer with its last address replaced by {@code a}. */
  private static List<NodeAddress> replaced(List<NodeAddress> answer, NodeAddress a) {
    List<NodeAddress> out = new ArrayList<>(answer);
    out.set(out.size() - 1, a);
    return out;
  }
}
