package dev.cairn.sim;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.AddressBook;
import java.util.TreeMap;

/**
 * One simulated node: its core state (the real {@code Core}'s) and the shell's bookkeeping that
 * {@code shell-net}'s {@code Node} keeps for the same purpose — connections by the address the
 * core knows them by, admitted connections by peer, the single timer — plus what survives a
 * crash: the last book the core asked to persist.
 */
final class SimNode {

  final int index;
  final NodeId id;
  final NodeAddress listen;
  final boolean seed;
  /** Held to the outbound target in the liveness phase: not a seed, not mutated. */
  final boolean ordinary;
  /** The configuration the core runs with. */
  final CoreConfig running;
  /** The configuration the checks hold the node to (differs from {@code running} only in a mutant). */
  final CoreConfig declared;
  /** A scripted adversary's identity: no core; an {@link Attack} decides what it does. */
  final boolean scripted;

  CoreState state;
  boolean up;
  /** Bumped at every crash: events queued for an earlier life are dropped. */
  int incarnation;
  AddressBook persisted;
  MonoTime timerAt;
  long timerGeneration;
  final TreeMap<NodeAddress, Wiring.End> conns = new TreeMap<>();
  final TreeMap<NodeId, Wiring.End> admitted = new TreeMap<>();
  /** PeerDisconnected events queued for the core but not yet stepped, by connection address. */
  final TreeMap<NodeAddress, Integer> disconnectsQueued = new TreeMap<>();
  int ephemeralPortCounter;
  boolean converged;

  SimNode(int index, NodeId id, NodeAddress listen, boolean seed, boolean ordinary, CoreConfig running,
      CoreConfig declared, AddressBook initialBook) {
    this.index = index;
    this.id = id;
    this.listen = listen;
    this.seed = seed;
    this.ordinary = ordinary;
    this.running = running;
    this.declared = declared;
    this.persisted = initialBook;
    this.scripted = false;
  }

  /** A scripted identity listening at {@code listen}: always up, accepts every connection. */
  SimNode(int index, NodeAddress listen) {
    this.index = index;
    this.id = listen.id();
    this.listen = listen;
    this.seed = false;
    this.ordinary = false;
    this.running = null;
    this.declared = null;
    this.persisted = null;
    this.scripted = true;
    this.up = true;
  }

  /** The next ephemeral port of an outgoing socket, as the remote side sees it (32768..60999, cycling). */
  int nextEphemeralPort() {
    int port = 32768 + ephemeralPortCounter % 28232;
    ephemeralPortCounter++;
    return port;
  }

  /** Whether our own dial to {@code peer} is the connection to keep when both dialed (the shell's rule). */
  boolean keepsOwnDial(NodeId peer) {
    return id.compareTo(peer) < 0;
  }

  @Override
  public String toString() {
    return (scripted ? "x" : "n") + index + "(" + id.hex().substring(0, 8) + (seed ? ",seed" : "") + ")";
  }
}
