package dev.cairn.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The attack scenarios of {@code SECURITY.md}, measured: each one simulated run of the real core
 * against a scripted adversary, from one seed. Prints one table per attack and writes
 * {@code eclipse.csv} and {@code eclipse.png} (sybil share of honest outbound slots against the
 * number of sybil addresses, beside the naive uniform book's share). Not a test: a measurement;
 * {@code AttackScenariosTest} asserts the outcomes.
 *
 * <pre>
 * ./mvnw -q -pl model-tests compile exec:java -Dexec.mainClass=dev.cairn.sim.AttackHarness \
 *     [-Dcairn.sim.seed=1] [-Dcairn.sim.sybils=64,256,1024,4096,16384] [-Dcairn.sim.out=model-tests/target/sim-out]
 * </pre>
 */
public final class AttackHarness {

  /** Honest network of the eclipse runs: 32 nodes (2 seeds), 8 out, 16 in, 15 virtual minutes. */
  static final int ECLIPSE_NODES = 32;
  static final int ECLIPSE_OUT = 8;
  static final int ECLIPSE_IN = 16;
  static final Duration ECLIPSE_RUN = Duration.ofMinutes(15);
  static final Duration ECLIPSE_WARM_UP = Duration.ofMinutes(3);
  static final int ECLIPSE_GROUPS = 2;
  static final int ECLIPSE_CONNECTORS_PER_GROUP = 2;
  /** Honest churn during the eclipse runs: every 20 s one ordinary node restarts (down 10 s). */
  static final Duration ECLIPSE_CHURN = Duration.ofSeconds(20);

  private AttackHarness() {}

  public static void main(String[] args) throws IOException {
    long seed = Long.getLong("cairn.sim.seed", 1L);
    String counts = System.getProperty("cairn.sim.sybils", "64,256,1024,4096,16384");
    Path out = Path.of(System.getProperty("cairn.sim.out",
        Files.isDirectory(Path.of("model-tests")) ? "model-tests/target/sim-out" : "target/sim-out"));
    Files.createDirectories(out);
    System.out.println("seed " + seed);
    List<EclipseAttack.Outcome> rows = new ArrayList<>();
    System.out.println("\nEclipse: " + ECLIPSE_NODES + " honest nodes (2 seeds), " + ECLIPSE_OUT + " out / "
        + ECLIPSE_IN + " in, sybils in " + ECLIPSE_GROUPS + " /16 groups, " + ECLIPSE_GROUPS
        * ECLIPSE_CONNECTORS_PER_GROUP + " of them connect to every honest node, " + ECLIPSE_RUN.toMinutes()
        + " min virtual, sampled every " + EclipseAttack.SAMPLE_SECONDS + " s after " + ECLIPSE_WARM_UP.toMinutes()
        + " min");
    System.out.println("| sybil addresses | verdict | sybil share of outbound (time avg) | at end | worst node"
        + " | nodes eclipsed | naive uniform book | sybil share of book entries | most sybils in one book |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (String c : counts.split(",")) {
      int sybils = Integer.parseInt(c.trim());
      Run<EclipseAttack.Outcome> r = eclipse(seed, sybils);
      EclipseAttack.Outcome o = r.outcome();
      rows.add(o);
      System.out.printf("| %d | %s | %.3f | %.3f | %.3f | %d | %.3f | %.3f | %d |%n", o.sybils(), r.result().verdict(),
          o.share(), o.finalShare(), o.worstNode(), o.eclipsed(), o.naive(), o.bookShare(), o.bookSybilsMax());
      if (!r.result().passed()) {
        System.out.println(r.result().report());
      }
    }
    List<String> csv = new ArrayList<>();
    csv.add("sybils,groups,share_time_avg,share_end,worst_node,eclipsed,naive,book_share,book_sybils_max");
    for (EclipseAttack.Outcome o : rows) {
      csv.add(String.format("%d,%d,%.4f,%.4f,%.4f,%d,%.4f,%.4f,%d", o.sybils(), o.groups(), o.share(), o.finalShare(),
          o.worstNode(), o.eclipsed(), o.naive(), o.bookShare(), o.bookSybilsMax()));
    }
    Files.write(out.resolve("eclipse.csv"), csv);
    ImageIO.write(plot(rows, seed), "png", out.resolve("eclipse.png").toFile());
    System.out.println("wrote " + out.resolve("eclipse.csv") + " and " + out.resolve("eclipse.png"));

    System.out.println("\nEclipse by number of /16 groups, " + GROUPS_SYBILS + " sybil addresses:");
    System.out.println("| /16 groups | verdict | sybil share of outbound (time avg) | at end | nodes eclipsed"
        + " | naive uniform book | sybil share of book entries |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int groups : new int[] {1, 2, 8, 32}) {
      Run<EclipseAttack.Outcome> r = eclipse(seed, GROUPS_SYBILS, groups);
      EclipseAttack.Outcome o = r.outcome();
      System.out.printf("| %d | %s | %.3f | %.3f | %d | %.3f | %.3f |%n", groups, r.result().verdict(), o.share(),
          o.finalShare(), o.eclipsed(), o.naive(), o.bookShare());
    }

    System.out.println("\nEclipse by size of the honest network, " + SIZES_SYBILS + " sybil addresses in "
        + ECLIPSE_GROUPS + " /16 groups:");
    System.out.println("| honest nodes | verdict | sybil share of outbound (time avg) | at end | nodes eclipsed"
        + " | naive uniform book | sybil share of book entries |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int nodes : new int[] {32, 64, 128}) {
      Run<EclipseAttack.Outcome> r = eclipse(seed, SIZES_SYBILS, ECLIPSE_GROUPS, nodes);
      EclipseAttack.Outcome o = r.outcome();
      System.out.printf("| %d | %s | %.3f | %.3f | %d | %.3f | %.3f |%n", nodes, r.result().verdict(), o.share(),
          o.finalShare(), o.eclipsed(), o.naive(), o.bookShare());
    }

    Run<PexAbuseAttack.Outcome> pex = pexAbuse(seed);
    PexAbuseAttack.Outcome p = pex.outcome();
    System.out.println("\nPEX abuse: " + ABUSE_NODES + " honest nodes (2 seeds), " + ABUSE_OUT + " out / " + ABUSE_IN
        + " in, " + ABUSE_RUN.toMinutes() + " min virtual; verdict " + pex.result().verdict());
    System.out.println("| measure | value |");
    System.out.println("|---|---|");
    row("flooder: connections opened / requests sent", p.floodConnections() + " / " + p.floodRequests());
    row("flooder: answers received in all / most on one connection", p.floodAnswers() + " / "
        + p.floodAnswersMax());
    row("flooder banned by (honest nodes)", p.bannedFlooder() + " of " + p.honest());
    row("pusher: unsolicited PexAddrs sent (" + PexAbuseAttack.PUSH + " addresses each)", Long.toString(p.pushes()));
    row("pusher: nodes that held its connection when it pushed / of them banning it", p.pushedTo() + " / "
        + p.pushedToBanned());
    row("pusher banned by (nodes that dialed it first never got a push)", p.bannedPusher() + " of " + p.honest());
    row("pushed addresses found in honest books", Long.toString(p.pushedStored()));
    row("poisoners: answers / poisoned entries sent", p.poisonAnswers() + " / " + p.poisonSent());
    row("honest books holding a poisoner's clean marker (answers taken)", p.markersStored() + " of " + p.honest());
    row("poisoned entries stored (non-routable, own, banned), over " + p.watches() + " watches",
        Long.toString(p.badStored()));
    row("poisoned entries gossiped by honest nodes", Long.toString(p.badGossiped()));
    row("honest cores' drop counters", p.drops().toString());
    p.firstViolations().forEach(v -> System.out.println("  " + v));
    if (!pex.result().passed()) {
      System.out.println(pex.result().report());
    }

    for (Duration startAt : new Duration[] {FLOOD_ESTABLISHED, Duration.ofSeconds(1)}) {
      sybilFloodTable(seed, startAt);
    }

    Run<PersistentChurn.Outcome> churn = persistentChurn(seed);
    PersistentChurn.Outcome c = churn.outcome();
    System.out.println("\nPersistent peer under churn: " + CHURN_NODES + " honest nodes, churn for "
        + CHURN_FOR.toMinutes() + " min of " + CHURN_RUN.toMinutes() + " min virtual, persistent cap "
        + CHURN_CAP.toSeconds() + " s, retry step " + PersistentChurn.MIN_RETRY.toSeconds() + " s, jitter "
        + CHURN_JITTER.toSeconds() + " s; verdict " + churn.result().verdict());
    System.out.println("| measure | value |");
    System.out.println("|---|---|");
    row("restarts of the persistent peer / crashes of other nodes", c.peerRestarts() + " / " + c.otherCrashes());
    row("dials of the persistent peer", Long.toString(c.dials()));
    row("longest dial gap while not connected (bound " + c.boundMillis() + " ms)", c.maxGapMillis() + " ms");
    row("restarts followed by a reconnection / longest wait", c.reconnects() + " / " + c.maxReconnectMillis() + " ms");
    row("restarts after which the peer was abandoned", Long.toString(c.abandoned()));
    row("connected at the end", Boolean.toString(c.connectedAtEnd()));
    row("honest nodes banning the persistent peer at the end (its inbound refused too)", c.bannersOfPeer() + " of "
        + (CHURN_NODES - 1));
    if (!churn.result().passed()) {
      System.out.println("  " + churn.result().message());
    }

  }

  private static void sybilFloodTable(long seed, Duration startAt) {
    Run<SybilFlood.Outcome> flood = sybilFlood(seed, startAt);
    SybilFlood.Outcome f = flood.outcome();
    System.out.println("\nSybil inbound flood from t=" + startAt.toSeconds() + " s: " + FLOOD_NODES
        + " honest nodes (2 seeds), " + ABUSE_OUT + " out / " + ABUSE_IN + " in (seeds " + FLOOD_NODES + " in), "
        + f.sybils() + " sybils in " + FLOOD_GROUPS + " /16 groups, each connecting to every node and"
        + " reconnecting " + SybilFlood.REDIAL_SECONDS + " s after a close, " + FLOOD_RUN.toMinutes()
        + " min virtual; verdict " + flood.result().verdict());
    System.out.println("| measure | value |");
    System.out.println("|---|---|");
    row("connections the sybils opened / closed or refused by the honest side", f.attempts() + " / "
        + f.closed());
    row("most inbound connections of one ordinary node (limit " + ABUSE_IN + ")", Integer.toString(f.maxInboundSeen()));
    row("sybil share of honest inbound connections (time avg)", String.format("%.3f", f.sybilInboundShare()));
    row("sybil share of honest outbound connections (time avg)", String.format("%.3f", f.sybilOutboundShare()));
    row("ordinary nodes with an honest outbound peer at the end", f.withHonestOutbound() + " of " + f.ordinary());
    row("largest component of ordinary nodes joined by honest connections at the end",
        f.largestHonestComponent() + " of " + f.ordinary());
    row("every ordinary node at its outbound target at the end", Boolean.toString(flood.result().passed()));
    if (!flood.result().passed()) {
      System.out.println("  " + flood.result().message());
    }
  }

  private static void row(String measure, String value) {
    System.out.println("| " + measure + " | " + value + " |");
  }

  static final int GROUPS_SYBILS = 4096;
  static final int SIZES_SYBILS = 1024;
  static final int ABUSE_NODES = 16;
  static final int ABUSE_OUT = 4;
  static final int ABUSE_IN = 8;
  static final Duration ABUSE_RUN = Duration.ofMinutes(10);
  static final int FLOOD_NODES = 16;
  static final int FLOOD_SYBILS = 200;
  static final int FLOOD_GROUPS = 4;
  static final Duration FLOOD_RUN = Duration.ofMinutes(5);
  /** The flood against a formed network starts this far into the run. */
  static final Duration FLOOD_ESTABLISHED = Duration.ofMinutes(2);
  static final int CHURN_NODES = 16;
  static final Duration CHURN_RUN = Duration.ofMinutes(50);
  static final Duration CHURN_FOR = Duration.ofMinutes(40);
  static final Duration CHURN_CAP = Duration.ofSeconds(30);
  static final Duration CHURN_JITTER = Duration.ofSeconds(5);

  static Run<PexAbuseAttack.Outcome> pexAbuse(long seed) {
    Scenario sc = Scenario.underAttack(ABUSE_NODES, ABUSE_OUT, ABUSE_IN, ABUSE_RUN);
    PexAbuseAttack attack = new PexAbuseAttack(seed, ABUSE_RUN);
    Simulator sim = new Simulator(sc, seed, attack);
    SimResult r = sim.run();
    return new Run<>(r, attack.outcome(sim.hooks()));
  }

  static Run<SybilFlood.Outcome> sybilFlood(long seed, Duration startAt) {
    Scenario sc = Scenario.underAttack(FLOOD_NODES, ABUSE_OUT, ABUSE_IN, FLOOD_RUN);
    SybilFlood attack = new SybilFlood(seed, FLOOD_SYBILS, FLOOD_GROUPS, startAt, FLOOD_RUN);
    SimResult r = new Simulator(sc, seed, attack).run();
    return new Run<>(r, attack.outcome());
  }

  static Run<PersistentChurn.Outcome> persistentChurn(long seed) {
    Scenario sc = Scenario.underAttack(CHURN_NODES, ABUSE_OUT, ABUSE_IN, CHURN_RUN);
    PersistentChurn attack = new PersistentChurn(seed, CHURN_RUN, CHURN_FOR, CHURN_CAP, CHURN_JITTER);
    Simulator sim = new Simulator(sc, seed, attack);
    SimResult r = sim.run();
    return new Run<>(r, attack.outcome(sim.hooks()));
  }

  /** A run and what the attack measured in it. */
  record Run<T>(SimResult result, T outcome) {}

  static Run<EclipseAttack.Outcome> eclipse(long seed, int sybils) {
    return eclipse(seed, sybils, ECLIPSE_GROUPS);
  }

  static Run<EclipseAttack.Outcome> eclipse(long seed, int sybils, int groups) {
    return eclipse(seed, sybils, groups, ECLIPSE_NODES);
  }

  static Run<EclipseAttack.Outcome> eclipse(long seed, int sybils, int groups, int nodes) {
    Scenario sc = Scenario.underAttack(nodes, ECLIPSE_OUT, ECLIPSE_IN, ECLIPSE_RUN);
    EclipseAttack attack = new EclipseAttack(seed, sybils, groups, ECLIPSE_CONNECTORS_PER_GROUP,
        ECLIPSE_OUT, ECLIPSE_RUN, ECLIPSE_WARM_UP, ECLIPSE_CHURN);
    Simulator sim = new Simulator(sc, seed, attack);
    SimResult r = sim.run();
    return new Run<>(r, attack.outcome(sim.nodes()));
  }

  /** Sybil share of outbound slots (time average, blue) and the naive book's (orange) against sybil count. */
  static BufferedImage plot(List<EclipseAttack.Outcome> rows, long seed) {
    int w = 720;
    int h = 420;
    int left = 70;
    int right = 30;
    int top = 75;
    int bottom = 60;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      int plotW = w - left - right;
      int plotH = h - top - bottom;
      double lo = Math.log10(rows.stream().mapToInt(EclipseAttack.Outcome::sybils).min().orElse(1));
      double hi = Math.log10(rows.stream().mapToInt(EclipseAttack.Outcome::sybils).max().orElse(10));
      double pad = Math.max(0.1, (hi - lo) * 0.05);
      double x0 = lo - pad;
      double x1 = hi + pad;
      for (int i = 0; i <= 5; i++) {
        int y = top + plotH - plotH * i / 5;
        g.setColor(Color.LIGHT_GRAY);
        g.drawLine(left, y, left + plotW, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format("%d %%", i * 20), 20, y + 4);
      }
      g.setColor(Color.BLACK);
      g.drawLine(left, top + plotH, left + plotW, top + plotH);
      g.drawLine(left, top, left, top + plotH);
      g.drawString("Eclipse by address flooding: honest outbound slots on sybils (seed " + seed + ")", left, 25);
      g.drawString("sybil addresses in " + ECLIPSE_GROUPS + " /16 groups (log scale)", left + plotW / 2 - 110, h - 15);
      for (EclipseAttack.Outcome o : rows) {
        int x = left + (int) (plotW * (Math.log10(o.sybils()) - x0) / (x1 - x0));
        g.drawString(Integer.toString(o.sybils()), x - 14, top + plotH + 18);
      }
      Color blue = new Color(0x1f77b4);
      Color orange = new Color(0xff7f0e);
      series(g, rows, false, blue, left, top, plotW, plotH, x0, x1);
      series(g, rows, true, orange, left, top, plotW, plotH, x0, x1);
      g.setColor(blue);
      g.drawString("\u25cf Cairn's book (time average)", left, 45);
      g.setColor(orange);
      g.drawString("\u25cf naive book: uniform over every address heard", left + 220, 45);
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void series(Graphics2D g, List<EclipseAttack.Outcome> rows, boolean naive, Color color, int left,
      int top, int plotW, int plotH, double x0, double x1) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (EclipseAttack.Outcome o : rows) {
      double v = naive ? o.naive() : o.share();
      int x = left + (int) (plotW * (Math.log10(o.sybils()) - x0) / (x1 - x0));
      int y = top + plotH - (int) (plotH * Math.max(0, Math.min(1, v)));
      g.fillOval(x - 4, y - 4, 8, 8);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      px = x;
      py = y;
    }
  }
}
