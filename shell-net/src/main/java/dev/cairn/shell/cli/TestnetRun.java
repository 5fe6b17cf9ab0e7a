package dev.cairn.shell.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.shell.node.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import dev.cairn.shell.report.ConvergencePlot;
import dev.cairn.shell.report.ProgressLine;
import dev.cairn.shell.report.Snapshot;
import dev.cairn.shell.report.SummaryTable;
import dev.cairn.shell.report.TopologyImage;

/** What a testnet run leaves behind: progress lines, a summary table and the raw samples. */
final class TestnetRun {

  /** The statuses of all nodes at one moment. */
  record Sample(long elapsedMillis, List<Node.Status> statuses) {}

  /** Files written and the summary text. */
  record Report(String summary, long convergedAtMillis, List<Path> files) {}

  /** The files a run writes into its directory. */
  static final List<String> OUTPUTS = List.of("summary.txt", "samples.json", "topology.png", "topology.svg",
      "convergence.png");

  private TestnetRun() {}

  /** The sample in the report package's terms (IDs as hex, sorted). */
  static Snapshot snapshot(Sample s) {
    return dev.cairn.shell.node.LocalNetwork.snapshot(s.elapsedMillis(), s.statuses());
  }

  static String progressLine(Sample s) {
    return ProgressLine.of(snapshot(s));
  }

  static long convergedAt(List<Sample> samples) {
    long at = -1;
    for (Sample s : samples) {
      boolean ok = dev.cairn.shell.node.LocalNetwork.converged(s.statuses());
      if (ok && at < 0) {
        at = s.elapsedMillis();
      } else if (!ok) {
        at = -1;
      }
    }
    return at;
  }

  /**
   * Writes the summary (its first line {@code plan}, the options of the run), the samples and the
   * pictures, adding each file to {@code written} as it is written (so that a failure part-way
   * leaves the list of what was). {@code stuck} explains a run that did not converge, one sentence
   * each ({@link TestnetCommand#why}), or that was {@code interrupted}.
   */
  static Report write(Path dir, String plan, List<Sample> samples, boolean converged, boolean interrupted,
      List<String> stuck, List<Path> written) throws IOException {
    Snapshot last = last(samples);
    long at = converged ? convergedAt(samples) : -1;
    String summary = summary(plan, samples, converged, interrupted, stuck);
    Path summaryFile = dir.resolve("summary.txt");
    Files.writeString(summaryFile, summary, StandardCharsets.UTF_8);
    written.add(summaryFile);
    Path json = dir.resolve("samples.json");
    Files.writeString(json, samplesJson(samples), StandardCharsets.UTF_8);
    written.add(json);
    writePictures(dir, samples, last, written);
    return new Report(summary, at, List.copyOf(written));
  }

  /** The report of a run whose files could not all be written: its summary, and the files that were. */
  static Report unwritten(String plan, List<Sample> samples, boolean converged, boolean interrupted,
      List<String> stuck, List<Path> written) {
    return new Report(summary(plan, samples, converged, interrupted, stuck), converged ? convergedAt(samples) : -1,
        List.copyOf(written));
  }

  private static Snapshot last(List<Sample> samples) {
    return samples.isEmpty() ? new Snapshot(0, List.of()) : snapshot(samples.get(samples.size() - 1));
  }

  private static String summary(String plan, List<Sample> samples, boolean converged, boolean interrupted,
      List<String> stuck) {
    long at = converged ? convergedAt(samples) : -1;
    return plan + (converged
        ? String.format(Locale.ROOT, "converged after %.1f s%n", at / 1000.0)
        : (interrupted ? "interrupted\n" : "did not converge in time\n")
            + stuck.stream().map(l -> "  " + l + "\n").collect(Collectors.joining()))
        + SummaryTable.of(last(samples))
        + "(out/target's total counts the non-seed nodes; each row is read from its node at about the same moment,"
        + " so a connection opening or closing then shows at one end only)\n";
  }

  static String samplesJson(List<Sample> samples) {
    ArrayNode arr = Json.MAPPER.createArrayNode();
    for (Sample s : samples) {
      ObjectNode o = arr.addObject();
      o.put("elapsed_ms", s.elapsedMillis());
      ArrayNode ns = o.putArray("nodes");
      for (Node.Status st : s.statuses()) {
        ObjectNode n = ns.addObject();
        n.put("id", st.id().hex());
        n.put("moniker", st.moniker());
        n.put("seed", st.seed());
        n.put("outbound_target", st.outboundTarget());
        ArrayNode outb = n.putArray("outbound");
        st.outbound().forEach(id -> outb.add(id.hex()));
        ArrayNode inb = n.putArray("inbound");
        st.inbound().forEach(id -> inb.add(id.hex()));
        n.put("known", st.knownAddresses());
        n.put("dials", st.dials());
        n.put("dial_failures", st.dialFailures());
      }
    }
    return arr.toPrettyString();
  }

  private static void writePictures(Path dir, List<Sample> samples, Snapshot last, List<Path> written)
      throws IOException {
    if (samples.isEmpty()) {
      return;
    }
    TopologyImage topology = TopologyImage.of(last);
    Path png = dir.resolve("topology.png");
    Files.write(png, topology.png());
    written.add(png);
    Path svg = dir.resolve("topology.svg");
    Files.writeString(svg, topology.svg(), StandardCharsets.UTF_8);
    written.add(svg);
    Path plot = dir.resolve("convergence.png");
    Files.write(plot, ConvergencePlot.of(samples.stream().map(TestnetRun::snapshot).toList()).png());
    written.add(plot);
  }
}
