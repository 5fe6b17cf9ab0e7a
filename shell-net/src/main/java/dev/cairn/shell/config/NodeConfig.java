package dev.cairn.shell.config;

import java.util.List;
import java.util.Objects;

/**
 * A node's checked configuration.
 *
 * @param network the chain ID: genesis.json's {@code chain_id}, else {@code [cairn] network}
 * @param p2p CometBFT's {@code [p2p]} section
 * @param cairn Cairn's {@code [cairn]} section
 * @param warnings what was accepted but ignored (unknown keys, {@code upnp}); the caller logs
 *     them
 */
public record NodeConfig(String network, P2pConfig p2p, CairnConfig cairn, List<String> warnings) {

  public NodeConfig {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(p2p, "p2p");
    Objects.requireNonNull(cairn, "cairn");
    warnings = List.copyOf(warnings);
  }
}
