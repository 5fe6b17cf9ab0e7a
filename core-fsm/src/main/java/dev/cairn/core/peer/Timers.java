package dev.cairn.core.peer;

import dev.cairn.core.MonoTime;
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
 * {@link #deadlines()} alone; a second index ordered by deadline is kept beside it so that the
 * earliest deadline and the expired timers are found in logarithmic time, whatever the number of
 * retry timers.
 */
public final class Timers {

  /** One armed timer, ordered by deadline then key: the index behind {@link #nextDeadline()}. */
  private record Armed(MonoTime at, TimerKey key) {}

  private static final Comparator<Armed> BY_DEADLINE = (a, b) -> {
    int byTime = a.at().compareTo(b.at());
    return byTime != 0 ? byTime : a.key().compareTo(b.key());
  };

  private static final Timers EMPTY =
      new Timers(TreePMap.empty(), TreePSet.empty(BY_DEADLINE));

  private final PSortedMap<TimerKey, MonoTime> deadlines;
  private final PSortedSet<Armed> byDeadline;

  private Timers(PSortedMap<TimerKey, MonoTime> deadlines, PSortedSet<Armed> byDeadline) {
    this.deadlines = deadlines;
    this.byDeadline = byDeadline;
  }

  public static Timers empty() {
    return EMPTY;
  }

  /** {@code key -> deadline}, sorted by key. */
  public PSortedMap<TimerKey, MonoTime> deadlines() {
    return deadlines;
  }

  public int size() {
    return deadlines.size();
  }

  public boolean isArmed(TimerKey key) {
    return deadlines.containsKey(key);
  }

  public Optional<MonoTime> deadline(TimerKey key) {
    return Optional.ofNullable(deadlines.get(key));
  }

  /** Arms {@code key} at {@code at}, replacing any earlier deadline of the same key. */
  public Timers arm(TimerKey key, MonoTime at) {
    Objects.requireNonNull(at, "at");
    PSortedMap<TimerKey, MonoTime> armed = deadlines.plus(key, at);
    if (armed.size() > deadlines.size()) {
      // a new key (the common case): one search fewer than a get before the plus
      return new Timers(armed, byDeadline.plus(new Armed(at, key)));
    }
    MonoTime old = deadlines.get(key);
    if (at.equals(old)) {
      return this;
    }
    return new Timers(armed, byDeadline.minus(new Armed(old, key)).plus(new Armed(at, key)));
  }

  public Timers cancel(TimerKey key) {
    MonoTime old = deadlines.get(key);
    if (old == null) {
      return this;
    }
    return new Timers(deadlines.minus(key), byDeadline.minus(new Armed(old, key)));
  }

  /** The earliest deadline, if any timer is armed. */
  public Optional<MonoTime> nextDeadline() {
    return byDeadline.isEmpty() ? Optional.empty() : Optional.of(byDeadline.first().at());
  }

  /** Keys whose deadline is at or before {@code now}, in key order (the order they fire in). */
  public List<TimerKey> expired(MonoTime now) {
    List<TimerKey> keys = new ArrayList<>();
    for (Armed a : byDeadline) {
      if (a.at().isAfter(now)) {
        break;
      }
      keys.add(a.key());
    }
    keys.sort(Comparator.naturalOrder());
    return keys;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Timers t && deadlines.equals(t.deadlines);
  }

  @Override
  public int hashCode() {
    return deadlines.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<TimerKey, MonoTime> e : deadlines.entrySet()) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(e.getKey()).append('=').append(e.getValue());
    }
    return b.append('}').toString();
  }
}
