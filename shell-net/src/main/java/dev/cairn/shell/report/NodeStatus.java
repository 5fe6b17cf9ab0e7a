package dev.cairn.shell.report;

import java.util.List;
import java.util.Objects;

/**
 * What one testnet node reports about itself at one moment.
 *
 * @param nodeId the node's ID (40 lowercase hex characters for a real node)
 * @param moniker the operator-facing name, e.g. {@code node7}
 * @param seed whether the node runs in seed mode (it crawls and does not keep peers)
 * @param outboundTarget how many outbound peers the node aims for
 * @param outboundPeers IDs of the peers this node dialed and is connected to
 * @param inboundPeers IDs of the peers that dialed this node and are connected
 * @param knownAddresses addresses in the node's address book
 * @param dials dials started since the node started
 * @param dialFailures dials that failed since the node started
 */
public record NodeStatus(
    String nodeId,
    String moniker,
    boolean seed,
    int outboundTarget,
    List<String> outboundPeers,
    List<String> inboundPeers,
    int knownAddresses,
    long dials,
    long dialFailures) {

  public NodeStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(moniker, "moniker");
    outboundPeers = List.copyOf(outboundPeers);
    inboundPeers = List.copyOf(inboundPeers);
    if (nodeId.isEmpty()) {
      throw new IllegalArgumentException("nodeId is empty");
    }
    if (outboundTarget < 0 || knownAddresses < 0 || dials < 0 || dialFailures < 0) {
      throw new IllegalArgumentException("negative count in the status of " + nodeId + ": outboundTarget "
          + outboundTarget + ", knownAddresses " + knownAddresses + ", dials " + dials + ", dialFailures " + dialFailures);
    }
  }

  /** Outbound plus inbound connections. */
  public int peers() {
    return outboundPeers.size() + inboundPeers.size();
  }

  /** A non-seed node that has as many outbound peers as it aims for. Seeds never count. */
  public boolean atOutboundTarget() {
    return !seed && outboundPeers.size() >= outboundTarget;
  }
}
