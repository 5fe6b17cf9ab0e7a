package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.DIFFERS;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.POINT_HELP;
import static dev.cairn.shell.cli.TraceCommand.broken;
import static dev.cairn.shell.cli.TraceCommand.window;

import dev.cairn.core.CoreState;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.cli.TraceCommand.FilesProgress;
import dev.cairn.shell.cli.TraceCommand.PointConverter;
import dev.cairn.shell.node.FailureReasons;
import dev.cairn.shell.trace.Digester;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.TraceCut;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TracePoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn trace cut}: the steps of a window of a trace (or of a rotated trace's files) as a
 * trace file of their own ({@link TraceCut}), replayed up to the window and through it on the way,
 * and replayed again once written.
 */
@Command(name = "cut", mixinStandardHelpOptions = true,
    description = "Write the steps of a window as a trace file of their own, which replays and validates alone: "
        + "the part of a trace an incident needs, to keep or to hand on. Status 0 written, 1 the trace does not "
        + "replay up to the window's end (nothing written), 2 a broken file (the steps before the break are "
        + "written) or an argument the files cannot serve.")
final class TraceCutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "a trace file, or the files of a rotated trace "
      + "(in any order)") List<Path> files;

  @Option(names = "--from", paramLabel = "STEP|TIME", converter = PointConverter.class,
      description = "first step to keep: " + POINT_HELP + " (default: the first)") TracePoint from;

  @Option(names = "--to", paramLabel = "STEP|TIME", converter = PointConverter.class,
      description = "last step to keep: the same forms (default: the last)") TracePoint to;

  @Option(names = "--out", paramLabel = "FILE", required = true,
      description = "the trace file to write (it must not exist)") Path outFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (TraceCommand.namedTwice(files, err)) {
      return BROKEN;
    }
    if (TraceCommand.badOut(outFile, "cut", p -> false, null, err)) {
      return BROKEN;
    }
    TraceCut cut;
    try {
      cut = TraceCut.create(outFile);
    } catch (IOException e) {
      return broken(err, new IOException("cannot write " + outFile + ": " + FailureReasons.describe(e), e));
    }
    try (cut) {
      return cut(cut, out, err);
    } catch (TraceCut.WriteFailed e) {
      return broken(err, new IOException("cannot write " + outFile + ": " + FailureReasons.describe(e.cause()), e));
    } catch (IOException e) {
      return broken(err, new IOException(FailureReasons.describe(e), e));
    } catch (TraceFormatException e) {
      return broken(err, e);
    } finally {
      out.flush();
    }
  }

  private int cut(TraceCut cut, PrintWriter out, PrintWriter err) throws IOException, TraceFormatException {
    // one trace, its files refused as replay refuses them (renamed, copied, another node's)
    List<Path> ordered = TraceCommand.oneTrace(files, "cut", "cut one at a time", err);
    if (ordered == null) {
      return BROKEN;
    }
    if (ordered.size() > 1 && TraceCommand.chainBroken(ordered, out)) {
      return DIFFERS;
    }
    FilesProgress progress = new FilesProgress("cut", ordered, err);
    TracePoint.Window window = null;
    TraceHeader firstHeader = null;
    CoreState state = null; // after the last step replayed
    long digest = 0; // its effects digest
    boolean broken = false;
    Path previous = null;
    reading:
    for (Path file : ordered) {
      progress.file(file);
      try (Replay replay = Replay.open(file)) {
        TraceHeader h = replay.header();
        if (window == null) {
          firstHeader = h;
          window = window(file, h, from, to);
        } else if (!Arrays.equals(digest(h, state), digest(h, replay.state()))) {
          out.println("BREAK between " + previous + " and " + file + ": the state " + file + " starts from is not the "
              + "state " + previous + " ends in");
          return DIFFERS;
        }
        state = replay.state();
        digest = h.getPreviousDigest();
        while (true) {
          Optional<Replay.Stepped> next;
          try {
            next = replay.next();
          } catch (TraceFormatException e) {
            if (!e.hasRecordsBefore()) {
              throw e;
            }
            err.println("cairn trace cut: " + e.getMessage());
            broken = true;
            break reading; // a node that stopped while writing leaves its last record cut short
          }
          if (next.isEmpty()) {
            break;
          }
          Replay.Stepped st = next.get();
          progress.step(st.entry().offset());
          boolean in = window.admits(st.stepNumber(), st.entry().monoNanos(), st.entry().wallMillis());
          if (window.ended()) {
            break reading;
          }
          if (st.mismatch().isPresent()) {
            out.println("MISMATCH " + st.mismatch().get());
            out.println("nothing written: the trace does not replay up to the window's end");
            return DIFFERS;
          }
          if (in) {
            cut.add(h, state, digest, st.entry());
          }
          state = st.step().state();
          digest = st.entry().effectsDigest();
        }
        if (replay.endMismatch().isPresent()) {
          out.println("MISMATCH " + replay.endMismatch().get());
          out.println("nothing written: the trace does not replay up to the window's end");
          return DIFFERS;
        }
      }
      previous = file;
    }
    if (!cut.started() && broken) {
      return BROKEN; // the break, before the window, is said
    }
    if (!cut.started()) {
      err.println("cairn trace cut: " + TraceCommand.noStep(ordered, firstHeader, from, to, " to cut"));
      return BROKEN;
    }
    cut.finish(state);
    long steps = cut.lastStep() - cut.firstStep() + 1;
    String check = check(outFile, steps);
    if (check != null) {
      Files.deleteIfExists(outFile);
      err.println("cairn trace cut: the file written does not replay alone, so it was removed: " + check);
      return BROKEN;
    }
    out.println("wrote " + outFile + ": steps " + cut.firstStep() + ".." + cut.lastStep() + " (" + steps + " step"
        + (steps == 1 ? "" : "s") + "), from the state before step " + cut.firstStep()
        + "; replayed alone, every outcome and effects digest and its final state match"
        + (broken ? " (the trace breaks after step " + cut.lastStep() + ")" : ""));
    return broken ? BROKEN : OK;
  }

  private static byte[] digest(TraceHeader h, CoreState state) {
    return Digester.forFormat(h.getFormatVersion()).state(state);
  }

  /** Why the file written does not replay alone to its trailer, or null when it does. */
  private static String check(Path file, long steps) throws IOException {
    try (Replay r = Replay.open(file)) {
      long n = 0;
      for (Optional<Replay.Stepped> s = r.next(); s.isPresent(); s = r.next()) {
        if (s.get().mismatch().isPresent()) {
          return s.get().mismatch().get();
        }
        n++;
      }
      if (r.endMismatch().isPresent()) {
        return r.endMismatch().get();
      }
      if (r.trailer().isEmpty() || n != steps) {
        return "it holds " + n + " steps of " + steps + (r.trailer().isEmpty() ? " and no trailer" : "");
      }
      return null;
    } catch (TraceFormatException e) {
      return e.getMessage();
    }
  }
}
