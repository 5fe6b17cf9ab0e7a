package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.broken;
import static dev.cairn.shell.cli.TraceCommand.headerLine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.shell.config.GoDuration;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TraceJson;
import dev.cairn.shell.trace.ValueJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn trace config}: the configuration a node's core ran with, as its trace's header
 * recorded it. The core's limits include those derived from {@code config.toml} (the
 * maintenance thresholds, the upgrade slots, the retry cap), which no file of the node shows.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print the configuration the node's core ran with, as the trace's header recorded it: the "
        + "peer manager's limits with the thresholds derived from them (peer.minThreshold, peer.minTarget, "
        + "peer.maxTarget, peer.maxThreshold), its timings, the peers it treats apart (persistent, unconditional, "
        + "private, seeds), and PEX's and the address book's settings. Exit 2 when a file is broken (the others "
        + "are still printed).")
final class TraceConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "a trace file (any file of a rotated trace: each "
      + "holds the configuration), or several: each file's configuration after its header line") List<Path> files;

  @Option(names = "--json", description = "one JSON object per file, for tools such as jq: the file's header and "
      + "the configuration") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int status = OK;
    if (TraceCommand.namedTwice(files, err)) {
      return BROKEN;
    }
    try {
      for (Path file : files) {
        try (Replay r = Replay.open(file)) {
          JsonNode config = ValueJson.node(r.config());
          if (json) {
            ObjectNode o = TraceJson.header(file, r.header());
            o.set("config", config);
            out.println(TraceJson.line(o));
          } else {
            out.println(headerLine(file, r.header()));
            for (String line : lines("", config)) {
              out.println(line);
            }
          }
        } catch (IOException | TraceFormatException e) {
          out.flush();
          status = broken(err, e); // and on to the next file
        }
      }
      return status;
    } finally {
      out.flush();
    }
  }

  /**
   * One {@code path = value} line per value of {@code node}, in the records' component order:
   * nested records by dotted paths, lists as one bracketed line, durations as {@code config.toml}
   * writes them.
   */
  static List<String> lines(String path, JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.addAll(lines(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue()));
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(n -> items.add(n.isValueNode() ? n.asText() : n.toString()));
      out.add(path + " = [" + String.join(", ", items) + "]");
    } else {
      out.add(path + " = " + text(node.asText()));
    }
    return out;
  }

  /** A value as config.toml writes it: a duration (ISO-8601 in the JSON) in Go's form, such as 30m0s. */
  private static String text(String value) {
    if (value.startsWith("PT")) {
      try {
        return GoDuration.format(Duration.parse(value));
      } catch (DateTimeParseException e) {
        return value;
      }
    }
    return value;
  }
}
