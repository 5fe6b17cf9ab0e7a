package dev.cairn.spec.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The memo table of the pair checker answers exactly as a map from whole keys would: keys that
 * differ in any one fingerprint stay apart, through collisions of their hashes and growth.
 */
class FingerprintTableTest {

  /** Random puts and gets over a small alphabet of fingerprints, against a map of lists. */
  @Test
  void answersAsAMapOfWholeKeysThroughCollisionsAndGrowth() {
    for (int width : new int[] {1, 3, 5}) {
      SplittableRandom r = new SplittableRandom(width);
      FingerprintTable t = new FingerprintTable(width);
      Map<List<Long>, Boolean> model = new HashMap<>();
      for (int op = 0; op < 60_000; op++) {
        long[] key = new long[width];
        for (int j = 0; j < width; j++) {
          key[j] = r.nextInt(12) - 6; // few values per place: keys share most of their parts
        }
        List<Long> k = Arrays.stream(key).boxed().toList();
        if (r.nextInt(3) == 0) {
          boolean v = r.nextBoolean();
          t.put(v, key);
          model.put(k, v);
        } else {
          assertThat(t.get(key)).as("key %s", k).isEqualTo(model.get(k));
        }
      }
      assertThat(t.size()).isEqualTo(model.size());
      if (width > 1) {
        assertThat(model.size()).as("keys enough to grow the table twice").isGreaterThan(1_024);
      }
    }
  }

  @Test
  void readsTheKeyAtTheGivenIndexes() {
    FingerprintTable t = new FingerprintTable(2);
    long[] state = {10, 20, 30, 40};
    t.put(state, new int[] {1, 3}, true);
    assertThat(t.get(new long[] {99, 20, 98, 40}, new int[] {1, 3})).isTrue();
    assertThat(t.get(20, 40)).isTrue();
    assertThat(t.get(40, 20)).as("the order of the parts is part of the key").isNull();
    assertThat(t.get(state, new int[] {0, 2})).isNull();
    t.put(state, new int[] {1, 3}, false);
    assertThat(t.get(20, 40)).isFalse();
    assertThat(t.size()).isEqualTo(1);
    t.clear();
    assertThat(t.get(20, 40)).isNull();
    assertThat(t.size()).isZero();
  }

  @Test
  void refusesKeysOfAnotherWidth() {
    FingerprintTable t = new FingerprintTable(2);
    assertThatThrownBy(() -> t.get(1, 2, 3)).hasMessageContaining("a key of 2 fingerprints, not 3");
    assertThatThrownBy(() -> t.put(true, 1)).hasMessageContaining("a key of 2 fingerprints, not 1");
    assertThatThrownBy(() -> new FingerprintTable(-1)).hasMessageContaining("negative");
    FingerprintTable none = new FingerprintTable(0); // an invariant of constants: one key, the empty one
    assertThat(none.get()).isNull();
    none.put(true);
    assertThat(none.get()).isTrue();
    assertThat(none.size()).isEqualTo(1);
  }
}
