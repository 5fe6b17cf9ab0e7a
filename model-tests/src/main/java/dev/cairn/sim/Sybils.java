package dev.cairn.sim;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import java.util.ArrayList;
import java.util.List;

/** Addresses an adversary controls: fresh IDs at distinct IPs packed into a few /16 groups. */
final class Sybils {

  private Sybils() {}

  /**
   * {@code count} identities spread round-robin over {@code groups} /16 groups
   * {@code 200.10.0.0/16}, {@code 200.11.0.0/16}, ... (routable, and apart from every honest
   * node's {@link Simulator#ipOf} group); IDs drawn from {@code ids}.
   */
  static List<NodeAddress> inGroups(int count, int groups, SimRandom ids) {
    if (groups < 1 || groups > 200 || count < 0 || count > groups * 62_500) {
      throw new IllegalArgumentException("cannot place " + count + " sybils in " + groups + " /16 groups");
    }
    List<NodeAddress> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      int g = k % groups;
      int host = k / groups;
      String ip = "200." + (10 + g) + "." + (host / 250 + 1) + "." + (host % 250 + 1);
      out.add(new NodeAddress(randomId(ids), ip, Simulator.LISTEN_PORT));
    }
    return out;
  }

  static NodeId randomId(SimRandom ids) {
    String hex = String.format("%016x%016x%016x", ids.nextLong(), ids.nextLong(), ids.nextLong());
    return NodeId.of(hex.substring(0, NodeId.HEX_LENGTH));
  }

  /** {@code k} distinct entries of {@code from}, uniformly (partial Fisher-Yates on a copy). */
  static <T> List<T> sample(List<T> from, int k, SimRandom r) {
    List<T> copy = new ArrayList<>(from);
    int n = Math.min(k, copy.size());
    for (int i = 0; i < n; i++) {
      int j = i + (int) r.below(copy.size() - i);
      T t = copy.get(i);
      copy.set(i, copy.get(j));
      copy.set(j, t);
    }
    return new ArrayList<>(copy.subList(0, n));
  }
}
