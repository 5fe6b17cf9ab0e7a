package dev.cairn.sim;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import dev.cairn.sim.Wiring.End;
import dev.cairn.sim.Wiring.Message;
import java.time.Duration;
import java.util.List;

/**
 * A scripted adversary in a simulated run. Its identities listen at their own addresses, accept
 * every connection at once and run no core: the script decides what they send, whom they dial
 * and when they close. The honest nodes keep the real core and the simulator's shell. Scripts
 * draw their randomness from the run's seed (through {@link SimRandom#derive}), so one seed
 * reproduces the attack as well as the network.
 *
 * <p>A run with an attack lasts {@link #runFor} (it does not stop when the honest nodes
 * converge); the liveness deadline of the scenario still applies if it comes earlier.
 */
interface Attack {

  /** The adversary's identities; each must have a distinct IP and listen on the simulator's port. */
  List<NodeAddress> identities();

  /** How long the run lasts, from its start. */
  Duration runFor();

  /**
   * The configuration honest node {@code index} runs with, given the scenario's; {@code listens}
   * are the honest nodes' listen addresses by index. For environment scripts (persistent peers).
   */
  default CoreConfig configure(int index, CoreConfig base, List<NodeAddress> listens) {
    return base;
  }

  /**
   * Whether the honest nodes run with the inbound eviction of idle peers
   * ({@code PeerConfig.idleInboundEviction}, off by default): every attack is measured against it.
   */
  default boolean idleInboundEviction() {
    return true;
  }

  /** Once, when the run starts, after the honest nodes' starts are scheduled. */
  void begin(Simulator.Hooks h);

  /** A connection of one of the adversary's identities is open (either direction); {@code c} is its end. */
  default void opened(Simulator.Hooks h, End c) {}

  /** A PEX message reached one of the adversary's ends. */
  default void received(Simulator.Hooks h, End c, Message m) {}

  /** One of the adversary's ends closed (the honest side refused it, disconnected or crashed). */
  default void closed(Simulator.Hooks h, End c) {}

  /** An honest node sent addresses: observed for the record, never changed. */
  default void gossiped(Simulator.Hooks h, SimNode from, SimNode to, List<NodeAddress> addresses) {}

  /** An honest node's core asked to dial {@code address}. */
  default void dialed(Simulator.Hooks h, SimNode from, NodeAddress address) {}
}
