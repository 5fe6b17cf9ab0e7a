package dev.cairn.shell.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the pictures and tables of synthetic 16- and 64-node runs into a directory, to look at
 * them: {@code java -cp <test classpath> dev.cairn.shell.report.ReportPreview <dir>}.
 */
public final class ReportPreview {

  private ReportPreview() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "report-preview"));
    write(dir, "16", SyntheticTestnet.run(16, 1, 4, 30, 16));
    write(dir, "64", SyntheticTestnet.run(64, 2, 10, 60, 64));
  }

  static void write(Path dir, String name, List<Snapshot> run) throws IOException {
    Snapshot last = run.get(run.size() - 1);
    TopologyImage topology = TopologyImage.of(last);
    Files.write(dir.resolve("topology-" + name + ".png"), topology.png());
    Files.writeString(dir.resolve("topology-" + name + ".svg"), topology.svg(), StandardCharsets.UTF_8);
    Files.write(dir.resolve("topology-" + name + "-early.png"), TopologyImage.of(run.get(run.size() / 6)).png());
    Files.write(dir.resolve("convergence-" + name + ".png"), ConvergencePlot.of(run).png());
    StringBuilder text = new StringBuilder();
    run.forEach(s -> text.append(ProgressLine.of(s)).append('\n'));
    text.append('\n').append(SummaryTable.of(last));
    Files.writeString(dir.resolve("summary-" + name + ".txt"), text, StandardCharsets.UTF_8);
  }
}
