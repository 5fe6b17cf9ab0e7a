package dev.cairn.core;

import static dev.cairn.core.CoreChecks.checkedStep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.book.BookKey;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.DisconnectReason;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerManager;
import dev.cairn.core.peer.PeerStatus;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.core.pex.PexDisconnectReason;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.core.pex.PexPeer;
import dev.cairn.core.pex.PexTimerKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePSet;

/**
 * The composition: one shell event is one step of both machines, hand-offs applied inside it, in
 * a defined order. Each test checks every invariant of both machines after every sub-step.
 */
class CoreTest {

  static final NodeId SELF = id(0);
  static final BookKey KEY = BookKey.of("0123456789abcdef01234567");
  static final WallTime WALL = new WallTime(1_700_000_000_000L);
  static final MonoTime T0 = MonoTime.ofMillis(1_000);
  static final PeerConfig PEER = PeerConfig.defaults(BookConfig.defaults(SELF));
  static final CoreConfig CFG = CoreConfig.defaults(PEER);

  static NodeId id(int n) {
    return NodeId.of(String.format("%040x", n));
  }

  static NodeAddress addr(int n) {
    return new NodeAddress(id(n), (1 + n / 200) + "." + (n % 200) + ".0.1", 26656);
  }

  static NodeAddress remote(int n) {
    return new NodeAddress(id(n), (1 + n / 200) + "." + (n % 200) + ".0.1", 40000 + n);
  }

  static List<NodeAddress> addrs(int from, int to) {
    List<NodeAddress> out = new ArrayList<>();
    for (int n = from; n < to; n++) {
      out.add(addr(n));
    }
    return out;
  }

  static CoreState fresh() {
    return CoreState.initial(AddressBook.empty(KEY), 42);
  }

  static Step<CoreState, CoreEffect> step(CoreConfig cfg, CoreState s, MonoTime now, CoreEvent e) {
    return checkedStep(cfg, s, now, WALL, e).step();
  }

  static CoreEvent peer(PeerEvent e) {
    return new CoreEvent.Peer(e);
  }

  static CoreEvent pex(PexEvent.FromPeer e) {
    return new CoreEvent.PexMessage(e);
  }

  /** A started node with peer {@code n} connected inbound and ready. */
  static CoreState withReadyInbound(CoreConfig cfg, int n) {
    CoreState s = step(cfg, fresh(), T0, peer(new PeerEvent.Started())).state();
    s = step(cfg, s, T0, peer(new PeerEvent.InboundAccepted(remote(n)))).state();
    return step(cfg, s, T0, new CoreEvent.PeerReady(id(n), addr(n))).state();
  }

  @Test
  void started_startsBothMachines_peerManagerFirst() {
    Step<CoreState, CoreEffect> out = step(CFG, fresh(), T0, peer(new PeerEvent.Started()));
    assertThat(out.state().peer().started()).isTrue();
    assertThat(out.state().pex().started()).isTrue();
    assertThat(out.state().pex().timers()).containsOnlyKeys(PexTimerKey.ENSURE_PEERS);
    assertThat(out.effects()).isEmpty(); // nothing to dial, no seeds
    assertThat(Core.nextDeadline(out.state())).contains(T0.plusMillis(30_000));
  }

  /** The seeds are one key for both machines: PEX's seeds are the PeerManager's seed IDs; others are refused. */
  @Test
  void theSeedsOfPexAreThePeerManagersSeedIds() {
    CoreConfig cfg = new CoreConfig(PEER, PexConfig.defaults().withSeeds(TreePSet.from(List.of(addr(500), addr(501)))));
    assertThat(cfg.peer().seedIds()).containsExactly(id(500), id(501));
    assertThat(CFG.peer().seedIds()).isEmpty();
    assertThatThrownBy(() -> new CoreConfig(PEER.withSeedIds(TreePSet.singleton(id(7))), PexConfig.defaults()
        .withSeeds(TreePSet.singleton(addr(500))))).hasMessageContaining("peer.seedIds")
        .hasMessageContaining("pex.seeds (seeds)");
  }

  @Test
  void usesSeedsIfNeeded_fromStartToDialingWhatTheSeedTold() {
    // TestPEXReactorUsesSeedsIfNeeded, composed: seed dialed, asked, its addresses dialed
    CoreConfig cfg = new CoreConfig(PEER, PexConfig.defaults().withSeeds(TreePSet.singleton(addr(500))));
    Step<CoreState, CoreEffect> out = step(cfg, fresh(), T0, peer(new PeerEvent.Started()));
    assertThat(out.effects()).containsExactly(new CoreEffect.Peer(new PeerEffect.Dial(addr(500))));

    out = step(cfg, out.state(), T0.plusMillis(50), peer(new PeerEvent.DialSucceeded(addr(500))));
    assertThat(out.state().peer().connected()).containsEntry(id(500), new Connection(Direction.OUTBOUND, addr(500)));

    out = step(cfg, out.state(), T0.plusMillis(60), new CoreEvent.PeerReady(id(500), addr(500)));
    assertThat(out.effects()).containsExactly(
        new CoreEffect.Peer(new PeerEffect.PublishPeerUpdate(id(500), PeerStatus.UP)),
        new CoreEffect.Pex(new PexEffect.SendPexRequest(id(500))));

    out = step(cfg, out.state(), T0.plusMillis(90), pex(new PexEvent.PexAddrsReceived(id(500), addrs(1, 31))));
    CoreState s = out.state();
    assertThat(s.peer().book().size()).isEqualTo(30);
    assertThat(s.pex().requestsSent()).isEmpty();
    List<CoreEffect> dials = out.effects().stream()
        .filter(f -> f instanceof CoreEffect.Peer p && p.effect() instanceof PeerEffect.Dial).toList();
    assertThat(dials).hasSize(PEER.maxOutbound() - 1); // the seed holds one outbound slot until it is gone
    // the seed answered: it is let go (its slot goes to what it told us), then its addresses are dialed
    assertThat(out.effects().get(0)).isEqualTo(
        new CoreEffect.Pex(new PexEffect.DisconnectPeer(id(500), PexDisconnectReason.SEED_ANSWERED)));
    assertThat(out.effects().get(1)).isInstanceOfSatisfying(CoreEffect.Peer.class,
        p -> assertThat(p.effect()).isInstanceOf(PeerEffect.Dial.class));
    assertThat(out.effects().get(out.effects().size() - 1)).isEqualTo(
        new CoreEffect.Peer(new PeerEffect.PersistBook(s.peer().book())));
  }

  @Test
  void inboundPeerReady_learnsItsListenAddressInTheSameStep() {
    CoreState s = step(CFG, fresh(), T0, peer(new PeerEvent.Started())).state();
    s = step(CFG, s, T0, peer(new PeerEvent.InboundAccepted(remote(7)))).state();
    Step<CoreState, CoreEffect> out = step(CFG, s, T0, new CoreEvent.PeerReady(id(7), addr(7)));
    assertThat(out.state().pex().peers()).containsEntry(id(7), new PexPeer(Direction.INBOUND, addr(7), T0));
    assertThat(out.state().peer().idleInbound()).as("the rule is off by default").isEmpty();
    assertThat(out.state().peer().book().contains(id(7))).isTrue();
    assertThat(out.effects()).containsExactly(
        new CoreEffect.Peer(new PeerEffect.PublishPeerUpdate(id(7), PeerStatus.UP)),
        new CoreEffect.Peer(new PeerEffect.PersistBook(out.state().peer().book())));
  }

  /** {@link #CFG} with the inbound eviction of idle peers on. */
  static final CoreConfig IDLE = new CoreConfig(PEER.withIdleInboundEviction(true), PexConfig.defaults());

  @Test
  void inboundPeerReady_learnsItsListenAddressOnlyWithItsFirstAcceptedMessage() {
    CoreState s = step(IDLE, fresh(), T0, peer(new PeerEvent.Started())).state();
    s = step(IDLE, s, T0, peer(new PeerEvent.InboundAccepted(remote(7)))).state();
    Step<CoreState, CoreEffect> out = step(IDLE, s, T0, new CoreEvent.PeerReady(id(7), addr(7)));
    assertThat(out.state().pex().peers()).containsEntry(id(7), new PexPeer(Direction.INBOUND, addr(7), T0));
    assertThat(out.state().peer().idleInbound()).containsOnlyKeys(id(7));
    assertThat(out.state().peer().book().contains(id(7))).as("an idle peer's address waits").isFalse();
    assertThat(out.effects()).containsExactly(
        new CoreEffect.Peer(new PeerEffect.PublishPeerUpdate(id(7), PeerStatus.UP)));

    // its request is accepted: PEX reports it good (no longer idle) and learns its address, in one step
    out = step(IDLE, out.state(), T0.plusMillis(1), pex(new PexEvent.PexRequestReceived(id(7))));
    assertThat(out.state().peer().idleInbound()).isEmpty();
    assertThat(out.state().peer().scores()).as("the report that ends idleness moves no score")
        .doesNotContainKey(id(7));
    assertThat(out.state().peer().book().contains(id(7))).isTrue();

    // a second request reports nothing more
    Step<CoreState, CoreEffect> again = step(IDLE, out.state(), T0.plusMillis(2),
        pex(new PexEvent.PexRequestReceived(id(7))));
    assertThat(again.state().peer()).isEqualTo(out.state().peer());
  }

  @Test
  void aPersistentInboundPeer_isNeverIdle_andItsAddressIsLearnedAtOnce() {
    CoreConfig cfg = new CoreConfig(PEER.withPersistentPeers(TreePSet.singleton(addr(7))).withIdleInboundEviction(true),
        PexConfig.defaults());
    CoreState s = withReadyInbound(cfg, 7);
    assertThat(s.peer().idleInbound()).isEmpty();
    assertThat(s.peer().book().contains(id(7))).isTrue();
  }

  @Test
  void requestAbuse_bansThroughThePeerManagerInTheSameStep() {
    CoreState s = withReadyInbound(CFG, 7);
    s = step(CFG, s, T0.plusMillis(1), pex(new PexEvent.PexRequestReceived(id(7)))).state();
    s = step(CFG, s, T0.plusMillis(2), pex(new PexEvent.PexRequestReceived(id(7)))).state();
    Step<CoreState, CoreEffect> out = step(CFG, s, T0.plusMillis(3), pex(new PexEvent.PexRequestReceived(id(7))));
    CoreState after = out.state();
    assertThat(after.peer().book().isBanned(id(7), WALL)).isTrue();
    assertThat(after.peer().evicting()).containsEntry(id(7), DisconnectReason.BANNED);
    assertThat(after.pex().disconnecting()).containsExactly(id(7));
    assertThat(out.effects()).containsExactly(
        new CoreEffect.Peer(new PeerEffect.Disconnect(id(7), remote(7), DisconnectReason.BANNED)),
        new CoreEffect.Peer(new PeerEffect.PersistBook(after.peer().book())));

    // what it still sends before the socket closes is ignored; its disconnect reaches PEX as PeerDown
    out = step(CFG, after, T0.plusMillis(4), pex(new PexEvent.PexRequestReceived(id(7))));
    assertThat(out).isEqualTo(Step.accepted(after, List.of()));
    out = step(CFG, after, T0.plusMillis(5), peer(new PeerEvent.PeerDisconnected(remote(7))));
    assertThat(out.state().pex().peers()).isEmpty();
    assertThat(out.state().pex().disconnecting()).isEmpty();
    assertThat(out.effects()).contains(new CoreEffect.Peer(new PeerEffect.PublishPeerUpdate(id(7), PeerStatus.DOWN)));
  }

  @Test
  void abuseByAPersistentPeer_disconnectsButDoesNotBan() {
    CoreConfig cfg = new CoreConfig(PEER.withPersistentPeers(TreePSet.singleton(addr(7))), PexConfig.defaults());
    CoreState s = withReadyInbound(cfg, 7);
    Step<CoreState, CoreEffect> out = step(cfg, s, T0.plusMillis(1),
        pex(new PexEvent.PexMessageMalformed(id(7), "unknown oneof 3")));
    assertThat(out.state().peer().book().isBanned(id(7), WALL)).isFalse();
    assertThat(out.effects()).containsExactly(
        new CoreEffect.Peer(new PeerEffect.Disconnect(id(7), remote(7), DisconnectReason.BANNED)));
  }

  @Test
  void unsolicitedAddrs_areNotStoredAndBan() {
    CoreState s = withReadyInbound(CFG, 7);
    Step<CoreState, CoreEffect> out = step(CFG, s, T0.plusMillis(1),
        pex(new PexEvent.PexAddrsReceived(id(7), addrs(100, 110))));
    assertThat(out.state().peer().book().contains(id(100))).isFalse();
    assertThat(PeerManager.isBanned(out.state().peer(), id(7), WALL)).isTrue();
  }

  @Test
  void timerFired_firesBothMachinesDueTimers() {
    CoreState s = step(CFG, fresh(), T0, peer(new PeerEvent.Started())).state();
    MonoTime due = T0.plusMillis(30_000); // PeerManager maintenance and PEX round both at +30 s
    Core.Traced t = Core.traced(CFG, s, due, WALL, new CoreEvent.TimerFired());
    CoreChecks.check(CFG, s, t);
    assertThat(t.subSteps()).hasSize(2);
    assertThat(t.subSteps().get(0)).isInstanceOf(Core.SubStep.PeerManagerStep.class);
    assertThat(t.subSteps().get(1)).isInstanceOf(Core.SubStep.PexStep.class);
    assertThat(Core.nextDeadline(t.step().state())).contains(due.plusMillis(30_000));
  }

  @Test
  void timerFired_nothingDue_isRejectedAndChangesNothing() {
    CoreState s = step(CFG, fresh(), T0, peer(new PeerEvent.Started())).state();
    Step<CoreState, CoreEffect> out = step(CFG, s, T0.plusMillis(1), new CoreEvent.TimerFired());
    assertThat(out.isAccepted()).isFalse();
    assertThat(out.state()).isSameAs(s);
  }

  @Test
  void pexMessageFromAPeerNotReady_isRejected() {
    CoreState s = step(CFG, fresh(), T0, peer(new PeerEvent.Started())).state();
    Step<CoreState, CoreEffect> out = step(CFG, s, T0, pex(new PexEvent.PexRequestReceived(id(9))));
    assertThat(out.outcome()).isEqualTo(new Outcome.Rejected(id(9) + " is not up"));
  }

  @Test
  void peerManagerRejection_rejectsTheComposedStep() {
    CoreState s = fresh();
    Step<CoreState, CoreEffect> out = step(CFG, s, T0, new CoreEvent.PeerReady(id(9), addr(9)));
    assertThat(out.outcome()).isEqualTo(new Outcome.Rejected(id(9) + " is not connected"));
  }

  @Test
  void shapes_peerReadyAndTimerFiredHaveTheirOwnRecords() {
    assertThatThrownBy(() -> new CoreEvent.Peer(new PeerEvent.PeerReady(id(1))))
        .hasMessageContaining("CoreEvent.PeerReady");
    assertThatThrownBy(() -> new CoreEvent.Peer(new PeerEvent.TimerFired()))
        .hasMessageContaining("CoreEvent.TimerFired");
    assertThatThrownBy(() -> new CoreEvent.PeerReady(id(1), addr(2))).hasMessageContaining("not an address of");
  }

  @Test
  void config_checksTheMachinesAgainstEachOther() {
    assertThatThrownBy(() -> new CoreConfig(PEER, PexConfig.defaults().withMaxPeers(53)))
        .hasMessageStartingWith("invalid core config: pex.maxPeers = 53 must be at least"
            + " peer.maxConnected + peer.maxConnectedUpgrade + the number of peer.unconditionalPeerIds = 54");
    // TestCheckSeeds (the part that is not DNS): our own ID is no seed
    assertThatThrownBy(() -> new CoreConfig(PEER, PexConfig.defaults()
        .withSeeds(TreePSet.singleton(new NodeAddress(SELF, "8.8.8.8", 26656)))))
        .hasMessage("invalid core config: pex.seeds (seeds) lists our own ID " + SELF);
    assertThat(new CoreConfig(PEER, PexConfig.defaults().withMaxPeers(54)).pex().maxPeers()).isEqualTo(54);
  }

  @Test
  void config_seedModeIsOneKey_readFromPexAndCopiedIntoThePeerConfig() {
    assertThat(new CoreConfig(PEER, PexConfig.defaults().withSeedMode(true)).peer().seedMode()).isTrue();
    assertThat(new CoreConfig(PEER, PexConfig.defaults()).peer().seedMode()).isFalse();
    assertThatThrownBy(() -> new CoreConfig(PEER.withSeedMode(true), PexConfig.defaults()))
        .hasMessageStartingWith("invalid core config: peer.seedMode = true but pex.seedMode (seed_mode) = false");
  }

  @Test
  void seedMode_dialsOnlyToCrawl_skippingPeersInCoolDown_andNeverRedialsWhatItCrawled() {
    CoreConfig cfg = new CoreConfig(PEER.withLimits(40, 2, 42, 4, 0, 1, 2, 3), PexConfig.defaults().withSeedMode(true));
    CoreState s = step(cfg, fresh(), T0, peer(new PeerEvent.AddressesLearned(addrs(1, 4), addr(900)))).state();
    // 1 just disconnected: cooling down (2 s), so the crawl leaves it alone
    s = step(cfg, s, T0, peer(new PeerEvent.InboundAccepted(remote(1)))).state();
    s = step(cfg, s, T0, peer(new PeerEvent.PeerDisconnected(remote(1)))).state();
    Step<CoreState, CoreEffect> out = step(cfg, s, T0, peer(new PeerEvent.Started()));
    List<NodeAddress> dialed = dials(out);
    assertThat(dialed).containsExactlyInAnyOrder(addr(2), addr(3)); // two crawls, the outbound limit
    assertThat(out.state().pex().crawled()).containsOnlyKeys(id(2), id(3));

    // both answer and are let go; the seed's maintenance does not redial them (v0.34 seeds never
    // run ensure-peers), and cool-downs keep the next crawl rounds off them
    s = out.state();
    MonoTime t = T0.plusMillis(100);
    for (int n = 2; n <= 3; n++) {
      s = step(cfg, s, t, peer(new PeerEvent.DialSucceeded(addr(n)))).state();
      s = step(cfg, s, t, new CoreEvent.PeerReady(id(n), addr(n))).state();
      s = step(cfg, s, t, pex(new PexEvent.PexAddrsReceived(id(n), List.of()))).state();
      out = step(cfg, s, t, peer(new PeerEvent.PeerDisconnected(addr(n))));
      assertThat(dials(out)).isEmpty();
      s = out.state();
    }
    for (int i = 0; i < 6; i++) { // every expiry (cool-downs, crawl rounds, maintenance) up to 3 minutes
      t = Core.nextDeadline(s).orElseThrow();
      out = step(cfg, s, t, new CoreEvent.TimerFired());
      // the only dial is a crawl of 1 once its cool-down is over; 2 and 3 were crawled < 2 min ago
      assertThat(dials(out)).isSubsetOf(addr(1));
      s = out.state();
    }
  }

  static List<NodeAddress> dials(Step<CoreState, CoreEffect> out) {
    return out.effects().stream()
        .flatMap(f -> f instanceof CoreEffect.Peer p && p.effect() instanceof PeerEffect.Dial d
            ? java.util.stream.Stream.of(d.address()) : java.util.stream.Stream.empty())
        .toList();
  }

  /**
   * The stall of a 4-node local network (1 seed, 3 nodes, max outbound 1), scripted: the node
   * dials the seed, which answers with the two other nodes; one of them connects to us inbound.
   * The seed held our only outbound slot for as long as it kept the connection, so the other
   * node was never dialed (maintenance's book budget was 0) and the node kept relying on the seed.
   * Now the seed is let go once it answered, and the slot goes to the address it told us about.
   */
  @Test
  void oneOutboundSlot_theSeedIsLetGoOnceItAnswered_andTheOtherAddressIsDialed() {
    NodeAddress seed = addr(500);
    NodeAddress a = addr(1);
    NodeAddress b = addr(2);
    CoreConfig cfg = new CoreConfig(PEER.withLimits(16, 1, 17, 4, 3, 5, 13, 15),
        PexConfig.defaults().withSeeds(TreePSet.singleton(seed)));
    Step<CoreState, CoreEffect> out = step(cfg, fresh(), T0, peer(new PeerEvent.Started()));
    assertThat(dials(out)).containsExactly(seed);
    CoreState s = step(cfg, out.state(), T0.plusMillis(10), peer(new PeerEvent.DialSucceeded(seed))).state();
    s = step(cfg, s, T0.plusMillis(20), new CoreEvent.PeerReady(seed.id(), seed)).state();
    out = step(cfg, s, T0.plusMillis(30), pex(new PexEvent.PexAddrsReceived(seed.id(), List.of(a, b))));
    assertThat(out.effects()).contains(
        new CoreEffect.Pex(new PexEffect.DisconnectPeer(seed.id(), PexDisconnectReason.SEED_ANSWERED)));
    assertThat(dials(out)).as("the seed still holds the slot until it is gone").isEmpty();
    s = out.state();

    // the shell closes the seed's connection; the one inbound peer arrives about then
    List<NodeAddress> dialed = new ArrayList<>();
    out = step(cfg, s, T0.plusMillis(35), peer(new PeerEvent.PeerDisconnected(seed)));
    dialed.addAll(dials(out));
    s = out.state();
    out = step(cfg, s, T0.plusMillis(40), peer(new PeerEvent.InboundAccepted(remote(1))));
    dialed.addAll(dials(out));
    s = step(cfg, out.state(), T0.plusMillis(45), new CoreEvent.PeerReady(a.id(), a)).state();
    for (int i = 0; i < 5 && !dialed.contains(b); i++) {
      MonoTime t = Core.nextDeadline(s).orElseThrow();
      out = step(cfg, s, t, new CoreEvent.TimerFired());
      dialed.addAll(dials(out));
      s = out.state();
    }
    // A is connected (inbound) and so not dialed; B gets the slot, and the seed is not redialed
    assertThat(dialed).contains(b).doesNotContain(seed);
    assertThat(s.peer().connected().get(a.id()).direction()).isEqualTo(Direction.INBOUND);
  }

  @Test
  void aSeedThatIsAlsoPersistent_isKeptAfterItAnswered() {
    NodeAddress seed = addr(500);
    CoreConfig cfg = new CoreConfig(PEER.withPersistentPeers(TreePSet.singleton(seed)),
        PexConfig.defaults().withSeeds(TreePSet.singleton(seed)));
    CoreState s = step(cfg, fresh(), T0, peer(new PeerEvent.Started())).state();
    s = step(cfg, s, T0, peer(new PeerEvent.DialSucceeded(seed))).state();
    s = step(cfg, s, T0, new CoreEvent.PeerReady(seed.id(), seed)).state();
    Step<CoreState, CoreEffect> out = step(cfg, s, T0, pex(new PexEvent.PexAddrsReceived(seed.id(), addrs(1, 3))));
    assertThat(out.isAccepted()).as("the seed's answer is taken: %s", out.outcome()).isTrue();
    assertThat(out.effects()).noneMatch(f -> f instanceof CoreEffect.Pex p && p.effect() instanceof PexEffect.DisconnectPeer);
    assertThat(out.state().peer().book().contains(addrs(1, 3).get(0).id())).as("its addresses were learned").isTrue();
    assertThat(out.state().peer().connected()).containsKey(seed.id());
  }

  @Test
  void sameSeedAndEvents_giveEqualSteps() {
    CoreConfig cfg = new CoreConfig(PEER, PexConfig.defaults().withSeeds(TreePSet.singleton(addr(500))));
    assertThat(withReadyInbound(cfg, 7)).isEqualTo(withReadyInbound(cfg, 7));
  }
}
