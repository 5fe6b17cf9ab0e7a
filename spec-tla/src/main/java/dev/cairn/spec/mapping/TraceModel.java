package dev.cairn.spec.mapping;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.peer.PeerManager;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import util.UniqueString;

/**
 * {@code Core.tla} instantiated for one recorded node: the constants come from the node's own
 * {@link CoreConfig} (its real limits, thresholds, persistent, unconditional and private peers,
 * seeds, seed mode, PEX bounds) and {@code Peer} is the set of node IDs the trace names (its
 * header state, its events, its config), one model value each ({@code n1}, {@code n2}, …: the
 * seeds, persistent, unconditional and private peers first, then the others, each group in ID
 * order; {@code self} for the node). Scores keep Java's full range
 * ({@code PeerManager.SCORE_MIN..SCORE_MAX}), so no step falls outside the abstraction.
 *
 * <p>The spec modules are read from the classpath ({@code tla/} in this module's jar: exactly the
 * modules the build model-checked) and written, with a generated constant module
 * {@code MCTrace.tla}/{@code .cfg}, into a scratch directory that TLC parses. The cfg checks the
 * same safety invariants as {@code MCCore.cfg} on every matched state.
 */
public final class TraceModel implements AutoCloseable {

  /** The modules of the composed spec, as packaged under {@code tla/}. */
  public static final List<String> MODULES = List.of("Core.tla", "PeerManager.tla", "Pex.tla", "TraceCore.tla");
  /** PeerManager.SCORE_MIN and SCORE_MAX. */
  public static final int SCORE_MIN = -32768;
  public static final int SCORE_MAX = 32766;
  /** Java counts persistent dial failures without a cap; the model saturates far beyond any run. */
  public static final int PERSISTENT_FAILURE_CAP = 1_000_000_000;

  private static final List<String> INVARIANTS = List.of("TypeOK", "PexTypeOK", "ConnectedWithinLimit",
      "OutboundWithinLimit", "InboundWithinLimit", "DialingWithinLimit", "DialingDisjointConnected",
      "ReadyAndEvictingConnected", "BannedNeverDialedOrAccepted", "SelfNeverDialed", "TimersOnlyForKnownPeers",
      "ScoresOnlyForKnownPeers", "MaintenanceArmedWhenStarted", "BannedIdsWithinBound", "IdleInboundAreLimitedInbound",
      "EvictedIdleOnlyIdle", "PerPeerStateOnlyForPeers",
      "WithinBounds", "RoundTimerArmedWhenStarted", "PexPeersAreReadyPeers", "StartedTogether");

  private final Tla tla;
  private final CoreMapping mapping;
  private final CoreStepValidator validator;
  private final Map<TlaModelValue, NodeId> ids;
  private PairChecker pairs;
  private PairChecker.Memo memo;
  private final Plan plan;
  private final boolean owner;
  /** Definitions {@link Tla#flattenIdentityInstances} flattened when the spec was loaded. */
  private int flattened;

  private TraceModel(Tla tla, CoreMapping mapping, Map<TlaModelValue, NodeId> ids, Plan plan, boolean owner) {
    this.plan = plan;
    this.owner = owner;
    this.tla = tla;
    this.mapping = mapping;
    this.validator = new CoreStepValidator(tla, mapping);
    this.ids = ids;
  }

  /**
   * The model of one node's trace before it is loaded: the generated constant module and cfg,
   * and the node ID each model value stands for. Two plans with the same module and cfg are the
   * same spec (one loaded spec serves both traces, each with its own mapping).
   */
  public record Plan(CoreConfig config, Map<TlaModelValue, NodeId> ids, String module, String cfg,
      List<NodeId> spares) {
    public Plan(CoreConfig config, Map<TlaModelValue, NodeId> ids, String module, String cfg) {
      this(config, ids, module, cfg, List.of());
    }

    public boolean sameSpec(Plan other) {
      return other != null && module.equals(other.module) && cfg.equals(other.cfg);
    }

    /**
     * The same spec with the nodes {@code added} given the model values of spare peers ({@link
     * #plan(CoreConfig, Collection, int)}), one each in order; empty when there are too few spares
     * left. Sound because a spare is an ordinary peer that no state so far names (its ID is no
     * node's), and the spec treats ordinary peers alike: a model value that stood for a node
     * unknown to every state can stand for any other such node.
     */
    public Optional<Plan> bind(Collection<NodeId> added) {
      if (added.size() > spares.size()) {
        return Optional.empty();
      }
      Map<NodeId, TlaModelValue> byId = new java.util.HashMap<>();
      ids.forEach((v, id) -> byId.put(id, v));
      Map<TlaModelValue, NodeId> bound = new LinkedHashMap<>(ids);
      int i = 0;
      for (NodeId id : added) {
        if (byId.containsKey(id)) {
          throw new IllegalArgumentException(id + " is already in the model");
        }
        bound.put(byId.get(spares.get(i++)), id);
      }
      return Optional.of(new Plan(config, Map.copyOf(bound), module, cfg, List.copyOf(spares.subList(i,
          spares.size()))));
    }
  }

  /**
   * The ID of spare peer {@code i}: 40 hex digits no node's ID has (a node's is the first 20 bytes
   * of a SHA-256; these start with 32 zero digits).
   */
  static NodeId spareId(int i) {
    return NodeId.of(String.format("%032d%08x", 0, i));
  }

  /**
   * The plan for a node with {@code config} whose trace names the nodes {@code seen} (the node
   * itself may be among them); the peers of the config are added.
   */
  public static Plan plan(CoreConfig config, Collection<NodeId> seen) {
    return plan(config, seen, 0);
  }

  /**
   * The same plan with {@code spares} more ordinary peers, bound to no node yet, so that a trace
   * still being written can name new nodes without another spec ({@link Plan#bind}).
   */
  public static Plan plan(CoreConfig config, Collection<NodeId> seen, int spares) {
    NodeId selfId = config.peer().self();
    SortedSet<NodeId> peers = new TreeSet<>(seen);
    List<NodeId> spareIds = new ArrayList<>();
    for (int i = 0; spareIds.size() < spares; i++) {
      NodeId id = spareId(i);
      if (!peers.contains(id) && !id.equals(selfId)) {
        spareIds.add(id);
      }
    }
    peers.addAll(spareIds);
    PeerConfig pc = config.peer();
    pc.persistentPeers().forEach(a -> peers.add(a.id()));
    peers.addAll(pc.unconditionalPeerIds());
    peers.addAll(pc.book().privateIds());
    config.pex().seeds().forEach(a -> peers.add(a.id()));
    peers.remove(selfId);

    Map<TlaModelValue, NodeId> ids = new LinkedHashMap<>();
    Map<NodeId, String> names = new LinkedHashMap<>();
    int width = String.valueOf(peers.size()).length();
    int i = 1;
    // the nodes with a role in the config first (seeds, persistent, unconditional, private), then
    // the others, each group in ID order: the nodes of one network then get the same names for
    // the same roles, and their traces the same model when their configs agree
    List<NodeId> ordered = new ArrayList<>();
    List<SortedSet<NodeId>> roles = new ArrayList<>();
    SortedSet<NodeId> seedIds = new TreeSet<>();
    config.pex().seeds().forEach(a -> seedIds.add(a.id()));
    SortedSet<NodeId> persistentIds = new TreeSet<>();
    pc.persistentPeers().forEach(a -> persistentIds.add(a.id()));
    roles.add(seedIds);
    roles.add(persistentIds);
    roles.add(new TreeSet<>(pc.unconditionalPeerIds()));
    roles.add(new TreeSet<>(pc.book().privateIds()));
    roles.add(peers);
    for (SortedSet<NodeId> group : roles) {
      for (NodeId id : group) {
        if (!id.equals(selfId) && !ordered.contains(id)) {
          ordered.add(id);
        }
      }
    }
    for (NodeId id : ordered) {
      String name = "n" + String.format("%0" + width + "d", i++);
      ids.put(TlaModelValue.of(name), id);
      names.put(id, name);
    }
    ids.put(TlaModelValue.of("self"), selfId);
    names.put(selfId, "self");
    return new Plan(config, Map.copyOf(ids), module(names, persistentIds), cfg(config, names), List.copyOf(spareIds));
  }

  /**
   * Loads the spec for a node with {@code config} whose trace names the nodes {@code seen}
   * (see {@link #plan}). {@code scratch} receives the modules TLC parses.
   */
  public static TraceModel load(CoreConfig config, Collection<NodeId> seen, Path scratch) {
    return load(plan(config, seen), scratch);
  }

  /**
   * The fields of {@code PeerManager.tla}'s state record ({@code Cur}), the book last, interned in
   * this order before a trace model is parsed. TLC orders a record's fields by the order in which
   * their names were first interned (the tokens of {@link UniqueString}), and compares two records
   * field by field in that order up to the first difference. As parsed, {@code TraceCore.tla} names
   * {@code book} before most other fields, so two of a step's results that differ in a dial or an
   * eviction were told apart only after a walk of both books (functions over every peer: a thousand
   * entries in a public node's model), wherever TLC collects results into a set (a {@code UNION},
   * the enumeration of a set). Speed only: the order of a record's fields changes no value. A name
   * interned earlier in the JVM (by another spec loaded first) keeps its place.
   */
  static final List<String> STATE_FIELDS_BOOK_LAST = List.of("out", "dialing", "connected", "evicting", "ready",
      "upgrading", "scores", "persistentDialFailures", "timers", "started", "bannedIds", "idleInbound", "book");

  /** Loads the spec of a plan; {@code scratch} receives the modules TLC parses. */
  public static TraceModel load(Plan plan, Path scratch) {
    return load(plan, scratch, true);
  }

  /**
   * Loads the spec of a plan, with its identity instances flattened ({@link
   * Tla#flattenIdentityInstances}: the same values, evaluated faster) or, for a test comparing the
   * two, as parsed.
   */
  public static TraceModel load(Plan plan, Path scratch, boolean flatten) {
    try {
      Files.createDirectories(scratch);
      for (String m : MODULES) {
        try (InputStream in = TraceModel.class.getResourceAsStream("/tla/" + m)) {
          if (in == null) {
            throw new IllegalStateException("the spec module tla/" + m + " is not on the classpath");
          }
          Files.write(scratch.resolve(m), in.readAllBytes());
        }
      }
      Files.writeString(scratch.resolve("MCTrace.tla"), plan.module(), StandardCharsets.UTF_8);
      Files.writeString(scratch.resolve("MCTrace.cfg"), plan.cfg(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the trace model into " + scratch, e);
    }
    STATE_FIELDS_BOOK_LAST.forEach(UniqueString::uniqueStringOf);
    Tla tla = Tla.load(scratch, "MCTrace", "MCTrace");
    try {
      int n = flatten ? tla.flattenIdentityInstances() : 0;
      TraceOperators.install(tla);
      TraceModel m = new TraceModel(tla, new CoreMapping(tla, plan.config(), plan.ids()), plan.ids(), plan, true);
      m.flattened = n;
      return m;
    } catch (RuntimeException e) {
      tla.close();
      throw e;
    }
  }

  /**
   * This loaded spec for another trace whose plan is the same spec: a mapping of its own; the
   * memoised verdicts of the pair checker are shared (they depend on the spec's values only).
   * Closing the result leaves the spec loaded; closing this model unloads it.
   */
  public TraceModel reuse(Plan other) {
    if (!plan.sameSpec(other)) {
      throw new IllegalArgumentException("another spec: load it instead");
    }
    TraceModel m = new TraceModel(tla, new CoreMapping(tla, other.config(), other.ids()), other.ids(), other, false);
    m.memo = pairs().memo();
    return m;
  }

  public Plan plan() {
    return plan;
  }

  private static String module(Map<NodeId, String> names, SortedSet<NodeId> persistent) {
    return "---- MODULE MCTrace ----\n"
        + "\\* Core.tla at the constants of one recorded node (generated for trace validation).\n"
        + "EXTENDS TraceCore, TLC\n"
        + "CONSTANTS " + String.join(", ", names.values()) + "\n"
        + "\\* PeerManager.SCORE_MIN (a cfg file takes no negative numbers)\n"
        + "TraceScoreMin == " + SCORE_MIN + "\n"
        + "\\* the persistent peers in ID order (PersistentNext)\n"
        + "TraceRank == " + rank(names, persistent) + "\n"
        + "====\n";
  }

  /** Each persistent peer's place in ID order, as a TLA+ function. */
  private static String rank(Map<NodeId, String> names, SortedSet<NodeId> persistent) {
    List<String> parts = new ArrayList<>();
    int i = 1;
    for (NodeId id : persistent) {
      String n = names.get(id);
      if (n != null && !n.equals("self")) {
        parts.add(n + " :> " + i++);
      }
    }
    return parts.isEmpty() ? "[p \\in {} |-> 0]" : "(" + String.join(" @@ ", parts) + ")";
  }

  private static String cfg(CoreConfig config, Map<NodeId, String> names) {
    PeerConfig p = config.peer();
    PexConfig x = config.pex();
    StringBuilder b = new StringBuilder("CONSTANTS\n");
    for (String n : names.values()) {
      b.append("  ").append(n).append(" = ").append(n).append('\n');
    }
    List<String> peerNames = new ArrayList<>();
    names.forEach((id, n) -> {
      if (!n.equals("self")) {
        peerNames.add(n);
      }
    });
    line(b, "Peer", "{" + String.join(", ", peerNames) + "}");
    line(b, "Self", "self");
    List<NodeId> persistent = new ArrayList<>();
    p.persistentPeers().forEach(a -> persistent.add(a.id()));
    line(b, "Persistent", set(persistent, names));
    line(b, "Unconditional", set(p.unconditionalPeerIds(), names));
    line(b, "MaxInbound", p.maxInbound());
    line(b, "MaxOutbound", p.maxOutbound());
    line(b, "MaxConnected", p.maxConnected());
    line(b, "MaxConnectedUpgrade", p.maxConnectedUpgrade());
    line(b, "MinThreshold", p.minThreshold());
    line(b, "MinTarget", p.minTarget());
    line(b, "MaxTarget", p.maxTarget());
    line(b, "MaxThreshold", p.maxThreshold());
    line(b, "MaxDialAttempts", p.maxDialAttempts());
    line(b, "DisconnectCooldownOn", !p.disconnectCooldown().isZero() ? "TRUE" : "FALSE");
    line(b, "IdleInboundEviction", p.idleInboundEviction() ? "TRUE" : "FALSE");
    b.append("  ScoreMin <- TraceScoreMin\n");
    b.append("  Rank <- TraceRank\n");
    line(b, "ScoreMax", SCORE_MAX);
    line(b, "PersistentFailureCap", PERSISTENT_FAILURE_CAP);
    line(b, "Private", set(p.book().privateIds(), names));
    line(b, "NeedAddressThreshold", p.book().needAddressThreshold());
    line(b, "NewBucketSize", p.book().newBucketSize());
    line(b, "MaxBanned", p.book().maxBanned());
    line(b, "MaxAddressesPerEvent", PeerManager.MAX_ADDRESSES_PER_EVENT);
    line(b, "SeedMode", x.seedMode() ? "TRUE" : "FALSE");
    List<NodeId> seeds = new ArrayList<>();
    for (NodeAddress a : x.seeds()) {
      seeds.add(a.id());
    }
    line(b, "Seeds", set(seeds, names));
    line(b, "FreeRequests", x.freeRequests());
    line(b, "MaxAddressesPerMessage", x.maxAddressesPerMessage());
    line(b, "MaxCrawled", x.maxCrawled());
    line(b, "MaxPeers", x.maxPeers());
    b.append("\nINIT Init\nNEXT TraceNext\n\nINVARIANTS\n");
    for (String inv : INVARIANTS) {
      b.append("  ").append(inv).append('\n');
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String name, Object value) {
    b.append("  ").append(name).append(" = ").append(value).append('\n');
  }

  private static String set(Iterable<NodeId> ids, Map<NodeId, String> names) {
    TreeSet<String> out = new TreeSet<>();
    for (NodeId id : ids) {
      String n = names.get(id);
      if (n != null && !n.equals("self")) {
        out.add(n);
      }
    }
    return "{" + String.join(", ", out) + "}";
  }

  public Tla tla() {
    return tla;
  }

  /** How many definitions were flattened at load ({@link #load(Plan, Path, boolean)}); 0 as parsed. */
  public int flattened() {
    return flattened;
  }

  public CoreMapping mapping() {
    return mapping;
  }

  public CoreStepValidator validator() {
    return validator;
  }

  /** The checker of recorded steps as pairs ({@code TraceCore.tla}), created on first use. */
  public PairChecker pairs() {
    if (pairs == null) {
      pairs = new PairChecker(validator, memo == null ? new PairChecker.Memo() : memo);
    }
    return pairs;
  }

  /** The node ID a model value stands for. */
  public NodeId id(TlaModelValue v) {
    return ids.get(v);
  }

  /** The model values and the node IDs they stand for (the node itself is {@code self}). */
  public Map<TlaModelValue, NodeId> nodes() {
    return ids;
  }

  @Override
  public void close() {
    if (owner) {
      tla.close();
    }
  }
}
