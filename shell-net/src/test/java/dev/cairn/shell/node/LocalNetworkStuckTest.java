package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a local network tells a node left below its outbound target with nobody to dial from one
 * that merely has not dialed yet, and when a plan warns that this can happen.
 */
class LocalNetworkStuckTest {

  /** Seven non-seeds (node0..node6) and one seed, outbound target 2, inbound limit 3. */
  private static final LocalNetwork.Plan TIGHT = new LocalNetwork.Plan(8, 1, 2, 3, Duration.ofMillis(500), 1);

  private static NodeId id(int i) {
    return NodeId.of(String.format("%040x", i + 1));
  }

  private static final class Net {
    final List<List<NodeId>> out = new ArrayList<>();
    final List<List<NodeId>> in = new ArrayList<>();

    Net(int n) {
      for (int i = 0; i < n; i++) {
        out.add(new ArrayList<>());
        in.add(new ArrayList<>());
      }
    }

    Net link(int from, int to) {
      out.get(from).add(id(to));
      in.get(to).add(id(from));
      return this;
    }

    List<Node.Status> statuses() {
      List<Node.Status> st = new ArrayList<>();
      st.add(new Node.Status(id(100), "seed0", true, 2, List.of(), List.of(), 7, 0, 0, 0, 0));
      for (int i = 0; i < out.size(); i++) {
        st.add(new Node.Status(id(i), "node" + i, false, 2, out.get(i), in.get(i), 7, 0, 0, 0, 0));
      }
      return st;
    }
  }

  /**
   * node0 dials node1 only and has node2, node3 and node4 inbound; node5 and node6 are the only
   * others, and each already has three inbound peers.
   */
  private static Net cornered() {
    return new Net(7)
        .link(0, 1)
        .link(2, 0).link(3, 0).link(4, 0)
        .link(1, 5).link(2, 5).link(3, 5)
        .link(1, 6).link(4, 6).link(5, 6);
  }

  @Test
  void aNodeWhoseCandidatesAreAllConnectedOrFullIsNamed() {
    List<String> stuck = LocalNetwork.stuckBelowTarget(TIGHT, cornered().statuses());
    assertThat(stuck).anySatisfy(l -> assertThat(l)
        .startsWith("node0 has 1/2 outbound and nobody left to dial")
        .contains("4 are connected to it and 2 have their inbound full (3)"));
    assertThat(stuck).noneMatch(l -> l.startsWith("node5") || l.startsWith("node1 "));
  }

  @Test
  void oneCandidateWithInboundRoomIsEnough() {
    assertThat(LocalNetwork.belowTargetWithCandidate(TIGHT, cornered().statuses())).extracting(Node.Status::moniker)
        .doesNotContain("node0").contains("node5", "node6"); // below target, node4 and node2 have room
    Net n = cornered();
    n.in.get(6).remove(id(5)); // node6 has room again
    n.out.get(5).remove(id(6));
    assertThat(LocalNetwork.stuckBelowTarget(TIGHT, n.statuses())).noneMatch(l -> l.startsWith("node0 "));
    assertThat(LocalNetwork.belowTargetWithCandidate(TIGHT, n.statuses())).extracting(Node.Status::moniker)
        .contains("node0");
  }

  @Test
  void aNodeAtItsTargetIsNeverStuck() {
    Net n = cornered().link(0, 5); // over node5's limit, but node0 is at target now
    assertThat(LocalNetwork.stuckBelowTarget(TIGHT, n.statuses())).noneMatch(l -> l.startsWith("node0 "));
  }

  /**
   * A node below target but linked to every other non-seed (they all dialed it first) has every
   * link the network can give it: settled, not stuck, and the network converges with it.
   */
  @Test
  void aNodeLinkedToEveryOtherNonSeedBelowTargetIsSettledNotStuck() {
    LocalNetwork.Plan roomy = new LocalNetwork.Plan(8, 1, 2, 7, Duration.ofMillis(500), 1);
    Net n = new Net(7).link(0, 1);
    for (int i = 2; i < 7; i++) {
      n.link(i, 0);
    }
    n.link(1, 2).link(1, 3).link(2, 3).link(3, 4).link(4, 5).link(5, 6).link(6, 1); // the others at target
    assertThat(LocalNetwork.stuckBelowTarget(roomy, n.statuses())).isEmpty();
    assertThat(LocalNetwork.converged(n.statuses())).isTrue();
    var snapshot = LocalNetwork.snapshot(0, n.statuses());
    assertThat(snapshot.settledCount()).isEqualTo(7);
    assertThat(snapshot.nodes()).filteredOn(snapshot::linkedToAllBelowTarget)
        .extracting(dev.cairn.shell.report.NodeStatus::moniker).containsExactly("node0");
    assertThat(dev.cairn.shell.report.SummaryTable.of(snapshot)).containsPattern("node0 .* all 1/2 ");

    n.in.get(0).remove(id(6)); // node6 no longer linked to node0: node0 has somebody to dial
    n.out.get(6).remove(id(0));
    assertThat(LocalNetwork.converged(n.statuses())).isFalse();
    assertThat(LocalNetwork.snapshot(0, n.statuses()).settledCount()).as("node0 and node6, below target, not linked").isEqualTo(5);
  }

  @Test
  void aPlanOfFewNodesSaysHowItConverges() {
    assertThat(new LocalNetwork.Plan(6, 1, 2, 16, Duration.ofSeconds(2), 1).fewNodesNote()).isEmpty(); // 5 = 2 x 2 + 1
    assertThat(new LocalNetwork.Plan(5, 1, 2, 16, Duration.ofSeconds(2), 1).fewNodesNote())
        .hasValueSatisfying(w -> assertThat(w).contains("--outbound 2 cannot be reached by every one of 4 non-seed nodes")
            .contains("linked to every other non-seed"));
    assertThat(new LocalNetwork.Plan(16, 2, 4, 16, Duration.ofSeconds(2), 1).fewNodesNote()).isEmpty();
  }

  @Test
  void aPlanWarnsWhenInboundCanFillUp() {
    assertThat(TIGHT.roomyInbound()).isEqualTo(7); // six other non-seeds and one seed's crawl
    assertThat(TIGHT.tightInboundWarning()).hasValueSatisfying(w -> assertThat(w)
        .contains("--inbound 3").contains("--inbound 7 rules that out"));
    assertThat(new LocalNetwork.Plan(8, 1, 2, 7, Duration.ofMillis(500), 1).tightInboundWarning()).isEmpty();
    // the testnet's defaults: 16 nodes, 2 seeds, outbound 4, inbound 16
    assertThat(new LocalNetwork.Plan(16, 2, 4, 16, Duration.ofSeconds(2), 1).tightInboundWarning()).isEmpty();
  }
}
