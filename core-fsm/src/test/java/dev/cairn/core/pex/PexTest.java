package dev.cairn.core.pex;

import static dev.cairn.core.pex.PexFixtures.SELF;
import static dev.cairn.core.pex.PexFixtures.T0;
import static dev.cairn.core.pex.PexFixtures.WALL;
import static dev.cairn.core.pex.PexFixtures.addr;
import static dev.cairn.core.pex.PexFixtures.addrs;
import static dev.cairn.core.pex.PexFixtures.at;
import static dev.cairn.core.pex.PexFixtures.book;
import static dev.cairn.core.pex.PexFixtures.bookConfig;
import static dev.cairn.core.pex.PexFixtures.connected;
import static dev.cairn.core.pex.PexFixtures.dialing;
import static dev.cairn.core.pex.PexFixtures.id;
import static dev.cairn.core.pex.PexFixtures.initial;
import static dev.cairn.core.pex.PexFixtures.peerConfig;
import static dev.cairn.core.pex.PexFixtures.step;
import static dev.cairn.core.pex.PexFixtures.up;
import static dev.cairn.core.pex.PexFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.Prng;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.EntryFilter;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.book.Selection;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.TimerKey;
import dev.cairn.core.pex.PexEffect.BanPeer;
import dev.cairn.core.pex.PexEffect.DisconnectPeer;
import dev.cairn.core.pex.PexEffect.LearnAddresses;
import dev.cairn.core.pex.PexEffect.ReportPeer;
import dev.cairn.core.pex.PexEffect.RequestDial;
import dev.cairn.core.pex.PexEffect.SendPexAddrs;
import dev.cairn.core.pex.PexEffect.SendPexAddrsThenDisconnect;
import dev.cairn.core.pex.PexEffect.SendPexRequest;
import dev.cairn.core.pex.PexEvent.PeerDown;
import dev.cairn.core.pex.PexEvent.PeerUp;
import dev.cairn.core.pex.PexEvent.PexAddrsReceived;
import dev.cairn.core.pex.PexEvent.PexMessageMalformed;
import dev.cairn.core.pex.PexEvent.PexRequestReceived;
import dev.cairn.core.pex.PexEvent.Started;
import dev.cairn.core.pex.PexEvent.TimerFired;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * One example per PEX transition, each asserting the whole {@link Step}, and the v0.34
 * {@code p2p/pex} test checklist where its semantics match ours (the Go test is named in the
 * method's comment; where we deliberately differ the comment says why). Every step is checked
 * against all {@link PexInvariants}.
 */
class PexTest {

  static final PexConfig CFG = PexConfig.defaults();
  static final PexConfig SEED_CFG = CFG.withSeedMode(true);
  static final PeerConfig PEER_CFG = peerConfig();
  static final AddressBook SMALL_BOOK = book(bookConfig(), 1, 41); // 40 entries: needs more (< 1000)
  static final PeerView VIEW = view(PEER_CFG, SMALL_BOOK);
  static final MonoTime WINDOW = MonoTime.ofMillis(10_000);

  static MonoTime plus(MonoTime t, Duration d) {
    return t.plusNanos(d.toNanos());
  }

  static void assertRejected(Step<PexState, PexEffect> out, PexState before, String reasonPart) {
    assertThat(out.outcome()).isInstanceOfSatisfying(Outcome.Rejected.class,
        r -> assertThat(r.reason()).contains(reasonPart));
    assertThat(out.state()).isSameAs(before);
    assertThat(out.effects()).isEmpty();
  }

  /** The answer Pex must give {@code requester} from {@code book} with the generator {@code prng}. */
  static Selection expectedAnswer(AddressBook book, Prng prng, int requester) {
    return book.selection(bookConfig(), prng, ka -> !ka.id().equals(id(requester)));
  }

  // ---------------------------------------------------------------- Started

  @Test
  void started_nothingConnectedOrDialing_runsTheRoundNow_dialsASeed() {
    // TestPEXReactorUsesSeedsIfNeeded (first half): an empty book and nothing to dial ⇒ a seed
    PexConfig cfg = CFG.withSeeds(TreePSet.singleton(addr(500)));
    PexState s = initial();
    Step<PexState, PexEffect> out = step(cfg, s, view(PEER_CFG, AddressBook.empty(PexFixtures.KEY)), T0, new Started());
    PexState expected = s.withStarted(true)
        .withTimers(TreePMap.singleton(PexTimerKey.ENSURE_PEERS, plus(T0, cfg.ensurePeersPeriod())))
        .withPrng(s.prng().nextBelow(1).next());
    assertThat(out).isEqualTo(Step.accepted(expected, List.of(new RequestDial(addr(500)))));
  }

  @Test
  void started_withADialInFlight_jittersTheFirstRound() {
    PexState s = initial();
    Step<PexState, PexEffect> out = step(CFG, s, dialing(VIEW, 3), T0, new Started());
    Prng.Bounded jitter = s.prng().nextBelow(CFG.ensurePeersPeriod().toNanos());
    PexState expected = s.withStarted(true).withPrng(jitter.next())
        .withTimers(TreePMap.singleton(PexTimerKey.ENSURE_PEERS, T0.plusNanos(jitter.value())));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of()));
    assertThat(jitter.value()).isBetween(0L, CFG.ensurePeersPeriod().toNanos() - 1);
  }

  @Test
  void started_twice_isRejected() {
    PexState s = startedAt(T0.plusMillis(5));
    assertRejected(step(CFG, s, VIEW, T0, new Started()), s, "already started");
  }

  // ---------------------------------------------------------------- PeerUp / PeerDown

  @Test
  void peerUp_outbound_bookNeedsAddresses_sendsARequest() {
    PexState s = initial();
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0, new PeerUp(id(5), Direction.OUTBOUND, addr(5)));
    PexState expected = up(s, 5, Direction.OUTBOUND, T0).withRequestsSent(at(5, T0));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of(new SendPexRequest(id(5)))));
  }

  @Test
  void peerUp_outbound_bookHasEnough_sendsNothing() {
    BookConfig bc = new BookConfig(256, 64, 64, 64, 32, 4, 4, 10, 4096, true,
        TreePSet.empty(), TreePSet.empty(), SELF); // needs addresses below 10 entries
    PeerView v = view(PEER_CFG.withBook(bc), book(bc, 1, 11));
    PexState s = initial();
    Step<PexState, PexEffect> out = step(CFG, s, v, T0, new PeerUp(id(5), Direction.OUTBOUND, addr(5)));
    assertThat(out).isEqualTo(Step.accepted(up(s, 5, Direction.OUTBOUND, T0), List.of()));
  }

  @Test
  void peerUp_inbound_learnsItsListenAddressWithItselfAsSource() {
    PexState s = initial();
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0, new PeerUp(id(6), Direction.INBOUND, addr(6)));
    assertThat(out).isEqualTo(Step.accepted(up(s, 6, Direction.INBOUND, T0),
        List.of(new LearnAddresses(List.of(addr(6)), addr(6)))));
  }

  /** VIEW with inbound peer {@code n} connected and idle (not reported good since admitted). */
  private static PeerView idleInbound(PeerView v, int n, boolean evicting) {
    PeerState c = connected(v, Direction.INBOUND, n).state();
    return new PeerView(v.config(), new PeerState(c.book(), c.dialing(), c.connected(), c.ready(),
        evicting ? c.evicting().plus(id(n), dev.cairn.core.peer.DisconnectReason.EVICTED_IDLE) : c.evicting(),
        c.upgrading(), c.scores(), c.persistentDialFailures(), c.timers(), c.prng(), c.started(),
        c.bannedIds(), c.idleInbound().plus(id(n), T0)));
  }

  @Test
  void anIdleInboundPeer_isLearnedAndReportedWithItsFirstAcceptedMessage_notAtPeerUp() {
    PeerView v = idleInbound(VIEW, 6, false);
    PexState s = initial();
    Step<PexState, PexEffect> upStep = step(CFG, s, v, T0, new PeerUp(id(6), Direction.INBOUND, addr(6)));
    assertThat(upStep).isEqualTo(Step.accepted(up(s, 6, Direction.INBOUND, T0), List.of()));

    Step<PexState, PexEffect> asked = step(CFG, upStep.state(), v, T0.plusMillis(1), new PexRequestReceived(id(6)));
    assertThat(asked.effects()).startsWith(new ReportPeer(id(6)), new LearnAddresses(List.of(addr(6)), addr(6)));
    assertThat(asked.effects().get(2)).isInstanceOf(SendPexAddrs.class);

    // a request inside the window is abuse: punished, not reported
    PexState twice = step(CFG, asked.state(), v, T0.plusMillis(2), new PexRequestReceived(id(6))).state();
    Step<PexState, PexEffect> abuse = step(CFG, twice, v, T0.plusMillis(3), new PexRequestReceived(id(6)));
    assertThat(abuse.effects()).containsExactly(new BanPeer(id(6), CFG.banTime()));

    // a peer the PeerManager is evicting is not reported
    PeerView leaving = idleInbound(VIEW, 6, true);
    Step<PexState, PexEffect> late = step(CFG, upStep.state(), leaving, T0.plusMillis(1), new PexRequestReceived(id(6)));
    assertThat(late.effects()).noneMatch(e -> e instanceof ReportPeer || e instanceof LearnAddresses);
  }

  @Test
  void peerUp_inboundPrivatePeer_isNotLearnedAndIsCounted() {
    // TestPEXReactorDoesNotAddPrivatePeersToAddrBook
    PeerConfig pc = PEER_CFG.withBook(bookConfig().withPrivateIds(TreePSet.singleton(id(6))));
    PexState s = initial();
    Step<PexState, PexEffect> out = step(CFG, s, view(pc, SMALL_BOOK), T0,
        new PeerUp(id(6), Direction.INBOUND, addr(6)));
    PexState expected = up(s, 6, Direction.INBOUND, T0)
        .withDropped(TreePMap.singleton(DropReason.PRIVATE_SOURCE, 1L));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of()));
  }

  @Test
  void peerUp_alreadyUp_isRejected() {
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0);
    assertRejected(step(CFG, s, VIEW, T0, new PeerUp(id(5), Direction.OUTBOUND, addr(5))), s, "already up");
  }

  @Test
  void peerUp_atMaxPeers_isRejected() {
    PexConfig cfg = CFG.withMaxPeers(1);
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0);
    assertRejected(step(cfg, s, VIEW, T0, new PeerUp(id(6), Direction.INBOUND, addr(6))), s, "maxPeers");
  }

  @Test
  void peerUp_listenAddressOfAnotherPeer_isAShapeError() {
    assertThatThrownBy(() -> new PeerUp(id(5), Direction.INBOUND, addr(6)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an address of");
  }

  @Test
  void peerDown_forgetsEverythingAboutTheConnection() {
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0)
        .withRequestsSent(at(5, T0))
        .withLastAddrsReceived(at(5, T0))
        .withLastReceivedRequests(TreePMap.singleton(id(5), new ReceivedRequests(2, T0)))
        .withDisconnecting(TreePSet.singleton(id(5)))
        .withCrawled(at(5, T0));
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0, new PeerDown(id(5)));
    assertThat(out).isEqualTo(Step.accepted(initial().withCrawled(at(5, T0)), List.of()));
  }

  @Test
  void peerDown_notUp_isRejected() {
    PexState s = initial();
    assertRejected(step(CFG, s, VIEW, T0, new PeerDown(id(5))), s, "not up");
  }

  // ---------------------------------------------------------------- PexRequestReceived

  @Test
  void requestReceived_first_isAnsweredWithASelection() {
    PexState s = up(initial(), 5, Direction.INBOUND, T0);
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0, new PexRequestReceived(id(5)));
    Selection sel = expectedAnswer(SMALL_BOOK, s.prng(), 5);
    PexState expected = s.withPrng(sel.prng())
        .withLastReceivedRequests(TreePMap.singleton(id(5), new ReceivedRequests(1, T0)));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of(new SendPexAddrs(id(5), sel.addresses()))));
    assertThat(sel.addresses()).hasSize(32).doesNotContain(addr(5)); // min(32, 40) and never the requester
  }

  @Test
  void requestReceived_thirdInsideTheWindow_disconnectsAndBans() {
    // TestPEXReactorRequestMessageAbuse: two free requests, the third within 10 s ⇒ ban
    PexState s = up(initial(), 5, Direction.INBOUND, T0);
    s = step(CFG, s, VIEW, T0, new PexRequestReceived(id(5))).state();
    s = step(CFG, s, VIEW, T0.plusMillis(1), new PexRequestReceived(id(5))).state();
    assertThat(s.lastReceivedRequests().get(id(5))).isEqualTo(new ReceivedRequests(2, T0.plusMillis(1)));
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0.plusMillis(9_999), new PexRequestReceived(id(5)));
    assertThat(out).isEqualTo(Step.accepted(s.withDisconnecting(TreePSet.singleton(id(5))),
        List.of(new BanPeer(id(5), Duration.ofHours(24)))));
  }

  @Test
  void requestReceived_thirdAfterTheWindow_isAnswered() {
    PexState s = up(initial(), 5, Direction.INBOUND, T0)
        .withLastReceivedRequests(TreePMap.singleton(id(5), new ReceivedRequests(2, T0)));
    MonoTime later = T0.plusMillis(10_000);
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, later, new PexRequestReceived(id(5)));
    Selection sel = expectedAnswer(SMALL_BOOK, s.prng(), 5);
    PexState expected = s.withPrng(sel.prng())
        .withLastReceivedRequests(TreePMap.singleton(id(5), new ReceivedRequests(2, later)));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of(new SendPexAddrs(id(5), sel.addresses()))));
  }

  @Test
  void requestReceived_fromAPeerBeingDisconnected_isIgnored() {
    PexState s = up(initial(), 5, Direction.INBOUND, T0).withDisconnecting(TreePSet.singleton(id(5)));
    assertThat(step(CFG, s, VIEW, T0, new PexRequestReceived(id(5)))).isEqualTo(Step.accepted(s, List.of()));
  }

  @Test
  void requestReceived_fromAPeerNotUp_isRejected() {
    PexState s = initial();
    assertRejected(step(CFG, s, VIEW, T0, new PexRequestReceived(id(5))), s, "not up");
  }

  @Test
  void requestReceived_emptyBook_isAnsweredWithAnEmptyList() {
    PexState s = up(initial(), 5, Direction.INBOUND, T0);
    Step<PexState, PexEffect> out = step(CFG, s, view(PEER_CFG, AddressBook.empty(PexFixtures.KEY)), T0,
        new PexRequestReceived(id(5)));
    assertThat(out.effects()).containsExactly(new SendPexAddrs(id(5), List.of()));
  }

  @Test
  void requestReceived_answerNeverHoldsBannedEntries() {
    AddressBook banned = SMALL_BOOK;
    for (int n = 1; n < 21; n++) {
      banned = banned.ban(bookConfig(), id(n), WALL.plusMillis(3_600_000));
    }
    PexState s = up(initial(), 30, Direction.INBOUND, T0);
    Step<PexState, PexEffect> out = step(CFG, s, view(PEER_CFG, banned), T0, new PexRequestReceived(id(30)));
    List<NodeAddress> sent = ((SendPexAddrs) out.effects().get(0)).addresses();
    assertThat(sent).hasSize(19).doesNotContainAnyElementsOf(addrs(1, 21)).doesNotContain(addr(30));
  }

  /**
   * The filter of an answer names the only IDs it refuses (the requester, ours, the private ones)
   * unless one of our addresses has another ID, which is refused by address: then it names none,
   * and every drawn entry is tested.
   */
  @Test
  void answerableTo_namesTheOnlyIdsItRefuses() {
    BookConfig bc = bookConfig().withPrivateIds(TreePSet.of(id(6), id(7)));
    AddressBook b = book(bookConfig(), 1, 41); // private IDs stored under a config without them
    EntryFilter f = Pex.answerableTo(bc, id(3));
    assertThat(f.refusable()).contains(TreePSet.of(SELF, id(3), id(6), id(7)));
    List<NodeId> refused = b.entries().stream().filter(ka -> !f.test().test(ka)).map(KnownAddress::id).toList();
    assertThat(refused).containsExactlyInAnyOrder(id(3), id(6), id(7));

    NodeAddress alias = new NodeAddress(id(12), addr(12).ip(), addr(12).port()); // ours, under another ID
    BookConfig withAlias = bookConfig().withOurAddresses(TreePSet.of(new NodeAddress(SELF, "9.9.9.9", 26656), alias));
    EntryFilter g = Pex.answerableTo(withAlias, id(3));
    assertThat(g.refusable()).isEmpty();
    assertThat(b.entries().stream().filter(ka -> !g.test().test(ka)).map(KnownAddress::id))
        .containsExactlyInAnyOrder(id(3), id(12));
  }

  // ---------------------------------------------------------------- PexAddrsReceived

  @Test
  void addrsReceived_whileRequested_handsFilteredAddressesToTheBook() {
    PeerConfig pc = PEER_CFG.withBook(bookConfig().withPrivateIds(TreePSet.singleton(id(70))));
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0).withRequestsSent(at(5, T0));
    List<NodeAddress> received = new ArrayList<>(addrs(60, 63));
    received.add(new NodeAddress(SELF, "9.9.9.9", 26656)); // ourselves
    received.add(new NodeAddress(id(71), "192.168.1.7", 26656)); // not routable (strict)
    received.add(addr(70)); // private
    received.add(new NodeAddress(id(72), "0.0.0.0", 26656)); // not valid
    MonoTime later = T0.plusMillis(300);
    Step<PexState, PexEffect> out = step(CFG, s, view(pc, SMALL_BOOK), later, new PexAddrsReceived(id(5), received));
    PexState expected = up(initial(), 5, Direction.OUTBOUND, T0)
        .withLastAddrsReceived(at(5, later))
        .withDropped(TreePMap.<DropReason, Long>empty().plus(DropReason.SELF, 1L)
            .plus(DropReason.NON_ROUTABLE, 1L).plus(DropReason.PRIVATE, 1L).plus(DropReason.INVALID, 1L));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of(new LearnAddresses(addrs(60, 63), addr(5)))));
  }

  @Test
  void addrsReceived_unsolicited_disconnectsAndBans() {
    // TestPEXReactorAddrsMessageAbuse: the solicited answer is taken, a second one is abuse
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0).withRequestsSent(at(5, T0));
    s = step(CFG, s, VIEW, T0, new PexAddrsReceived(id(5), addrs(60, 61))).state();
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0, new PexAddrsReceived(id(5), addrs(60, 61)));
    assertThat(out).isEqualTo(Step.accepted(s.withDisconnecting(TreePSet.singleton(id(5))),
        List.of(new BanPeer(id(5), Duration.ofHours(24)))));
  }

  @Test
  void addrsReceived_moreThan250_disconnectsAndBans() {
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0).withRequestsSent(at(5, T0));
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0, new PexAddrsReceived(id(5), addrs(1000, 1251)));
    assertThat(out).isEqualTo(Step.accepted(s.withDisconnecting(TreePSet.singleton(id(5))),
        List.of(new BanPeer(id(5), Duration.ofHours(24)))));
  }

  @Test
  void addrsReceived_exactly250_isAccepted() {
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0).withRequestsSent(at(5, T0));
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0, new PexAddrsReceived(id(5), addrs(1000, 1250)));
    assertThat(out.effects()).containsExactly(new LearnAddresses(addrs(1000, 1250), addr(5)));
  }

  @Test
  void addrsReceived_fromAPrivatePeer_storesNothing() {
    // TestPEXReactorDoesNotAddPrivatePeersToAddrBook: what a private peer tells us is not stored
    PeerConfig pc = PEER_CFG.withBook(bookConfig().withPrivateIds(TreePSet.singleton(id(5))));
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0).withRequestsSent(at(5, T0));
    Step<PexState, PexEffect> out = step(CFG, s, view(pc, SMALL_BOOK), T0, new PexAddrsReceived(id(5), addrs(60, 63)));
    assertThat(out).isEqualTo(Step.accepted(up(initial(), 5, Direction.OUTBOUND, T0)
        .withLastAddrsReceived(at(5, T0))
        .withDropped(TreePMap.singleton(DropReason.PRIVATE_SOURCE, 3L)), List.of()));
  }

  @Test
  void addrsReceived_fromAPeerNotUp_isRejected() {
    PexState s = initial();
    assertRejected(step(CFG, s, VIEW, T0, new PexAddrsReceived(id(5), List.of())), s, "not up");
  }

  // ---------------------------------------------------------------- PexMessageMalformed

  @Test
  void messageMalformed_disconnectsAndBans() {
    PexState s = up(initial(), 5, Direction.INBOUND, T0);
    Step<PexState, PexEffect> out = step(CFG, s, VIEW, T0, new PexMessageMalformed(id(5), "bad port 70000"));
    assertThat(out).isEqualTo(Step.accepted(s.withDisconnecting(TreePSet.singleton(id(5))),
        List.of(new BanPeer(id(5), Duration.ofHours(24)))));
  }

  @Test
  void messageMalformed_again_isIgnored() {
    PexState s = up(initial(), 5, Direction.INBOUND, T0).withDisconnecting(TreePSet.singleton(id(5)));
    assertThat(step(CFG, s, VIEW, T0, new PexMessageMalformed(id(5), "x"))).isEqualTo(Step.accepted(s, List.of()));
  }

  @Test
  void messageMalformed_fromAPeerNotUp_isRejected() {
    PexState s = initial();
    assertRejected(step(CFG, s, VIEW, T0, new PexMessageMalformed(id(5), "x")), s, "not up");
  }

  // ---------------------------------------------------------------- TimerFired: ensure-peers round

  static PexState startedAt(MonoTime deadline) {
    return initial().withStarted(true).withTimers(TreePMap.singleton(PexTimerKey.ENSURE_PEERS, deadline));
  }

  @Test
  void ensurePeers_asksOneRandomAskablePeer_neverInsideItsWindow() {
    // peer 5: answered 5 s ago (inside the window); 6: request outstanding; 7: being disconnected; 8: askable
    MonoTime now = T0.plusMillis(30_000);
    PexState s = startedAt(now);
    for (int n = 5; n <= 8; n++) {
      s = up(s, n, Direction.OUTBOUND, T0);
    }
    s = s.withLastAddrsReceived(at(5, now.plusMillis(-5_000))).withRequestsSent(at(6, T0))
        .withDisconnecting(TreePSet.singleton(id(7)));
    PeerView v = dialing(VIEW, 99); // something is being dialed: no seed
    Step<PexState, PexEffect> out = step(CFG, s, v, now, new TimerFired());
    PexState expected = s.withPrng(s.prng().nextBelow(1).next())
        .withRequestsSent(s.requestsSent().plus(id(8), now))
        .withTimers(TreePMap.singleton(PexTimerKey.ENSURE_PEERS, plus(now, CFG.ensurePeersPeriod())));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of(new SendPexRequest(id(8)))));
  }

  @Test
  void ensurePeers_peerWhoseAnswerArrivedAWindowAgo_isAskedAgain() {
    // cometbft#4620: the window is counted from its last answer, so an early round never trips it
    MonoTime now = T0.plusMillis(30_000);
    PexState s = up(startedAt(now), 5, Direction.OUTBOUND, T0)
        .withLastAddrsReceived(at(5, now.plusMillis(-10_000)));
    Step<PexState, PexEffect> out = step(CFG, s, dialing(VIEW, 99), now, new TimerFired());
    assertThat(out.effects()).containsExactly(new SendPexRequest(id(5)));
  }

  @Test
  void ensurePeers_bookHasEnough_onlyRearms() {
    BookConfig bc = new BookConfig(256, 64, 64, 64, 32, 4, 4, 10, 4096, true,
        TreePSet.empty(), TreePSet.empty(), SELF);
    PeerView v = view(PEER_CFG.withBook(bc), book(bc, 1, 11));
    MonoTime now = T0.plusMillis(30_000);
    PexState s = up(startedAt(now), 5, Direction.OUTBOUND, T0);
    Step<PexState, PexEffect> out = step(CFG.withSeeds(TreePSet.singleton(addr(500))), s, v, now, new TimerFired());
    assertThat(out).isEqualTo(Step.accepted(
        s.withTimers(TreePMap.singleton(PexTimerKey.ENSURE_PEERS, plus(now, CFG.ensurePeersPeriod()))), List.of()));
  }

  @Test
  void ensurePeers_nothingDialing_dialsASeedNotConnected() {
    PexConfig cfg = CFG.withSeeds(TreePSet.from(List.of(addr(500), addr(501))));
    MonoTime now = T0.plusMillis(30_000);
    PexState s = startedAt(now);
    PeerView v = connected(VIEW, Direction.OUTBOUND, 500); // seed 500 is connected already
    Step<PexState, PexEffect> out = step(cfg, s, v, now, new TimerFired());
    assertThat(out.effects()).containsExactly(new RequestDial(addr(501)));
  }

  @Test
  void ensurePeers_outboundFull_dialsNoSeed() {
    PexConfig cfg = CFG.withSeeds(TreePSet.singleton(addr(500)));
    PeerConfig pc = PEER_CFG.withLimits(2, 1, 3, 0, 0, 1, 2, 3);
    MonoTime now = T0.plusMillis(30_000);
    PeerView v = connected(view(pc, SMALL_BOOK), Direction.OUTBOUND, 9);
    Step<PexState, PexEffect> out = step(cfg, startedAt(now), v, now, new TimerFired());
    assertThat(out.isAccepted()).as("the round runs: %s", out.outcome()).isTrue();
    assertThat(out.effects()).isEmpty();
    assertThat(out.state().timers()).containsEntry(PexTimerKey.ENSURE_PEERS, plus(now, cfg.ensurePeersPeriod()));
  }

  @Test
  void timerFired_nothingExpired_isRejected() {
    PexState s = startedAt(T0.plusMillis(1));
    assertRejected(step(CFG, s, VIEW, T0, new TimerFired()), s, "no PEX timer expired");
  }

  // ---------------------------------------------------------------- seed mode

  @Test
  void seedMode_inboundRequest_isAnsweredOnceWithABiasedSelectionThenDisconnected() {
    // TestPEXReactorSeedMode, TestPEXReactorSeedModeFlushStop: answer, flush, disconnect; ignore more
    PexState s = up(initial(), 5, Direction.INBOUND, T0);
    Step<PexState, PexEffect> out = step(SEED_CFG, s, VIEW, T0, new PexRequestReceived(id(5)));
    Selection sel = SMALL_BOOK.selectionWithBias(bookConfig(), 30, s.prng(), ka -> !ka.id().equals(id(5)));
    PexState expected = s.withPrng(sel.prng()).withDisconnecting(TreePSet.singleton(id(5)));
    assertThat(out).isEqualTo(Step.accepted(expected,
        List.of(new SendPexAddrsThenDisconnect(id(5), sel.addresses()))));
    Step<PexState, PexEffect> again = step(SEED_CFG, out.state(), VIEW, T0, new PexRequestReceived(id(5)));
    assertThat(again).isEqualTo(Step.accepted(out.state(), List.of()));
  }

  @Test
  void seedMode_reconnectedPeer_getsAFreshAnswer() {
    PexState s = up(initial(), 5, Direction.INBOUND, T0);
    s = step(SEED_CFG, s, VIEW, T0, new PexRequestReceived(id(5))).state();
    s = step(SEED_CFG, s, VIEW, T0, new PeerDown(id(5))).state();
    s = step(SEED_CFG, s, VIEW, T0.plusMillis(1), new PeerUp(id(5), Direction.INBOUND, addr(5))).state();
    Step<PexState, PexEffect> out = step(SEED_CFG, s, VIEW, T0.plusMillis(2), new PexRequestReceived(id(5)));
    assertThat(out.effects()).singleElement().isInstanceOf(SendPexAddrsThenDisconnect.class);
  }

  @Test
  void seedMode_persistentInboundPeer_getsAPlainAnswerAndStays() {
    // deliberate: v0.34 disconnects any inbound requester; a persistent peer is operator intent
    PeerConfig pc = PEER_CFG.withPersistentPeers(TreePSet.singleton(addr(5)));
    PexState s = up(initial(), 5, Direction.INBOUND, T0);
    Step<PexState, PexEffect> out = step(SEED_CFG, s, view(pc, SMALL_BOOK), T0, new PexRequestReceived(id(5)));
    assertThat(out.effects()).singleElement().isInstanceOf(SendPexAddrs.class);
    assertThat(out.state().disconnecting()).isEmpty();
  }

  @Test
  void seedMode_outboundPeerUp_isRecordedAsCrawledAndAsked() {
    PexState s = initial();
    BookConfig bc = new BookConfig(256, 64, 64, 64, 32, 4, 4, 10, 4096, true,
        TreePSet.empty(), TreePSet.empty(), SELF); // the book has enough: a seed asks anyway
    PeerView v = view(PEER_CFG.withBook(bc), book(bc, 1, 11));
    Step<PexState, PexEffect> out = step(SEED_CFG, s, v, T0, new PeerUp(id(5), Direction.OUTBOUND, addr(5)));
    PexState expected = up(s, 5, Direction.OUTBOUND, T0).withCrawled(at(5, T0)).withRequestsSent(at(5, T0));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of(new SendPexRequest(id(5)))));
  }

  @Test
  void seedMode_crawledPeerAnswers_addressesLearnedAndItsSlotFreed() {
    // deliberate: v0.34 seeds keep crawled peers (no outbound limit, cometbft#3302); we free the slot
    PexState s = up(initial(), 5, Direction.OUTBOUND, T0).withRequestsSent(at(5, T0));
    Step<PexState, PexEffect> out = step(SEED_CFG, s, VIEW, T0, new PexAddrsReceived(id(5), addrs(60, 62)));
    PexState expected = up(initial(), 5, Direction.OUTBOUND, T0).withLastAddrsReceived(at(5, T0))
        .withDisconnecting(TreePSet.singleton(id(5)));
    assertThat(out).isEqualTo(Step.accepted(expected, List.of(new LearnAddresses(addrs(60, 62), addr(5)),
        new DisconnectPeer(id(5), PexDisconnectReason.CRAWLED))));
  }

  @Test
  void seedMode_crawlRound_disconnectsAgedPeersButNotPersistentOnes() {
    // TestPEXReactorDoesNotDisconnectFromPersistentPeerInSeedMode
    PeerConfig pc = PEER_CFG.withPersistentPeers(TreePSet.singleton(addr(6)));
    MonoTime now = T0.plusNanos(Duration.ofHours(28).toNanos());
    PexState s = initial().withStarted(true).withTimers(TreePMap.singleton(PexTimerKey.CRAWL_PEERS, now));
    s = up(up(up(s, 5, Direction.INBOUND, T0), 6, Direction.OUTBOUND, T0), 7, Direction.INBOUND, T0.plusMillis(1));
    PeerView v = view(pc, AddressBook.empty(PexFixtures.KEY));
    Step<PexState, PexEffect> out = step(SEED_CFG, s, v, now, new TimerFired());
    PexState expected = s.withDisconnecting(TreePSet.singleton(id(5)))
        .withTimers(TreePMap.singleton(PexTimerKey.CRAWL_PEERS, plus(now, SEED_CFG.crawlPeriod())));
    assertThat(out).isEqualTo(Step.accepted(expected,
        List.of(new DisconnectPeer(id(5), PexDisconnectReason.SEED_CONNECTION_AGED))));
  }

  @Test
  void seedMode_crawlRound_dialsAsManyAsSlotsAllow_skippingRecentlyCrawled() {
    PeerConfig pc = PEER_CFG.withLimits(40, 3, 43, 0, 0, 1, 2, 43);
    MonoTime now = T0.plusMillis(60_000);
    PexState s = initial().withStarted(true).withTimers(TreePMap.singleton(PexTimerKey.CRAWL_PEERS, now));
    TreePMap<dev.cairn.core.NodeId, MonoTime> recent = TreePMap.empty();
    for (int n = 1; n < 41; n++) {
      if (n != 3 && n != 17) {
        recent = recent.plus(id(n), now.plusMillis(-60_000)); // crawled a minute ago
      }
    }
    s = s.withCrawled(recent);
    Step<PexState, PexEffect> out = step(SEED_CFG, s, view(pc, SMALL_BOOK), now, new TimerFired());
    assertThat(out.effects()).containsExactlyInAnyOrder(new RequestDial(addr(3)), new RequestDial(addr(17)));
    assertThat(out.state().crawled()).containsEntry(id(3), now).containsEntry(id(17), now).hasSize(40);
  }

  @Test
  void seedMode_crawlRecords_areBoundedDroppingTheOldest() {
    PexConfig cfg = SEED_CFG.withMaxCrawled(2);
    MonoTime now = T0.plusMillis(600_000);
    PexState s = initial().withCrawled(TreePMap.<dev.cairn.core.NodeId, MonoTime>empty()
        .plus(id(900), T0.plusMillis(2)).plus(id(901), T0.plusMillis(1)));
    Step<PexState, PexEffect> out = step(cfg, s, VIEW, now, new PeerUp(id(5), Direction.OUTBOUND, addr(5)));
    assertThat(out.state().crawled()).containsOnlyKeys(id(900), id(5));
  }

  @Test
  void seedMode_started_emptyBook_dialsASeed() {
    PexConfig cfg = SEED_CFG.withSeeds(TreePSet.singleton(addr(500)));
    PexState s = initial();
    Step<PexState, PexEffect> out = step(cfg, s, view(PEER_CFG, AddressBook.empty(PexFixtures.KEY)), T0, new Started());
    assertThat(out.effects()).containsExactly(new RequestDial(addr(500)));
    assertThat(out.state().timers()).containsExactly(java.util.Map.entry(PexTimerKey.CRAWL_PEERS, plus(T0, cfg.crawlPeriod())));
  }

  @Test
  void seedMode_crawlRound_skipsAPeerInItsRetryDelay() {
    // TestPEXReactorDialPeer: a redial inside the backoff is skipped. The attempt count and the
    // backoff are the PeerManager's (its RetryDial timer); a crawl dials only what it would dial
    MonoTime now = T0.plusMillis(60_000);
    PexState s = initial().withStarted(true).withTimers(TreePMap.singleton(PexTimerKey.CRAWL_PEERS, now));
    PeerView free = view(PEER_CFG, book(bookConfig(), 3, 4));
    PeerState ps = free.state();
    PeerState backingOff = new PeerState(ps.book(), ps.dialing(), ps.connected(), ps.ready(), ps.evicting(),
        ps.upgrading(), ps.scores(), ps.persistentDialFailures(),
        ps.timers().arm(new TimerKey.RetryDial(id(3)), now.plusMillis(5_000)), ps.prng(), ps.started(),
        ps.bannedIds());
    Step<PexState, PexEffect> waiting = step(SEED_CFG, s, new PeerView(PEER_CFG, backingOff), now, new TimerFired());
    assertThat(waiting.effects()).doesNotContain(new RequestDial(addr(3)));
    assertThat(waiting.state().crawled()).doesNotContainKey(id(3));
    Step<PexState, PexEffect> after = step(SEED_CFG, s, free, now, new TimerFired());
    assertThat(after.effects()).contains(new RequestDial(addr(3)));
    assertThat(after.state().crawled()).containsEntry(id(3), now);
  }

  @Test
  void seedMode_crawlRound_neverDialsABannedPeer() {
    // TestPEXReactorDialsPeerUpToMaxAttemptsInSeedMode, deliberately different: v0.34 removes an
    // address from the book after 16 failed crawl dials; here the PeerManager holds it back for
    // unreachableRetryTime after maxDialAttempts failures (a RetryDial timer, which the crawl
    // respects: see the retry-delay test above), and a peer banned for misbehaviour is left alone
    // by the crawl while it is banned
    AddressBook b = book(bookConfig(), 3, 5).ban(bookConfig(), id(3), new WallTime(WALL.epochMillis() + 3_600_000));
    MonoTime now = T0.plusMillis(60_000);
    PexState s = initial().withStarted(true).withTimers(TreePMap.singleton(PexTimerKey.CRAWL_PEERS, now));
    Step<PexState, PexEffect> out = step(SEED_CFG, s, view(PEER_CFG, b), now, new TimerFired());
    assertThat(out.effects()).contains(new RequestDial(addr(4))).doesNotContain(new RequestDial(addr(3)));
    assertThat(out.state().crawled()).doesNotContainKey(id(3));
  }

  @Test
  void config_seedListedTwiceOrOurOwnId_isRejected() {
    // TestCheckSeeds: v0.34 refuses seeds it cannot parse at start; the shell parses addresses
    // here, and the configs refuse a seed listed twice or a seed that is ourselves
    assertThatThrownBy(() -> CFG.withSeeds(TreePSet.from(List.of(addr(5), new NodeAddress(id(5), "1.2.3.4", 26656)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seeds lists");
    assertThatThrownBy(() -> new CoreConfig(PEER_CFG, CFG.withSeeds(TreePSet.singleton(new NodeAddress(SELF, "1.2.3.4", 26656)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("our own ID");
  }

  // ---------------------------------------------------------------- config

  @Test
  void config_rejectsBadValuesNamingTheKeyAndTheRule() {
    assertThatThrownBy(() -> new PexConfig(false, TreePSet.empty(), Duration.ZERO, Duration.ofSeconds(10), 2, 250,
        Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofHours(24), 10,
        Duration.ofHours(28), 30, 10))
        .hasMessage("invalid pex config: ensurePeersPeriod = PT0S must be positive");
    assertThatThrownBy(() -> new PexConfig(false, TreePSet.empty(), Duration.ofSeconds(30), Duration.ofSeconds(10), 2,
        251, Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofHours(24), 10,
        Duration.ofHours(28), 30, 10))
        .hasMessage("invalid pex config: maxAddressesPerMessage (maxGetSelection) = 251 must be in 1..250");
    assertThatThrownBy(() -> new PexConfig(false, TreePSet.empty(), Duration.ofSeconds(30), Duration.ofSeconds(10), 2,
        250, Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(1), 10,
        Duration.ofHours(28), 30, 10))
        .hasMessageContaining("crawlRecordRetention = PT1M must be at least minTimeBetweenCrawls = PT2M");
    assertThatThrownBy(() -> CFG.withSeeds(TreePSet.from(List.of(addr(5), new NodeAddress(id(5), "3.3.3.3", 1)))))
        .hasMessageContaining("seeds lists " + id(5) + " twice");
    assertThatThrownBy(() -> CFG.withMaxPeers(0)).hasMessage("invalid pex config: maxPeers = 0 must be in 1..1048576");
  }
}
