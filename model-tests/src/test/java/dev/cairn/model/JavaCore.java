package dev.cairn.model;

import dev.cairn.core.MonoTime;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerManager;
import dev.cairn.core.peer.PeerState;

/**
 * The Java machine under test: {@link PeerManager#step} itself, or a mutant of it built in the
 * tests by transforming its inputs and outputs (core-fsm is never edited to make a mutant).
 */
@FunctionalInterface
public interface JavaCore {

  JavaCore REAL = PeerManager::step;

  Step<PeerState, PeerEffect> step(PeerConfig cfg, PeerState s, MonoTime now, WallTime wallNow, PeerEvent e);

  /**
   * The input of the mutant {@code EXPIRED_BAN_LIFTED_ON_LEARNING} (of the PeerManager and of the
   * composed core): before an {@code AddressesLearned} that names an ID whose book ban has run out
   * at {@code wallNow}, the expired bans are lifted, as the book's {@code add} did before core
   * revision 2. Any other step: {@code s} itself.
   */
  static PeerState expiredBansLiftedOnLearning(PeerConfig cfg, PeerState s, WallTime wallNow, PeerEvent e) {
    if (!(e instanceof PeerEvent.AddressesLearned learned) || learned.addresses().stream()
        .noneMatch(a -> s.book().bannedEntries().stream()
            .anyMatch(b -> b.id().equals(a.id()) && !b.lastBanTime().isAfter(wallNow)))) {
      return s;
    }
    return new PeerState(s.book().reinstateExpiredBans(cfg.book(), wallNow), s.dialing(), s.connected(),
        s.ready(), s.evicting(), s.upgrading(), s.scores(), s.persistentDialFailures(), s.timers(), s.prng(),
        s.started(), s.bannedIds(), s.idleInbound());
  }
}
