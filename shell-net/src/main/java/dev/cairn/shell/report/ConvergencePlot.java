package dev.cairn.shell.report;

import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a testnet converged, as a line chart over time: on the left axis the number of non-seed
 * nodes {@linkplain Snapshot#settled settled} (with a dashed line at all of them), on the right axis the
 * mean number of peers per node. Drawing depends only on the snapshots.
 */
public final class ConvergencePlot {

  static {
    Headless.ensure();
  }

  public static final int WIDTH = 960;
  public static final int HEIGHT = 540;
  static final int LEFT = 84;
  static final int RIGHT = 84;
  static final int TOP = 86;
  static final int BOTTOM = 64;
  /** Above this many snapshots the points are not marked, only joined. */
  static final int MARKED_POINTS_MAX = 80;
  static final double HEADROOM = 1.08;

  private final List<Snapshot> snapshots;
  private final double timeMax;
  private final Axis atTargetAxis;
  private final Axis peersAxis;
  private final int nonSeeds;

  private ConvergencePlot(List<Snapshot> snapshots) {
    this.snapshots = List.copyOf(snapshots);
    timeMax = snapshots.stream().mapToDouble(Snapshot::elapsedSeconds).max().orElse(0);
    nonSeeds = snapshots.stream().mapToInt(Snapshot::nonSeedCount).max().orElse(0);
    // headroom above the highest value, so the "all" line and the top points stay inside the frame
    atTargetAxis = Axis.integers((int) Math.ceil(Math.max(1, nonSeeds) * HEADROOM));
    peersAxis = Axis.of(HEADROOM * Math.max(1, snapshots.stream().mapToDouble(Snapshot::meanPeersPerNode).max().orElse(0)));
  }

  public static ConvergencePlot of(List<Snapshot> snapshots) {
    return new ConvergencePlot(snapshots);
  }

  public byte[] png() {
    return Png.encode(image());
  }

  public BufferedImage image() {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Palette.awt(Palette.BACKGROUND));
      g.fillRect(0, 0, WIDTH, HEIGHT);
      Axis timeAxis = Axis.of(Math.max(1, timeMax));
      drawFrame(g, timeAxis);
      if (snapshots.isEmpty()) {
        g.setColor(Palette.awt(Palette.MUTED_TEXT));
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 16));
        centred(g, "no snapshots", (TOP + HEIGHT - BOTTOM) / 2);
      } else {
        drawTargetLine(g);
        drawSeries(g, timeAxis, atTargetAxis, Palette.SERIES_AT_TARGET, Snapshot::settledCount);
        drawSeries(g, timeAxis, peersAxis, Palette.SERIES_PEERS, Snapshot::meanPeersPerNode);
      }
      drawTitleAndLegend(g);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static double plotLeft() {
    return LEFT;
  }

  private static double plotRight() {
    return WIDTH - RIGHT;
  }

  private static double plotTop() {
    return TOP;
  }

  private static double plotBottom() {
    return HEIGHT - BOTTOM;
  }

  private static double x(Axis time, double seconds) {
    return plotLeft() + (plotRight() - plotLeft()) * seconds / time.max();
  }

  private static double y(Axis axis, double value) {
    return plotBottom() - (plotBottom() - plotTop()) * value / axis.max();
  }

  private void drawFrame(Graphics2D g, Axis time) {
    Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    g.setFont(tickFont);
    FontMetrics fm = g.getFontMetrics();
    g.setStroke(new BasicStroke(1f));
    for (double v : atTargetAxis.ticks()) { // horizontal grid follows the left axis
      double yy = y(atTargetAxis, v);
      g.setColor(Palette.awt(Palette.GRID));
      g.draw(new Line2D.Double(plotLeft(), yy, plotRight(), yy));
      g.setColor(Palette.awt(Palette.SERIES_AT_TARGET));
      String text = atTargetAxis.format(v);
      g.drawString(text, (float) (plotLeft() - 8 - fm.stringWidth(text)), (float) (yy + fm.getAscent() / 2.0 - 2));
    }
    g.setColor(Palette.awt(Palette.SERIES_PEERS).darker());
    for (double v : peersAxis.ticks()) {
      double yy = y(peersAxis, v);
      g.draw(new Line2D.Double(plotRight(), yy, plotRight() + 5, yy));
      g.drawString(peersAxis.format(v), (float) (plotRight() + 8), (float) (yy + fm.getAscent() / 2.0 - 2));
    }
    g.setColor(Palette.awt(Palette.AXIS));
    for (double v : time.ticks()) {
      double xx = x(time, v);
      g.draw(new Line2D.Double(xx, plotBottom(), xx, plotBottom() + 5));
      String text = time.format(v);
      g.drawString(text, (float) (xx - fm.stringWidth(text) / 2.0), (float) (plotBottom() + 8 + fm.getAscent()));
    }
    g.draw(new Line2D.Double(plotLeft(), plotBottom(), plotRight(), plotBottom()));
    g.draw(new Line2D.Double(plotLeft(), plotTop(), plotLeft(), plotBottom()));
    g.draw(new Line2D.Double(plotRight(), plotTop(), plotRight(), plotBottom()));

    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    g.setFont(labelFont);
    centred(g, "time (s)", HEIGHT - 18);
    g.setColor(Palette.awt(Palette.SERIES_AT_TARGET));
    vertical(g, "non-seed nodes settled", 24, -Math.PI / 2);
    g.setColor(Palette.awt(Palette.SERIES_PEERS).darker());
    vertical(g, "mean peers per node", WIDTH - 24, Math.PI / 2);
  }

  private void drawTargetLine(Graphics2D g) {
    double yy = y(atTargetAxis, nonSeeds);
    g.setColor(Palette.awt(Palette.SERIES_AT_TARGET, 0.6));
    g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
    g.draw(new Line2D.Double(plotLeft(), yy, plotRight(), yy));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    String text = "all " + nonSeeds + " non-seed nodes";
    g.drawString(text, (float) (plotLeft() + 8), (float) (yy - 5)); // left: the series is still low there
  }

  private void drawSeries(Graphics2D g, Axis time, Axis axis, int colour, java.util.function.ToDoubleFunction<Snapshot> value) {
    List<double[]> points = new ArrayList<>();
    for (Snapshot s : snapshots) {
      points.add(new double[] {x(time, s.elapsedSeconds()), y(axis, value.applyAsDouble(s))});
    }
    Path2D line = new Path2D.Double();
    line.moveTo(points.get(0)[0], points.get(0)[1]);
    points.stream().skip(1).forEach(p -> line.lineTo(p[0], p[1]));
    g.setColor(Palette.awt(colour));
    g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(line);
    if (points.size() <= MARKED_POINTS_MAX) {
      for (double[] p : points) {
        g.fill(new Ellipse2D.Double(p[0] - 3.5, p[1] - 3.5, 7, 7));
      }
    }
  }

  private void drawTitleAndLegend(Graphics2D g) {
    Snapshot last = snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
    g.setColor(Palette.awt(Palette.TEXT));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    int nodes = last == null ? 0 : last.nodes().size();
    centred(g, "Testnet convergence (" + Plural.of(nodes, "node") + ", "
        + Plural.of(last == null ? 0 : last.seedCount(), "seed") + ")", 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    FontMetrics fm = g.getFontMetrics();
    String first = "non-seed nodes settled: at outbound target or linked to all (left axis)";
    String second = "mean peers per node (right axis)";
    double total = 34 + fm.stringWidth(first) + 40 + 34 + fm.stringWidth(second);
    double x = (WIDTH - total) / 2;
    double yy = 58;
    x = legendEntry(g, x, yy, Palette.SERIES_AT_TARGET, first) + 40;
    legendEntry(g, x, yy, Palette.SERIES_PEERS, second);
  }

  private static double legendEntry(Graphics2D g, double x, double y, int colour, String text) {
    g.setColor(Palette.awt(colour));
    g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(new Line2D.Double(x, y, x + 26, y));
    g.fill(new Ellipse2D.Double(x + 13 - 3.5, y - 3.5, 7, 7));
    g.setColor(Palette.awt(Palette.TEXT));
    FontMetrics fm = g.getFontMetrics();
    g.drawString(text, (float) (x + 34), (float) (y + (fm.getAscent() - fm.getDescent()) / 2.0));
    return x + 34 + fm.stringWidth(text);
  }

  private static void centred(Graphics2D g, String text, int baseline) {
    g.drawString(text, (float) ((WIDTH - g.getFontMetrics().stringWidth(text)) / 2.0), baseline);
  }

  private static void vertical(Graphics2D g, String text, double x, double rotation) {
    AffineTransform saved = g.getTransform();
    g.translate(x, (plotTop() + plotBottom()) / 2);
    g.rotate(rotation);
    FontMetrics fm = g.getFontMetrics();
    g.drawString(text, -fm.stringWidth(text) / 2f, (fm.getAscent() - fm.getDescent()) / 2f);
    g.setTransform(saved);
  }

  /**
   * A value axis from 0 to a "nice" maximum with ticks at 1, 2 or 5 times a power of ten: of the
   * steps giving about five to eight ticks, the one whose last tick is nearest the data (a run of
   * 30.5 s is drawn to 35, not 40).
   */
  record Axis(double max, double step) {

    static Axis of(double dataMax) {
      Axis coarse = of(dataMax, niceStep(dataMax / 5));
      Axis fine = of(dataMax, niceStep(dataMax / 8));
      return fine.max < coarse.max ? fine : coarse;
    }

    private static Axis of(double dataMax, double step) {
      return new Axis(Math.ceil(dataMax / step - 1e-9) * step, step);
    }

    /** For counts: whole-number steps only. */
    static Axis integers(int dataMax) {
      double step = Math.max(1, niceStep(dataMax / 6.0));
      return new Axis(Math.ceil(dataMax / step - 1e-9) * step, step);
    }

    static double niceStep(double rough) {
      double power = Math.pow(10, Math.floor(Math.log10(rough)));
      double fraction = rough / power;
      double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
      return nice * power;
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      long count = Math.round(max / step);
      for (long i = 0; i <= count; i++) {
        ticks.add(i * step);
      }
      return ticks;
    }

    String format(double v) {
      return step >= 1 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }
  }
}
