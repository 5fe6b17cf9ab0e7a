package dev.cairn.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything that shapes a simulated run except its seed: the network's size and limits, the
 * latency model, the faults of the fault phase, the budgets and how thoroughly to check. A
 * failing run is reproduced by the same scenario and the same seed; {@link #replayCommand} says
 * how to run exactly that.
 *
 * @param nodes                 nodes in the network, seeds included
 * @param seeds                 seed-mode nodes (the first {@code seeds} indices); every other node lists them
 * @param maxOutbound           each ordinary node's {@code max_num_outbound_peers}: its outbound target
 * @param maxInbound            each ordinary node's {@code max_num_inbound_peers}
 * @param maxConnectedUpgrade   each node's upgrade slots
 * @param latencyMsMin          one-way latency, lower bound
 * @param latencyMsMax          one-way latency, upper bound (uniform in between)
 * @param connectTimeout        how long a dial into a partition takes to fail
 * @param startSpread           ordinary nodes start uniformly within this after the seeds
 * @param faultPhase            length of the fault phase; then everything heals
 * @param lossPerMille          PEX messages lost, per mille, during the fault phase
 * @param duplicatePerMille     PEX messages delivered twice, per mille, during the fault phase
 * @param partitions            partitions during the fault phase (one at a time)
 * @param crashes               node crashes during the fault phase (each restarts with its persisted book)
 * @param livenessBudget        after healing, every ordinary node must reach its outbound target within this
 * @param checks                how much is checked after each step
 * @param mutation              a deliberately broken node, to prove the checks bite
 * @param maxSteps              bound on core steps in one run
 * @param replayCommand         the command that replays a seed; {@code %d} stands for the seed
 */
public record Scenario(
    int nodes,
    int seeds,
    int maxOutbound,
    int maxInbound,
    int maxConnectedUpgrade,
    int latencyMsMin,
    int latencyMsMax,
    Duration connectTimeout,
    Duration startSpread,
    Duration faultPhase,
    int lossPerMille,
    int duplicatePerMille,
    int partitions,
    int crashes,
    Duration livenessBudget,
    Checks checks,
    Mutation mutation,
    long maxSteps,
    String replayCommand) {

  /** How much is checked after every step. */
  public enum Checks {
    /**
     * Every invariant of both machines after every sub-step, the composition's, and the network's
     * over every node after every step: for small networks.
     */
    FULL,
    /** The stepping node's invariants and network facts after its step: for large networks. */
    NODE
  }

  /** A deliberately broken node (the first ordinary node), or none. */
  public enum Mutation {
    NONE,
    /**
     * Config mismatch: the node runs with {@code maxInbound = maxConnected} while the checks hold
     * it to the declared {@code maxInbound}.
     */
    IGNORE_INBOUND_LIMIT
  }

  public Scenario {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(startSpread, "startSpread");
    Objects.requireNonNull(faultPhase, "faultPhase");
    Objects.requireNonNull(livenessBudget, "livenessBudget");
    Objects.requireNonNull(checks, "checks");
    Objects.requireNonNull(mutation, "mutation");
    Objects.requireNonNull(replayCommand, "replayCommand");
    if (seeds < 1 || seeds >= nodes) {
      throw bad("seeds = " + seeds + " must be in 1..nodes - 1 = " + (nodes - 1));
    }
    if (maxOutbound < 1 || maxOutbound > nodes - seeds - 1) {
      throw bad("maxOutbound = " + maxOutbound + " must be in 1.." + (nodes - seeds - 1)
          + " (an ordinary node has only nodes - seeds - 1 ordinary peers)");
    }
    if (maxInbound < 1) {
      throw bad("maxInbound = " + maxInbound + " must be at least 1");
    }
    if (latencyMsMin < 1 || latencyMsMax < latencyMsMin) {
      throw bad("latency must satisfy 1 <= latencyMsMin <= latencyMsMax, got "
          + latencyMsMin + ".." + latencyMsMax);
    }
    if (lossPerMille < 0 || lossPerMille > 1000 || duplicatePerMille < 0 || duplicatePerMille > 1000) {
      throw bad("lossPerMille and duplicatePerMille must be in 0..1000");
    }
    if (partitions < 0 || crashes < 0) {
      throw bad("partitions and crashes must not be negative");
    }
    if (maxSteps < 1) {
      throw bad("maxSteps = " + maxSteps + " must be positive");
    }
  }

  /**
   * The CI batch: small limits so that a 20-node network is busy, latency 5–150 ms, a 3-minute
   * fault phase with 1 % loss, 0.5 % duplication, 3 partitions and {@code nodes / 5} crashes, then
   * 10 minutes to converge, everything checked after every step.
   */
  public static Scenario faulty(int nodes) {
    return new Scenario(nodes, 2, 4, 8, 2, 5, 150, Duration.ofSeconds(3), Duration.ofSeconds(10),
        Duration.ofMinutes(3), 10, 5, 3, nodes / 5, Duration.ofMinutes(10), Checks.FULL, Mutation.NONE,
        5_000_000, "./mvnw -pl model-tests test -Dtest=SimulationTest -Dcairn.sim.seed=%d");
  }

  /**
   * A cold start without faults at CometBFT's limits (10 out, 40 in), about one seed per 100
   * nodes: the scale harness. Checks each stepping node.
   */
  public static Scenario calm(int nodes) {
    return new Scenario(nodes, Math.max(1, nodes / 100), 10, 40, 4, 5, 150, Duration.ofSeconds(3),
        Duration.ofSeconds(10), Duration.ZERO, 0, 0, 0, 0, Duration.ofMinutes(30), Checks.NODE,
        Mutation.NONE, 200_000_000L,
        "./mvnw -q -pl model-tests compile exec:java -Dexec.mainClass=dev.cairn.sim.ScaleHarness"
            + " -Dcairn.sim.nodes=" + nodes + " -Dcairn.sim.seed=%d");
  }

  /**
   * The honest side of an attack run: {@code nodes} nodes (two seeds) with the given limits,
   * latency 5–150 ms, no injected faults (the adversary is the fault), and the liveness demand at
   * {@code runFor}: by then every ordinary node must have its outbound peers. Checks each
   * stepping node. The replay command runs the attack harness for one seed.
   */
  public static Scenario underAttack(int nodes, int maxOutbound, int maxInbound, Duration runFor) {
    return new Scenario(nodes, 2, maxOutbound, maxInbound, 2, 5, 150, Duration.ofSeconds(3),
        Duration.ofSeconds(10), Duration.ZERO, 0, 0, 0, 0, runFor, Checks.NODE, Mutation.NONE,
        50_000_000L, "./mvnw -q -pl model-tests compile exec:java -Dexec.mainClass=dev.cairn.sim.AttackHarness"
            + " -Dcairn.sim.seed=%d");
  }

  public Scenario withChecks(Checks c) {
    return new Scenario(nodes, seeds, maxOutbound, maxInbound, maxConnectedUpgrade, latencyMsMin,
        latencyMsMax, connectTimeout, startSpread, faultPhase, lossPerMille, duplicatePerMille,
        partitions, crashes, livenessBudget, c, mutation, maxSteps, replayCommand);
  }

  public Scenario withMutation(Mutation m) {
    return new Scenario(nodes, seeds, maxOutbound, maxInbound, maxConnectedUpgrade, latencyMsMin,
        latencyMsMax, connectTimeout, startSpread, faultPhase, lossPerMille, duplicatePerMille,
        partitions, crashes, livenessBudget, checks, m, maxSteps, replayCommand);
  }

  public Scenario withLimits(int maxOutbound, int maxInbound) {
    return new Scenario(nodes, seeds, maxOutbound, maxInbound, maxConnectedUpgrade, latencyMsMin,
        latencyMsMax, connectTimeout, startSpread, faultPhase, lossPerMille, duplicatePerMille,
        partitions, crashes, livenessBudget, checks, mutation, maxSteps, replayCommand);
  }

  public Scenario withLivenessBudget(Duration budget) {
    return new Scenario(nodes, seeds, maxOutbound, maxInbound, maxConnectedUpgrade, latencyMsMin,
        latencyMsMax, connectTimeout, startSpread, faultPhase, lossPerMille, duplicatePerMille,
        partitions, crashes, budget, checks, mutation, maxSteps, replayCommand);
  }

  public Scenario withReplayCommand(String command) {
    return new Scenario(nodes, seeds, maxOutbound, maxInbound, maxConnectedUpgrade, latencyMsMin,
        latencyMsMax, connectTimeout, startSpread, faultPhase, lossPerMille, duplicatePerMille,
        partitions, crashes, livenessBudget, checks, mutation, maxSteps, command);
  }

  /** The command that replays {@code seed} under this scenario. */
  public String replay(long seed) {
    return String.format(replayCommand, seed);
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException("invalid scenario: " + message);
  }
}
