package dev.cairn.spec.mapping;

import dev.cairn.core.NodeId;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.TimerKey;
import dev.cairn.spec.TlaModelValue;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * α of a PeerManager state: the variables of {@code PeerManager.tla} (all but {@code outbox}) as
 * TLA+ values. One definition shared by the PeerManager's own mapping and the composed one
 * ({@link CoreMapping}), so the two cannot drift apart.
 *
 * @param peers                the model's nodes, in the order the model lists them
 * @param id                   the Java ID of a model node
 * @param valueOf              the model node of a Java ID (throws for an ID outside the model)
 * @param maxDialAttempts      {@code MaxDialAttempts}: attempts saturate there in the model
 * @param persistentFailureCap {@code PersistentFailureCap}: failures saturate there in the model
 */
public record PeerAlpha(List<TlaModelValue> peers, Function<TlaModelValue, NodeId> id,
    Function<NodeId, TlaModelValue> valueOf, int maxDialAttempts, int persistentFailureCap) {

  /** The key of the maintenance timer in the spec's {@code timers}. */
  public static final Map<String, Object> MAINTENANCE_KEY = Map.of("kind", "Maintenance");

  /** The spec's PeerManager variables for {@code s}, in a map the caller may extend. */
  public Map<String, Object> variables(PeerState s) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<TlaModelValue, Object> book = new TreeMap<>();
    Map<NodeId, KnownAddress> banned = new LinkedHashMap<>();
    for (KnownAddress ka : s.book().bannedEntries()) {
      banned.put(ka.id(), ka);
    }
    for (TlaModelValue v : peers) {
      NodeId nodeId = id.apply(v);
      Optional<KnownAddress> known = s.book().get(nodeId);
      String status;
      int attempts;
      if (known.isPresent()) {
        status = "known";
        attempts = known.get().attempts();
      } else if (banned.containsKey(nodeId)) {
        status = "banned";
        attempts = banned.get(nodeId).attempts();
      } else {
        status = "unknown";
        attempts = 0;
      }
      book.put(v, Map.of("status", status, "attempts", Math.min(attempts, maxDialAttempts)));
    }
    out.put("book", book);
    out.put("dialing", set(s.dialing().keySet()));
    Map<TlaModelValue, Object> connected = new TreeMap<>();
    for (Map.Entry<NodeId, Connection> e : s.connected().entrySet()) {
      connected.put(valueOf.apply(e.getKey()), lower(e.getValue().direction()));
    }
    out.put("connected", connected);
    out.put("ready", set(s.ready()));
    Map<TlaModelValue, Object> evicting = new TreeMap<>();
    s.evicting().forEach((k, r) -> evicting.put(valueOf.apply(k), lower(r)));
    out.put("evicting", evicting);
    Map<TlaModelValue, Object> upgrading = new TreeMap<>();
    s.upgrading().forEach((v, u) -> upgrading.put(valueOf.apply(v), valueOf.apply(u)));
    out.put("upgrading", upgrading);
    Map<TlaModelValue, Object> scores = new TreeMap<>();
    s.scores().forEach((k, v) -> scores.put(valueOf.apply(k), v)); // the alphabet keeps them in range
    out.put("scores", scores);
    Map<TlaModelValue, Object> failures = new TreeMap<>();
    s.persistentDialFailures().forEach((k, v) -> failures.put(valueOf.apply(k), Math.min(v, persistentFailureCap)));
    out.put("persistentDialFailures", failures);
    Set<Object> timers = new LinkedHashSet<>();
    for (TimerKey k : s.timers().deadlines().keySet()) {
      timers.add(timerKey(k));
    }
    out.put("timers", timers);
    out.put("started", s.started());
    out.put("bannedIds", set(s.bannedIds().keySet())); // expiries: the wall time is abstracted away
    return out;
  }

  /** A timer's key as the spec writes it. */
  public Map<String, Object> timerKey(TimerKey k) {
    return switch (k) {
      case TimerKey.Maintenance m -> MAINTENANCE_KEY;
      case TimerKey.RetryDial r -> Map.of("kind", "RetryDial", "peer", valueOf.apply(r.peer()));
      case TimerKey.DisconnectCooldown d -> Map.of("kind", "DisconnectCooldown", "peer", valueOf.apply(d.peer()));
    };
  }

  /** Java IDs as a set of model values, in ID order. */
  public Set<Object> set(Iterable<NodeId> ids) {
    TreeSet<NodeId> sorted = new TreeSet<>();
    ids.forEach(sorted::add);
    Set<Object> out = new LinkedHashSet<>();
    for (NodeId nodeId : sorted) {
      out.add(valueOf.apply(nodeId));
    }
    return out;
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
