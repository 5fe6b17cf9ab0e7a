package dev.cairn.shell.config;

import dev.cairn.core.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code [p2p]} section of CometBFT's {@code config/config.toml}, key for key (v0.34 to v1.0;
 * v0.34's {@code upnp} is accepted and ignored). Component names are the keys in camel case;
 * {@link #defaults()} are CometBFT v0.38's {@code DefaultP2PConfig()}. Values here are already
 * parsed; {@link ConfigLoader} checks the rules and names the key that breaks one.
 *
 * @param listenAddress {@code laddr}, TCP only ({@code tcp://} is implied when absent)
 * @param externalAddress {@code external_address}; empty means "introspect the listener"
 * @param sendRate bytes per second; 0 means unlimited (as in Go's flowrate)
 * @param handshakeTimeout used by Cairn (CometBFT v0.38 ignores the key and uses 3 s)
 * @param dialTimeout used by Cairn (CometBFT v0.38 ignores the key and uses 1 s)
 */
public record P2pConfig(
    HostPort listenAddress,
    Optional<HostPort> externalAddress,
    List<PeerAddress> seeds,
    List<PeerAddress> persistentPeers,
    String addrBookFile,
    boolean addrBookStrict,
    int maxNumInboundPeers,
    int maxNumOutboundPeers,
    List<NodeId> unconditionalPeerIds,
    Duration persistentPeersMaxDialPeriod,
    Duration flushThrottleTimeout,
    int maxPacketMsgPayloadSize,
    long sendRate,
    long recvRate,
    boolean pex,
    boolean seedMode,
    List<NodeId> privatePeerIds,
    boolean allowDuplicateIp,
    Duration handshakeTimeout,
    Duration dialTimeout) {

  public P2pConfig {
    Objects.requireNonNull(listenAddress, "listenAddress");
    Objects.requireNonNull(externalAddress, "externalAddress");
    seeds = List.copyOf(seeds);
    persistentPeers = List.copyOf(persistentPeers);
    Objects.requireNonNull(addrBookFile, "addrBookFile");
    unconditionalPeerIds = List.copyOf(unconditionalPeerIds);
    Objects.requireNonNull(persistentPeersMaxDialPeriod, "persistentPeersMaxDialPeriod");
    Objects.requireNonNull(flushThrottleTimeout, "flushThrottleTimeout");
    privatePeerIds = List.copyOf(privatePeerIds);
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(dialTimeout, "dialTimeout");
  }

  /** CometBFT v0.38's {@code DefaultP2PConfig()} (v0.37 is the same; v1.0 flushes every 10 ms). */
  public static P2pConfig defaults() {
    return new P2pConfig(
        new HostPort("0.0.0.0", 26656),
        Optional.empty(),
        List.of(),
        List.of(),
        "config/addrbook.json",
        true,
        40,
        10,
        List.of(),
        Duration.ZERO,
        Duration.ofMillis(100),
        1024,
        5_120_000,
        5_120_000,
        true,
        false,
        List.of(),
        false,
        Duration.ofSeconds(20),
        Duration.ofSeconds(3));
  }
}
