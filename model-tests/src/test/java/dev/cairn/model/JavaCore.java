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
}
