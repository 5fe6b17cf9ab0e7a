package dev.cairn.shell.report;

import dev.cairn.shell.report.PeerTimeline.Activity;
import dev.cairn.shell.report.PeerTimeline.Lane;
import dev.cairn.shell.report.PeerTimeline.Mark;
import dev.cairn.shell.report.PeerTimeline.Segment;
import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A {@link PeerTimeline} as a PNG: one lane per peer (persistent peers in bold), bars for the
 * time spent dialing (grey), connected outbound (blue) and inbound (green), ticks for
 * disconnects and refusals (vermillion), bans (black) and failed dials (small grey crosses),
 * over a time axis in seconds since the first step. Drawing depends only on the timeline.
 */
public final class PeerTimelineImage {

  static {
    Headless.ensure();
  }

  public static final int WIDTH = 1200;
  static final int LABEL = 190;
  static final int RIGHT = 40;
  static final int TOP = 92;
  static final int BOTTOM = 56;
  static final int LANE = 18;
  static final int BAR = 10;
  static final int DIALING = 0xB8B8B8;
  static final int OUTBOUND = Palette.EDGE;
  static final int INBOUND = Palette.AT_TARGET;
  static final int DISCONNECT = Palette.BELOW_TARGET;
  static final int BANNED = 0x000000;
  static final int DIAL_FAILED = 0x777777;

  private final PeerTimeline timeline;
  private final String title;

  private PeerTimelineImage(PeerTimeline timeline, String title) {
    this.timeline = timeline;
    this.title = title;
  }

  /** PNG's eight signature bytes, which every PNG file starts with. */
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  /** Whether {@code file} is a PNG picture (a timeline drawn before may be drawn over; nothing else is). */
  public static boolean isPng(java.nio.file.Path file) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      return false; // a pipe is not opened: that would wait for a writer
    }
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      return java.util.Arrays.equals(in.readNBytes(PNG_SIGNATURE.length), PNG_SIGNATURE);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  public static PeerTimelineImage of(PeerTimeline timeline, String title) {
    return new PeerTimelineImage(timeline, title);
  }

  public int height() {
    return TOP + Math.max(1, timeline.lanes().size()) * LANE + BOTTOM;
  }

  public byte[] png() {
    return Png.encode(image());
  }

  /** The x coordinate of a time in seconds. */
  double x(double seconds) {
    ConvergencePlot.Axis axis = axis();
    return LABEL + seconds / axis.max() * (WIDTH - LABEL - RIGHT);
  }

  /** The y coordinate of the middle of lane {@code i}. */
  static double y(int lane) {
    return TOP + lane * LANE + LANE / 2.0;
  }

  private ConvergencePlot.Axis axis() {
    return ConvergencePlot.Axis.of(Math.max(1, timeline.seconds()));
  }

  public BufferedImage image() {
    BufferedImage image = new BufferedImage(WIDTH, height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Palette.awt(Palette.BACKGROUND));
      g.fillRect(0, 0, WIDTH, height());
      drawHeader(g);
      drawGrid(g);
      for (int i = 0; i < timeline.lanes().size(); i++) {
        drawLane(g, i, timeline.lanes().get(i));
      }
      if (timeline.lanes().isEmpty()) {
        g.setColor(Palette.awt(Palette.MUTED_TEXT));
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
        g.drawString("no peer was dialed, connected or refused in these steps", LABEL + 10, (float) y(0) + 4);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private void drawHeader(Graphics2D g) {
    g.setColor(Palette.awt(Palette.TEXT));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, 16, 26);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Palette.awt(Palette.MUTED_TEXT));
    String start = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
        Instant.ofEpochMilli(timeline.firstWallMillis()).atOffset(ZoneOffset.UTC)) + " UTC";
    String sub = "steps " + timeline.firstStep() + ".." + timeline.lastStep() + ", from " + start + ", "
        + timeline.lanes().size() + " peer" + (timeline.lanes().size() == 1 ? "" : "s") + " shown"
        + (timeline.untrackedPeers() > 0 ? ", " + timeline.untrackedPeers() + " events of untracked peers" : "")
        + (timeline.droppedItems() > 0 ? ", " + timeline.droppedItems() + " items over the drawing bound" : "");
    g.drawString(sub, 16, 46);
    int x = 16;
    int y = 70;
    x = legendBar(g, x, y, DIALING, "dialing");
    x = legendBar(g, x, y, OUTBOUND, "outbound");
    x = legendBar(g, x, y, INBOUND, "inbound");
    x = legendTick(g, x, y, DISCONNECT, "disconnected / refused");
    x = legendTick(g, x, y, BANNED, "banned");
    g.setColor(Palette.awt(DIAL_FAILED));
    cross(g, x + 5, y - 4);
    g.setColor(Palette.awt(Palette.TEXT));
    g.drawString("dial failed", x + 14, y);
    x += 14 + g.getFontMetrics().stringWidth("dial failed") + 22;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.drawString("bold: persistent peer", x, y);
  }

  private static int legendBar(Graphics2D g, int x, int y, int rgb, String label) {
    g.setColor(Palette.awt(rgb));
    g.fill(new Rectangle2D.Double(x, y - BAR + 1, 22, BAR));
    g.setColor(Palette.awt(Palette.TEXT));
    g.drawString(label, x + 28, y);
    return x + 28 + g.getFontMetrics().stringWidth(label) + 22;
  }

  private static int legendTick(Graphics2D g, int x, int y, int rgb, String label) {
    g.setColor(Palette.awt(rgb));
    g.setStroke(new BasicStroke(2.5f));
    g.draw(new Line2D.Double(x + 4, y - BAR - 1, x + 4, y + 2));
    g.setStroke(new BasicStroke(1f));
    g.setColor(Palette.awt(Palette.TEXT));
    g.drawString(label, x + 12, y);
    return x + 12 + g.getFontMetrics().stringWidth(label) + 22;
  }

  private void drawGrid(Graphics2D g) {
    ConvergencePlot.Axis axis = axis();
    int lanes = Math.max(1, timeline.lanes().size());
    double top = TOP - 4;
    double bottom = TOP + lanes * LANE + 4;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    for (double t : axis.ticks()) {
      double x = x(t);
      g.setColor(Palette.awt(Palette.GRID));
      g.draw(new Line2D.Double(x, top, x, bottom));
      g.setColor(Palette.awt(Palette.AXIS));
      g.draw(new Line2D.Double(x, bottom, x, bottom + 4));
      String label = axis.format(t);
      g.drawString(label, (float) (x - fm.stringWidth(label) / 2.0), (float) bottom + 17);
    }
    g.setColor(Palette.awt(Palette.AXIS));
    g.draw(new Line2D.Double(LABEL, bottom, WIDTH - RIGHT, bottom));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    String caption = "seconds since the first step";
    g.drawString(caption, (float) (LABEL + (WIDTH - LABEL - RIGHT - g.getFontMetrics().stringWidth(caption)) / 2.0),
        (float) bottom + 36);
  }

  private void drawLane(Graphics2D g, int i, Lane lane) {
    double y = y(i);
    if (i % 2 == 1) {
      g.setColor(Palette.awt(0xF6F6F6));
      g.fill(new Rectangle2D.Double(0, y - LANE / 2.0, WIDTH, LANE));
    }
    g.setColor(Palette.awt(Palette.TEXT));
    g.setFont(new Font(Font.MONOSPACED, lane.persistent() ? Font.BOLD : Font.PLAIN, 12));
    g.drawString(lane.peer().hex().substring(0, 16) + "…", 12, (float) y + 4);
    for (Segment s : lane.segments()) {
      int rgb = s.activity() == Activity.DIALING ? DIALING : s.activity() == Activity.OUTBOUND ? OUTBOUND : INBOUND;
      double x0 = x(s.start());
      double w = Math.max(1.5, x(s.end()) - x0);
      double h = s.activity() == Activity.DIALING ? BAR - 4 : BAR;
      g.setColor(Palette.awt(rgb));
      g.fill(new Rectangle2D.Double(x0, y - h / 2, w, h));
    }
    for (Mark m : lane.marks()) {
      double x = x(m.at());
      switch (m.kind()) {
        case DIAL_FAILED -> {
          g.setColor(Palette.awt(DIAL_FAILED));
          cross(g, x, y);
        }
        case DISCONNECT, BANNED -> {
          g.setColor(Palette.awt(m.kind() == PeerTimeline.MarkKind.BANNED ? BANNED : DISCONNECT));
          g.setStroke(new BasicStroke(2.5f));
          g.draw(new Line2D.Double(x, y - LANE / 2.0 + 2, x, y + LANE / 2.0 - 2));
          g.setStroke(new BasicStroke(1f));
        }
      }
    }
  }

  private static void cross(Graphics2D g, double x, double y) {
    g.setStroke(new BasicStroke(1.4f));
    g.draw(new Line2D.Double(x - 3, y - 3, x + 3, y + 3));
    g.draw(new Line2D.Double(x - 3, y + 3, x + 3, y - 3));
    g.setStroke(new BasicStroke(1f));
  }
}
