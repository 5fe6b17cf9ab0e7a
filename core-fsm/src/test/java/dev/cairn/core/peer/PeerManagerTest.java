package dev.cairn.core.peer;

import static dev.cairn.core.peer.Fixtures.NOW;
import static dev.cairn.core.peer.Fixtures.SELF;
import static dev.cairn.core.peer.Fixtures.SOURCE;
import static dev.cairn.core.peer.Fixtures.WALL;
import static dev.cairn.core.peer.Fixtures.addr;
import static dev.cairn.core.peer.Fixtures.bookConfig;
import static dev.cairn.core.peer.Fixtures.bookWith;
import static dev.cairn.core.peer.Fixtures.connect;
import static dev.cairn.core.peer.Fixtures.dialing;
import static dev.cairn.core.peer.Fixtures.emptyBook;
import static dev.cairn.core.peer.Fixtures.id;
import static dev.cairn.core.peer.Fixtures.idle;
import static dev.cairn.core.peer.Fixtures.persistent;
import static dev.cairn.core.peer.Fixtures.remote;
import static dev.cairn.core.peer.Fixtures.score;
import static dev.cairn.core.peer.Fixtures.small;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import dev.cairn.core.Outcome;
import dev.cairn.core.Prng;
import dev.cairn.core.Step;
import dev.cairn.core.book.AddResult;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.peer.PeerEffect.Dial;
import dev.cairn.core.peer.PeerEffect.Disconnect;
import dev.cairn.core.peer.PeerEffect.PersistBook;
import dev.cairn.core.peer.PeerEffect.PublishPeerUpdate;
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
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * One example per transition, each asserting the whole {@link Step}. Most start from a state
 * that has not {@link Started}, so that maintenance (dialing, trimming) stays out of the way and
 * the step shows its event's own consequence; the maintenance tests start the manager. Where a
 * case ports a test of Tendermint v0.35's {@code peermanager_test.go} its name is cited.
 */
class PeerManagerTest {

  private static final PeerConfig CFG = small();

  static Step<PeerState, PeerEffect> step(PeerConfig cfg, PeerState s, PeerEvent e) {
    return step(cfg, s, NOW, e);
  }

  static Step<PeerState, PeerEffect> step(PeerConfig cfg, PeerState s, MonoTime now, PeerEvent e) {
    Step<PeerState, PeerEffect> out = PeerManager.step(cfg, s, now, WALL, e);
    PeerInvariants.check(cfg, out.state());
    if (!out.isAccepted()) {
      assertThat(out.state()).isSameAs(s);
      assertThat(out.effects()).isEmpty();
    }
    return out;
  }

  static Step<PeerState, PeerEffect> accepted(PeerState s, PeerEffect... effects) {
    return Step.accepted(s, List.of(effects));
  }

  static void assertRejected(Step<PeerState, PeerEffect> out, String reasonPart) {
    assertThat(out.outcome()).isInstanceOfSatisfying(Outcome.Rejected.class,
        r -> assertThat(r.reason()).contains(reasonPart));
  }

  static MonoTime after(Duration d) {
    return NOW.plusNanos(d.toNanos());
  }

  // ---------------------------------------------------------------- Started

  @Test
  void started_armsMaintenanceTimer_andDialsPersistentPeers() {
    PeerConfig cfg = persistent(CFG, 5);
    PeerState s = idle(emptyBook());
    var out = step(cfg, s, new Started());
    PeerState expected = s.withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(cfg.maintenanceInterval())))
        .withDialing(s.dialing().plus(id(5), addr(5)));
    assertThat(out).isEqualTo(accepted(expected, new Dial(addr(5))));
  }

  /**
   * A configured seed in the book is never picked as an outbound peer: PEX dials seeds for
   * addresses, and disconnects them once they answered, so a node short of peers would dial its
   * seed again at every cool-down. Another address of the book is picked as before.
   */
  @Test
  void started_neverPicksAConfiguredSeedFromTheBook() {
    PeerState s = idle(bookWith(CFG, 1));
    assertThat(step(CFG, s, new Started()).effects()).as("not a seed: picked").contains(new Dial(addr(1)));
    PeerConfig seeds = CFG.withSeedIds(TreePSet.singleton(id(1)));
    assertThat(seeds.isSeed(id(1))).isTrue();
    assertThat(step(seeds, s, new Started()).effects()).noneMatch(e -> e instanceof Dial);
    PeerState two = idle(bookWith(CFG, 1, 2));
    assertThat(step(seeds, two, new Started()).effects()).filteredOn(e -> e instanceof Dial)
        .containsExactly(new Dial(addr(2)));
    // the seed is dialed when asked for (PEX's hand-off), as any address
    var asked = step(seeds, step(seeds, s, new Started()).state(), new DialRequested(addr(1)));
    assertThat(asked.effects()).contains(new Dial(addr(1)));
  }

  @Test
  void started_twice_isRejected() {
    PeerState s = idle(emptyBook()).withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, NOW));
    assertRejected(step(CFG, s, new Started()), "already started");
  }

  // ---------------------------------------------------------------- AddressesLearned

  @Test
  void addressesLearned_storesInBook_andPersists() {
    PeerState s = idle(emptyBook());
    var out = step(CFG, s, new AddressesLearned(List.of(addr(1), addr(2)), SOURCE));
    AddResult r1 = emptyBook().add(CFG.book(), addr(1), SOURCE, WALL, s.prng());
    AddResult r2 = r1.book().add(CFG.book(), addr(2), SOURCE, WALL, r1.prng());
    PeerState expected = s.withBook(r2.book()).withPrng(r2.prng());
    assertThat(out).isEqualTo(accepted(expected, new PersistBook(r2.book())));
    assertThat(out.state().book().contains(id(1))).isTrue();
  }

  @Test
  void addressesLearned_fromPrivatePeer_storesNothing() {
    BookConfig book = Fixtures.bookConfig().withPrivateIds(TreePSet.singleton(SOURCE.id()));
    PeerConfig cfg = CFG.withBook(book);
    PeerState s = idle(emptyBook());
    var out = step(cfg, s, new AddressesLearned(List.of(addr(1)), SOURCE));
    assertThat(out).isEqualTo(accepted(s));
  }

  @Test
  void addressesLearned_moreThanTheCap_isRejected() {
    List<NodeAddress> many = Collections.nCopies(PeerManager.MAX_ADDRESSES_PER_EVENT + 1, addr(1));
    assertRejected(step(CFG, idle(emptyBook()), new AddressesLearned(many, SOURCE)), "251 addresses");
  }

  @Test
  void addressesLearned_whenStarted_dialsUpToTheOutboundLimit() {
    PeerState s = idle(emptyBook()).withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(Duration.ofSeconds(30))));
    var out = step(CFG, s, new AddressesLearned(List.of(addr(1), addr(2), addr(3)), SOURCE));
    // maxOutbound = 2: two of the three are dialed, no more
    assertThat(out.state().dialing()).hasSize(2);
    assertThat(out.effects()).hasSize(3);
    assertThat(out.effects().subList(0, 2)).allMatch(e -> e instanceof Dial);
    assertThat(out.effects().get(2)).isEqualTo(new PersistBook(out.state().book()));
    for (PeerEffect e : out.effects().subList(0, 2)) {
      NodeAddress a = ((Dial) e).address();
      assertThat(out.state().dialing()).containsEntry(a.id(), a);
    }
  }

  // ---------------------------------------------------------------- DialRequested

  @Test
  void dialRequested_dialsTheAddress() {
    PeerState s = idle(emptyBook());
    var out = step(CFG, s, new DialRequested(addr(4)));
    assertThat(out).isEqualTo(accepted(dialing(s, 4), new Dial(addr(4))));
  }

  @Test
  void dialRequested_ofSelf_connected_banned_orFull_isRejected() {
    PeerState s = connect(idle(emptyBook()), 1, Direction.OUTBOUND);
    assertRejected(step(CFG, s, new DialRequested(new NodeAddress(SELF, "3.3.3.3", 1))), "ourselves");
    assertRejected(step(CFG, s, new DialRequested(addr(1))), "already connected");
    PeerState banned = s.withBook(bookWith(CFG, 2).ban(CFG.book(), id(2), WALL.plusMillis(1000)));
    assertRejected(step(CFG, banned, new DialRequested(addr(2))), "banned");
    PeerState full = dialing(s, 3);
    assertRejected(step(CFG, full, new DialRequested(addr(4))), "no outbound slot");
  }

  /**
   * An upgrade dial keeps dialing when its reservation is dropped (the victim's score rose), so a
   * second upgrade over the same victim found a free reservation and dialed too: two dials in
   * flight with one outbound slot and no upgrade slot, past {@code DialingWithinLimit}. TLC found
   * it with three peers ({@code MCPeerManagerTrim}); since core revision 5 the second is refused.
   */
  @Test
  void dialRequested_afterADroppedUpgradeReservation_staysWithinTheDialLimit() {
    PeerConfig cfg = PeerConfig.defaults(bookConfig()).withLimits(2, 1, 3, 0, 0, 1, 1, 2);
    PeerState s = score(connect(idle(emptyBook()), 3, Direction.OUTBOUND), 3, -1);
    var first = step(cfg, s, new DialRequested(addr(1)));
    assertThat(first.isAccepted()).as(first.toString()).isTrue();
    assertThat(first.state().upgrading()).containsEntry(id(3), id(1)); // an upgrade over peer 3
    s = step(cfg, first.state(), new PeerReported(id(3), Feedback.GOOD)).state();
    assertThat(s.upgrading()).as("peer 3 now scores as well as peer 1: no victim").isEmpty();
    assertThat(s.dialing()).containsOnlyKeys(id(1)); // the dial goes on
    s = step(cfg, s, new PeerReported(id(3), Feedback.BAD)).state();
    assertRejected(step(cfg, s, new DialRequested(addr(2))), "no outbound slot");
    assertThat(PeerInvariants.violations(cfg, s)).isEmpty();
  }

  // ---------------------------------------------------------------- DialSucceeded

  @Test
  void dialSucceeded_admitsOutbound_marksTheAddressGood_andPersists() {
    AddressBook book = bookWith(CFG, 1).markAttempt(id(1), WALL);
    PeerState s = dialing(idle(book), 1);
    var out = step(CFG, s, new DialSucceeded(addr(1)));
    AddressBook good = book.markGood(CFG.book(), id(1), WALL);
    PeerState expected = connect(idle(good), 1, Direction.OUTBOUND);
    assertThat(out).isEqualTo(accepted(expected, new PersistBook(good)));
    assertThat(out.state().book().get(id(1)).orElseThrow().attempts()).isZero();
  }

  @Test
  void dialSucceeded_ofAPeerNotDialing_isClosed_stateUnchanged() {
    PeerState s = idle(emptyBook());
    var out = step(CFG, s, new DialSucceeded(addr(1)));
    assertThat(out).isEqualTo(accepted(s, new Disconnect(id(1), addr(1), DisconnectReason.NOT_DIALING)));
  }

  @Test
  void dialSucceeded_afterInboundWon_closesTheDuplicate() {
    // TestPeerManager_Accepted: accepting a peer being dialed wins; the later Dialed errors
    PeerState s = dialing(idle(emptyBook()), 1);
    PeerState afterInbound = step(CFG, s, new InboundAccepted(remote(1))).state();
    assertThat(afterInbound.dialing()).isEmpty();
    var out = step(CFG, afterInbound, new DialSucceeded(addr(1)));
    assertThat(out).isEqualTo(
        accepted(afterInbound, new Disconnect(id(1), addr(1), DisconnectReason.DUPLICATE)));
  }

  @Test
  void dialSucceeded_whenFullWithoutVictim_refuses_andCoolsDown() {
    // TestPeerManager_Dialed_MaxConnected: full and no lower-scored peer ⇒ the dial is closed
    AddressBook book = bookWith(CFG, 4);
    PeerState s = connect(connect(connect(idle(book), 1, Direction.INBOUND), 2, Direction.INBOUND),
        3, Direction.OUTBOUND);
    s = dialing(s, 4);
    var out = step(CFG, s, new DialSucceeded(addr(4)));
    PeerState expected = s.withDialing(s.dialing().minus(id(4)))
        .withTimers(s.timers().arm(new TimerKey.DisconnectCooldown(id(4)), after(CFG.disconnectCooldown())));
    assertThat(out).isEqualTo(accepted(expected, new Disconnect(id(4), addr(4), DisconnectReason.FULL)));
  }

  @Test
  void dialSucceeded_upgrade_evictsAnEvenLowerPeerThatConnectedMeanwhile() {
    // TestPeerManager_Dialed_UpgradeEvenLower
    PeerConfig cfg = persistent(CFG, 9);
    PeerState s = connect(connect(connect(idle(emptyBook()), 1, Direction.INBOUND), 2, Direction.INBOUND),
        3, Direction.OUTBOUND);
    s = score(score(score(s, 1, 5), 2, -3), 3, 1);
    s = dialing(s, 9).withUpgrading(s.upgrading().plus(id(1), id(9)));
    var out = step(cfg, s, new DialSucceeded(addr(9)));
    PeerState expected = s.withDialing(s.dialing().minus(id(9)))
        .withUpgrading(s.upgrading().minus(id(1)))
        .withConnected(s.connected().plus(id(9), new Connection(Direction.OUTBOUND, addr(9))))
        .withEvicting(s.evicting().plus(id(2), DisconnectReason.EVICTED_FOR_UPGRADE));
    assertThat(out).isEqualTo(accepted(expected,
        new Disconnect(id(2), remote(2), DisconnectReason.EVICTED_FOR_UPGRADE)));
  }

  @Test
  void dialSucceeded_upgradeAfterTheVictimLeft_evictsNobody() {
    // TestPeerManager_Dialed_UpgradeNoEvict
    PeerConfig cfg = persistent(CFG, 9);
    PeerState s = connect(connect(idle(emptyBook()), 1, Direction.INBOUND), 3, Direction.OUTBOUND);
    s = dialing(s, 9);
    var out = step(cfg, s, new DialSucceeded(addr(9)));
    PeerState expected = s.withDialing(s.dialing().minus(id(9)))
        .withConnected(s.connected().plus(id(9), new Connection(Direction.OUTBOUND, addr(9))));
    assertThat(out).isEqualTo(accepted(expected));
  }

  // ---------------------------------------------------------------- DialFailed

  @Test
  void dialFailed_recordsTheAttempt_andArmsALinearRetryWithJitter() {
    AddressBook book = bookWith(CFG, 1);
    PeerState s = dialing(idle(book), 1);
    var out = step(CFG, s, new DialFailed(addr(1)));
    Prng.Bounded jitter = s.prng().nextBelow(CFG.retryTimeJitter().toNanos());
    AddressBook attempted = book.markAttempt(id(1), WALL);
    MonoTime retryAt = NOW.plusNanos(CFG.minRetryTime().toNanos() + jitter.value());
    PeerState expected = idle(attempted).withPrng(jitter.next())
        .withTimers(Timers.empty().arm(new TimerKey.RetryDial(id(1)), retryAt));
    assertThat(out).isEqualTo(accepted(expected, new PersistBook(attempted)));
  }

  @Test
  void dialFailed_ofAPersistentPeer_countsInState_andIsCappedAtTheirMaximum() {
    PeerConfig cfg = persistent(CFG, 5);
    PeerState s = dialing(idle(emptyBook()), 5);
    s = s.withPersistentDialFailures(s.persistentDialFailures().plus(id(5), 100_000));
    var out = step(cfg, s, new DialFailed(addr(5)));
    Prng.Bounded jitter = s.prng().nextBelow(cfg.retryTimeJitter().toNanos());
    PeerState expected = idle(emptyBook()).withPrng(jitter.next())
        .withPersistentDialFailures(s.persistentDialFailures().plus(id(5), 100_001))
        .withTimers(Timers.empty().arm(new TimerKey.RetryDial(id(5)), after(cfg.maxRetryTimePersistent())));
    assertThat(out).isEqualTo(accepted(expected));
  }

  @Test
  void dialFailed_atMaxDialAttempts_givesUpDialingForUnreachableRetryTimeWithoutBanning() {
    // v0.34 removes the address after 16 failures; a ban here would also refuse the peer's
    // inbound connections (a node back from an outage would be banned by its peers), so the
    // address is only held back by a RetryDial timer unreachableRetryTime ahead
    AddressBook book = bookWith(CFG, 1);
    for (int i = 1; i < CFG.maxDialAttempts(); i++) {
      book = book.markAttempt(id(1), WALL);
    }
    PeerState s = dialing(idle(book), 1);
    var out = step(CFG, s, new DialFailed(addr(1)));
    AddressBook counted = book.markAttempt(id(1), WALL);
    PeerState expected = idle(counted)
        .withTimers(idle(counted).timers().arm(new TimerKey.RetryDial(id(1)), after(CFG.unreachableRetryTime())));
    assertThat(out).isEqualTo(accepted(expected, new PersistBook(counted)));
    assertThat(out.state().book().isBanned(id(1), WALL)).isFalse();
    assertThat(out.state().book().lookup().get(id(1)).attempts()).isEqualTo(CFG.maxDialAttempts());

    // its own inbound connection is admitted, which a ban would have refused
    var inbound = step(CFG, out.state(), new InboundAccepted(remote(1)));
    assertThat(inbound.isAccepted()).isTrue();
    assertThat(inbound.state().connected()).containsKey(id(1));
    assertThat(inbound.effects()).noneMatch(e -> e instanceof Disconnect);

    // and one more failure later (after a restart, say) gives up again, still without a ban
    PeerState again = dialing(idle(out.state().book()), 1);
    var twice = step(CFG, again, new DialFailed(addr(1)));
    assertThat(twice.state().timers().deadline(new TimerKey.RetryDial(id(1))))
        .contains(after(CFG.unreachableRetryTime()));
    assertThat(twice.state().book().isBanned(id(1), WALL)).isFalse();
  }

  @Test
  void dialFailed_ofAnAddressNotBeingDialed_isRejected() {
    // TestPeerManager_DialFailed: an unknown peer is ignored and not added
    PeerState s = dialing(idle(emptyBook()), 1);
    assertRejected(step(CFG, s, new DialFailed(addr(2))), "not being dialed");
    assertRejected(step(CFG, s, new DialFailed(new NodeAddress(id(1), "9.9.9.9", 1))), "not being dialed");
  }

  @Test
  void dialFailed_releasesTheUpgradeReservation() {
    // TestPeerManager_DialFailed_UnreservePeer
    PeerConfig cfg = persistent(CFG, 9);
    PeerState s = connect(idle(emptyBook()), 1, Direction.OUTBOUND);
    s = dialing(s, 9).withUpgrading(s.upgrading().plus(id(1), id(9)));
    var out = step(cfg, s, new DialFailed(addr(9)));
    assertThat(out.state().upgrading()).isEmpty();
    assertThat(out.state().dialing()).isEmpty();
  }

  // ---------------------------------------------------------------- InboundAccepted

  @Test
  void inboundAccepted_admitsThePeer_withoutStoringIt() {
    PeerState s = idle(emptyBook());
    var out = step(CFG, s, new InboundAccepted(remote(1)));
    assertThat(out).isEqualTo(accepted(connect(s, 1, Direction.INBOUND)));
    assertThat(out.state().book().contains(id(1))).isFalse();
  }

  @Test
  void inboundAccepted_fromOurselves_aDuplicate_orABannedPeer_isClosed() {
    PeerState s = connect(idle(emptyBook()), 1, Direction.OUTBOUND);
    NodeAddress me = new NodeAddress(SELF, "3.3.3.3", 5);
    assertThat(step(CFG, s, new InboundAccepted(me)))
        .isEqualTo(accepted(s, new Disconnect(SELF, me, DisconnectReason.SELF)));
    assertThat(step(CFG, s, new InboundAccepted(remote(1))))
        .isEqualTo(accepted(s, new Disconnect(id(1), remote(1), DisconnectReason.DUPLICATE)));
    // banned while not in the book (v0.34 could not ban it, and never checked inbound bans)
    PeerState banned = s.withBook(s.book().ban(CFG.book(), remote(2), WALL.plusMillis(60_000)));
    assertThat(step(CFG, banned, new InboundAccepted(remote(2))))
        .isEqualTo(accepted(banned, new Disconnect(id(2), remote(2), DisconnectReason.BANNED)));
  }

  @Test
  void inboundAccepted_afterTheBanExpired_admits_andReinstates() {
    AddressBook book = bookWith(CFG, 2).ban(CFG.book(), id(2), WALL.plusMillis(-1));
    PeerState s = idle(book);
    var out = step(CFG, s, new InboundAccepted(remote(2)));
    AddressBook reinstated = book.reinstateExpiredBans(CFG.book(), WALL);
    assertThat(out).isEqualTo(accepted(connect(idle(reinstated), 2, Direction.INBOUND),
        new PersistBook(reinstated)));
  }

  @Test
  void inboundAccepted_atMaxInbound_withoutALowerPeer_isRefused() {
    // TestPeerManager_Accepted_MaxConnected (per direction: max_num_inbound_peers)
    PeerState s = connect(connect(idle(emptyBook()), 1, Direction.INBOUND), 2, Direction.INBOUND);
    var out = step(CFG, s, new InboundAccepted(remote(3)));
    assertThat(out).isEqualTo(accepted(s, new Disconnect(id(3), remote(3), DisconnectReason.FULL)));
  }

  @Test
  void inboundAccepted_strictlyHigherScore_upgrades_butAnEqualScoreDoesNot() {
    // TestPeerManager_Accepted_Upgrade
    PeerState s = connect(connect(idle(emptyBook()), 1, Direction.INBOUND), 2, Direction.INBOUND);
    s = score(score(s, 1, 0), 2, -1);
    var out = step(CFG, s, new InboundAccepted(remote(3)));
    PeerState expected = connect(s, 3, Direction.INBOUND)
        .withEvicting(s.evicting().plus(id(2), DisconnectReason.EVICTED_FOR_UPGRADE));
    assertThat(out).isEqualTo(accepted(expected,
        new Disconnect(id(2), remote(2), DisconnectReason.EVICTED_FOR_UPGRADE)));
    // peer 4 scores 0 like peer 1: no strictly lower victim left
    var equal = step(CFG, out.state(), new InboundAccepted(remote(4)));
    assertThat(equal).isEqualTo(accepted(out.state(), new Disconnect(id(4), remote(4), DisconnectReason.FULL)));
  }

  @Test
  void inboundAccepted_ofAPeerBeingDialed_wins_andReleasesItsReservation() {
    // TestPeerManager_Accepted_UpgradeDialing (the inbound side)
    PeerConfig cfg = persistent(CFG, 9);
    PeerState s = connect(idle(emptyBook()), 1, Direction.OUTBOUND);
    s = dialing(s, 9).withUpgrading(s.upgrading().plus(id(1), id(9)));
    var out = step(cfg, s, new InboundAccepted(remote(9)));
    PeerState expected = connect(s.withDialing(s.dialing().minus(id(9))).withUpgrading(s.upgrading().minus(id(1))),
        9, Direction.INBOUND);
    assertThat(out).isEqualTo(accepted(expected));
  }

  @Test
  void inboundAccepted_ofAnUnconditionalPeer_bypassesTheLimits() {
    PeerConfig cfg = CFG.withUnconditionalPeerIds(TreePSet.singleton(id(7)));
    PeerState s = connect(connect(idle(emptyBook()), 1, Direction.INBOUND), 2, Direction.INBOUND);
    var out = step(cfg, s, new InboundAccepted(remote(7)));
    assertThat(out).isEqualTo(accepted(connect(s, 7, Direction.INBOUND)));
  }

  // ---------------------------------------------------------------- PeerReady / PeerDisconnected

  @Test
  void peerReady_publishesUp() {
    PeerState s = connect(idle(emptyBook()), 1, Direction.INBOUND);
    var out = step(CFG, s, new PeerReady(id(1)));
    assertThat(out).isEqualTo(accepted(s.withReady(TreePSet.singleton(id(1))),
        new PublishPeerUpdate(id(1), PeerStatus.UP)));
    assertRejected(step(CFG, out.state(), new PeerReady(id(1))), "already ready");
    assertRejected(step(CFG, s, new PeerReady(id(2))), "not connected");
  }

  @Test
  void peerDisconnected_ofAReadyPeer_publishesDown_andCoolsItDown() {
    AddressBook book = bookWith(CFG, 1);
    PeerState s = connect(idle(book), 1, Direction.OUTBOUND).withReady(TreePSet.singleton(id(1)));
    s = score(s, 1, 3);
    var out = step(CFG, s, new PeerDisconnected(addr(1)));
    PeerState expected = idle(book).withScores(s.scores())
        .withTimers(Timers.empty().arm(new TimerKey.DisconnectCooldown(id(1)), after(CFG.disconnectCooldown())));
    assertThat(out).isEqualTo(accepted(expected, new PublishPeerUpdate(id(1), PeerStatus.DOWN)));
  }

  @Test
  void peerDisconnected_ofAnInboundPeerNotInTheBook_forgetsItsScore_withoutCoolDown() {
    PeerState s = score(connect(idle(emptyBook()), 1, Direction.INBOUND), 1, -2);
    var out = step(CFG, s, new PeerDisconnected(remote(1)));
    assertThat(out).isEqualTo(accepted(idle(emptyBook())));
  }

  @Test
  void peerDisconnected_ofAnotherConnection_orAPeerOnlyDialing_isRejected() {
    // Tendermint v0.35 leaves a dialing peer dialing on Disconnected; here it is simply not connected
    PeerState s = dialing(connect(idle(emptyBook()), 1, Direction.INBOUND), 2);
    assertRejected(step(CFG, s, new PeerDisconnected(addr(1))), "no admitted connection");
    assertRejected(step(CFG, s, new PeerDisconnected(addr(2))), "no admitted connection");
  }

  // ---------------------------------------------------------------- PeerErrored / PeerReported / PeerBanned

  @Test
  void peerErrored_evictsOnce() {
    // TestPeerManager_TryEvictNext: evicted once, not again while being evicted
    PeerState s = connect(idle(emptyBook()), 1, Direction.INBOUND);
    var out = step(CFG, s, new PeerErrored(id(1)));
    PeerState evicting = s.withEvicting(s.evicting().plus(id(1), DisconnectReason.ERRORED));
    assertThat(out).isEqualTo(accepted(evicting, new Disconnect(id(1), remote(1), DisconnectReason.ERRORED)));
    assertThat(step(CFG, evicting, new PeerErrored(id(1)))).isEqualTo(accepted(evicting));
    assertRejected(step(CFG, s, new PeerErrored(id(2))), "not connected");
  }

  @Test
  void peerReported_movesTheScoreByOne_andSaturates() {
    // TestPeerScoring
    PeerState s = connect(idle(emptyBook()), 1, Direction.INBOUND);
    var good = step(CFG, s, new PeerReported(id(1), Feedback.GOOD));
    assertThat(good).isEqualTo(accepted(score(s, 1, 1)));
    var capped = step(CFG, score(s, 1, PeerManager.SCORE_MAX), new PeerReported(id(1), Feedback.GOOD));
    assertThat(capped.state().scores()).containsEntry(id(1), PeerManager.SCORE_MAX);
    var floor = step(CFG, score(s, 1, PeerManager.SCORE_MIN), new PeerReported(id(1), Feedback.BAD));
    assertThat(floor.state().scores()).containsEntry(id(1), PeerManager.SCORE_MIN);
    assertRejected(step(CFG, s, new PeerReported(id(2), Feedback.BAD)), "not connected");
  }

  @Test
  void peerBanned_whileConnected_bansInTheBook_andEvicts() {
    AddressBook book = bookWith(CFG, 1);
    PeerState s = connect(idle(book), 1, Direction.OUTBOUND);
    var out = step(CFG, s, new PeerBanned(id(1), Duration.ofHours(24)));
    AddressBook banned = book.ban(CFG.book(), id(1), WALL.plusMillis(Duration.ofHours(24).toMillis()));
    PeerState expected = connect(idle(banned), 1, Direction.OUTBOUND)
        .withEvicting(s.evicting().plus(id(1), DisconnectReason.BANNED));
    assertThat(out).isEqualTo(accepted(expected,
        new Disconnect(id(1), addr(1), DisconnectReason.BANNED), new PersistBook(banned)));
  }

  @Test
  void peerBanned_whileDialing_cancelsTheDial() {
    AddressBook book = bookWith(CFG, 1);
    PeerState s = dialing(idle(book), 1);
    var out = step(CFG, s, new PeerBanned(id(1), Duration.ofMinutes(10)));
    AddressBook banned = book.ban(CFG.book(), id(1), WALL.plusMillis(600_000));
    assertThat(out).isEqualTo(accepted(idle(banned), new PersistBook(banned)));
    // the dial's late success is closed
    assertThat(step(CFG, out.state(), new DialSucceeded(addr(1))).effects())
        .containsExactly(new Disconnect(id(1), addr(1), DisconnectReason.NOT_DIALING));
  }

  @Test
  void peerBanned_persistentPeer_isDisconnectedButNotBanned() {
    PeerConfig cfg = persistent(CFG, 5);
    PeerState s = connect(idle(emptyBook()), 5, Direction.OUTBOUND);
    var out = step(cfg, s, new PeerBanned(id(5), Duration.ofHours(1)));
    assertThat(out).isEqualTo(accepted(s.withEvicting(s.evicting().plus(id(5), DisconnectReason.BANNED)),
        new Disconnect(id(5), addr(5), DisconnectReason.BANNED)));
    assertThat(out.state().book().bannedEntries()).isEmpty();
  }

  @Test
  void peerBanned_ofAnInboundPeerNotInTheBook_bansItsIdOnly_neverItsRemoteSocket() {
    // the remote socket (ephemeral port) is not a dialable address: nothing enters the book
    PeerState s = connect(idle(emptyBook()), 2, Direction.INBOUND);
    WallTime until = WALL.plusMillis(Duration.ofHours(1).toMillis());
    var out = step(CFG, s, new PeerBanned(id(2), Duration.ofHours(1)));
    PeerState expected = s.withEvicting(s.evicting().plus(id(2), DisconnectReason.BANNED))
        .withBannedIds(TreePMap.singleton(id(2), until));
    assertThat(out).isEqualTo(accepted(expected, new Disconnect(id(2), remote(2), DisconnectReason.BANNED)));
    assertThat(out.state().book().bannedEntries()).isEmpty();
    // the ban holds: its reconnection is refused, its gossiped address is not stored
    PeerState gone = step(CFG, out.state(), new PeerDisconnected(remote(2))).state();
    assertThat(step(CFG, gone, new InboundAccepted(remote(2))))
        .isEqualTo(accepted(gone, new Disconnect(id(2), remote(2), DisconnectReason.BANNED)));
    assertThat(step(CFG, gone, new AddressesLearned(List.of(addr(2)), SOURCE)))
        .isEqualTo(accepted(gone));
    assertRejected(step(CFG, gone, new DialRequested(addr(2))), "banned");
  }

  @Test
  void expiredBanById_isLiftedOnMaintenance_withoutAddingTheSocketToTheBook() {
    // model-tests InboundSocketRedialTest: the lifted socket used to enter the book and be dialed
    WallTime until = WALL.plusMillis(60_000);
    PeerState s = idle(emptyBook()).withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, NOW))
        .withBannedIds(TreePMap.singleton(id(2), until));
    var stillBanned = PeerManager.step(CFG, s, NOW, until.plusMillis(-1), new TimerFired());
    assertThat(stillBanned.state().bannedIds()).containsOnlyKeys(id(2));
    var out = PeerManager.step(CFG, s, NOW, until, new TimerFired());
    PeerInvariants.check(CFG, out.state());
    PeerState expected = s.withBannedIds(TreePMap.empty())
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(CFG.maintenanceInterval())));
    assertThat(out).isEqualTo(accepted(expected)); // no Dial, no PersistBook: the book is untouched
    // and an inbound connection after the expiry is admitted
    var back = PeerManager.step(CFG, s, NOW, until, new InboundAccepted(remote(2)));
    assertThat(back.state().connected()).containsKey(id(2));
    assertThat(back.state().bannedIds()).isEmpty();
  }

  @Test
  void peerBanned_ofAnOutboundPeerNotInTheBook_bansItsDialedAddress() {
    // an operator's or a seed dial: the dialed address is dialable, so the book keeps the ban
    PeerState s = connect(idle(emptyBook()), 3, Direction.OUTBOUND);
    var out = step(CFG, s, new PeerBanned(id(3), Duration.ofHours(1)));
    AddressBook banned = emptyBook().ban(CFG.book(), addr(3), WALL.plusMillis(Duration.ofHours(1).toMillis()));
    assertThat(out.state().book()).isEqualTo(banned);
    assertThat(out.state().bannedIds()).isEmpty();
    assertThat(out.effects()).containsExactly(new Disconnect(id(3), addr(3), DisconnectReason.BANNED),
        new PersistBook(banned));
  }

  @Test
  void bansById_areBoundedByMaxBanned_forgettingTheOneExpiringFirst() {
    PeerConfig cfg = CFG.withBook(CFG.book().withMaxBanned(2));
    PeerState s = idle(emptyBook())
        .withBannedIds(TreePMap.<NodeId, WallTime>empty().plus(id(1), WALL.plusMillis(5_000))
            .plus(id(2), WALL.plusMillis(1_000)));
    s = connect(s, 3, Direction.INBOUND);
    var out = step(cfg, s, new PeerBanned(id(3), Duration.ofSeconds(3)));
    // id(2)'s ban expires first: it is the one forgotten at the bound
    assertThat(out.state().bannedIds()).containsOnlyKeys(id(1), id(3));
    assertThat(out.state().bannedIds().get(id(3))).isEqualTo(WALL.plusMillis(3_000));
  }

  @Test
  void peerBanned_withANonPositiveDuration_orOfOurselves_isRejected() {
    PeerState s = idle(emptyBook());
    assertRejected(step(CFG, s, new PeerBanned(id(1), Duration.ZERO)), "not positive");
    assertRejected(step(CFG, s, new PeerBanned(SELF, Duration.ofHours(1))), "ourselves");
  }

  // ---------------------------------------------------------------- TimerFired and maintenance

  @Test
  void timerFired_withNothingExpired_isRejected() {
    PeerState s = idle(emptyBook()).withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(Duration.ofSeconds(1))));
    assertRejected(step(CFG, s, new TimerFired()), "no timer expired");
  }

  /**
   * TestPeerManager_DialNext_WakeOnDialFailedRetry, as CometBFT's ensure-peers round has it: the
   * end of a book peer's retry delay makes it dialable, and the next maintenance dials it (the end
   * of a delay makes no book pick, so failing dials do not chain into more dials); a persistent
   * peer is dialed as its delay ends.
   */
  @Test
  void timerFired_retry_letsThePeerBeDialedAgain() {
    AddressBook book = bookWith(CFG, 1).markAttempt(id(1), WALL);
    MonoTime retryAt = after(Duration.ofMillis(300));
    MonoTime maintenanceAt = after(Duration.ofSeconds(30));
    PeerState s = idle(book).withStarted(true).withTimers(Timers.empty()
        .arm(TimerKey.MAINTENANCE, maintenanceAt).arm(new TimerKey.RetryDial(id(1)), retryAt));
    // before the deadline: rejected, nothing dialed
    assertRejected(step(CFG, s, after(Duration.ofMillis(299)), new TimerFired()), "no timer expired");
    var out = step(CFG, s, retryAt, new TimerFired());
    assertThat(out.effects()).isEmpty();
    assertThat(out.state().timers().deadlines()).containsOnlyKeys(TimerKey.MAINTENANCE);
    var maintained = step(CFG, out.state(), maintenanceAt, new TimerFired());
    assertThat(maintained.effects()).containsExactly(new Dial(addr(1)));
    assertThat(maintained.state().dialing()).containsEntry(id(1), addr(1));

    PeerConfig cfg = persistent(CFG, 5);
    PeerState p = idle(emptyBook()).withStarted(true).withTimers(Timers.empty()
        .arm(TimerKey.MAINTENANCE, maintenanceAt).arm(new TimerKey.RetryDial(id(5)), retryAt));
    assertThat(step(cfg, p, retryAt, new TimerFired()).effects()).as("a persistent peer: at once")
        .containsExactly(new Dial(addr(5)));
  }

  /**
   * A failed dial makes no book pick: a PEX answer of unreachable addresses does not turn the node
   * into a dialer of them as fast as they fail; the next maintenance dials again.
   */
  @Test
  void dialFailed_makesNoBookPick_theNextMaintenanceDoes() {
    PeerConfig cfg = CFG.withLimits(2, 1, 3, 0, 0, 1, 2, 3); // one outbound slot: one dial at a time
    PeerState s = idle(bookWith(cfg, 1, 2, 3)).withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(Duration.ofSeconds(30))));
    var learned = step(cfg, s, new AddressesLearned(List.of(addr(4)), SOURCE));
    List<NodeAddress> dialed = learned.effects().stream().filter(e -> e instanceof Dial)
        .map(e -> ((Dial) e).address()).toList();
    assertThat(dialed).as("news (an address learned): a pick for the free slot").hasSize(1);
    var failed = step(cfg, learned.state(), new DialFailed(dialed.get(0)));
    assertThat(failed.effects()).as("three other addresses could be dialed, and are not yet")
        .noneMatch(e -> e instanceof Dial);
    var maintained = step(cfg, failed.state(), after(Duration.ofSeconds(30)), new TimerFired());
    assertThat(maintained.effects()).anyMatch(e -> e instanceof Dial);
  }

  @Test
  void timerFired_maintenance_rearmsItself_andTrimsAboveMaxThreshold() {
    // Tezos maintenance: 4 > maxThreshold 3 ⇒ disconnect the lowest-scored down to maxTarget 2,
    // never the persistent peer (which scores highest anyway) nor the unconditional one
    PeerConfig cfg = persistent(PeerConfig.defaults(Fixtures.bookConfig()).withLimits(4, 4, 4, 0, 0, 1, 2, 3), 4)
        .withUnconditionalPeerIds(TreePSet.singleton(id(6)));
    PeerState s = idle(emptyBook()).withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, NOW));
    for (int n = 1; n <= 4; n++) {
      s = connect(s, n, Direction.INBOUND);
    }
    s = connect(s, 6, Direction.INBOUND);
    s = score(score(score(s, 1, 5), 2, -7), 3, 2);
    var out = step(cfg, s, new TimerFired());
    PeerState expected = s
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(cfg.maintenanceInterval())))
        .withEvicting(s.evicting().plus(id(2), DisconnectReason.ABOVE_MAX_THRESHOLD)
            .plus(id(3), DisconnectReason.ABOVE_MAX_THRESHOLD));
    assertThat(out).isEqualTo(accepted(expected,
        new Disconnect(id(2), remote(2), DisconnectReason.ABOVE_MAX_THRESHOLD),
        new Disconnect(id(3), remote(3), DisconnectReason.ABOVE_MAX_THRESHOLD)));
  }

  @Test
  void maintenance_persistentPeerReservesAVictim_thatNoOtherUpgraderMayClaim() {
    // TestPeerManager_TryDialNext_UpgradeReservesPeer
    PeerConfig cfg = persistent(CFG.withLimits(2, 2, 3, 2, 0, 1, 2, 3), 8, 9);
    PeerState s = connect(connect(connect(idle(emptyBook()), 1, Direction.OUTBOUND), 2, Direction.OUTBOUND),
        3, Direction.INBOUND).withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, NOW));
    s = score(score(s, 1, 4), 2, 2);
    // full (3 of 3) and outbound full (2 of 2): 8 takes the lowest outbound peer (2) as its victim,
    // 9 the next one (1): each reservation has its own victim
    var out = step(cfg, s, new TimerFired());
    PeerState expected = s.withDialing(s.dialing().plus(id(8), addr(8)).plus(id(9), addr(9)))
        .withUpgrading(s.upgrading().plus(id(2), id(8)).plus(id(1), id(9)))
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(cfg.maintenanceInterval())));
    assertThat(out).isEqualTo(accepted(expected, new Dial(addr(8)), new Dial(addr(9))));
  }

  @Test
  void maintenance_inSeedMode_dialsPersistentPeersButNeverBookAddresses() {
    // CometBFT seeds never run ensure-peers: redialing what was just crawled would churn
    PeerConfig cfg = persistent(CFG, 5).withSeedMode(true);
    PeerState s = idle(bookWith(cfg, 1, 2)).withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, NOW));
    var out = step(cfg, s, new TimerFired());
    PeerState expected = s.withDialing(s.dialing().plus(id(5), addr(5)))
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(cfg.maintenanceInterval())));
    assertThat(out).isEqualTo(accepted(expected, new Dial(addr(5))));
    // the same state of a node that is not a seed fills its second outbound slot from the book
    assertThat(step(cfg.withSeedMode(false), s, new TimerFired()).effects())
        .hasSize(2).startsWith(new Dial(addr(5)));
  }

  @Test
  void dialRequested_inSeedMode_aCrawl_keepsTheOutboundLimit() {
    PeerConfig cfg = CFG.withSeedMode(true);
    PeerState s = idle(bookWith(cfg, 1, 2, 3)).withStarted(true)
        .withTimers(Timers.empty().arm(TimerKey.MAINTENANCE, after(cfg.maintenanceInterval())));
    var first = step(cfg, s, new DialRequested(addr(1)));
    assertThat(first.effects()).containsExactly(new Dial(addr(1))); // and no book pick after it
    var second = step(cfg, first.state(), new DialRequested(addr(2)));
    assertThat(second.effects()).containsExactly(new Dial(addr(2)));
    assertRejected(step(cfg, second.state(), new DialRequested(addr(3))), "no outbound slot");
  }

  @Test
  void nextDeadline_isTheEarliestTimer() {
    PeerState s = idle(emptyBook()).withTimers(Timers.empty()
        .arm(TimerKey.MAINTENANCE, after(Duration.ofSeconds(30)))
        .arm(new TimerKey.RetryDial(id(1)), after(Duration.ofSeconds(2)))
        .arm(new TimerKey.DisconnectCooldown(id(2)), after(Duration.ofSeconds(5))));
    assertThat(PeerManager.nextDeadline(s)).contains(after(Duration.ofSeconds(2)));
    assertThat(PeerManager.nextDeadline(idle(emptyBook()))).isEmpty();
  }

  // ---------------------------------------------------------------- retry delay

  @Test
  void retryDelay_growsLinearly_andIsCapped() {
    // TestPeerManager_DialNext_Retry: Min 100 ms, Max 500 ms ⇒ n × 100 ms for n = 1..4, then 500 ms
    PeerConfig cfg = CFG.withRetry(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(500),
        Duration.ZERO, Duration.ofSeconds(2));
    long[] expectedMs = {0, 100, 200, 300, 400, 500, 500, 500};
    for (int n = 0; n < expectedMs.length; n++) {
      assertThat(PeerManager.retryDelayNanos(cfg, n, false, 0)).isEqualTo(expectedMs[n] * 1_000_000);
    }
    assertThat(PeerManager.retryDelayNanos(cfg, Integer.MAX_VALUE, false, 0)).isEqualTo(500_000_000L);
    assertThat(PeerManager.retryDelayNanos(cfg, 2, false, 50_000_000L)).isEqualTo(250_000_000L);
    assertThat(PeerManager.retryDelayNanos(cfg, 5, false, 50_000_000L)).isEqualTo(500_000_000L);
  }
}
