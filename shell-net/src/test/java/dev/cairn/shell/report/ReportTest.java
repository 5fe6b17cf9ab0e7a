package dev.cairn.shell.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class ReportTest {

  private static final List<Snapshot> RUN_16 = SyntheticTestnet.run(16, 1, 4, 30, 16);
  private static final Snapshot LAST_16 = RUN_16.get(RUN_16.size() - 1);
  private static final List<Snapshot> RUN_64 = SyntheticTestnet.run(64, 2, 10, 40, 64);

  // --- topology ---------------------------------------------------------------------------

  @Test
  void topologyPngDecodesAtItsSizeAndShowsNodesOfEveryKindDrawn() throws IOException {
    Snapshot early = RUN_16.get(4); // some nodes below target, some at it
    assertThat(early.settledCount()).isBetween(1, early.nonSeedCount() - 1);
    TopologyImage topology = TopologyImage.of(early);
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(topology.png()));

    assertThat(png.getWidth()).isEqualTo(topology.width());
    assertThat(png.getHeight()).isEqualTo(topology.height());
    assertThat(png.getWidth()).isGreaterThanOrEqualTo(700);
    Pixels pixels = Pixels.of(png);
    assertThat(pixels.distinctColours()).isGreaterThan(100); // antialiased lines and text, not a flat fill
    assertThat(pixels.nonBackgroundShare()).isBetween(0.03, 0.6);
    assertThat(pixels.count(Palette.SEED)).isGreaterThan(100);
    assertThat(pixels.count(Palette.AT_TARGET)).isGreaterThan(100);
    assertThat(pixels.count(Palette.BELOW_TARGET)).isGreaterThan(100);
  }

  @Test
  void topologySvgHasOneCirclePerNodeAndOneEdgePerConnectionInsideTheSet() throws Exception {
    Document svg = parse(TopologyImage.of(LAST_16).svg());
    List<Element> nodes = elements(svg, "circle").stream().filter(e -> e.getAttribute("class").startsWith("node")).toList();
    List<Element> edges = elements(svg, "g").stream().filter(e -> e.getAttribute("class").equals("edge")).toList();

    assertThat(nodes).hasSize(16);
    assertThat(nodes.stream().filter(e -> e.getAttribute("class").equals("node seed"))).hasSize(1);
    assertThat(nodes.stream().map(e -> e.getAttribute("data-id")).toList()).isSorted().doesNotHaveDuplicates();
    assertThat(edges).hasSize(expectedEdges(LAST_16).size());
    Set<String> drawn = new HashSet<>();
    edges.forEach(e -> drawn.add(e.getAttribute("data-from") + ">" + e.getAttribute("data-to")));
    assertThat(drawn).isEqualTo(expectedEdges(LAST_16));
    assertThat(svg.getDocumentElement().getAttribute("width")).isEqualTo(Integer.toString(TopologyImage.of(LAST_16).width()));
    assertThat(elements(svg, "text").stream().map(Element::getTextContent)).contains("node0", "node14", "seed0");
  }

  @Test
  void edgesToPeersOutsideTheSnapshotOrToSelfAreNotDrawnAndDuplicatesOnce() {
    String a = "a".repeat(40);
    String b = "b".repeat(40);
    Snapshot s = new Snapshot(1000, List.of(
        node(a, "alpha", false, 2, List.of(b, b, a, "f".repeat(40)), List.of()),
        node(b, "beta", false, 2, List.of(), List.of(a))));
    assertThat(TopologyImage.of(s).edgeCount()).isEqualTo(1);
  }

  @Test
  void renderingIsDeterministicAndIndependentOfInputOrder() {
    List<NodeStatus> shuffled = new ArrayList<>(LAST_16.nodes());
    Collections.shuffle(shuffled, new Random(7));
    Snapshot reordered = new Snapshot(LAST_16.elapsedMillis(), shuffled);

    assertThat(TopologyImage.of(reordered).svg()).isEqualTo(TopologyImage.of(LAST_16).svg());
    assertThat(TopologyImage.of(reordered).png()).isEqualTo(TopologyImage.of(LAST_16).png());
    assertThat(ConvergencePlot.of(RUN_16).png()).isEqualTo(ConvergencePlot.of(RUN_16).png());
  }

  @Test
  void at16And64NodesNeitherNodesNorLabelsOverlapAndAllFitTheCanvas() {
    for (Snapshot s : List.of(LAST_16, RUN_64.get(RUN_64.size() - 1))) {
      TopologyLayout layout = new TopologyLayout(s);
      List<TopologyLayout.PlacedNode> nodes = layout.nodes;
      for (int i = 0; i < nodes.size(); i++) {
        TopologyLayout.PlacedNode v = nodes.get(i);
        TopologyLayout.PlacedNode next = nodes.get((i + 1) % nodes.size());
        assertThat(Math.hypot(v.x() - next.x(), v.y() - next.y()))
            .as("gap between %s and %s", v.label(), next.label()).isGreaterThan(v.radius() + next.radius() + 4);
        // radial labels: neighbours' baselines are apart by more than a line of text
        assertThat(Math.hypot(v.labelX() - next.labelX(), v.labelY() - next.labelY()))
            .isGreaterThan(layout.labelFont * 1.3);
        double far = TopologyLayout.textWidth(v.label(), layout.labelFont);
        double endX = v.labelX() + Math.cos(v.angle()) * far;
        double endY = v.labelY() + Math.sin(v.angle()) * far;
        assertThat(endX).isBetween(0.0, (double) layout.width);
        assertThat(endY).isBetween((double) TopologyLayout.TITLE_HEIGHT, layout.height - (double) TopologyLayout.LEGEND_HEIGHT);
      }
    }
  }

  // --- convergence plot ------------------------------------------------------------------------

  @Test
  void convergencePlotDecodesAtItsSizeAndDrawsBothSeries() throws IOException {
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(ConvergencePlot.of(RUN_16).png()));
    assertThat(png.getWidth()).isEqualTo(ConvergencePlot.WIDTH);
    assertThat(png.getHeight()).isEqualTo(ConvergencePlot.HEIGHT);
    Pixels pixels = Pixels.of(png);
    assertThat(pixels.distinctColours()).isGreaterThan(50);
    assertThat(pixels.count(Palette.SERIES_AT_TARGET)).isGreaterThan(500);
    assertThat(pixels.count(Palette.SERIES_PEERS)).isGreaterThan(500);
  }

  @Test
  void convergencePlotOfNothingStillDraws() throws IOException {
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(ConvergencePlot.of(List.of()).png()));
    assertThat(Pixels.of(png).nonBackgroundShare()).isGreaterThan(0.001);
    assertThat(Pixels.of(png).count(Palette.SERIES_PEERS)).isLessThan(200); // the legend swatch, no line
  }

  @Test
  void axisTicksAreNiceAndCoverTheData() {
    assertThat(ConvergencePlot.Axis.integers(17)).isEqualTo(new ConvergencePlot.Axis(20, 5));
    assertThat(ConvergencePlot.Axis.integers(3)).isEqualTo(new ConvergencePlot.Axis(3, 1));
    assertThat(ConvergencePlot.Axis.of(8.1).ticks()).containsExactly(0.0, 2.0, 4.0, 6.0, 8.0, 10.0);
    // a run's last snapshot just past a round number is drawn to the next tick, not a whole step on
    assertThat(ConvergencePlot.Axis.of(30.5)).isEqualTo(new ConvergencePlot.Axis(35, 5));
    assertThat(ConvergencePlot.Axis.of(30.0)).isEqualTo(new ConvergencePlot.Axis(30, 10));
    assertThat(ConvergencePlot.Axis.of(61.2).ticks()).containsExactly(0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0);
    assertThat(ConvergencePlot.Axis.of(1.0).format(0.4)).isEqualTo("0.4");
  }

  // --- text ------------------------------------------------------------------------------------

  @Test
  void progressLineSummarisesOneSnapshot() {
    String a = "a".repeat(40);
    String b = "b".repeat(40);
    String c = "c".repeat(40);
    Snapshot s = new Snapshot(3240, List.of(
        new NodeStatus(a, "seed0", true, 0, List.of(), List.of(b), 30, 5, 1),
        new NodeStatus(b, "node0", false, 2, List.of(a, c), List.of(), 20, 40, 3),
        new NodeStatus(c, "node1", false, 2, List.of(), List.of(b), 19, 75, 4)));
    // node1 is below its target but linked to the only other non-seed: settled
    assertThat(ProgressLine.of(s)).isEqualTo("t=3.2s  settled 2/2  peers/node 1.3  known/node 23  dials 120 (fail 8)");
    Snapshot apart = new Snapshot(3240, List.of(s.nodes().get(0), s.nodes().get(1),
        new NodeStatus(c, "node1", false, 2, List.of(), List.of(), 19, 75, 4)));
    assertThat(ProgressLine.of(apart)).startsWith("t=3.2s  settled 1/2  ");
  }

  @Test
  void summaryTableHasARowPerNodeInMonikerOrderAndTotals() {
    String a = "a".repeat(40);
    String b = "b".repeat(40);
    String c = "c".repeat(40);
    Snapshot s = new Snapshot(0, List.of(
        new NodeStatus(a, "seed0", true, 0, List.of(), List.of(b), 30, 5, 1),
        new NodeStatus(b, "node10", false, 2, List.of(a, c), List.of(), 20, 40, 3),
        new NodeStatus(c, "node9", false, 2, List.of(), List.of(b), 19, 75, 4)));
    assertThat(SummaryTable.of(s)).isEqualTo("""
        moniker  id        seed  out/target  in  known  dials  failures
        -------  --------  ----  ----------  --  -----  -----  --------
        node9    cccccccc           all 0/2   1     19     75         4
        node10   bbbbbbbb               2/2   0     20     40         3
        seed0    aaaaaaaa  seed         0/0   1     30      5         1
        -------  --------  ----  ----------  --  -----  -----  --------
        total    3 nodes   1            2/4   2     69    120         8
        """);
  }

  @Test
  void summaryTableOfSixteenNodesTotalsItsRows() {
    String[] lines = SummaryTable.of(LAST_16).split("\n");
    assertThat(lines).hasSize(2 + 16 + 2);
    String[] totals = lines[lines.length - 1].trim().split("\\s+");
    long dials = LAST_16.nodes().stream().mapToLong(NodeStatus::dials).sum();
    long failures = LAST_16.nodes().stream().mapToLong(NodeStatus::dialFailures).sum();
    long in = LAST_16.nodes().stream().mapToLong(n -> n.inboundPeers().size()).sum();
    assertThat(totals).containsExactly("total", "16", "nodes", "1",
        totals[4], Long.toString(in), totals[6], Long.toString(dials), Long.toString(failures));
    long rowDials = 0;
    for (int i = 2; i < 18; i++) {
      String[] cells = lines[i].trim().split("\\s+");
      rowDials += Long.parseLong(cells[cells.length - 2]);
    }
    assertThat(rowDials).isEqualTo(dials);
    assertThat(lines).allSatisfy(l -> assertThat(l).doesNotEndWith(" "));
  }

  @Test
  void monikersCompareNumbersAsNumbers() {
    List<String> names = new ArrayList<>(List.of("node10", "node2", "node1", "seed0", "node02x", "node"));
    names.sort(SummaryTable::compareNatural);
    assertThat(names).containsExactly("node", "node1", "node2", "node02x", "node10", "seed0");
  }

  @Test
  void snapshotsRejectRepeatedNodesAndNegativeCounts() {
    String a = "a".repeat(40);
    NodeStatus one = node(a, "x", false, 1, List.of(), List.of());
    assertThatThrownBy(() -> new Snapshot(0, List.of(one, one))).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> new NodeStatus(a, "x", false, 1, List.of(), List.of(), -1, 0, 0))
        .hasMessageContaining("knownAddresses -1");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static NodeStatus node(String id, String moniker, boolean seed, int target, List<String> out, List<String> in) {
    return new NodeStatus(id, moniker, seed, target, out, in, 0, 0, 0);
  }

  private static Set<String> expectedEdges(Snapshot s) {
    Set<String> ids = new TreeSet<>();
    s.nodes().forEach(n -> ids.add(n.nodeId()));
    Set<String> edges = new TreeSet<>();
    for (NodeStatus n : s.nodes()) {
      for (String peer : n.outboundPeers()) {
        if (ids.contains(peer) && !peer.equals(n.nodeId())) {
          edges.add(n.nodeId() + ">" + peer);
        }
      }
    }
    return edges;
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  private static List<Element> elements(Document doc, String tag) {
    NodeList list = doc.getElementsByTagName(tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < list.getLength(); i++) {
      out.add((Element) list.item(i));
    }
    return out;
  }

  record Pixels(int[] rgb) {
    static Pixels of(BufferedImage image) {
      return new Pixels(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()));
    }

    long distinctColours() {
      return java.util.Arrays.stream(rgb).map(p -> p & 0xFFFFFF).distinct().count();
    }

    double nonBackgroundShare() {
      return java.util.Arrays.stream(rgb).filter(p -> (p & 0xFFFFFF) != Palette.BACKGROUND).count() / (double) rgb.length;
    }

    long count(int colour) {
      return java.util.Arrays.stream(rgb).filter(p -> (p & 0xFFFFFF) == colour).count();
    }
  }
}
