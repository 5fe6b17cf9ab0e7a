package dev.cairn.shell.report;

import java.util.Comparator;
import java.util.List;

/**
 * Every node's status at one moment of a testnet run. Nodes are kept sorted by ID, so every
 * picture and table drawn from a snapshot has the same order whatever order they were given in.
 *
 * @param elapsedMillis time since the testnet started
 */
public record Snapshot(long elapsedMillis, List<NodeStatus> nodes) {

  public Snapshot {
    if (elapsedMillis < 0) {
      throw new IllegalArgumentException("elapsedMillis is negative: " + elapsedMillis);
    }
    nodes = nodes.stream().sorted(Comparator.comparing(NodeStatus::nodeId)).toList();
    for (int i = 1; i < nodes.size(); i++) {
      if (nodes.get(i).nodeId().equals(nodes.get(i - 1).nodeId())) {
        throw new IllegalArgumentException("node " + nodes.get(i).nodeId() + " appears twice in one snapshot");
      }
    }
  }

  public double elapsedSeconds() {
    return elapsedMillis / 1000.0;
  }

  public int nonSeedCount() {
    return (int) nodes.stream().filter(n -> !n.seed()).count();
  }

  public int seedCount() {
    return nodes.size() - nonSeedCount();
  }

  /**
   * Whether non-seed {@code n} is settled: at its outbound target, or below it but linked to every
   * other non-seed (in a small network the others can all dial it first; no rule turns an inbound
   * link into an outbound one, and it has every link the network can give it). Seeds never are.
   */
  public boolean settled(NodeStatus n) {
    return !n.seed() && (n.atOutboundTarget() || linkedToAll(n));
  }

  /** Whether non-seed {@code n} is below its outbound target and linked to every other non-seed. */
  public boolean linkedToAllBelowTarget(NodeStatus n) {
    return !n.seed() && !n.atOutboundTarget() && linkedToAll(n);
  }

  private boolean linkedToAll(NodeStatus n) {
    java.util.Set<String> linked = new java.util.HashSet<>(n.outboundPeers());
    linked.addAll(n.inboundPeers());
    return nodes.stream().filter(y -> !y.seed() && y != n).allMatch(y -> linked.contains(y.nodeId()));
  }

  /** Non-seed nodes that are {@link #settled}. */
  public int settledCount() {
    return (int) nodes.stream().filter(this::settled).count();
  }

  /** Mean of outbound plus inbound connections over all nodes; 0 without nodes. */
  public double meanPeersPerNode() {
    return nodes.isEmpty() ? 0 : nodes.stream().mapToInt(NodeStatus::peers).sum() / (double) nodes.size();
  }

  /** Mean address-book size over all nodes; 0 without nodes. */
  public double meanKnownAddressesPerNode() {
    return nodes.isEmpty() ? 0 : nodes.stream().mapToLong(NodeStatus::knownAddresses).sum() / (double) nodes.size();
  }

  public long totalDials() {
    return nodes.stream().mapToLong(NodeStatus::dials).sum();
  }

  public long totalDialFailures() {
    return nodes.stream().mapToLong(NodeStatus::dialFailures).sum();
  }
}
