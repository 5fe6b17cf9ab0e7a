package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.DIFFERS;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.POINT_HELP;
import static dev.cairn.shell.cli.TraceCommand.broken;
import static dev.cairn.shell.cli.TraceCommand.elsewhere;

import dev.cairn.core.CoreState;
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
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn trace replay}: re-runs the core from a trace's header and verifies every step, over
 * one file or the files of a rotated trace ({@link TraceCommand}). Each file of a rotated trace
 * holds in its header the state it starts from, so files are replayed at once on {@code --jobs}
 * threads; their reports are buffered and printed in step order, each file checked to start where
 * the one before it ends, and the first failure ends the command as it would one file at a time.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Re-run the core from the trace's header and verify every step's outcome and effects digest, "
        + "and the state digest at each checkpoint and at the end of the file. The files of one rotated trace are "
        + "replayed as one history, each checked to continue the one before it (up to --jobs of them at once, each "
        + "from the state its header holds; the report is in step order). Files of other runs or other nodes "
        + "(a directory of traces) are replayed side by side, each trace on its own.")
final class TraceReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "a trace file, or the files of a rotated trace "
      + "(a.trace a.trace.1 …, in any order)") List<Path> files;

  @Option(names = "--at", paramLabel = "STEP|TIME", converter = PointConverter.class,
      description = "print the whole state (JSON) after this step, or at this time (after the last step at or "
          + "before it): " + POINT_HELP) TracePoint at;

  @Option(names = "--jobs", paramLabel = "N", description = "replay up to N files of a rotated trace at once, each "
      + "from the state its header holds, and check that each continues the one before it as they finish (the "
      + "report is the same as one at a time; default: the machine's processors)") Integer jobs;

  /** Status of a file's replay stopped because a file before it already decided the outcome. */
  private static final int STOPPED = -1;

  /** How a replayed file ended: what the next file of a rotated trace must start from. */
  private static final class End {
    TraceHeader header;
    long steps;
    long lastStep;
    long lastEffectsDigest;
    /** The state the file's header holds. */
    CoreState initial;
    CoreState state;
    /** {@link Digester#state} of {@link #state}, when the file was one of several. */
    byte[] stateDigest;
  }

  /**
   * One file of a rotated trace replayed on its own: what it printed, how it ended, and the digest
   * of the state its header holds (which the end of the file before it must equal); the digests
   * are taken by the file's own thread.
   */
  private record FileRun(int status, String out, String err, End end, byte[] initialDigest) {}

  /** A file named on the command line, with its header. */
  private record Named(Path file, TraceHeader header) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (TraceCommand.namedTwice(files, err)) {
      return BROKEN;
    }
    int parallel = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
    if (parallel < 1) {
      err.println("cairn trace replay: --jobs must be at least 1, got " + parallel);
      return BROKEN;
    }
    List<List<Path>> traces;
    try {
      traces = TraceCommand.traces(files);
    } catch (IOException | TraceFormatException e) {
      return broken(err, e);
    }
    if (traces.size() == 1) {
      return replayTrace(traces.get(0), at, parallel, out, err);
    }
    if (at != null) {
      err.println("cairn trace replay: --at needs the files of one trace; these are " + traces.size() + " traces"
          + " (other runs or nodes): give the files of one");
      return BROKEN;
    }
    // several traces side by side (several nodes' files, or runs of one node): each replayed alone
    int worst = OK;
    int[] by = new int[3];
    for (List<Path> trace : traces) {
      List<Path> ordered;
      try {
        ordered = TraceCommand.inStepOrder(trace);
      } catch (IOException | TraceFormatException e) {
        ordered = trace;
      }
      out.println("## " + String.join(" ", ordered.stream().map(Path::toString).toList()));
      out.flush();
      int status = replayTrace(trace, null, parallel, out, err);
      by[Math.min(2, Math.max(0, status))]++;
      worst = Math.max(worst, status);
    }
    out.println((worst == OK ? "OK: " : "NOT OK: ") + by[OK] + " of " + traces.size() + " traces replayed identically"
        + (by[DIFFERS] == 0 ? "" : ", " + by[DIFFERS] + " differ from their records")
        + (by[BROKEN] == 0 ? "" : ", " + by[BROKEN] + " broken")
        + " (each a run of its own: one node's run, or the files of one rotated trace)");
    out.flush();
    return worst;
  }

  /** One trace: a file, or the files of one rotated trace replayed as one history. */
  private int replayTrace(List<Path> files, TracePoint at, int parallel, PrintWriter out, PrintWriter err) {
    if (files.size() == 1) {
      FilesProgress progress = new FilesProgress("replay", files, err);
      progress.file(files.get(0));
      return replayFile(files.get(0), at, new End(), out, err, progress::step, new AtomicBoolean());
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
      // from the trace's oldest file kept, as the other commands count (whichever of its files are given)
      point = TraceSegments.of(named.get(0).file(), oldest).resolve(at);
      for (Named n : named) {
        if (holder == null || starts(n.header(), point)) {
          holder = n;
        }
      }
    }
    FilesProgress progress = new FilesProgress("replay", named.stream().map(Named::file).toList(), err);
    AtomicBoolean stop = new AtomicBoolean();
    TracePoint holderPoint = point;
    Named holderFile = holder;
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.min(parallel, named.size()), r -> {
          Thread t = new Thread(r, "cairn-replay-file");
          t.setDaemon(true);
          return t;
        });
    // files are submitted in step order, at most `parallel` ahead of the one being reported, so at
    // most that many end states are held at once
    ArrayDeque<Future<FileRun>> running = new ArrayDeque<>();
    int submitted = 0;
    try {
      End previous = null;
      long steps = 0;
      for (Named n : named) {
        while (submitted < named.size() && running.size() < parallel) {
          Named next = named.get(submitted++);
          TracePoint p = next == holderFile ? holderPoint : null;
          running.add(pool.submit(() -> replayAlone(next.file(), p, progress, stop)));
        }
        FileRun run = result(running.poll());
        if (previous != null) {
          String broken = continues(previous, n);
          if (broken != null) {
            out.println("BREAK between " + files(named, n) + ": " + broken);
            notReplayed(out, named, named.indexOf(n));
            return DIFFERS;
          }
        }
        out.println("# " + n.file());
        if (previous != null && run.initialDigest() != null) {
          if (!java.util.Arrays.equals(previous.stateDigest, run.initialDigest())) {
            out.println("BREAK before " + n.file() + ": its initial state (header) is not the state the file before "
                + "it ends in");
            notReplayed(out, named, named.indexOf(n));
            return DIFFERS;
          }
        }
        out.print(run.out());
        out.flush();
        err.print(run.err());
        err.flush();
        if (run.status() != OK) {
          notReplayed(out, named, named.indexOf(n) + 1);
          return run.status();
        }
        steps += run.end().steps;
        previous = run.end();
      }
      out.println("OK: " + named.size() + " files, " + steps + " steps (steps " + named.get(0).header().getFirstStep()
          + ".." + previous.lastStep + ") replayed as one history: each file starts where the one before it ends "
          + "(its first step, the chain of effects digests and its initial state)");
      out.flush();
      return OK;
    } finally {
      stop.set(true); // the files after a failing one stop at their next step
      pool.shutdown();
      try {
        pool.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Names the files of {@code named} from {@code from} on, which a break or failure left unreplayed. */
  private static void notReplayed(PrintWriter out, List<Named> named, int from) {
    if (from < named.size()) {
      List<Path> left = named.subList(from, named.size()).stream().map(Named::file).toList();
      out.println("not replayed: " + (left.size() == 1 ? "1 file" : left.size() + " files") + " from there on ("
          + left.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", ")) + ")");
    }
    out.flush();
  }

  /** A file's replay, waited for; a failure of the core or the JVM is rethrown as the command's. */
  private static FileRun result(Future<FileRun> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while replaying", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Replays {@code file} from its header, printing into buffers, as one of several files run at once. */
  private FileRun replayAlone(Path file, TracePoint at, FilesProgress progress, AtomicBoolean stop) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    End end = new End();
    FilesProgress.Part part = progress.part(file);
    int status;
    try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
      status = replayFile(file, at, end, o, e, part::step, stop);
    }
    Digester d = new Digester();
    byte[] initialDigest = end.initial == null || status == STOPPED ? null : d.state(end.initial);
    if (status == OK) {
      end.stateDigest = d.state(end.state);
    }
    // only digests are compared: no file's whole states are held until its turn
    end.initial = null;
    end.state = null;
    return new FileRun(status, out.toString(), err.toString(), end, initialDigest);
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
  private static boolean starts(TraceHeader h, TracePoint p) {
    return switch (p) {
      case TracePoint.Step s -> h.getFirstStep() <= s.step();
      case TracePoint.Wall w -> h.getStartWallMillis() <= w.at().toEpochMilli();
      case TracePoint.Mono m -> h.getStartMonoNanos() <= m.nanos();
      default -> false;
    };
  }

  /** Why {@code next} does not continue the file that ended as {@code previous}; null when it does. */
  private static String continues(End previous, Named next) {
    return TraceCommand.continues(previous.header, previous.lastStep, previous.lastEffectsDigest, next.file(),
        next.header());
  }

  /**
   * Replays one file from its header, printing to {@code out} and {@code err}; {@code end}
   * receives the state the header holds and how the file ended. Returns {@link #STOPPED} when
   * {@code stop} is set before the file's end.
   */
  private int replayFile(Path file, TracePoint at, End end, PrintWriter out, PrintWriter err,
      LongConsumer progress, AtomicBoolean stop) {
    try (Replay replay = Replay.open(file)) {
      TraceHeader h = replay.header();
      end.initial = replay.state();
      long first = h.getFirstStep();
      TracePoint point = at instanceof TracePoint.TimeOfDay || at instanceof TracePoint.SinceStart
          ? TraceSegments.of(file, h).resolve(at) : at;
      Long atStep = point instanceof TracePoint.Step n ? n.step() : null;
      // --at TIME: the state after the last step of the window up to it
      TracePoint.Window upTo = point != null && point.isTime() ? new TracePoint.Window(null, point, h) : null;
      if (atStep != null && atStep < first) {
        err.println("cairn trace replay: step " + atStep + " is before this file's first step " + first
            + elsewhere(file, h, point));
        return BROKEN;
      }
      if (point instanceof TracePoint.Mono m && m.nanos() < h.getStartMonoNanos()) {
        err.println("cairn trace replay: " + point + " is before this file's first step " + first
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
      for (Optional<Replay.Stepped> s = reads.next(replay::next); s.isPresent(); s = reads.next(replay::next)) {
        if (stop.get()) {
          return STOPPED;
        }
        Replay.Stepped st = s.get();
        if (st.mismatch().isPresent()) {
          out.println("MISMATCH at " + st.mismatch().get());
          out.println("  event: " + TraceText.record(h, st.entry(), st.event()));
          out.println("  " + count + " steps before it replayed identically");
          return DIFFERS;
        }
        count++;
        lastDigest = st.entry().effectsDigest();
        progress.accept(st.entry().offset());
        last = st.stepNumber();
        if (atStep != null && atStep == last) {
          printState(out, TraceCommand.fromTraceStart(file, h), "after step " + last, st);
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
            printState(out, TraceCommand.fromTraceStart(file, h), "at " + point + ", after step "
                + atOrBefore.stepNumber(), atOrBefore);
            printed = true;
          }
        }
      }
      if (reads.broken()) {
        out.println("BROKEN: the " + TraceCommand.steps(count) + " before the broken record replayed identically ("
            + reads.why() + ")");
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
        printState(out, TraceCommand.fromTraceStart(file, h), "at " + point + ", after step " + last
            + (segments.hasLater() ? ""
            : ", the last step recorded"), atOrBefore);
        printed = true;
      }
      if (at != null && !printed && count > 0 && point instanceof TracePoint.Step st && st.step() > last
          && !TraceSegments.of(file, h).hasLater()) { // past the newest file: past the trace
        err.println("cairn trace replay: " + at + " is after the last step recorded: step " + last + ", in " + file
            + ", the newest file of this trace");
        return BROKEN;
      }
      if (at != null && !printed) {
        err.println("cairn trace replay: " + at + " is not in " + file + (count == 0 ? " (it holds no step)"
            : " (steps " + first + ".." + last + ")") + elsewhere(file, h, point));
        return BROKEN;
      }
      if (count == 0) {
        out.println("OK: no step recorded: the file holds its header only" + (replay.trailer().isEmpty()
            ? " (its writer stopped before the first step's record was written)" : ""));
      } else {
        out.println("OK: " + count + (count == 1 ? " step" : " steps") + " replayed (steps " + first + ".." + last
            + "), every outcome and effects digest matches, and the state digest at " + replay.checkpointsVerified()
            + " checkpoint" + (replay.checkpointsVerified() == 1 ? "" : "s"));
      }
      end.header = h;
      end.steps = count;
      end.lastStep = last;
      end.lastEffectsDigest = lastDigest;
      end.state = replay.state();
      if (replay.trailer().isEmpty() && count > 0) {
        long v = replay.lastVerifiedStateStep();
        long size = java.nio.file.Files.size(file);
        out.println("  the file has no trailer (its writer did not close it): it ends after step " + last
            + "'s record, at byte offset " + size + "; the steps after "
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
