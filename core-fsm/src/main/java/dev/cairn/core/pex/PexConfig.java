package dev.cairn.core.pex;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import java.time.Duration;
import java.util.Objects;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

/**
 * Everything that shapes PEX transitions besides the state and what PEX reads from the
 * PeerManager ({@link PeerView}). Each numeric bound is a CONSTANT of {@code Pex.tla} with the same
 * name (capitalised). Validated on construction; a message names the key (Java name, then the
 * CometBFT name it stands for) and the rule broken. The defaults are CometBFT v0.34's
 * ({@code p2p/pex/pex_reactor.go}, unchanged up to v1.0).
 *
 * @param seedMode                  {@code seed_mode}: crawl the book, answer inbound requests once, then disconnect
 * @param seeds                     {@code seeds}: dialed when the book needs addresses and nothing else is dialable
 * @param ensurePeersPeriod         period of the ensure-peers round ({@code defaultEnsurePeersPeriod}, 30 s)
 * @param minReceiveRequestInterval the request window ({@code minReceiveRequestInterval}, 10 s): we enforce it on
 *                                  others after their free requests, and never ask a peer again sooner than this
 *                                  after its last reply reached us (Go peers enforce the same fixed 10 s on us)
 * @param freeRequests              requests a peer may send before the window applies (CometBFT: 2)
 * @param maxAddressesPerMessage    addresses we send in one PexAddrs, and the most we accept ({@code maxGetSelection}, 250)
 * @param banTime                   ban of a peer that abused PEX ({@code defaultBanTime}, 24 h)
 * @param crawlPeriod               seed mode: period of the crawl round ({@code crawlPeerPeriod}, 30 s)
 * @param minTimeBetweenCrawls      seed mode: an ID is not crawled again sooner ({@code minTimeBetweenCrawls}, 2 min)
 * @param crawlRecordRetention      seed mode: crawl records older than this are dropped (24 h)
 * @param maxCrawled                seed mode: bound on crawl records; at the bound the oldest record is dropped
 * @param seedDisconnectWaitPeriod  seed mode: non-persistent peers connected this long are disconnected
 *                                  ({@code SeedDisconnectWaitPeriod}, 28 h)
 * @param seedBiasTowardsNew        seed mode: new-address share of an answer ({@code biasToSelectNewPeers}, 30 %)
 * @param maxPeers                  bound on the peers PEX tracks (at least the PeerManager's connection bound)
 */
public record PexConfig(
    boolean seedMode,
    PSortedSet<NodeAddress> seeds,
    Duration ensurePeersPeriod,
    Duration minReceiveRequestInterval,
    int freeRequests,
    int maxAddressesPerMessage,
    Duration banTime,
    Duration crawlPeriod,
    Duration minTimeBetweenCrawls,
    Duration crawlRecordRetention,
    int maxCrawled,
    Duration seedDisconnectWaitPeriod,
    int seedBiasTowardsNew,
    int maxPeers) {

  /** CometBFT's {@code maxGetSelection}: no PexAddrs carries more, in either direction. */
  public static final int MAX_ADDRESSES_PER_MESSAGE = 250;

  /** Upper bound of {@code maxCrawled}, {@code maxPeers} and the number of seeds. */
  public static final int MAX_BOUND = 1 << 20;

  /** Upper bound of {@code freeRequests}. */
  public static final int MAX_FREE_REQUESTS = 16;

  public PexConfig {
    Objects.requireNonNull(seeds, "pex config seeds must not be null");
    positive("ensurePeersPeriod", ensurePeersPeriod);
    positive("minReceiveRequestInterval", minReceiveRequestInterval);
    inRange("freeRequests", freeRequests, 0, MAX_FREE_REQUESTS);
    inRange("maxAddressesPerMessage (maxGetSelection)", maxAddressesPerMessage, 1, MAX_ADDRESSES_PER_MESSAGE);
    positive("banTime (defaultBanTime)", banTime);
    positive("crawlPeriod (crawlPeerPeriod)", crawlPeriod);
    nonNegative("minTimeBetweenCrawls", minTimeBetweenCrawls);
    positive("crawlRecordRetention", crawlRecordRetention);
    if (crawlRecordRetention.compareTo(minTimeBetweenCrawls) < 0) {
      throw bad("crawlRecordRetention = " + crawlRecordRetention
          + " must be at least minTimeBetweenCrawls = " + minTimeBetweenCrawls
          + " (a record must outlive the time it protects)");
    }
    inRange("maxCrawled", maxCrawled, 1, MAX_BOUND);
    positive("seedDisconnectWaitPeriod (SeedDisconnectWaitPeriod)", seedDisconnectWaitPeriod);
    inRange("seedBiasTowardsNew (biasToSelectNewPeers)", seedBiasTowardsNew, 0, 100);
    inRange("maxPeers", maxPeers, 1, MAX_BOUND);
    inRange("seeds (number of entries)", seeds.size(), 0, MAX_BOUND);
    NodeId previous = null;
    for (NodeAddress a : seeds) {
      if (a.id().equals(previous)) {
        throw bad("seeds lists " + a.id() + " twice; one address per seed");
      }
      previous = a.id();
    }
  }

  /** CometBFT's constants, not a seed, no seeds, at most 1024 tracked peers, 4096 crawl records. */
  public static PexConfig defaults() {
    return new PexConfig(false, TreePSet.empty(), Duration.ofSeconds(30), Duration.ofSeconds(10), 2,
        MAX_ADDRESSES_PER_MESSAGE, Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofMinutes(2),
        Duration.ofHours(24), 4096, Duration.ofHours(28), 30, 1024);
  }

  public PexConfig withSeedMode(boolean value) {
    return new PexConfig(value, seeds, ensurePeersPeriod, minReceiveRequestInterval, freeRequests,
        maxAddressesPerMessage, banTime, crawlPeriod, minTimeBetweenCrawls, crawlRecordRetention,
        maxCrawled, seedDisconnectWaitPeriod, seedBiasTowardsNew, maxPeers);
  }

  public PexConfig withSeeds(PSortedSet<NodeAddress> value) {
    return new PexConfig(seedMode, value, ensurePeersPeriod, minReceiveRequestInterval, freeRequests,
        maxAddressesPerMessage, banTime, crawlPeriod, minTimeBetweenCrawls, crawlRecordRetention,
        maxCrawled, seedDisconnectWaitPeriod, seedBiasTowardsNew, maxPeers);
  }

  public PexConfig withMaxCrawled(int value) {
    return new PexConfig(seedMode, seeds, ensurePeersPeriod, minReceiveRequestInterval, freeRequests,
        maxAddressesPerMessage, banTime, crawlPeriod, minTimeBetweenCrawls, crawlRecordRetention,
        value, seedDisconnectWaitPeriod, seedBiasTowardsNew, maxPeers);
  }

  public PexConfig withMaxPeers(int value) {
    return new PexConfig(seedMode, seeds, ensurePeersPeriod, minReceiveRequestInterval, freeRequests,
        maxAddressesPerMessage, banTime, crawlPeriod, minTimeBetweenCrawls, crawlRecordRetention,
        maxCrawled, seedDisconnectWaitPeriod, seedBiasTowardsNew, value);
  }

  /** Whether {@code id} is a configured seed. */
  public boolean isSeed(NodeId id) {
    for (NodeAddress a : seeds) {
      if (a.id().equals(id)) {
        return true;
      }
    }
    return false;
  }

  private static void inRange(String key, int v, int min, int max) {
    if (v < min || v > max) {
      throw bad(key + " = " + v + " must be in " + min + ".." + max);
    }
  }

  private static void nonNegative(String key, Duration d) {
    Objects.requireNonNull(d, "pex config " + key + " must not be null");
    if (d.isNegative()) {
      throw bad(key + " = " + d + " must not be negative");
    }
  }

  private static void positive(String key, Duration d) {
    Objects.requireNonNull(d, "pex config " + key + " must not be null");
    if (d.isNegative() || d.isZero()) {
      throw bad(key + " = " + d + " must be positive");
    }
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException("invalid pex config: " + message);
  }
}
