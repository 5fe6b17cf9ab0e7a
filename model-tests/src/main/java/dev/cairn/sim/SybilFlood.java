package dev.cairn.sim;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.sim.Wiring.End;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A Sybil inbound flood: {@code sybils} identities in {@code groups} /16 groups each connect to
 * every honest node at {@code startAt} (10 ms apart) and reconnect {@value #REDIAL_SECONDS}
 * s after every close. They send nothing and answer nothing: they only take slots. Sampled every
 * second from {@code startAt}: inbound connections per honest node, how many of them are sybils, and honest outbound
 * connections to sybils (an honest node learns an inbound peer's listen address, so sybils reach
 * the books one by one).
 */
final class SybilFlood implements Attack {

  static final int REDIAL_SECONDS = 5;
  private static final long SECOND = 1_000_000_000L;

  /**
   * {@code attempts}: connections the sybils opened (each is handshaken, then admitted or refused);
   * {@code closed}: of those, closed by the honest side; {@code maxInboundSeen}: most inbound
   * connections of one honest node at any sample; {@code sybilInboundShare}: time-averaged sybil
   * share of honest inbound connections; {@code sybilOutboundShare}: of honest ordinary nodes'
   * outbound connections; {@code withHonestOutbound}: ordinary nodes with at least one outbound
   * connection to an honest node at the last sample; {@code largestHonestComponent}: the most
   * ordinary nodes that honest-to-honest connections join into one component at the last sample
   * (of {@code ordinary}).
   */
  record Outcome(int sybils, long attempts, long closed, int maxInboundSeen, double sybilInboundShare,
      double sybilOutboundShare, long samples, int ordinary, int withHonestOutbound, int largestHonestComponent) {}

  private final Duration runFor;
  private final Duration startAt;
  private final List<NodeAddress> sybils;
  private final TreeSet<NodeId> sybilIds = new TreeSet<>();
  private long attempts;
  private long closed;
  private int maxInboundSeen;
  private long inboundAll;
  private long inboundSybil;
  private long outboundAll;
  private long outboundSybil;
  private long samples;
  private int ordinary;
  private int withHonestOutbound;
  private int largestHonestComponent;

  SybilFlood(long seed, int sybils, int groups, Duration startAt, Duration runFor) {
    this.runFor = runFor;
    this.startAt = startAt;
    this.sybils = Sybils.inGroups(sybils, groups, SimRandom.derive(seed, "sybil-flood-ids"));
    this.sybils.forEach(a -> sybilIds.add(a.id()));
  }

  @Override
  public List<NodeAddress> identities() {
    return sybils;
  }

  @Override
  public Duration runFor() {
    return runFor;
  }

  @Override
  public void begin(Simulator.Hooks h) {
    List<SimNode> xs = h.identities();
    for (int k = 0; k < xs.size(); k++) {
      SimNode x = xs.get(k);
      for (SimNode n : h.honest()) {
        h.after(startAt.toNanos() + k * 10_000_000L, () -> h.dial(x, n.listen));
      }
    }
    h.after(startAt.toNanos(), () -> sample(h));
  }

  @Override
  public void opened(Simulator.Hooks h, End c) {
    attempts++;
  }

  @Override
  public void closed(Simulator.Hooks h, End c) {
    if (c.outbound) {
      closed++;
      SimNode x = c.node;
      NodeAddress target = c.address;
      h.after(REDIAL_SECONDS * SECOND, () -> h.dial(x, target));
    }
  }

  private void sample(Simulator.Hooks h) {
    samples++;
    for (SimNode n : h.honest()) {
      if (!n.up) {
        continue;
      }
      int in = 0;
      for (Map.Entry<NodeId, Connection> c : n.state.peer().connected().entrySet()) {
        boolean sybil = sybilIds.contains(c.getKey());
        if (c.getValue().direction() == Direction.INBOUND) {
          in++;
          inboundAll++;
          inboundSybil += sybil ? 1 : 0;
        } else if (n.ordinary) {
          outboundAll++;
          outboundSybil += sybil ? 1 : 0;
        }
      }
      maxInboundSeen = Math.max(maxInboundSeen, n.seed ? 0 : in);
    }
    honestGraph(h.honest());
    h.after(SECOND, () -> sample(h));
  }

  /** Ordinary nodes with an honest outbound peer, and the largest component of honest links between them. */
  private void honestGraph(List<SimNode> honest) {
    Map<NodeId, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < honest.size(); i++) {
      index.put(honest.get(i).id, i);
    }
    int[] parent = new int[honest.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    int count = 0;
    int withOut = 0;
    for (int i = 0; i < honest.size(); i++) {
      SimNode n = honest.get(i);
      if (!n.ordinary || !n.up) {
        continue;
      }
      count++;
      boolean out = false;
      for (Map.Entry<NodeId, Connection> c : n.state.peer().connected().entrySet()) {
        Integer j = index.get(c.getKey());
        if (j == null || !honest.get(j).ordinary) {
          continue;
        }
        out |= c.getValue().direction() == Direction.OUTBOUND;
        parent[find(parent, i)] = find(parent, j);
      }
      withOut += out ? 1 : 0;
    }
    int[] size = new int[honest.size()];
    int largest = 0;
    for (int i = 0; i < honest.size(); i++) {
      if (honest.get(i).ordinary && honest.get(i).up) {
        largest = Math.max(largest, ++size[find(parent, i)]);
      }
    }
    ordinary = count;
    withHonestOutbound = withOut;
    largestHonestComponent = largest;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  Outcome outcome() {
    return new Outcome(sybils.size(), attempts, closed, maxInboundSeen,
        inboundAll == 0 ? 0 : (double) inboundSybil / inboundAll,
        outboundAll == 0 ? 0 : (double) outboundSybil / outboundAll, samples, ordinary, withHonestOutbound,
        largestHonestComponent);
  }
}
