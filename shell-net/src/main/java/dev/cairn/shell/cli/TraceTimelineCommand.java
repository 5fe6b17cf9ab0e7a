package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.DIFFERS;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.POINT_HELP;
import static dev.cairn.shell.cli.TraceCommand.broken;
import static dev.cairn.shell.cli.TraceCommand.inStepOrder;
import static dev.cairn.shell.cli.TraceCommand.window;

import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.cli.TraceCommand.FilesProgress;
import dev.cairn.shell.cli.TraceCommand.PointConverter;
import dev.cairn.shell.cli.TraceCommand.UpToBreak;
import dev.cairn.shell.report.PeerTimeline;
import dev.cairn.shell.report.PeerTimelineImage;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TracePoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn trace timeline}: each peer's history drawn from a replayed trace ({@link TraceCommand}). */
@Command(name = "timeline", mixinStandardHelpOptions = true,
    description = "Replay the trace and draw each peer's history as a PNG: dialing, connected inbound or outbound, "
        + "disconnects and refusals with their reasons, bans and failed dials; also printed, one line per peer.")
final class TraceTimelineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "a trace file, or the files of a rotated trace "
      + "(in any order: they are drawn in step order)") List<Path> files;

  @Option(names = "--out", paramLabel = "PNG", description = "where to write the picture (default: FILE.png)")
  Path png;

  @Option(names = "--from", paramLabel = "STEP|TIME", converter = PointConverter.class,
      description = "first step to draw: " + POINT_HELP) TracePoint from;

  @Option(names = "--to", paramLabel = "STEP|TIME", converter = PointConverter.class,
      description = "last step to draw: the same forms") TracePoint to;

  @Option(names = "--peer", paramLabel = "ID", description = "only the peers whose ID starts with this")
  String peer;

  @Option(names = "--lanes", paramLabel = "N", description = "at most this many peers in the picture "
      + "(persistent peers first, then the busiest; default ${DEFAULT-VALUE})") int lanes = 40;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (TraceCommand.namedTwice(files, err) || TraceCommand.badPeer(peer, "timeline", err)) {
      return TraceCommand.BROKEN;
    }
    if (lanes < 1 || lanes > 1000) {
      err.println("cairn trace timeline: --lanes must be in 1..1000, got " + lanes);
      return BROKEN;
    }
    Path target;
    List<Path> ordered;
    try {
      // one picture is one node's run: several would be drawn as the first one's alone
      ordered = TraceCommand.oneTrace(files, "timeline", "draw one at a time", err);
      if (ordered == null) {
        return BROKEN;
      }
    } catch (IOException | TraceFormatException e) {
      return broken(err, e);
    }
    if (TraceCommand.notOnePeer(peer, ordered, "timeline", err)) {
      return BROKEN;
    }
    Path file = ordered.get(0);
    target = png != null ? png : file.resolveSibling(file.getFileName() + ".png");
    if (TraceCommand.wouldOverwriteATrace(target, files, "timeline", err)
        || TraceCommand.badOut(target, "timeline", PeerTimelineImage::isPng, "a PNG picture", err)) {
      return BROKEN;
    }
    try {
      PeerTimeline.Builder[] timeline = {null};
      TraceCommand.Walked walked = TraceCommand.replayWindow(ordered, from, to, "drawn", out, err,
          new FilesProgress("timeline", ordered, err), (replay, before, st) -> {
            if (timeline[0] == null) {
              java.util.Set<dev.cairn.core.NodeId> persistent = new java.util.TreeSet<>();
              replay.config().peer().persistentPeers().forEach(a -> persistent.add(a.id()));
              timeline[0] = new PeerTimeline.Builder(before, persistent::contains);
            }
            timeline[0].observe(st.stepNumber(), st.entry().monoNanos(), st.entry().wallMillis(), st.event(),
                st.step().state(), st.step().effects());
          });
      int status = walked.status();
      TraceHeader first = walked.first();
      if (timeline[0] == null) {
        err.println("cairn trace timeline: " + (status == OK ? TraceCommand.noStep(ordered, first, from, to, " to draw")
            : TraceCommand.stoppedBefore(from, to, "nothing to draw", walked.mismatch())));
        return status == OK ? BROKEN : status;
      }
      PeerTimeline all = timeline[0].build();
      PeerTimeline chosen = peer == null ? all : all.only(peer);
      PeerTimeline drawn = chosen.top(lanes);
      String title = "Peers over " + String.format(java.util.Locale.ROOT, "%.1f", all.seconds()) + " s — "
          + file.getFileName() + (ordered.size() > 1 ? " and " + (ordered.size() - 1) + " more file"
          + (ordered.size() > 2 ? "s" : "") : "");
      try {
        java.nio.file.Files.write(target, PeerTimelineImage.of(drawn, title).png());
      } catch (IOException e) {
        throw new IOException("cannot write " + target + ": " + dev.cairn.shell.node.FailureReasons.describe(e), e);
      }
      for (PeerTimeline.Lane l : drawn.lanes()) {
        out.println(laneLine(l));
      }
      out.println("# " + drawn.lanes().size() + " of " + chosen.lanes().size() + " peers drawn in " + target
          + " (steps " + all.firstStep() + ".." + all.lastStep() + ")");
      return status;
    } catch (IOException | TraceFormatException e) {
      out.flush();
      return broken(err, e);
    } finally {
      out.flush();
    }
  }

  static String laneLine(PeerTimeline.Lane l) {
    StringBuilder b = new StringBuilder(l.peer().hex());
    b.append(l.persistent() ? " persistent" : "");
    long out = l.segments().stream().filter(g -> g.activity() == PeerTimeline.Activity.OUTBOUND).count();
    long in = l.segments().stream().filter(g -> g.activity() == PeerTimeline.Activity.INBOUND).count();
    b.append(String.format(java.util.Locale.ROOT, " connected %.1f s (%d outbound, %d inbound)",
        l.connectedSeconds(), out, in));
    java.util.Map<String, Long> reasons = new java.util.TreeMap<>();
    for (PeerTimeline.Mark m : l.marks()) {
      if (m.kind() != PeerTimeline.MarkKind.DIAL_FAILED) {
        reasons.merge(m.detail(), 1L, Long::sum);
      }
    }
    reasons.forEach((r, n) -> b.append(' ').append(r).append(" x").append(n));
    long failed = l.count(PeerTimeline.MarkKind.DIAL_FAILED);
    if (failed > 0) {
      b.append(" dial_failed x").append(failed);
    }
    l.marks().stream().filter(m -> m.kind() != PeerTimeline.MarkKind.DIAL_FAILED).reduce((x, y) -> y)
        .ifPresent(m -> b.append(" last ").append(m.detail()).append(" at step ").append(m.step()));
    return b.toString();
  }
}
