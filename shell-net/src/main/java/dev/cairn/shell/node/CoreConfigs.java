package dev.cairn.shell.node;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.shell.config.CairnConfig;
import dev.cairn.shell.config.MaintenanceThresholds;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.config.P2pConfig;
import dev.cairn.shell.config.PeerAddress;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.IpText;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an operator's {@link NodeConfig} into the core's {@link CoreConfig}: CometBFT's
 * {@code [p2p]} limits and peer lists, Cairn's {@code [cairn]} maintenance band and retry
 * settings. Host names in {@code seeds} and {@code persistent_peers} are resolved once here
 * (the core sees IP literals only); a name that does not resolve is skipped with a warning, as
 * CometBFT tolerates DNS errors in those lists.
 */
public final class CoreConfigs {

  private static final Logger log = LoggerFactory.getLogger(CoreConfigs.class);

  private CoreConfigs() {}

  /**
   * @param self our ID
   * @param ourAddresses addresses that are ours (listen and external), never dialed or stored
   */
  public static CoreConfig from(NodeConfig config, NodeId self, List<NodeAddress> ourAddresses,
      HostResolver resolver) {
    P2pConfig p2p = config.p2p();
    CairnConfig cairn = config.cairn();
    checkIds(p2p);
    PSortedSet<NodeId> privateIds = withoutSelf(p2p.privatePeerIds(), "private_peer_ids", self);
    PSortedSet<NodeId> unconditionalIds = withoutSelf(p2p.unconditionalPeerIds(), "unconditional_peer_ids", self);
    BookConfig book = new BookConfig(256, 64, 64, 64, 32, 4, 4, 1000, BookConfig.MAX_BANNED,
        p2p.addrBookStrict(), privateIds, TreePSet.from(ourAddresses), self);
    int maxConnected = p2p.maxNumInboundPeers() + p2p.maxNumOutboundPeers();
    MaintenanceThresholds t = cairn.thresholds();
    Duration persistentCap = p2p.persistentPeersMaxDialPeriod().isZero()
        ? cairn.retryDelayMax()
        : p2p.persistentPeersMaxDialPeriod();
    if (persistentCap.compareTo(cairn.retryDelayMin()) < 0) {
      persistentCap = cairn.retryDelayMin();
    }
    PSortedSet<NodeAddress> persistent = resolveAll(p2p.persistentPeers(), resolver, "persistent_peers", self);
    long limited = persistent.stream().map(NodeAddress::id).filter(id -> !unconditionalIds.contains(id)).count();
    if (limited > p2p.maxNumOutboundPeers()) {
      // the core's rule (PeerConfig), said in config.toml's terms
      throw new IllegalArgumentException("[p2p] persistent_peers lists " + limited + " peers that are not in"
          + " unconditional_peer_ids, more than max_num_outbound_peers = " + p2p.maxNumOutboundPeers()
          + ": they could never all be connected; raise max_num_outbound_peers or list them in unconditional_peer_ids");
    }
    PeerConfig peer = new PeerConfig(book,
        p2p.maxNumInboundPeers(), p2p.maxNumOutboundPeers(), maxConnected, cairn.maxConnectedUpgrade(),
        t.minThreshold(), t.minTarget(), t.maxTarget(), t.maxThreshold(),
        cairn.retryDelayMin(), cairn.retryDelayMax(), persistentCap, cairn.retryJitterMax(),
        // an address given up after 16 failed dials is tried again after the retry cap (30 min by
        // default), not a day later: 16 failures at 250 ms steps take about a minute of outage
        cairn.disconnectCooldown(), Duration.ofSeconds(30), 16, cairn.retryDelayMax(),
        persistent, unconditionalIds)
        .withIdleInboundEviction(cairn.idleInboundEviction());
    PexConfig d = PexConfig.defaults();
    PSortedSet<NodeAddress> seeds = resolveAll(p2p.seeds(), resolver, "seeds", self);
    long bound = (long) maxConnected + cairn.maxConnectedUpgrade() + unconditionalIds.size();
    PexConfig pex = new PexConfig(p2p.seedMode(), seeds, d.ensurePeersPeriod(), d.minReceiveRequestInterval(),
        d.freeRequests(), d.maxAddressesPerMessage(), d.banTime(), d.crawlPeriod(), d.minTimeBetweenCrawls(),
        d.crawlRecordRetention(), d.maxCrawled(), d.seedDisconnectWaitPeriod(), d.seedBiasTowardsNew(),
        (int) Math.max(d.maxPeers(), bound));
    return new CoreConfig(peer, pex);
  }

  /**
   * {@code ids} without this node's own ID, which is skipped with a warning as in {@code
   * persistent_peers}: one list shared by the config of every node of a set (validators and their
   * sentries) names each of them, and CometBFT starts with it.
   */
  private static PSortedSet<NodeId> withoutSelf(List<NodeId> ids, String key, NodeId self) {
    if (ids.contains(self)) {
      log.warn("event=config_skip key={} peer={} reason=our_own_id", key, self);
    }
    return TreePSet.from(ids).minus(self);
  }

  /**
   * The core's rule on persistent peers, said in config.toml's terms: one peer at two addresses
   * in {@code persistent_peers} is refused.
   */
  static void checkIds(P2pConfig p2p) {
    java.util.Map<NodeId, PeerAddress> seen = new java.util.HashMap<>();
    for (PeerAddress a : p2p.persistentPeers()) {
      PeerAddress first = seen.putIfAbsent(a.id(), a);
      if (first != null && !first.equals(a)) {
        throw new IllegalArgumentException("[p2p] persistent_peers lists " + a.id() + " at two addresses ("
            + first.hostPort() + " and " + a.hostPort() + "); one address per peer");
      }
    }
  }

  private static PSortedSet<NodeAddress> resolveAll(List<PeerAddress> in, HostResolver resolver, String key,
      NodeId self) {
    List<NodeAddress> out = new ArrayList<>();
    for (PeerAddress a : in) {
      if (a.id().equals(self)) {
        log.warn("event=config_skip key={} peer={} reason=our_own_id", key, a.id());
        continue;
      }
      try {
        InetAddress ip = a.hostPort().isIpLiteral() ? IpText.parse(a.hostPort().host())
            : resolver.resolve(a.hostPort().host());
        out.add(new NodeAddress(a.id(), IpText.format(ip), a.hostPort().port()));
      } catch (UnknownHostException | RuntimeException e) {
        log.warn("event=config_skip key={} peer={} host={} reason=\"{}\"", key, a.id(), a.hostPort().host(),
            e.getMessage());
      }
    }
    return TreePSet.from(out);
  }
}
