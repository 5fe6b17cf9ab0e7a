package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.POINT_HELP;
import static dev.cairn.shell.cli.TraceCommand.broken;
import static dev.cairn.shell.cli.TraceCommand.inStepOrder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.NodeId;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.cli.TraceCommand.FilesProgress;
import dev.cairn.shell.cli.TraceCommand.PointConverter;
import dev.cairn.shell.report.Plural;
import dev.cairn.shell.report.TraceSummary;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TracePoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn trace summary}: a trace, or a window of it, at a glance ({@link TraceSummary}), from
 * its replayed steps.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Sum a trace up: its span, its events by kind, the events the core rejected and why, its "
        + "decisions by kind (disconnects by reason, the addresses PEX sent), the peers its events name, and the "
        + "node's connections, book and bans before the first step and after the last.")
final class TraceSummaryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "a trace file, or the files of a rotated trace "
      + "(in any order)") List<Path> files;

  @Option(names = "--from", paramLabel = "STEP|TIME", converter = PointConverter.class,
      description = "first step to count: " + POINT_HELP) TracePoint from;

  @Option(names = "--to", paramLabel = "STEP|TIME", converter = PointConverter.class,
      description = "last step to count: the same forms") TracePoint to;

  @Option(names = "--json", description = "one JSON object per trace (one line each), for tools such as jq")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (TraceCommand.namedTwice(files, err)) {
      return BROKEN;
    }
    try {
      return summary(out, err);
    } catch (IOException | TraceFormatException e) {
      out.flush();
      return broken(err, e);
    } finally {
      out.flush();
    }
  }

  /**
   * One summary per trace given: the files of one run together, every other file (another node's,
   * another run's) on its own, each with its own window; one JSON object per line with --json. A
   * trace with no step in the window says so in a line of its own; only when none has one is the
   * window an argument the files cannot serve (status 2).
   */
  private int summary(PrintWriter out, PrintWriter err) throws IOException, TraceFormatException {
    List<List<Path>> traces = TraceCommand.traces(files);
    if (traces.size() == 1) {
      return summary(traces.get(0), false, out, err);
    }
    int worst = OK;
    int empty = 0;
    for (List<Path> trace : traces) {
      int status = summary(trace, true, out, err);
      if (status == NO_STEP) {
        empty++;
      } else {
        worst = Math.max(worst, status);
      }
    }
    if (empty == traces.size()) {
      err.println("cairn trace summary: no step of the files given is in the window");
      return BROKEN;
    }
    return worst;
  }

  /** A trace with no step in the window, among several (not a status the command returns). */
  private static final int NO_STEP = -1;

  private int summary(List<Path> files, boolean among, PrintWriter out, PrintWriter err)
      throws IOException, TraceFormatException {
    List<Path> ordered = inStepOrder(files);
    TraceSummary.Builder[] summary = {null};
    NodeId[] self = {null};
    // with --json, stdout holds the one object: what ended the walk early goes to stderr
    TraceCommand.Walked walked = TraceCommand.replayWindow(ordered, from, to, "summed", json ? err : out, err,
        new FilesProgress("summary", ordered, err), (replay, before, st) -> {
          if (summary[0] == null) {
            summary[0] = new TraceSummary.Builder(before);
            self[0] = replay.config().peer().self();
          }
          summary[0].observe(st.stepNumber(), st.entry().monoNanos(), st.entry().wallMillis(), st.event(),
              st.step().outcome(), st.step().state(), st.step().effects());
        });
    int status = walked.status();
    TraceHeader first = walked.first();
    if (summary[0] == null) {
      boolean window = from != null || to != null;
      // a window of none of a trace's steps (among several traces), or a header alone: a trace of no step
      if (status == OK && (among && window || !window)) {
        String what = ordered.get(0) + (ordered.size() > 1 ? " and " + (ordered.size() - 1) + " more" : "");
        out.println(json ? Json.line(Json.object().put("trace", what).put("steps", 0))
            : "# " + what + (window ? ": no step in the window" : ": no step recorded (a header only)"));
        return window ? NO_STEP : OK;
      }
      err.println("cairn trace summary: " + (status == OK ? TraceCommand.noStep(ordered, first, from, to, "")
          : TraceCommand.stoppedBefore(from, to, "nothing to sum up", walked.mismatch())));
      return status == OK ? BROKEN : status;
    }
    TraceSummary s = summary[0].build();
    String what = ordered.get(0) + (ordered.size() > 1 ? " and " + (ordered.size() - 1) + " more file"
        + (ordered.size() > 2 ? "s" : "") : "");
    out.println(json ? Json.line(json(what, self[0], s)) : text(what, self[0], s));
    return status;
  }

  /** The summary as lines of text, a subject a line. */
  static String text(String what, NodeId self, TraceSummary s) {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(what).append(": steps ").append(s.firstStep()).append("..").append(s.lastStep())
        .append(" (").append(s.steps()).append(s.steps() == 1 ? " step" : " steps").append(") over ")
        .append(String.format(Locale.ROOT, "%.1f s", s.seconds())).append(", ")
        .append(Instant.ofEpochMilli(s.firstWallMillis())).append(" .. ").append(Instant.ofEpochMilli(s.lastWallMillis()))
        .append(", node ").append(self).append('\n');
    line(b, "events", s.events());
    line(b, "rejected", s.rejected());
    line(b, "decisions", s.effects());
    line(b, "disconnects", s.disconnects());
    long answers = s.effects().getOrDefault("SendPexAddrs", 0L) + s.effects().getOrDefault("SendPexAddrsThenDisconnect",
        0L);
    b.append(String.format(Locale.ROOT, "%-12s%s sent in %s, %s received in %s%n", "PEX",
        addresses(s.addressesSent()), Plural.of(answers, "answer"), addresses(s.addressesReceived()),
        Plural.of(s.events().getOrDefault("PexAddrsReceived", 0L), "answer")));
    b.append(String.format(Locale.ROOT, "%-12s%d named", "peers", s.peersNamed()));
    if (!s.mostNamed().isEmpty()) {
      b.append("; the most named: ").append(s.mostNamed().stream()
          .map(e -> e.getKey() + " in " + Plural.of(e.getValue(), "step")).collect(Collectors.joining(", ")));
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "%-12s%s%n", "before", counts(s.start())));
    b.append(String.format(Locale.ROOT, "%-12s%s", "after", counts(s.end())));
    return b.toString();
  }

  private static String addresses(long n) {
    return n + (n == 1 ? " address" : " addresses");
  }

  private static void line(StringBuilder b, String name, Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    b.append(String.format(Locale.ROOT, "%-12s%s", name, total == 0 ? "none" : total + ": " + counts.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")))).append('\n');
  }

  private static String counts(TraceSummary.Counts c) {
    return "connected " + c.connected() + " (inbound " + c.inbound() + ", outbound " + c.outbound() + "), dialing "
        + c.dialing() + ", book " + c.bookSize() + " (new " + c.bookNew() + ", old " + c.bookOld() + "), banned "
        + c.banned();
  }

  static ObjectNode json(String what, NodeId self, TraceSummary s) {
    ObjectNode o = Json.object();
    o.put("trace", what);
    o.put("node", self.hex());
    o.put("firstStep", s.firstStep());
    o.put("lastStep", s.lastStep());
    o.put("steps", s.steps());
    o.put("seconds", s.seconds());
    o.put("firstTime", Instant.ofEpochMilli(s.firstWallMillis()).toString());
    o.put("lastTime", Instant.ofEpochMilli(s.lastWallMillis()).toString());
    counts(o.putObject("events"), s.events());
    counts(o.putObject("rejected"), s.rejected());
    counts(o.putObject("decisions"), s.effects());
    counts(o.putObject("disconnects"), s.disconnects());
    o.put("addressesSent", s.addressesSent());
    o.put("addressesReceived", s.addressesReceived());
    o.put("peersNamed", s.peersNamed());
    var most = o.putArray("mostNamed");
    s.mostNamed().forEach(e -> most.addObject().put("peer", e.getKey().hex()).put("steps", e.getValue()));
    counts(o.putObject("before"), s.start());
    counts(o.putObject("after"), s.end());
    return o;
  }

  private static void counts(ObjectNode o, Map<String, Long> counts) {
    counts.forEach(o::put);
  }

  private static void counts(ObjectNode o, TraceSummary.Counts c) {
    o.put("connected", c.connected()).put("inbound", c.inbound()).put("outbound", c.outbound())
        .put("dialing", c.dialing()).put("book", c.bookSize()).put("bookNew", c.bookNew()).put("bookOld", c.bookOld())
        .put("banned", c.banned());
  }
}
