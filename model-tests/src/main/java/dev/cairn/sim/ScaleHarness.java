package dev.cairn.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Cold-start convergence at scale: for each network size, one simulated run of
 * {@link Scenario#calm} (CometBFT's limits, about one seed per 100 nodes, no faults), reporting
 * the virtual time until every ordinary node has its 10 outbound peers and the wall time the
 * simulation took. Writes {@code scale.csv} and {@code scale.png}. Not a test: a measurement.
 *
 * <pre>
 * ./mvnw -q -pl model-tests compile exec:java -Dexec.mainClass=dev.cairn.sim.ScaleHarness \
 *     [-Dcairn.sim.nodes=100,300,1000,3000] [-Dcairn.sim.seed=1] [-Dcairn.sim.out=model-tests/target/sim-out]
 * </pre>
 */
public final class ScaleHarness {

  /** One measured run. */
  record Row(int nodes, int seeds, long seed, String verdict, long steps, double virtualSeconds,
      double wallSeconds) {
    String csv() {
      return nodes + "," + seeds + "," + seed + "," + verdict + "," + steps + ","
          + String.format("%.3f", virtualSeconds) + "," + String.format("%.3f", wallSeconds);
    }
  }

  private ScaleHarness() {}

  public static void main(String[] args) throws IOException {
    String sizes = System.getProperty("cairn.sim.nodes", "100,300,1000,3000");
    long seed = Long.getLong("cairn.sim.seed", 1L);
    Path out = Path.of(System.getProperty("cairn.sim.out",
        Files.isDirectory(Path.of("model-tests")) ? "model-tests/target/sim-out" : "target/sim-out"));
    Files.createDirectories(out);
    List<Row> rows = new ArrayList<>();
    boolean allPassed = true;
    for (String s : sizes.split(",")) {
      int nodes = Integer.parseInt(s.trim());
      Scenario sc = Scenario.calm(nodes);
      long t0 = System.nanoTime();
      SimResult r = new Simulator(sc, seed).run();
      double wall = (System.nanoTime() - t0) / 1e9;
      double virtual = r.stats().convergedAfterHealMillis() / 1000.0;
      Row row = new Row(nodes, sc.seeds(), seed, r.verdict().name(), r.stats().steps(), virtual, wall);
      rows.add(row);
      System.out.printf("nodes=%d seeds=%d verdict=%s steps=%d converged_after=%.1fs(virtual) wall=%.1fs"
          + " steps_per_s=%.0f%n", nodes, sc.seeds(), r.verdict(), r.stats().steps(), virtual, wall,
          r.stats().steps() / wall);
      if (!r.passed()) {
        allPassed = false;
        System.out.println(r.report());
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("nodes,seeds,seed,verdict,steps,converged_virtual_s,wall_s");
    rows.forEach(r -> lines.add(r.csv()));
    Files.write(out.resolve("scale.csv"), lines);
    ImageIO.write(plot(rows), "png", out.resolve("scale.png").toFile());
    System.out.println("wrote " + out.resolve("scale.csv") + " and " + out.resolve("scale.png"));
    if (!allPassed) {
      System.exit(1);
    }
  }

  /** Two lines over network size: virtual convergence time (blue) and wall time (orange), seconds. */
  static BufferedImage plot(List<Row> rows) {
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
      double[] xRange = xRange(rows);
      double maxY = Math.max(1, rows.stream()
          .mapToDouble(r -> Math.max(r.virtualSeconds(), r.wallSeconds())).max().orElse(1)) * 1.1;
      int plotW = w - left - right;
      int plotH = h - top - bottom;
      g.setColor(Color.LIGHT_GRAY);
      for (int i = 0; i <= 5; i++) {
        int y = top + plotH - plotH * i / 5;
        g.drawLine(left, y, left + plotW, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format("%.0f s", maxY * i / 5), 10, y + 4);
        g.setColor(Color.LIGHT_GRAY);
      }
      g.setColor(Color.BLACK);
      g.drawLine(left, top + plotH, left + plotW, top + plotH);
      g.drawLine(left, top, left, top + plotH);
      g.drawString("Simulated cold start: time until every node has its outbound peers", left, 25);
      g.drawString("nodes (log scale)", left + plotW / 2 - 40, h - 15);
      for (Row r : rows) {
        int x = xOf(r.nodes(), xRange, left, plotW);
        g.drawString(Integer.toString(r.nodes()), x - 12, top + plotH + 18);
      }
      series(g, rows, true, new Color(0x1f77b4), left, top, plotW, plotH, xRange, maxY);
      series(g, rows, false, new Color(0xff7f0e), left, top, plotW, plotH, xRange, maxY);
      g.setColor(new Color(0x1f77b4));
      g.drawString("\u25cf virtual time to convergence", left, 45);
      g.setColor(new Color(0xff7f0e));
      g.drawString("\u25cf wall time of the simulation (2 cores)", left + 240, 45);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** log10 of the smallest and largest size, padded so that end points sit inside the axes. */
  private static double[] xRange(List<Row> rows) {
    double lo = Math.log10(rows.stream().mapToInt(Row::nodes).min().orElse(1));
    double hi = Math.log10(rows.stream().mapToInt(Row::nodes).max().orElse(10));
    double pad = Math.max(0.1, (hi - lo) * 0.05);
    return new double[] {lo - pad, hi + pad};
  }

  private static int xOf(int nodes, double[] range, int left, int plotW) {
    return left + (int) (plotW * (Math.log10(nodes) - range[0]) / (range[1] - range[0]));
  }

  private static void series(Graphics2D g, List<Row> rows, boolean virtual, Color color, int left, int top,
      int plotW, int plotH, double[] xRange, double maxY) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (Row r : rows) {
      double v = virtual ? r.virtualSeconds() : r.wallSeconds();
      int x = xOf(r.nodes(), xRange, left, plotW);
      int y = top + plotH - (int) (plotH * Math.max(0, v) / maxY);
      g.fillOval(x - 4, y - 4, 8, 8);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      px = x;
      py = y;
    }
  }
}
