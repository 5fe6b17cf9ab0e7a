package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import dev.cairn.core.peer.DisconnectReason;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.spec.TlaModelValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trim above {@code MaxThreshold} held to the spec at {@code MCPeerManagerTrim.cfg}'s bounds
 * (three ordinary peers, 3 in / 1 out / 3 total over thresholds 0 &lt; 1 ≤ 1 &lt; 2), where a third
 * connection is trimmed back to one (two inbound peers before an outbound one; among three inbound
 * peers, the lowest scores): at {@code MCPeerManager}'s bounds no trim can happen, so the
 * other checks never compare one. Java evicts inbound peers first, then the lowest score; a spec
 * that ranked by score alone let TLC and every check pass while it refused Java's trims.
 */
class TrimModelTest {

  @BeforeAll
  static void load() {
    Models.load(Models.TRIM);
  }

  @AfterAll
  static void release() {
    Models.release(); // the next class loads the default model again
  }

  /**
   * The node dials the peer its book pick chooses (every peer is known); that peer, reported bad,
   * stays when the two others connect inbound past the threshold: both inbound peers are trimmed,
   * the one choice the spec allows. A spec ranking by score alone refused it (it allowed only the
   * outbound peer and one inbound peer).
   */
  @Test
  void anInboundPeerIsTrimmedBeforeAnOutboundOneWithALowerScore() {
    String out = dialedAtStart();
    List<String> peers = new ArrayList<>(List.of("p1", "p2", "p3"));
    peers.remove(out);
    Equivalence.Verdict last = lastStep("trim", "Started", "DialSucceeded " + out, "PeerReady " + out,
        "PeerReported " + out + " bad", "InboundAccepted " + peers.get(0), "InboundAccepted " + peers.get(1));
    PeerManagerMapping m = Models.mapping();
    assertThat(trimmed(last)).containsExactlyInAnyOrder(m.id(new TlaModelValue(peers.get(0))),
        m.id(new TlaModelValue(peers.get(1))));
    assertThat(last.spec()).as("the spec's successors").hasSize(1);
  }

  /**
   * Three inbound peers, the one with the largest ID scored lowest: the trim of two keeps one of
   * the others and never the low one, so a rank by direction alone (ties by ID) or a spec that
   * ignored scores within a direction is caught. The node's dial at start fails first, so that
   * every peer connects inbound (the failure lowers its peer's score too, which keeps the answer).
   */
  @Test
  void amongInboundPeersTheLowestScoreIsTrimmed() {
    Equivalence.Verdict last = lastStep("trim by score", "Started", "DialFailed " + dialedAtStart(),
        "InboundAccepted p3", "PeerReady p3", "PeerReported p3 bad", "InboundAccepted p1", "InboundAccepted p2");
    PeerManagerMapping m = Models.mapping();
    assertThat(trimmed(last)).hasSize(2).contains(m.id(new TlaModelValue("p3")));
    // the spec allows exactly the two trims that take p3 (a spec blind to scores would allow three)
    assertThat(last.spec()).as("the spec's successors").hasSize(2);
  }

  /** Check 1 (Java ⊆ spec) on random chains at these bounds, which must reach trims to say anything. */
  @Test
  void everyJavaTrimIsOneTheSpecAllows() {
    int[] trims = javaInSpecRuns(20261124, "", "trim-java-in-spec", v -> true);
    assertThat(trims[1]).as("runs that trimmed (%d trims)", trims[0]).isGreaterThanOrEqualTo(10);
  }

  /**
   * Check 1 on 600 random chains from {@code seed} at the loaded model's bounds, failing with the
   * fixture of a divergence (saved as {@code file}); the matched trims {@code counted} accepts, and
   * the runs with one.
   */
  static int[] javaInSpecRuns(long seed, String name, String file,
      java.util.function.Predicate<Equivalence.Verdict> counted) {
    Random r = new Random(seed);
    int runsWithTrims = 0;
    int trims = 0;
    for (int run = 0; run < 600; run++) {
      List<Integer> choices = new ArrayList<>();
      for (int i = 0, n = 2 + r.nextInt(79); i < n; i++) {
        choices.add(r.nextInt(10_001));
      }
      int[] seen = {0};
      Equivalence.Run res = Models.real().javaInSpec(choices, v -> {
        if (v.kind() == Equivalence.Kind.MATCHED && !trimmed(v).isEmpty() && counted.test(v)) {
          seen[0]++;
        }
      });
      assertThat(res.divergence())
          .as(() -> "Java left the spec:\n" + res.divergence().orElseThrow().detail() + "\nfixture (saved to "
              + res.fixture("check 1 at trim bounds" + name).save(file)
              + "):\n" + res.fixture("check 1 (Java ⊆ spec), " + Models.loaded()).text())
          .isEmpty();
      trims += seen[0];
      runsWithTrims += seen[0] > 0 ? 1 : 0;
    }
    return new int[] {trims, runsWithTrims};
  }

  static final String INIT = "p1=known p2=known p3=known";

  /** The peer the node's book pick dials at start (every peer known): Java's PRNG chooses it. */
  private static String dialedAtStart() {
    List<Equivalence.Verdict> started = new ArrayList<>();
    assertThat(Models.real().replay(INIT, List.of(Label.parse("Started")), started::add).divergence()).isEmpty();
    var dialing = started.getFirst().java().step().state().dialing().keySet();
    assertThat(dialing).as("the book pick at start").hasSize(1);
    PeerManagerMapping m = Models.mapping();
    return List.of("p1", "p2", "p3").stream().filter(p -> dialing.contains(m.id(new TlaModelValue(p))))
        .findFirst().orElseThrow();
  }

  /** Replays {@code letters} from {@link #INIT}, which must conform throughout; the last step's verdict, matched. */
  static Equivalence.Verdict lastStep(String name, String... letters) {
    List<Label> labels = java.util.Arrays.stream(letters).map(Label::parse).toList();
    List<Equivalence.Verdict> verdicts = new ArrayList<>();
    Equivalence.Run run = Models.real().replay(INIT, labels, verdicts::add);
    assertThat(run.divergence()).as(() -> run.divergence().map(Equivalence.Verdict::detail).orElse("") + "\n"
        + run.fixture(name).text()).isEmpty();
    assertThat(run.steps()).isEqualTo(labels.size());
    Equivalence.Verdict last = verdicts.getLast();
    assertThat(last.kind()).isEqualTo(Equivalence.Kind.MATCHED);
    return last;
  }

  static Set<NodeId> trimmed(Equivalence.Verdict v) {
    Set<NodeId> out = new TreeSet<>();
    for (PeerEffect e : v.java().step().effects()) {
      if (e instanceof PeerEffect.Disconnect d && d.reason() == DisconnectReason.ABOVE_MAX_THRESHOLD) {
        out.add(d.peer());
      }
    }
    return out;
  }
}
