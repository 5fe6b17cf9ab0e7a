package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.DIFFERS;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.POINT_HELP;
import static dev.cairn.shell.cli.TraceCommand.broken;
import static dev.cairn.shell.cli.TraceCommand.elsewhere;

import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.cli.TraceCommand.FilesProgress;
import dev.cairn.shell.cli.TraceCommand.PointConverter;
import dev.cairn.shell.cli.TraceCommand.UpToBreak;
import dev.cairn.shell.trace.Digester;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TracePoint;
import dev.cairn.shell.trace.TraceReader;
import dev.cairn.shell.trace.TraceSegments;
import dev.cairn.shell.trace.TraceText;
import dev.cairn.shell.trace.ValueJson;
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

/**
 * {@code cairn trace replay}: re-runs the core from a trace's header and verifies every step, over
 * one file or the files of a rotated trace ({@link TraceCommand}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Re-run the core from the trace's header and verify every step's outcome and effects digest, "
        + "and the state digest at each checkpoint and at the end of the file. Several files of one rotated trace "
        + "are replayed in step order, each checked to continue the one before it.")
final class TraceReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "a trace file, or the files of a rotated trace "
      + "(a.trace a.trace.1 …, in any order)") List<Path> files;

  @Option(names = "--at", paramLabel = "STEP|TIME", converter = PointConverter.class,
      description = "print the whole state (JSON) after this step, or at this time (after the last step at or "
          + "before it): " + POINT_HELP) TracePoint at;

  /** How a replayed file ended: what the next file of a rotated trace must start from. */
  private static final class End {
    TraceHeader header;
    long steps;
    long lastStep;
    long lastEffectsDigest;
    dev.cairn.core.CoreState state;
  }

  /** A file named on the command line, with its header. */
  private record Named(Path file, TraceHeader header) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (files.size() == 1) {
      return replayFile(files.get(0), at, new End(), new FilesProgress("replay", files, err));
    }
    List<Named> named = new java.util.ArrayList<>();
    for (Path f : files) {
      try (TraceReader r = TraceReader.open(f)) {
        named.add(new Named(f, r.header()));
      } catch (IOException | TraceFormatException e) {
        return broken(err, e);
      }
    }
    named.sort(java.util.Comparator.comparingLong((Named n) -> n.header().getFirstStep())
        .thenComparingInt(n -> n.header().getSegment()));
    Named holder = null;
    TracePoint point = at;
    if (at != null) {
      TraceHeader oldest = named.get(0).header();
      point = at instanceof TracePoint.TimeOfDay d
          ? new TracePoint.Wall(d.after(java.time.Instant.ofEpochMilli(oldest.getStartWallMillis()))) : at;
      for (Named n : named) {
        if (holder == null || starts(n.header(), point, oldest)) {
          holder = n;
        }
      }
      if (point instanceof TracePoint.SinceStart since) { // since the first record of the first file
        long base = holder.header().getStartMonoNanos() - oldest.getStartMonoNanos();
        point = new TracePoint.SinceStart(since.since().minusNanos(Math.min(base, since.since().toNanos())));
      }
    }
    FilesProgress progress = new FilesProgress("replay", named.stream().map(Named::file).toList(), err);
    End previous = null;
    long steps = 0;
    for (Named n : named) {
      if (previous != null) {
        String broken = continues(previous, n);
        if (broken != null) {
          out.println("BREAK between " + files(named, n) + ": " + broken);
          out.flush();
          return DIFFERS;
        }
      }
      out.println("# " + n.file());
      End end = new End();
      end.state = previous == null ? null : previous.state;
      int status = replayFile(n.file(), n == holder ? point : null, end, progress);
      if (status != OK) {
        return status;
      }
      steps += end.steps;
      previous = end;
    }
    out.println("OK: " + named.size() + " files, " + steps + " steps (steps " + named.get(0).header().getFirstStep()
        + ".." + previous.lastStep + ") replayed as one history: each file starts where the one before it ends "
        + "(its first step, the chain of effects digests and its initial state)");
    out.flush();
    return OK;
  }

  private static String files(List<Named> named, Named next) {
    for (int i = 1; i < named.size(); i++) {
      if (named.get(i) == next) {
        return named.get(i - 1).file() + " and " + next.file();
      }
    }
    return "the files";
  }

  /** Whether the file of {@code h} starts at or before {@code p} (a step or a moment of the run). */
  private static boolean starts(TraceHeader h, TracePoint p, TraceHeader oldest) {
    return switch (p) {
      case TracePoint.Step s -> h.getFirstStep() <= s.step();
      case TracePoint.Wall w -> h.getStartWallMillis() <= w.at().toEpochMilli();
      case TracePoint.SinceStart s -> h.getStartMonoNanos() - oldest.getStartMonoNanos() <= s.since().toNanos();
      default -> false;
    };
  }

  /** Why {@code next} does not continue the file that ended as {@code previous}; null when it does. */
  private static String continues(End previous, Named next) {
    TraceHeader h = next.header();
    if (!h.getCoreConfig().equals(previous.header.getCoreConfig())) {
      return "the node's configuration differs (a node started again with another configuration begins a new trace)";
    }
    long expected = previous.lastStep + 1;
    if (h.getFirstStep() > expected) {
      return "steps " + expected + ".." + (h.getFirstStep() - 1) + " are in neither file (a file of the rotated "
          + "trace is missing)";
    }
    if (h.getFirstStep() < expected) {
      return next.file() + " starts at step " + h.getFirstStep() + ", which the file before it already holds "
          + "(files of two runs?)";
    }
    if (h.getPreviousDigest() != previous.lastEffectsDigest) {
      return next.file() + "'s header does not chain to the effects digest of step " + previous.lastStep
          + " (files of two runs?)";
    }
    return null;
  }

  private int replayFile(Path file, TracePoint at, End end, FilesProgress progress) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Replay replay = Replay.open(file)) {
      TraceHeader h = replay.header();
      if (end.state != null) {
        Digester d = new Digester();
        if (!java.util.Arrays.equals(d.state(end.state), d.state(replay.state()))) {
          out.println("BREAK before " + file + ": its initial state (header) is not the state the file before it "
              + "ends in");
          return DIFFERS;
        }
      }
      long first = h.getFirstStep();
      TracePoint point = at instanceof TracePoint.TimeOfDay ? TraceSegments.of(file, h).resolve(at) : at;
      Long atStep = point instanceof TracePoint.Step n ? n.step() : null;
      // --at TIME: the state after the last step of the window up to it
      TracePoint.Window upTo = point != null && point.isTime() ? new TracePoint.Window(null, point, h) : null;
      if (atStep != null && atStep < first) {
        err.println("cairn trace replay: step " + atStep + " is before this file's first step " + first
            + elsewhere(file, h, point));
        return BROKEN;
      }
      if (point instanceof TracePoint.Wall w && w.at().toEpochMilli() < h.getStartWallMillis()) {
        err.println("cairn trace replay: " + point + " is before this file's first step " + first + " (at "
            + java.time.Instant.ofEpochMilli(h.getStartWallMillis()) + ")" + elsewhere(file, h, point));
        return BROKEN;
      }
      long count = 0;
      long last = first - 1;
      long lastDigest = h.getPreviousDigest();
      boolean printed = false;
      Replay.Stepped atOrBefore = null;
      UpToBreak reads = new UpToBreak(err);
      progress.file(file);
      for (Optional<Replay.Stepped> s = reads.next(replay::next); s.isPresent(); s = reads.next(replay::next)) {
        Replay.Stepped st = s.get();
        if (st.mismatch().isPresent()) {
          out.println("MISMATCH at " + st.mismatch().get());
          out.println("  event: " + TraceText.record(h, st.entry(), st.event()));
          out.println("  " + count + " steps before it replayed identically");
          return DIFFERS;
        }
        count++;
        lastDigest = st.entry().effectsDigest();
        progress.step(st.entry().offset());
        last = st.stepNumber();
        if (atStep != null && atStep == last) {
          printState(out, h, "after step " + last, st);
          printed = true;
        }
        if (upTo != null && !printed) {
          if (upTo.admits(last, st.entry().monoNanos(), st.entry().wallMillis())) {
            atOrBefore = st;
          } else if (atOrBefore == null) {
            err.println("cairn trace replay: " + point + " is before this file's first step " + first
                + elsewhere(file, h, point));
            return BROKEN;
          } else {
            printState(out, h, "at " + point + ", after step " + atOrBefore.stepNumber(), atOrBefore);
            printed = true;
          }
        }
      }
      if (reads.broken()) {
        out.println("BROKEN: the " + count + " steps before the broken record replayed identically (" + UpToBreak.WHY
            + ")");
        return BROKEN;
      }
      if (replay.endMismatch().isPresent()) {
        out.println("MISMATCH at the end of the file: " + replay.endMismatch().get());
        out.println("  " + count + " steps before it replayed identically");
        return DIFFERS;
      }
      if (upTo != null && !printed && atOrBefore != null) {
        TraceSegments segments = TraceSegments.of(file, h);
        Optional<String> later = segments.elsewhere(point);
        if (later.isPresent()) {
          err.println("cairn trace replay: " + point + " is after the last step of " + file + " (step " + last
              + " at " + java.time.Instant.ofEpochMilli(atOrBefore.entry().wallMillis()) + "); " + later.get());
          return BROKEN;
        }
        printState(out, h, "at " + point + ", after step " + last + (segments.hasLater() ? ""
            : ", the last step recorded"), atOrBefore);
        printed = true;
      }
      if (at != null && !printed) {
        err.println("cairn trace replay: " + at + " is not in " + file + " (steps " + first + ".." + last + ")"
            + elsewhere(file, h, point));
        return BROKEN;
      }
      out.println("OK: " + count + " steps replayed (steps " + first + ".." + last + "), every outcome and effects"
          + " digest matches, and the state digest at " + replay.checkpointsVerified() + " checkpoint"
          + (replay.checkpointsVerified() == 1 ? "" : "s"));
      end.header = h;
      end.steps = count;
      end.lastStep = last;
      end.lastEffectsDigest = lastDigest;
      end.state = replay.state();
      if (replay.trailer().isEmpty() && count > 0) {
        long v = replay.lastVerifiedStateStep();
        out.println("  the file has no trailer (its writer did not close it): the steps after "
            + (v < first ? "the header" : "step " + v) + " were checked by their outcomes and effects only");
      }
      return OK;
    } catch (IOException | TraceFormatException e) {
      out.flush();
      return broken(err, e);
    } finally {
      out.flush();
    }
  }

  private static void printState(PrintWriter out, TraceHeader h, String when, Replay.Stepped st) {
    out.println("# state " + when + ": " + TraceText.record(h, st.entry(), st.event()).strip());
    out.println(ValueJson.pretty(st.step().state()));
  }
}
