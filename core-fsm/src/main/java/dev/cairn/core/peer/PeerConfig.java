package dev.cairn.core.peer;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.BookConfig;
import java.time.Duration;
import java.util.Objects;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

/**
 * Everything that shapes PeerManager transitions besides the state. Each numeric bound is a
 * CONSTANT of {@code PeerManager.tla} with the same name (capitalised). Validated on
 * construction; a message names the key (Java name, then the CometBFT/Tezos key it stands for)
 * and the rule broken.
 *
 * <p>Limits count <em>limited</em> peers only: unconditional peers bypass every limit. A dial
 * in flight counts as an outbound connection.
 *
 * @param book                    the address book's configuration; also carries our ID ({@code self})
 *                                and the private peer IDs
 * @param maxInbound              {@code max_num_inbound_peers}: inbound connections
 * @param maxOutbound             {@code max_num_outbound_peers}: outbound connections plus dials in flight
 * @param maxConnected            total connections (v0.35 {@code MaxConnected}); at most maxInbound + maxOutbound
 * @param maxConnectedUpgrade     extra slots a strictly higher-scored peer may use while it replaces a lower one
 * @param minThreshold            Tezos maintenance: fewer connections than this is "too few"
 * @param minTarget               Tezos maintenance: reached by dialing when too few
 * @param maxTarget               Tezos maintenance: trimmed down to this when too many; never dialed beyond
 * @param maxThreshold            Tezos maintenance: more connections than this is "too many"
 * @param minRetryTime            linear retry step: the n-th consecutive failure waits n × this + jitter
 * @param maxRetryTime            retry delay cap for non-persistent peers
 * @param maxRetryTimePersistent  retry delay cap for persistent peers ({@code persistent_peers_max_dial_period})
 * @param retryTimeJitter         upper bound (exclusive) of the uniform jitter added to a retry delay; zero for none
 * @param disconnectCooldown      no redial of a peer this soon after it disconnected
 * @param maintenanceInterval     period of the maintenance timer
 * @param maxDialAttempts         after this many consecutive failed dials a non-persistent address is given up on
 * @param unreachableRetryTime    for this long: its {@code RetryDial} timer is armed this far ahead (no ban:
 *                                inbound connections from the peer are still accepted)
 * @param persistentPeers         {@code persistent_peers}: always dialed first, retried forever, never evicted for others
 * @param unconditionalPeerIds    {@code unconditional_peer_ids}: exempt from every limit
 * @param seedMode                {@code seed_mode}: maintenance never dials book addresses (CometBFT seeds never run
 *                                ensure-peers); only persistent peers and PEX's crawl hand-offs
 *                                ({@link PeerEvent.DialRequested}) are dialed. Set from {@code PexConfig.seedMode} by
 *                                {@code CoreConfig}, so that the one {@code seed_mode} key drives both machines
 * @param idleInboundEviction     inbound peers (limited, not persistent) are idle until reported good, and an
 *                                inbound newcomer that finds inbound full takes the slot of the one idle longest
 *                                ({@link DisconnectReason#EVICTED_IDLE}); PEX learns an idle peer's listen address
 *                                only with its first accepted message. Off: CometBFT's behaviour (a full inbound
 *                                refuses newcomers, an inbound peer's address is learned when it comes up)
 * @param seedIds                 the IDs of {@code seeds}: dialed for addresses only, by PEX, when the book needs
 *                                them; never picked from the book as outbound peers (PEX disconnects a seed once
 *                                it answered, so a node short of peers would otherwise dial it again at every
 *                                cool-down). Set from {@code PexConfig.seeds} by {@code CoreConfig}
 */
public record PeerConfig(
    BookConfig book,
    int maxInbound,
    int maxOutbound,
    int maxConnected,
    int maxConnectedUpgrade,
    int minThreshold,
    int minTarget,
    int maxTarget,
    int maxThreshold,
    Duration minRetryTime,
    Duration maxRetryTime,
    Duration maxRetryTimePersistent,
    Duration retryTimeJitter,
    Duration disconnectCooldown,
    Duration maintenanceInterval,
    int maxDialAttempts,
    Duration unreachableRetryTime,
    PSortedSet<NodeAddress> persistentPeers,
    PSortedSet<NodeId> unconditionalPeerIds,
    boolean seedMode,
    boolean idleInboundEviction,
    PSortedSet<NodeId> seedIds) {

  /** Upper bound of every connection limit, so counts and sums never overflow. */
  public static final int MAX_PEERS_BOUND = 10_000;

  public PeerConfig {
    Objects.requireNonNull(book, "book");
    Objects.requireNonNull(persistentPeers, "persistentPeers");
    Objects.requireNonNull(unconditionalPeerIds, "unconditionalPeerIds");
    Objects.requireNonNull(seedIds, "seedIds");
    nonNegative("maxInbound (max_num_inbound_peers)", maxInbound);
    nonNegative("maxOutbound (max_num_outbound_peers)", maxOutbound);
    nonNegative("maxConnected", maxConnected);
    nonNegative("maxConnectedUpgrade", maxConnectedUpgrade);
    atMost("maxConnected", maxConnected, MAX_PEERS_BOUND);
    atMost("maxConnectedUpgrade", maxConnectedUpgrade, MAX_PEERS_BOUND);
    if (maxOutbound > maxConnected) {
      throw bad("maxOutbound (max_num_outbound_peers) = " + maxOutbound
          + " must be at most maxConnected = " + maxConnected);
    }
    if (maxInbound > maxConnected) {
      throw bad("maxInbound (max_num_inbound_peers) = " + maxInbound
          + " must be at most maxConnected = " + maxConnected);
    }
    if (maxConnected > maxInbound + maxOutbound) {
      throw bad("maxConnected = " + maxConnected + " must be at most maxInbound + maxOutbound = "
          + (maxInbound + maxOutbound) + " (no slot could ever be used)");
    }
    if (!(0 <= minThreshold && minThreshold < minTarget && minTarget <= maxTarget
        && maxTarget < maxThreshold && maxThreshold <= maxConnected)) {
      throw bad("maintenance thresholds must satisfy 0 <= minThreshold < minTarget <= maxTarget"
          + " < maxThreshold <= maxConnected, got minThreshold = " + minThreshold
          + ", minTarget = " + minTarget + ", maxTarget = " + maxTarget
          + ", maxThreshold = " + maxThreshold + ", maxConnected = " + maxConnected);
    }
    positive("minRetryTime", minRetryTime);
    positive("maxRetryTime", maxRetryTime);
    positive("maxRetryTimePersistent (persistent_peers_max_dial_period)", maxRetryTimePersistent);
    nonNegative("retryTimeJitter", retryTimeJitter);
    nonNegative("disconnectCooldown", disconnectCooldown);
    positive("maintenanceInterval", maintenanceInterval);
    positive("unreachableRetryTime", unreachableRetryTime);
    if (maxRetryTime.compareTo(minRetryTime) < 0) {
      throw bad("maxRetryTime = " + maxRetryTime + " must be at least minRetryTime = " + minRetryTime);
    }
    if (maxRetryTimePersistent.compareTo(minRetryTime) < 0) {
      throw bad("maxRetryTimePersistent (persistent_peers_max_dial_period) = "
          + maxRetryTimePersistent + " must be at least minRetryTime = " + minRetryTime);
    }
    if (maxDialAttempts < 1) {
      throw bad("maxDialAttempts = " + maxDialAttempts + " must be at least 1");
    }
    NodeId self = book.self();
    PSortedSet<NodeId> persistentIds = TreePSet.empty();
    for (NodeAddress a : persistentPeers) {
      if (a.id().equals(self)) {
        throw bad("persistentPeers (persistent_peers) lists our own ID " + self);
      }
      if (persistentIds.contains(a.id())) {
        throw bad("persistentPeers (persistent_peers) lists " + a.id() + " twice; one address per peer");
      }
      persistentIds = persistentIds.plus(a.id());
    }
    if (unconditionalPeerIds.contains(self)) {
      throw bad("unconditionalPeerIds (unconditional_peer_ids) lists our own ID " + self);
    }
    int limitedPersistent = persistentIds.minusAll(unconditionalPeerIds).size();
    if (limitedPersistent > maxOutbound) {
      throw bad("persistentPeers (persistent_peers) has " + limitedPersistent
          + " peers that are not unconditional, more than maxOutbound (max_num_outbound_peers) = "
          + maxOutbound + ": they could never all be connected; raise the limit or list them in"
          + " unconditionalPeerIds (unconditional_peer_ids)");
    }
  }

  /** A node that is not a seed ({@code seedMode} false): the shape of this record before {@code seedMode}. */
  public PeerConfig(BookConfig book, int maxInbound, int maxOutbound, int maxConnected,
      int maxConnectedUpgrade, int minThreshold, int minTarget, int maxTarget, int maxThreshold,
      Duration minRetryTime, Duration maxRetryTime, Duration maxRetryTimePersistent,
      Duration retryTimeJitter, Duration disconnectCooldown, Duration maintenanceInterval,
      int maxDialAttempts, Duration unreachableRetryTime, PSortedSet<NodeAddress> persistentPeers,
      PSortedSet<NodeId> unconditionalPeerIds) {
    this(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade, minThreshold, minTarget,
        maxTarget, maxThreshold, minRetryTime, maxRetryTime, maxRetryTimePersistent, retryTimeJitter,
        disconnectCooldown, maintenanceInterval, maxDialAttempts, unreachableRetryTime, persistentPeers,
        unconditionalPeerIds, false, false);
  }

  /**
   * Without the inbound eviction of idle peers ({@code idleInboundEviction} false): the shape of this
   * record before {@code idleInboundEviction}.
   */
  public PeerConfig(BookConfig book, int maxInbound, int maxOutbound, int maxConnected,
      int maxConnectedUpgrade, int minThreshold, int minTarget, int maxTarget, int maxThreshold,
      Duration minRetryTime, Duration maxRetryTime, Duration maxRetryTimePersistent,
      Duration retryTimeJitter, Duration disconnectCooldown, Duration maintenanceInterval,
      int maxDialAttempts, Duration unreachableRetryTime, PSortedSet<NodeAddress> persistentPeers,
      PSortedSet<NodeId> unconditionalPeerIds, boolean seedMode) {
    this(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade, minThreshold, minTarget,
        maxTarget, maxThreshold, minRetryTime, maxRetryTime, maxRetryTimePersistent, retryTimeJitter,
        disconnectCooldown, maintenanceInterval, maxDialAttempts, unreachableRetryTime, persistentPeers,
        unconditionalPeerIds, seedMode, false, TreePSet.empty());
  }

  /** Without seeds ({@code seedIds} empty): the shape of this record before {@code seedIds}. */
  public PeerConfig(BookConfig book, int maxInbound, int maxOutbound, int maxConnected,
      int maxConnectedUpgrade, int minThreshold, int minTarget, int maxTarget, int maxThreshold,
      Duration minRetryTime, Duration maxRetryTime, Duration maxRetryTimePersistent,
      Duration retryTimeJitter, Duration disconnectCooldown, Duration maintenanceInterval,
      int maxDialAttempts, Duration unreachableRetryTime, PSortedSet<NodeAddress> persistentPeers,
      PSortedSet<NodeId> unconditionalPeerIds, boolean seedMode, boolean idleInboundEviction) {
    this(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade, minThreshold, minTarget,
        maxTarget, maxThreshold, minRetryTime, maxRetryTime, maxRetryTimePersistent, retryTimeJitter,
        disconnectCooldown, maintenanceInterval, maxDialAttempts, unreachableRetryTime, persistentPeers,
        unconditionalPeerIds, seedMode, idleInboundEviction, TreePSet.empty());
  }

  /**
   * CometBFT's limits (40 in, 10 out, total 50, 4 upgrade slots), v0.35.9's retry and
   * cool-down timings, persistent cap 5 min, maintenance every 30 s (ensurePeers period),
   * and Tezos' maintenance bounds computed by {@link #defaultThresholds} over (10, 30, 50).
   */
  public static PeerConfig defaults(BookConfig book) {
    int[] t = defaultThresholds(10, 30, 50);
    return new PeerConfig(book, 40, 10, 50, 4, t[0], t[1], t[2], t[3],
        Duration.ofMillis(250), Duration.ofMinutes(30), Duration.ofMinutes(5),
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(30),
        16, Duration.ofHours(24), TreePSet.empty(), TreePSet.empty());
  }

  /**
   * Tezos' {@code make_maintenance_bounds}: with {@code stepMin = (expected - min) / 3} and
   * {@code stepMax = (max - expected) / 3}, returns {minThreshold, minTarget, maxTarget,
   * maxThreshold} = {min + stepMin, min + 2 stepMin, max - 2 stepMax, max - stepMax}.
   */
  public static int[] defaultThresholds(int min, int expected, int max) {
    int stepMin = (expected - min) / 3;
    int stepMax = (max - expected) / 3;
    return new int[] {min + stepMin, min + 2 * stepMin, max - 2 * stepMax, max - stepMax};
  }

  public PeerConfig withPersistentPeers(PSortedSet<NodeAddress> peers) {
    return new PeerConfig(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade,
        minThreshold, minTarget, maxTarget, maxThreshold, minRetryTime, maxRetryTime,
        maxRetryTimePersistent, retryTimeJitter, disconnectCooldown, maintenanceInterval,
        maxDialAttempts, unreachableRetryTime, peers, unconditionalPeerIds, seedMode, idleInboundEviction, seedIds);
  }

  public PeerConfig withUnconditionalPeerIds(PSortedSet<NodeId> ids) {
    return new PeerConfig(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade,
        minThreshold, minTarget, maxTarget, maxThreshold, minRetryTime, maxRetryTime,
        maxRetryTimePersistent, retryTimeJitter, disconnectCooldown, maintenanceInterval,
        maxDialAttempts, unreachableRetryTime, persistentPeers, ids, seedMode, idleInboundEviction, seedIds);
  }

  public PeerConfig withLimits(int maxInbound, int maxOutbound, int maxConnected, int maxConnectedUpgrade,
      int minThreshold, int minTarget, int maxTarget, int maxThreshold) {
    return new PeerConfig(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade,
        minThreshold, minTarget, maxTarget, maxThreshold, minRetryTime, maxRetryTime,
        maxRetryTimePersistent, retryTimeJitter, disconnectCooldown, maintenanceInterval,
        maxDialAttempts, unreachableRetryTime, persistentPeers, unconditionalPeerIds,
        seedMode, idleInboundEviction, seedIds);
  }

  public PeerConfig withRetry(Duration minRetryTime, Duration maxRetryTime,
      Duration maxRetryTimePersistent, Duration retryTimeJitter, Duration disconnectCooldown) {
    return new PeerConfig(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade,
        minThreshold, minTarget, maxTarget, maxThreshold, minRetryTime, maxRetryTime,
        maxRetryTimePersistent, retryTimeJitter, disconnectCooldown, maintenanceInterval,
        maxDialAttempts, unreachableRetryTime, persistentPeers, unconditionalPeerIds,
        seedMode, idleInboundEviction, seedIds);
  }

  public PeerConfig withBook(BookConfig book) {
    return new PeerConfig(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade,
        minThreshold, minTarget, maxTarget, maxThreshold, minRetryTime, maxRetryTime,
        maxRetryTimePersistent, retryTimeJitter, disconnectCooldown, maintenanceInterval,
        maxDialAttempts, unreachableRetryTime, persistentPeers, unconditionalPeerIds,
        seedMode, idleInboundEviction, seedIds);
  }

  public PeerConfig withSeedMode(boolean value) {
    return new PeerConfig(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade,
        minThreshold, minTarget, maxTarget, maxThreshold, minRetryTime, maxRetryTime,
        maxRetryTimePersistent, retryTimeJitter, disconnectCooldown, maintenanceInterval,
        maxDialAttempts, unreachableRetryTime, persistentPeers, unconditionalPeerIds,
        value, idleInboundEviction, seedIds);
  }

  public PeerConfig withIdleInboundEviction(boolean value) {
    return new PeerConfig(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade,
        minThreshold, minTarget, maxTarget, maxThreshold, minRetryTime, maxRetryTime,
        maxRetryTimePersistent, retryTimeJitter, disconnectCooldown, maintenanceInterval,
        maxDialAttempts, unreachableRetryTime, persistentPeers, unconditionalPeerIds, seedMode, value, seedIds);
  }

  public PeerConfig withSeedIds(PSortedSet<NodeId> ids) {
    return new PeerConfig(book, maxInbound, maxOutbound, maxConnected, maxConnectedUpgrade,
        minThreshold, minTarget, maxTarget, maxThreshold, minRetryTime, maxRetryTime,
        maxRetryTimePersistent, retryTimeJitter, disconnectCooldown, maintenanceInterval,
        maxDialAttempts, unreachableRetryTime, persistentPeers, unconditionalPeerIds, seedMode, idleInboundEviction,
        ids);
  }

  /** Whether {@code id} is a configured seed's ({@link #seedIds}). */
  public boolean isSeed(NodeId id) {
    return !seedIds.isEmpty() && seedIds.contains(id);
  }

  public NodeId self() {
    return book.self();
  }

  public boolean isPersistent(NodeId id) {
    if (persistentPeers.isEmpty()) {
      return false; // the common case
    }
    // addresses are ordered by ID first: the first one at or above (id, the least IP text, port 0)
    // is this ID's if any is (one search, no iterator)
    NodeAddress first = persistentPeers.ceiling(new NodeAddress(id, LEAST_IP, 0));
    return first != null && first.id().equals(id);
  }

  /** The least non-empty text: every address of an ID orders at or after it with port 0. */
  private static final String LEAST_IP = "\u0000";

  public boolean isUnconditional(NodeId id) {
    return !unconditionalPeerIds.isEmpty() && unconditionalPeerIds.contains(id);
  }

  /** Limited peers count towards the limits; unconditional peers do not. */
  public boolean isLimited(NodeId id) {
    return !isUnconditional(id);
  }

  private static void nonNegative(String key, int v) {
    if (v < 0) {
      throw bad(key + " = " + v + " must not be negative");
    }
  }

  private static void atMost(String key, int v, int max) {
    if (v > max) {
      throw bad(key + " = " + v + " must be at most " + max);
    }
  }

  private static void nonNegative(String key, Duration d) {
    Objects.requireNonNull(d, key);
    if (d.isNegative()) {
      throw bad(key + " = " + d + " must not be negative");
    }
  }

  private static void positive(String key, Duration d) {
    Objects.requireNonNull(d, key);
    if (d.isNegative() || d.isZero()) {
      throw bad(key + " = " + d + " must be positive");
    }
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException("invalid peer config: " + message);
  }
}
