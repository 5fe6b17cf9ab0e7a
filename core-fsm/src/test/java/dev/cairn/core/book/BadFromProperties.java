package dev.cairn.core.book;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.WallTime;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pcollections.TreePSet;

/**
 * {@link KnownAddress#badFrom} is where {@link KnownAddress#isBad} starts to hold: never after a
 * time at which the entry is bad (so a bucket that skips entries by it skips no bad one), and
 * exactly that time when no sum overflows (so it skips every entry that is not bad).
 */
class BadFromProperties {

  private static final long DAY = 24 * 3_600_000L;
  private static final long T = 1_700_000_000_000L;

  /** Times near each other (days apart, at minute and millisecond edges), NEVER, and extremes. */
  @Provide
  Arbitrary<Long> times() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-30 * DAY, 30 * DAY).map(d -> T + d),
        Arbitraries.of(-60_001L, -60_000L, -59_999L, 0L, 1L, 7 * DAY, 7 * DAY + 1, -7 * DAY - 1)
            .map(d -> T + d),
        Arbitraries.just(WallTime.NEVER.epochMillis()),
        Arbitraries.longs(),
        Arbitraries.of(Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE, Long.MIN_VALUE + 1));
  }

  @Property(tries = 3000)
  void badFromBoundsIsBad(@ForAll("times") long attempt, @ForAll("times") long success,
      @ForAll("times") long now, @ForAll boolean old,
      @ForAll("attempts") int attempts) {
    NodeAddress a = new NodeAddress(new NodeId("ab".repeat(20)), "1.2.3.4", 26656);
    KnownAddress ka = new KnownAddress(a, a, TreePSet.empty(), old ? BucketType.OLD : BucketType.NEW,
        attempts, new WallTime(attempt), new WallTime(success), WallTime.NEVER);
    WallTime t = new WallTime(now);
    if (now > KnownAddress.BAD_FROM_SAFE && ka.isBad(t)) {
      assertThat(now).isGreaterThanOrEqualTo(ka.badFrom());
    }
    boolean moderate = moderate(attempt) && moderate(success) && moderate(now);
    if (moderate) {
      assertThat(ka.isBad(t)).isEqualTo(now >= ka.badFrom());
    }
  }

  private static boolean moderate(long t) {
    return t > Long.MIN_VALUE / 2 && t < Long.MAX_VALUE / 2;
  }

  @Provide
  Arbitrary<Integer> attempts() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 12),
        Arbitraries.just(Integer.MAX_VALUE));
  }
}
