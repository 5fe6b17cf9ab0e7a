package dev.cairn.core.peer;

import static dev.cairn.core.peer.Fixtures.NOW;
import static dev.cairn.core.peer.Fixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.MonoTime;
import dev.cairn.core.Prng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The timer table against a plain sorted map: its stored form (per kind and peer, plus an index
 * by deadline) must behave exactly as {@code key -> deadline}.
 */
class TimersTest {

  private static TimerKey key(int kind, int peer) {
    return switch (kind) {
      case 0 -> TimerKey.MAINTENANCE;
      case 1 -> new TimerKey.RetryDial(id(peer));
      default -> new TimerKey.DisconnectCooldown(id(peer));
    };
  }

  @Test
  void behavesAsASortedMapOfDeadlines() {
    Prng prng = Prng.seeded(11);
    Timers t = Timers.empty();
    TreeMap<TimerKey, MonoTime> model = new TreeMap<>();
    for (int i = 0; i < 5_000; i++) {
      Prng.Bounded kind = prng.nextBelow(3);
      Prng.Bounded peer = kind.next().nextBelow(40);
      Prng.Bounded op = peer.next().nextBelow(4);
      Prng.Bounded at = op.next().nextBelow(50);
      prng = at.next();
      TimerKey k = key((int) kind.value(), (int) peer.value());
      MonoTime when = NOW.plusMillis(at.value());
      if (op.value() == 0) {
        t = t.cancel(k);
        model.remove(k);
      } else {
        t = t.arm(k, when);
        model.put(k, when);
      }
      assertThat(t.deadlines()).isEqualTo(model);
      assertThat(List.copyOf(t.deadlines().keySet())).isEqualTo(List.copyOf(model.keySet()));
      assertThat(t.size()).isEqualTo(model.size());
      assertThat(t.isArmed(k)).isEqualTo(model.containsKey(k));
      assertThat(t.deadline(k)).isEqualTo(java.util.Optional.ofNullable(model.get(k)));
      assertThat(t.isRetryDialArmed(id((int) peer.value())))
          .isEqualTo(model.containsKey(new TimerKey.RetryDial(id((int) peer.value()))));
      assertThat(t.isDisconnectCooldownArmed(id((int) peer.value())))
          .isEqualTo(model.containsKey(new TimerKey.DisconnectCooldown(id((int) peer.value()))));
      assertThat(t.nextDeadline())
          .isEqualTo(model.values().stream().min(MonoTime::compareTo));
      MonoTime now = NOW.plusMillis(at.value() / 2);
      List<TimerKey> due = new ArrayList<>();
      for (Map.Entry<TimerKey, MonoTime> e : model.entrySet()) {
        if (!e.getValue().isAfter(now)) {
          due.add(e.getKey());
        }
      }
      assertThat(t.expired(now)).isEqualTo(due);
    }
  }

  @Test
  void equalTablesAreEqualWhateverTheirHistory() {
    Timers a = Timers.empty().arm(key(1, 1), NOW).arm(key(2, 1), NOW).arm(key(0, 0), NOW);
    Timers b = Timers.empty().arm(key(0, 0), NOW.plusMillis(5)).arm(key(2, 1), NOW)
        .arm(key(1, 2), NOW).arm(key(1, 1), NOW).cancel(key(1, 2)).arm(key(0, 0), NOW);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.toString()).isEqualTo(b.toString());
    assertThat(a).isNotEqualTo(b.arm(key(1, 1), NOW.plusMillis(1)));
    assertThat(a).isNotEqualTo(b.cancel(key(2, 1)));
  }

  @Test
  void armingTheSameDeadlineOrCancellingAnUnarmedKeyChangesNothing() {
    Timers a = Timers.empty().arm(key(1, 1), NOW).arm(key(0, 0), NOW);
    assertThat(a.arm(key(1, 1), NOW)).isSameAs(a);
    assertThat(a.arm(key(0, 0), NOW)).isSameAs(a);
    assertThat(a.cancel(key(2, 1))).isSameAs(a);
    assertThat(a.cancel(key(1, 2))).isSameAs(a);
  }
}
