package dev.cairn.sim;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.Direction;
import dev.cairn.sim.Wiring.End;
import dev.cairn.sim.Wiring.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Eclipse by address flooding: the adversary owns {@code sybils} addresses packed into
 * {@code groups} /16 groups, all reachable. A few of them ({@code connectorsPerGroup} per group)
 * connect to every honest node, seeds included, and reconnect whenever closed; every identity
 * answers every PexRequest it gets with {@value #ANSWER} random sybil addresses (never more: a
 * bigger answer is abuse and gets it banned). Honest nodes dial what their books pick, so the
 * question is how many of their outbound slots end up on sybils.
 *
 * <p>Measured every {@value #SAMPLE_SECONDS} s of virtual time after the warm-up, over every
 * ordinary honest node that is up: outbound connections to sybils over all outbound
 * connections. The naive baseline is what a book that keeps every address it hears of and picks
 * uniformly would give: for each ordinary node, every address it was ever sent (by honest peers
 * and by sybils) plus its configured seeds, minus itself; {@code maxOutbound} distinct draws
 * uniformly from that set, from the stream {@code "naive"} of the same seed; the share of sybils
 * among the draws, averaged over the nodes.
 */
final class EclipseAttack implements Attack {

  static final int ANSWER = 250;
  static final int SAMPLE_SECONDS = 10;
  private static final long SECOND = 1_000_000_000L;

  /**
   * One run's figures. {@code share}: time-averaged sybil share of honest outbound connections;
   * {@code finalShare} at the end; {@code worstNode} the highest final share of one node;
   * {@code eclipsed} nodes with every outbound connection on a sybil at the end; {@code naive}
   * the uniform baseline; {@code bookShare} sybil share of the honest books' entries at the end;
   * {@code bookSybilsMax} the most sybil entries in one book.
   */
  record Outcome(int sybils, int groups, double share, double finalShare, double worstNode, int eclipsed,
      double naive, double bookShare, int bookSybilsMax, long samples) {}

  private final long seed;
  private final int groups;
  private final int connectorsPerGroup;
  private final int maxOutbound;
  private final Duration runFor;
  private final Duration warmUp;
  private final List<NodeAddress> sybils;
  private final TreeSet<NodeId> sybilIds = new TreeSet<>();
  private final SimRandom answers;
  /** Every address each honest node (by index) was sent. */
  private final TreeMap<Integer, TreeSet<NodeAddress>> heard = new TreeMap<>();
  private final Duration churnEvery;
  private final SimRandom churn;
  private long restarts;
  private long sybilSlots;
  private long allSlots;
  private long samples;

  EclipseAttack(long seed, int sybils, int groups, int connectorsPerGroup, int maxOutbound, Duration runFor,
      Duration warmUp, Duration churnEvery) {
    this.churnEvery = churnEvery;
    this.churn = SimRandom.derive(seed, "churn");
    this.seed = seed;
    this.groups = groups;
    this.connectorsPerGroup = connectorsPerGroup;
    this.maxOutbound = maxOutbound;
    this.runFor = runFor;
    this.warmUp = warmUp;
    this.sybils = Sybils.inGroups(sybils, groups, SimRandom.derive(seed, "sybil-ids"));
    this.answers = SimRandom.derive(seed, "sybil-answers");
    sybils().forEach(a -> sybilIds.add(a.id()));
  }

  List<NodeAddress> sybils() {
    return sybils;
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
    int connectors = Math.min(sybils.size(), groups * connectorsPerGroup);
    for (int k = 0; k < connectors; k++) {
      SimNode x = h.identities().get(k);
      for (SimNode n : h.honest()) {
        h.after(SECOND + k * 100_000_000L, () -> h.dial(x, n.listen));
      }
    }
    h.after(warmUp.toNanos(), () -> sample(h));
    if (!churnEvery.isZero()) {
      h.after(churnEvery.toNanos(), () -> restartOne(h));
    }
  }

  /** Honest churn: one random ordinary node goes down for 10 s and restarts from its persisted book. */
  private void restartOne(Simulator.Hooks h) {
    List<SimNode> ordinary = h.honest().stream().filter(n -> n.ordinary && n.up).toList();
    if (!ordinary.isEmpty()) {
      h.crash(ordinary.get((int) churn.below(ordinary.size())), 10 * SECOND);
      restarts++;
    }
    h.after(churnEvery.toNanos(), () -> restartOne(h));
  }

  @Override
  public void received(Simulator.Hooks h, End c, Message m) {
    if (m instanceof Message.PexRequest) {
      List<NodeAddress> answer = Sybils.sample(sybils, ANSWER, answers);
      h.send(c, new Message.PexAddrs(answer));
      heard.computeIfAbsent(c.other().node.index, i -> new TreeSet<>()).addAll(answer);
    }
  }

  @Override
  public void closed(Simulator.Hooks h, End c) {
    if (c.outbound) {
      SimNode x = c.node;
      NodeAddress target = c.address;
      h.after(10 * SECOND, () -> h.dial(x, target)); // keep pressing for an inbound slot
    }
  }

  @Override
  public void gossiped(Simulator.Hooks h, SimNode from, SimNode to, List<NodeAddress> addresses) {
    if (!to.scripted) {
      heard.computeIfAbsent(to.index, i -> new TreeSet<>()).addAll(addresses);
    }
  }

  private void sample(Simulator.Hooks h) {
    for (SimNode n : h.honest()) {
      if (!n.ordinary || !n.up) {
        continue;
      }
      for (Map.Entry<NodeId, Connection> c : n.state.peer().connected().entrySet()) {
        if (c.getValue().direction() == Direction.OUTBOUND) {
          allSlots++;
          sybilSlots += sybilIds.contains(c.getKey()) ? 1 : 0;
        }
      }
    }
    samples++;
    h.after(SAMPLE_SECONDS * SECOND, () -> sample(h));
  }

  /** The figures, from the nodes' final states. */
  Outcome outcome(List<SimNode> honest) {
    SimRandom naiveDraws = SimRandom.derive(seed, "naive");
    double naiveSum = 0;
    double finalSum = 0;
    double worst = 0;
    int eclipsed = 0;
    int counted = 0;
    long bookSybils = 0;
    long bookAll = 0;
    int bookMax = 0;
    for (SimNode n : honest) {
      if (!n.ordinary || !n.up) {
        continue;
      }
      counted++;
      TreeSet<NodeAddress> known = new TreeSet<>(heard.getOrDefault(n.index, new TreeSet<>()));
      known.addAll(n.running.pex().seeds());
      known.removeIf(a -> a.id().equals(n.id));
      List<NodeAddress> picks = Sybils.sample(new ArrayList<>(known), maxOutbound, naiveDraws);
      naiveSum += picks.isEmpty() ? 0 : (double) picks.stream().filter(a -> sybilIds.contains(a.id())).count()
          / picks.size();
      int out = 0;
      int bad = 0;
      for (Map.Entry<NodeId, Connection> c : n.state.peer().connected().entrySet()) {
        if (c.getValue().direction() == Direction.OUTBOUND) {
          out++;
          bad += sybilIds.contains(c.getKey()) ? 1 : 0;
        }
      }
      double s = out == 0 ? 0 : (double) bad / out;
      finalSum += s;
      worst = Math.max(worst, s);
      eclipsed += out > 0 && bad == out ? 1 : 0;
      int inBook = 0;
      for (KnownAddress ka : n.state.peer().book().entries()) {
        inBook += sybilIds.contains(ka.id()) ? 1 : 0;
      }
      bookSybils += inBook;
      bookAll += n.state.peer().book().size();
      bookMax = Math.max(bookMax, inBook);
    }
    return new Outcome(sybils.size(), groups, allSlots == 0 ? 0 : (double) sybilSlots / allSlots,
        counted == 0 ? 0 : finalSum / counted, worst, eclipsed, counted == 0 ? 0 : naiveSum / counted,
        bookAll == 0 ? 0 : (double) bookSybils / bookAll, bookMax, samples);
  }
}
