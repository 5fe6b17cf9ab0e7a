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
import java.awt.geom.QuadCurve2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * The topology of one snapshot as a picture: nodes on a circle in node-ID order (seeds larger
 * and orange, the others green at their outbound target and vermillion below it), labelled by
 * moniker, with an arrow for each connection from the node that dialed to the node that
 * accepted. The same layout is drawn as PNG and as SVG.
 */
public final class TopologyImage {

  static {
    Headless.ensure();
  }

  private final TopologyLayout layout;

  private TopologyImage(TopologyLayout layout) {
    this.layout = layout;
  }

  public static TopologyImage of(Snapshot snapshot) {
    return new TopologyImage(new TopologyLayout(snapshot));
  }

  public int width() {
    return layout.width;
  }

  public int height() {
    return layout.height;
  }

  /** Connections drawn (each outbound peer that is a node of the snapshot, once). */
  public int edgeCount() {
    return layout.edges.size();
  }

  public byte[] png() {
    return Png.encode(image());
  }

  public BufferedImage image() {
    BufferedImage image = new BufferedImage(layout.width, layout.height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      g.setColor(Palette.awt(Palette.BACKGROUND));
      g.fillRect(0, 0, layout.width, layout.height);
      drawTitle(g);
      drawEdges(g);
      drawNodes(g);
      drawLegend(g);
    } finally {
      g.dispose();
    }
    return image;
  }

  private void drawTitle(Graphics2D g) {
    g.setColor(Palette.awt(Palette.TEXT));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, TopologyLayout.TITLE_FONT));
    centred(g, layout.title, 30);
    g.setColor(Palette.awt(Palette.MUTED_TEXT));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, TopologyLayout.SUBTITLE_FONT));
    centred(g, layout.subtitle, 52);
  }

  private void centred(Graphics2D g, String text, int baseline) {
    g.drawString(text, (float) ((layout.width - g.getFontMetrics().stringWidth(text)) / 2.0), baseline);
  }

  private void drawEdges(Graphics2D g) {
    g.setStroke(new BasicStroke((float) layout.edgeWidth, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (TopologyLayout.Edge e : layout.edges) {
      g.setColor(Palette.awt(edgeColour(e), layout.edgeAlpha));
      g.draw(new QuadCurve2D.Double(e.x1(), e.y1(), e.cx(), e.cy(), e.x2(), e.y2()));
      g.setColor(Palette.awt(edgeColour(e), Math.min(1, layout.edgeAlpha + 0.25)));
      g.fill(polygon(e.arrowX(), e.arrowY()));
    }
  }

  private void drawNodes(Graphics2D g) {
    Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, layout.labelFont);
    Font bold = plain.deriveFont(Font.BOLD);
    for (TopologyLayout.PlacedNode v : layout.nodes) {
      Ellipse2D circle = new Ellipse2D.Double(v.x() - v.radius(), v.y() - v.radius(), 2 * v.radius(), 2 * v.radius());
      g.setColor(Palette.awt(TopologyLayout.colour(v.kind())));
      g.fill(circle);
      g.setColor(Palette.awt(Palette.NODE_OUTLINE));
      g.setStroke(new BasicStroke(v.kind() == TopologyLayout.Kind.SEED ? 2f : 1f));
      g.draw(circle);

      g.setFont(v.kind() == TopologyLayout.Kind.SEED ? bold : plain);
      FontMetrics fm = g.getFontMetrics();
      AffineTransform saved = g.getTransform();
      g.translate(v.labelX(), v.labelY());
      g.rotate(Math.toRadians(v.labelRotationDegrees()));
      float x = v.labelEndAnchored() ? -fm.stringWidth(v.label()) : 0;
      g.setColor(Palette.awt(Palette.TEXT));
      g.drawString(v.label(), x, (fm.getAscent() - fm.getDescent()) / 2f);
      g.setTransform(saved);
    }
  }

  private void drawLegend(Graphics2D g) {
    double y = layout.legendY();
    g.setColor(Palette.awt(Palette.GRID));
    g.draw(new Line2D.Double(TopologyLayout.MARGIN, y - TopologyLayout.LEGEND_HEIGHT / 2.0 + 6,
        layout.width - TopologyLayout.MARGIN, y - TopologyLayout.LEGEND_HEIGHT / 2.0 + 6));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, TopologyLayout.LEGEND_FONT));
    int textDy = (g.getFontMetrics().getAscent() - g.getFontMetrics().getDescent()) / 2;
    for (TopologyLayout.LegendItem item : layout.legend) {
      Ellipse2D dot = new Ellipse2D.Double(item.x() - 7, y - 7, 14, 14);
      g.setColor(Palette.awt(TopologyLayout.colour(item.kind())));
      g.fill(dot);
      g.setColor(Palette.awt(Palette.NODE_OUTLINE));
      g.setStroke(new BasicStroke(1f));
      g.draw(dot);
      g.setColor(Palette.awt(Palette.TEXT));
      g.drawString(item.text(), (float) (item.x() + 14), (float) (y + textDy));
    }
    double x = layout.legendEdgeX;
    g.setColor(Palette.awt(Palette.EDGE, 0.8));
    g.setStroke(new BasicStroke(1.6f));
    g.draw(new Line2D.Double(x - 8, y, x + 22, y));
    g.fill(polygon(new double[] {x + 30, x + 21, x + 21}, new double[] {y, y - 4.5, y + 4.5}));
    g.setColor(Palette.awt(Palette.TEXT));
    g.drawString(TopologyLayout.EDGE_LEGEND, (float) (x + 38), (float) (y + textDy));
  }

  private int edgeColour(TopologyLayout.Edge e) {
    return layout.nodes.get(e.from()).kind() == TopologyLayout.Kind.SEED ? Palette.SEED : Palette.EDGE;
  }

  private static Path2D polygon(double[] xs, double[] ys) {
    Path2D p = new Path2D.Double();
    p.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      p.lineTo(xs[i], ys[i]);
    }
    p.closePath();
    return p;
  }

  /** The same picture as SVG text (UTF-8, no external references). */
  public String svg() {
    StringBuilder out = new StringBuilder();
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n", layout.width, layout.height, layout.width, layout.height))
        .append(f("<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>\n", Palette.hex(Palette.BACKGROUND)))
        .append(f("<text x=\"%.1f\" y=\"30\" text-anchor=\"middle\" font-size=\"%d\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
            layout.width / 2.0, TopologyLayout.TITLE_FONT, Palette.hex(Palette.TEXT), xml(layout.title)))
        .append(f("<text x=\"%.1f\" y=\"52\" text-anchor=\"middle\" font-size=\"%d\" fill=\"%s\">%s</text>\n",
            layout.width / 2.0, TopologyLayout.SUBTITLE_FONT, Palette.hex(Palette.MUTED_TEXT), xml(layout.subtitle)));
    svgEdges(out);
    svgNodes(out);
    svgLegend(out);
    return out.append("</svg>\n").toString();
  }

  private void svgEdges(StringBuilder out) {
    out.append(f("<g fill=\"none\" stroke-width=\"%.1f\" stroke-linecap=\"round\">\n", layout.edgeWidth));
    for (TopologyLayout.Edge e : layout.edges) {
      String colour = Palette.hex(edgeColour(e));
      out.append(f("<g class=\"edge\" data-from=\"%s\" data-to=\"%s\">", xml(layout.nodes.get(e.from()).status().nodeId()),
              xml(layout.nodes.get(e.to()).status().nodeId())))
          .append(f("<path d=\"M%.1f %.1f Q%.1f %.1f %.1f %.1f\" stroke=\"%s\" stroke-opacity=\"%.2f\"/>",
              e.x1(), e.y1(), e.cx(), e.cy(), e.x2(), e.y2(), colour, layout.edgeAlpha))
          .append(f("<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>",
              e.arrowX()[0], e.arrowY()[0], e.arrowX()[1], e.arrowY()[1], e.arrowX()[2], e.arrowY()[2],
              colour, Math.min(1, layout.edgeAlpha + 0.25)))
          .append("</g>\n");
    }
    out.append("</g>\n");
  }

  private void svgNodes(StringBuilder out) {
    for (TopologyLayout.PlacedNode v : layout.nodes) {
      boolean seed = v.kind() == TopologyLayout.Kind.SEED;
      out.append(f("<circle class=\"node%s\" data-id=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%d\">"
                  + "<title>%s %s</title></circle>\n",
              seed ? " seed" : "", xml(v.status().nodeId()), v.x(), v.y(), v.radius(),
              Palette.hex(TopologyLayout.colour(v.kind())), Palette.hex(Palette.NODE_OUTLINE), seed ? 2 : 1,
              xml(v.status().moniker()), xml(v.status().nodeId())))
          .append(f("<text class=\"label\" x=\"%.1f\" y=\"%.1f\" transform=\"rotate(%.1f %.1f %.1f)\" text-anchor=\"%s\""
                  + " dominant-baseline=\"central\" font-size=\"%d\"%s fill=\"%s\">%s</text>\n",
              v.labelX(), v.labelY(), v.labelRotationDegrees(), v.labelX(), v.labelY(),
              v.labelEndAnchored() ? "end" : "start", layout.labelFont, seed ? " font-weight=\"bold\"" : "",
              Palette.hex(Palette.TEXT), xml(v.label())));
    }
  }

  private void svgLegend(StringBuilder out) {
    double y = layout.legendY();
    out.append("<g class=\"legend\" font-size=\"").append(TopologyLayout.LEGEND_FONT).append("\">\n");
    for (TopologyLayout.LegendItem item : layout.legend) {
      out.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"%s\" stroke=\"%s\"/>", item.x(), y,
              Palette.hex(TopologyLayout.colour(item.kind())), Palette.hex(Palette.NODE_OUTLINE)))
          .append(f("<text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"central\" fill=\"%s\">%s</text>\n",
              item.x() + 14, y, Palette.hex(Palette.TEXT), xml(item.text())));
    }
    double x = layout.legendEdgeX;
    out.append(f("<path d=\"M%.1f %.1f H%.1f\" stroke=\"%s\" stroke-width=\"1.6\"/>", x - 8, y, x + 22, Palette.hex(Palette.EDGE)))
        .append(f("<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>", x + 30, y, x + 21, y - 4.5, x + 21, y + 4.5,
            Palette.hex(Palette.EDGE)))
        .append(f("<text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"central\" fill=\"%s\">%s</text>\n",
            x + 38, y, Palette.hex(Palette.TEXT), xml(TopologyLayout.EDGE_LEGEND)))
        .append("</g>\n");
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static String xml(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c < 0x20 && c != '\t' ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }
}
