package dev.cairn.core.peer;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * The timer table: {@code key -> deadline}, immutable. Its value (equality, TLA+ mapping) is
 * {@link #deadlines()} alone. It is stored indexed by peer, one map per kind of per-peer timer
 * (so a lookup compares node IDs, not timer keys), beside a second index ordered by deadline, so
 * that the earliest deadline and the expired timers are found in logarithmic time, whatever the
 * number of retry timers.
 */
public final class Timers {

  /** One armed timer, ordered by deadline then key: the index behind {@link #nextDeadline()}. */
  private record Armed(MonoTime at, TimerKey key) {}

  private static final Comparator<Armed> BY_DEADLINE = (a, b) -> {
    int byTime = a.at().compareTo(b.at());
    return byTime != 0 ? byTime : a.key().compareTo(b.key());
  };

  private static final Timers EMPTY =
      new Timers(null, TreePMap.empty(), TreePMap.empty(), TreePSet.empty(BY_DEADLINE));

  /** The deadline of {@link TimerKey#MAINTENANCE}, null when it is not armed. */
  private final MonoTime maintenance;
  /** {@link TimerKey.RetryDial} deadlines by peer. */
  private final PSortedMap<NodeId, MonoTime> retryDial;
  /** {@link TimerKey.DisconnectCooldown} deadlines by peer. */
  private final PSortedMap<NodeId, MonoTime> disconnectCooldown;
  /** Every armed timer, by deadline: derived from the three above. */
  private final PSortedSet<Armed> byDeadline;

  private Timers(MonoTime maintenance, PSortedMap<NodeId, MonoTime> retryDial,
      PSortedMap<NodeId, MonoTime> disconnectCooldown, PSortedSet<Armed> byDeadline) {
    this.maintenance = maintenance;
    this.retryDial = retryDial;
    this.disconnectCooldown = disconnectCooldown;
    this.byDeadline = byDeadline;
  }

  public static Timers empty() {
    return EMPTY;
  }

  /**
   * {@code key -> deadline}, sorted by key (the maintenance timer, then retry timers by peer,
   * then cool-downs by peer). Built on each call, in time linear in the number of timers: for
   * encoders, mappings and checks, not for the step itself.
   */
  public PSortedMap<TimerKey, MonoTime> deadlines() {
    // keys arrive in ascending order: the tree is built by appending
    PSortedMap<TimerKey, MonoTime> m = TreePMap.empty();
    if (maintenance != null) {
      m = m.plus(TimerKey.MAINTENANCE, maintenance);
    }
    for (Map.Entry<NodeId, MonoTime> e : retryDial.entrySet()) {
      m = m.plus(new TimerKey.RetryDial(e.getKey()), e.getValue());
    }
    for (Map.Entry<NodeId, MonoTime> e : disconnectCooldown.entrySet()) {
      m = m.plus(new TimerKey.DisconnectCooldown(e.getKey()), e.getValue());
    }
    return m;
  }

  public int size() {
    return byDeadline.size();
  }

  public boolean isArmed(TimerKey key) {
    return deadlineOrNull(key) != null;
  }

  /** Whether {@code peer}'s {@link TimerKey.RetryDial} is armed (no key is built). */
  public boolean isRetryDialArmed(NodeId peer) {
    return !retryDial.isEmpty() && retryDial.containsKey(peer);
  }

  /** Whether {@code peer}'s {@link TimerKey.DisconnectCooldown} is armed (no key is built). */
  public boolean isDisconnectCooldownArmed(NodeId peer) {
    return !disconnectCooldown.isEmpty() && disconnectCooldown.containsKey(peer);
  }

  public Optional<MonoTime> deadline(TimerKey key) {
    return Optional.ofNullable(deadlineOrNull(key));
  }

  private MonoTime deadlineOrNull(TimerKey key) {
    return switch (key) {
      case TimerKey.Maintenance m -> maintenance;
      case TimerKey.RetryDial r -> retryDial.get(r.peer());
      case TimerKey.DisconnectCooldown d -> disconnectCooldown.get(d.peer());
    };
  }

  /** Arms {@code key} at {@code at}, replacing any earlier deadline of the same key. */
  public Timers arm(TimerKey key, MonoTime at) {
    Objects.requireNonNull(at, "at");
    return switch (key) {
      case TimerKey.Maintenance m -> {
        if (at.equals(maintenance)) {
          yield this;
        }
        PSortedSet<Armed> index = maintenance == null ? byDeadline
            : byDeadline.minus(new Armed(maintenance, key));
        yield new Timers(at, retryDial, disconnectCooldown, index.plus(new Armed(at, key)));
      }
      case TimerKey.RetryDial r -> {
        PSortedMap<NodeId, MonoTime> armed = retryDial.plus(r.peer(), at);
        PSortedSet<Armed> index = reindex(retryDial, armed, r.peer(), key, at);
        yield index == null ? this : new Timers(maintenance, armed, disconnectCooldown, index);
      }
      case TimerKey.DisconnectCooldown d -> {
        PSortedMap<NodeId, MonoTime> armed = disconnectCooldown.plus(d.peer(), at);
        PSortedSet<Armed> index = reindex(disconnectCooldown, armed, d.peer(), key, at);
        yield index == null ? this : new Timers(maintenance, retryDial, armed, index);
      }
    };
  }

  /** The deadline index after {@code peer}'s timer moved from {@code before} to {@code after}; null: unchanged. */
  private PSortedSet<Armed> reindex(PSortedMap<NodeId, MonoTime> before,
      PSortedMap<NodeId, MonoTime> after, NodeId peer, TimerKey key, MonoTime at) {
    if (after.size() > before.size()) {
      // a new key (the common case): one search fewer than a get before the plus
      return byDeadline.plus(new Armed(at, key));
    }
    MonoTime old = before.get(peer);
    if (at.equals(old)) {
      return null;
    }
    return byDeadline.minus(new Armed(old, key)).plus(new Armed(at, key));
  }

  public Timers cancel(TimerKey key) {
    return switch (key) {
      case TimerKey.Maintenance m -> maintenance == null ? this
          : new Timers(null, retryDial, disconnectCooldown, byDeadline.minus(new Armed(maintenance, key)));
      case TimerKey.RetryDial r -> {
        MonoTime old = retryDial.isEmpty() ? null : retryDial.get(r.peer());
        yield old == null ? this : new Timers(maintenance, retryDial.minus(r.peer()),
            disconnectCooldown, byDeadline.minus(new Armed(old, key)));
      }
      case TimerKey.DisconnectCooldown d -> {
        MonoTime old = disconnectCooldown.isEmpty() ? null : disconnectCooldown.get(d.peer());
        yield old == null ? this : new Timers(maintenance, retryDial,
            disconnectCooldown.minus(d.peer()), byDeadline.minus(new Armed(old, key)));
      }
    };
  }

  /** The earliest deadline, if any timer is armed. */
  public Optional<MonoTime> nextDeadline() {
    return byDeadline.isEmpty() ? Optional.empty() : Optional.of(byDeadline.first().at());
  }

  /** Keys whose deadline is at or before {@code now}, in key order (the order they fire in). */
  public List<TimerKey> expired(MonoTime now) {
    if (byDeadline.isEmpty() || byDeadline.first().at().isAfter(now)) {
      return List.of(); // the common case: no iterator
    }
    List<TimerKey> keys = new ArrayList<>();
    // a search per expired timer rather than an iterator: usually one or two expire at a time
    for (Armed a = byDeadline.first(); a != null && !a.at().isAfter(now); a = byDeadline.higher(a)) {
      keys.add(a.key());
    }
    if (keys.size() > 1) {
      keys.sort(Comparator.naturalOrder());
    }
    return keys;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Timers t && Objects.equals(maintenance, t.maintenance)
        && retryDial.equals(t.retryDial) && disconnectCooldown.equals(t.disconnectCooldown);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maintenance, retryDial, disconnectCooldown);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<TimerKey, MonoTime> e : deadlines().entrySet()) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(e.getKey()).append('=').append(e.getValue());
    }
    return b.append('}').toString();
  }
}
