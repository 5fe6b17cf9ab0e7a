package dev.cairn.shell.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where everything of a topology picture goes, computed once and drawn twice (PNG and SVG), so
 * the two agree. Nodes sit on a circle in node-ID order, clockwise from the top; labels point
 * outwards along the radius so that neighbours never overlap however many nodes there are;
 * each directed edge bends slightly to its right so that the two directions of a pair of
 * connections stay apart. Sizes depend only on the snapshot, never on installed fonts.
 */
final class TopologyLayout {

  enum Kind { SEED, AT_TARGET, BELOW_TARGET }

  record PlacedNode(NodeStatus status, Kind kind, double x, double y, double angle, double radius,
      double labelX, double labelY, double labelRotationDegrees, boolean labelEndAnchored, String label) {}

  /** A quadratic curve from (x1,y1) via (cx,cy) to (x2,y2), plus an arrowhead with its tip at (x2,y2). */
  record Edge(int from, int to, double x1, double y1, double cx, double cy, double x2, double y2,
      double[] arrowX, double[] arrowY) {}

  record LegendItem(Kind kind, String text, double x) {}

  static final int MARGIN = 24;
  static final int TITLE_HEIGHT = 64;
  static final int LEGEND_HEIGHT = 56;
  static final int LABEL_CHARS_MAX = 18;
  static final double CHAR_WIDTH_EM = 0.62;
  static final int TITLE_FONT = 20;
  static final int SUBTITLE_FONT = 13;
  static final int LEGEND_FONT = 13;
  static final int LEGEND_GAP = 30;
  static final String EDGE_LEGEND = "connection: dialer \u2192 accepter";

  final List<PlacedNode> nodes;
  final List<Edge> edges;
  final List<LegendItem> legend;
  final double legendEdgeX;
  final int width;
  final int height;
  final int labelFont;
  final double edgeAlpha;
  final double edgeWidth;
  final String title;
  final String subtitle;

  TopologyLayout(Snapshot s) {
    int n = s.nodes().size();
    labelFont = n <= 24 ? 13 : n <= 48 ? 12 : 11;
    double nodeRadius = n <= 24 ? 11 : n <= 48 ? 8 : 6;
    double seedRadius = nodeRadius + 3;
    double spacing = Math.max(2 * seedRadius + 10, labelFont * 1.6);
    double ring = Math.max(220, n * spacing / (2 * Math.PI));
    double labelGap = seedRadius + 6;
    double labelSpace = s.nodes().stream().mapToDouble(v -> textWidth(label(v.moniker()), labelFont)).max().orElse(0);
    double extent = ring + labelGap + labelSpace + 4;
    width = (int) Math.ceil(Math.max(2 * extent + 2 * MARGIN, 760));
    height = (int) Math.ceil(TITLE_HEIGHT + 2 * extent + 2 * MARGIN + LEGEND_HEIGHT);
    double centreX = width / 2.0;
    double centreY = TITLE_HEIGHT + MARGIN + extent;

    nodes = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      NodeStatus v = s.nodes().get(i);
      double angle = -Math.PI / 2 + 2 * Math.PI * i / n;
      double cos = Math.cos(angle);
      double sin = Math.sin(angle);
      boolean rightHalf = cos >= -1e-9;
      double degrees = Math.toDegrees(angle) + (rightHalf ? 0 : 180);
      Kind kind = v.seed() ? Kind.SEED : s.settled(v) ? Kind.AT_TARGET : Kind.BELOW_TARGET;
      nodes.add(new PlacedNode(v, kind, centreX + ring * cos, centreY + ring * sin, angle,
          v.seed() ? seedRadius : nodeRadius, centreX + (ring + labelGap) * cos, centreY + (ring + labelGap) * sin,
          degrees, !rightHalf, label(v.moniker())));
      index.put(v.nodeId(), i);
    }
    edgeAlpha = n <= 24 ? 0.55 : n <= 48 ? 0.35 : 0.22;
    edgeWidth = n <= 24 ? 1.6 : n <= 48 ? 1.2 : 1.0;
    edges = edges(s, index, n <= 24 ? 8 : 6);

    legend = new ArrayList<>();
    double legendWidth = 0;
    for (Kind k : Kind.values()) {
      legendWidth += 14 + legendTextWidth(legendText(k)) + LEGEND_GAP;
    }
    legendWidth += 38 + legendTextWidth(EDGE_LEGEND);
    double x = Math.max(MARGIN, (width - legendWidth) / 2) + 7;
    for (Kind k : Kind.values()) {
      legend.add(new LegendItem(k, legendText(k), x));
      x += 14 + legendTextWidth(legendText(k)) + LEGEND_GAP;
    }
    legendEdgeX = x + 8;

    long atTarget = s.settledCount();
    title = String.format(Locale.ROOT, "Testnet topology at t = %.1f s", s.elapsedSeconds());
    subtitle = String.format(Locale.ROOT,
        "%s (%s) \u00b7 %s \u00b7 %d/%d non-seed nodes at outbound target or linked to all",
        Plural.of(n, "node"), Plural.of(s.seedCount(), "seed"), Plural.of(edges.size(), "connection"),
        atTarget, s.nonSeedCount());
  }

  static String legendText(Kind k) {
    return switch (k) {
      case SEED -> "seed";
      case AT_TARGET -> "at target or linked to all";
      case BELOW_TARGET -> "below target";
    };
  }

  /** Legend entries are spaced by a closer estimate than labels: a short overrun there costs nothing. */
  private static double legendTextWidth(String text) {
    return text.length() * LEGEND_FONT * 0.55;
  }

  double legendY() {
    return height - LEGEND_HEIGHT / 2.0;
  }

  private List<Edge> edges(Snapshot s, Map<String, Integer> index, double arrowLength) {
    TreeSet<Long> pairs = new TreeSet<>(); // (from, to) once each, in a defined order
    for (int from = 0; from < s.nodes().size(); from++) {
      for (String peer : s.nodes().get(from).outboundPeers()) {
        Integer to = index.get(peer);
        if (to != null && to != from) {
          pairs.add((long) from << 32 | to);
        }
      }
    }
    List<Edge> out = new ArrayList<>();
    for (long pair : pairs) {
      out.add(edge(nodes.get((int) (pair >>> 32)), nodes.get((int) pair), (int) (pair >>> 32), (int) pair, arrowLength));
    }
    return out;
  }

  private static Edge edge(PlacedNode a, PlacedNode b, int from, int to, double arrowLength) {
    double dx = b.x() - a.x();
    double dy = b.y() - a.y();
    double length = Math.hypot(dx, dy);
    // control point: off the midpoint, to the right of the direction of travel
    double cx = (a.x() + b.x()) / 2 - dy * 0.12;
    double cy = (a.y() + b.y()) / 2 + dx * 0.12;
    double[] start = towards(a.x(), a.y(), cx, cy, a.radius() + 1);
    double[] tip = towards(b.x(), b.y(), cx, cy, b.radius() + 1.5);
    double ux = (tip[0] - cx) / Math.hypot(tip[0] - cx, tip[1] - cy);
    double uy = (tip[1] - cy) / Math.hypot(tip[0] - cx, tip[1] - cy);
    double half = arrowLength * 0.45;
    double baseX = tip[0] - ux * arrowLength;
    double baseY = tip[1] - uy * arrowLength;
    assert length > 0 : "two nodes at one place";
    return new Edge(from, to, start[0], start[1], cx, cy, baseX + ux * 0.5, baseY + uy * 0.5,
        new double[] {tip[0], baseX - uy * half, baseX + uy * half},
        new double[] {tip[1], baseY + ux * half, baseY - ux * half});
  }

  /** The point at {@code distance} from (x,y) in the direction of (tx,ty). */
  private static double[] towards(double x, double y, double tx, double ty, double distance) {
    double d = Math.hypot(tx - x, ty - y);
    return new double[] {x + (tx - x) / d * distance, y + (ty - y) / d * distance};
  }

  static String label(String moniker) {
    return moniker.length() <= LABEL_CHARS_MAX ? moniker : moniker.substring(0, LABEL_CHARS_MAX - 1) + "\u2026";
  }

  /** A generous estimate of rendered text width, the same on every machine. */
  static double textWidth(String text, int fontSize) {
    return text.length() * fontSize * CHAR_WIDTH_EM;
  }

  static int colour(Kind kind) {
    return switch (kind) {
      case SEED -> Palette.SEED;
      case AT_TARGET -> Palette.AT_TARGET;
      case BELOW_TARGET -> Palette.BELOW_TARGET;
    };
  }
}
