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

  /** The PeerManager's variables that α gives, in the spec's declaration order. */
  public static final List<String> VARIABLES = List.of("book", "dialing", "connected", "ready", "evicting",
      "upgrading", "scores", "persistentDialFailures", "timers", "started", "bannedIds", "idleInbound");

  /** The spec's PeerManager variables for {@code s}, in a map the caller may extend. */
  public Map<String, Object> variables(PeerState s) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String v : VARIABLES) {
      out.put(v, variable(v, s));
    }
    return out;
  }

  /**
   * The part of {@code s} that variable {@code v}'s value is a function of (an immutable component:
   * the same object gives the same value).
   */
  public static Object source(String v, PeerState s) {
    return switch (v) {
      case "book" -> s.book();
      case "dialing" -> s.dialing();
      case "connected" -> s.connected();
      case "ready" -> s.ready();
      case "evicting" -> s.evicting();
      case "upgrading" -> s.upgrading();
      case "scores" -> s.scores();
      case "persistentDialFailures" -> s.persistentDialFailures();
      case "timers" -> s.timers();
      case "started" -> s.started();
      case "bannedIds" -> s.bannedIds();
      case "idleInbound" -> s.idleInbound();
      default -> throw new IllegalArgumentException("no PeerManager variable " + v);
    };
  }

  /** The value of the spec's variable {@code v} for {@code s}. */
  public Object variable(String v, PeerState s) {
    return switch (v) {
      case "book" -> book(s);
      case "dialing" -> set(s.dialing().keySet());
      case "connected" -> {
        Map<TlaModelValue, Object> connected = new TreeMap<>();
        for (Map.Entry<NodeId, Connection> e : s.connected().entrySet()) {
          connected.put(valueOf.apply(e.getKey()), lower(e.getValue().direction()));
        }
        yield connected;
      }
      case "ready" -> set(s.ready());
      case "evicting" -> {
        Map<TlaModelValue, Object> evicting = new TreeMap<>();
        s.evicting().forEach((k, r) -> evicting.put(valueOf.apply(k), lower(r)));
        yield evicting;
      }
      case "upgrading" -> {
        Map<TlaModelValue, Object> upgrading = new TreeMap<>();
        s.upgrading().forEach((x, u) -> upgrading.put(valueOf.apply(x), valueOf.apply(u)));
        yield upgrading;
      }
      case "scores" -> {
        Map<TlaModelValue, Object> scores = new TreeMap<>();
        s.scores().forEach((k, x) -> scores.put(valueOf.apply(k), x)); // the alphabet keeps them in range
        yield scores;
      }
      case "persistentDialFailures" -> {
        Map<TlaModelValue, Object> failures = new TreeMap<>();
        s.persistentDialFailures().forEach((k, x) -> failures.put(valueOf.apply(k), Math.min(x, persistentFailureCap)));
        yield failures;
      }
      case "timers" -> {
        Set<Object> timers = new LinkedHashSet<>();
        for (TimerKey k : s.timers().deadlines().keySet()) {
          timers.add(timerKey(k));
        }
        yield timers;
      }
      case "started" -> s.started();
      case "bannedIds" -> set(s.bannedIds().keySet()); // expiries: the wall time is abstracted away
      case "idleInbound" -> set(s.idleInbound().keySet()); // admission times: abstracted away
      default -> throw new IllegalArgumentException("no PeerManager variable " + v);
    };
  }

  private Map<TlaModelValue, Object> book(PeerState s) {
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
    return book;
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
