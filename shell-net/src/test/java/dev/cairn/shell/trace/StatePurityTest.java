package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreState;
import dev.cairn.core.book.Bucket;
import dev.cairn.core.book.BucketTable;
import dev.cairn.core.book.KnownAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The states a run goes through stay what they were: the tools read states the core has long
 * stepped past (replay verifies checkpoint digests up to 256 steps behind the core, {@code show
 * --changes} compares a state with the next, validation maps the state before each step), so a
 * step must never write into the values of an earlier state, which persistent collections share
 * with the later ones.
 */
class StatePurityTest {

  /** What is read of a state: its digest, its rendering, and each book entry as a lookup finds it. */
  private record Reading(byte[] digest, String json, List<KnownAddress> lookedUp, List<String> buckets) {
    static Reading of(CoreState s, Digester d) {
      var book = s.peer().book();
      List<KnownAddress> found = new ArrayList<>();
      for (KnownAddress ka : book.lookup().values()) {
        found.add(book.lookup().get(ka.id()));
      }
      return new Reading(d.state(s), ValueJson.node(s).toString(), found,
          buckets(book.newBuckets(), book.oldBuckets()));
    }

    static List<String> buckets(BucketTable... tables) {
      List<String> out = new ArrayList<>();
      for (BucketTable t : tables) {
        for (int i = 0; i < t.length(); i++) {
          Bucket b = t.get(i);
          out.add(i + ":" + b.entries());
        }
      }
      return out;
    }

    boolean same(Reading o) {
      return Arrays.equals(digest, o.digest) && json.equals(o.json) && lookedUp.equals(o.lookedUp)
          && buckets.equals(o.buckets);
    }
  }

  private static void holds(CoreConfig config, CoreState initial, List<SyntheticRun.Timed> events) {
    Digester d = new Digester();
    List<CoreState> states = new ArrayList<>();
    List<Reading> then = new ArrayList<>();
    CoreState s = initial;
    for (SyntheticRun.Timed t : events) {
      s = Core.step(config, s, t.now(), t.wall(), t.event()).state();
      states.add(s);
      then.add(Reading.of(s, d));
    }
    for (int i = 0; i < states.size(); i++) {
      Reading now = Reading.of(states.get(i), new Digester());
      assertThat(now.same(then.get(i))).as("state after step %d, read again after the run", i).isTrue();
      assertThat(now.lookedUp()).doesNotContainNull();
    }
  }

  @Test
  void aNodeLearningThousandsOfAddresses() {
    SyntheticRun run = SyntheticRun.generate(600, 5);
    holds(run.config(), run.initial(), run.events());
  }

  @Test
  void aSeedCrawlingItsNetwork() {
    SmallWorldRun run = SmallWorldRun.generate(1500, 4, true);
    holds(run.config(), run.initial(), run.events());
  }
}
