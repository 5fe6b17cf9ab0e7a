package dev.cairn.shell.cli;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.report.PeerTimeline;
import dev.cairn.shell.report.PeerTimelineImage;
import dev.cairn.shell.trace.Digester;
import dev.cairn.shell.trace.EventCodec;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.StateChanges;
import dev.cairn.shell.trace.StepProgress;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TraceJson;
import dev.cairn.shell.trace.TracePoint;
import dev.cairn.shell.trace.TraceReader;
import dev.cairn.shell.trace.TraceSegments;
import dev.cairn.shell.trace.TraceText;
import dev.cairn.shell.trace.ValueJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn trace show|replay|diff|timeline|validate}: read a trace a node recorded ({@code cairn start
 * --trace}), re-run its core deterministically, compare traces, draw what happened to each peer,
 * and check them against the TLA+ spec
 * ({@link TraceValidateCommand}). Exit status: 0 OK, 1 a replay, a diff or a validation
 * found a difference, 2 a file is not a readable trace (the message names the byte offset and the
 * record).
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Show, replay, compare and validate the core traces a node recorded.",
    subcommands = {TraceCommand.Show.class, TraceCommand.Replay_.class, TraceCommand.Diff.class,
        TraceCommand.Timeline.class, TraceValidateCommand.class})
final class TraceCommand implements Runnable {

  static final int OK = 0;
  static final int DIFFERS = 1;
  static final int BROKEN = 2;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  private static int broken(PrintWriter err, Exception e) {
    err.println("cairn trace: " + e.getMessage());
    return BROKEN;
  }

  private static String headerLine(Path file, TraceHeader h) {
    return "# " + file + ": cairn " + h.getCairnVersion() + " (core revision " + h.getCoreRevision() + "), segment "
        + h.getSegment() + ", first step " + h.getFirstStep() + ", prng seed " + h.getPrngSeed() + ", spec hash "
        + (h.getSpecHashPresent() ? HexFormat.of().formatHex(h.getSpecHash().toByteArray()) : "absent");
  }

  /** Reads {@code --from}, {@code --to} and {@code --at}: a step number or a time ({@link TracePoint}). */
  static final class PointConverter implements CommandLine.ITypeConverter<TracePoint> {
    @Override
    public TracePoint convert(String value) {
      try {
        return TracePoint.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final String POINT_HELP = "a step number, a time (2026-11-22T03:12:00Z, or 03:12 UTC: the first such "
      + "moment of the trace) or a time since the file's first record (+90s)";

  /**
   * The window of {@code --from} and {@code --to} over one file; a time of day is the first such
   * moment of the rotated trace's oldest file kept ({@link TraceSegments#resolve}).
   */
  private static TracePoint.Window window(Path file, TraceHeader h, TracePoint from, TracePoint to) {
    if (from instanceof TracePoint.TimeOfDay || to instanceof TracePoint.TimeOfDay) {
      TraceSegments segments = TraceSegments.of(file, h);
      from = from == null ? null : segments.resolve(from);
      to = to == null ? null : segments.resolve(to);
    }
    return new TracePoint.Window(from, to, h);
  }

  /** "; FILE.3 holds it (…)" when another file of the rotated trace holds {@code p}, else "". */
  private static String elsewhere(Path file, TraceHeader h, TracePoint p) {
    if (p == null) {
      return "";
    }
    TraceSegments segments = TraceSegments.of(file, h);
    return segments.elsewhere(segments.resolve(p)).map(w -> "; " + w).orElse("");
  }

  private static String range(TracePoint from, TracePoint to) {
    return (from == null ? "the first step" : from.toString()) + " .. " + (to == null ? "the last" : to.toString());
  }

  /**
   * {@code files} in step order (by their headers' first step, then segment number), so that the
   * files of a rotated trace can be given in any order ({@code a.trace*} sorts {@code a.trace.10}
   * before {@code a.trace.2}).
   */
  static List<Path> inStepOrder(List<Path> files) throws IOException, TraceFormatException {
    if (files.size() == 1) {
      return files;
    }
    List<Object[]> keyed = new java.util.ArrayList<>();
    for (Path f : files) {
      try (TraceReader r = TraceReader.open(f)) {
        keyed.add(new Object[] {f, r.header().getFirstStep(), r.header().getSegment()});
      }
    }
    keyed.sort(java.util.Comparator.comparingLong((Object[] k) -> (Long) k[1]).thenComparingInt(k -> (Integer) k[2]));
    return keyed.stream().map(k -> (Path) k[0]).toList();
  }

  /** "# steps X..Y are in none of the files given" when the file starting at {@code first} does not follow on. */
  private static void gap(PrintWriter out, long expected, long first) {
    if (expected >= 0 && first != expected) {
      out.println(first > expected ? "# steps " + expected + ".." + (first - 1) + " are in none of the files given"
          : "# the next file starts again at step " + first + " (files of two runs?)");
    }
  }

  /** {@link #gap} as a JSON line: {@code {"missing":{"from":X,"to":Y}}} or {@code {"restartsAt":N}}. */
  private static void gapJson(PrintWriter out, long expected, long first) {
    if (expected >= 0 && first != expected) {
      out.println(first > expected ? "{\"missing\":{\"from\":" + expected + ",\"to\":" + (first - 1) + "}}"
          : "{\"restartsAt\":" + first + "}");
    }
  }

  /**
   * Progress of a command over its files, by the share of their bytes read: a line on stderr every
   * 5 s once it has run 2 s ({@link StepProgress}).
   */
  static final class FilesProgress {
    private final StepProgress progress;
    private final double total;
    private long done;
    private long current;
    private long steps;

    FilesProgress(String what, List<Path> files, PrintWriter err) {
      this(what, files, System::nanoTime, line -> {
        err.println(line);
        err.flush();
      });
    }

    /** The same on a given clock, to a given sink (a test drives both). */
    FilesProgress(String what, List<Path> files, java.util.function.LongSupplier clock,
        java.util.function.Consumer<String> lines) {
      long bytes = 0;
      for (Path f : files) {
        try {
          bytes += java.nio.file.Files.size(f);
        } catch (IOException e) {
          // its opening reports it
        }
      }
      total = Math.max(1, bytes);
      progress = new StepProgress(what + " " + files.get(0) + (files.size() > 1 ? " and " + (files.size() - 1)
          + " more" : ""), clock, lines);
    }

    /** The next file starts: the bytes of the one before are read. */
    void file(Path f) {
      done += current;
      try {
        current = java.nio.file.Files.size(f);
      } catch (IOException e) {
        current = 0;
      }
    }

    /** One more step, at byte {@code offset} of the current file. */
    void step(long offset) {
      if ((++steps & 1023) == 0) {
        progress.at(steps, (done + offset) / total);
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print the recorded events, one line each; with --effects, --changes or --states, replay and "
          + "print those too.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "a trace file, or the files of a rotated trace "
        + "(in any order: they are read in step order)") List<Path> files;

    @Option(names = "--from", paramLabel = "STEP|TIME", converter = PointConverter.class,
        description = "first step to print: " + POINT_HELP) TracePoint from;

    @Option(names = "--to", paramLabel = "STEP|TIME", converter = PointConverter.class,
        description = "last step to print: the same forms") TracePoint to;

    @Option(names = "--peer", paramLabel = "ID", description = "only the steps naming this peer (an ID or its "
        + "prefix): in their event, and with --effects or --changes in their effects or in the state they changed "
        + "(whose lines are then those naming it)") String peer;

    @Option(names = "--states", description = "print the state after each printed step (JSON)") boolean states;

    @Option(names = "--effects", description = "print the effects of each printed step") boolean effects;

    @Option(names = "--changes", description = "print what each printed step changed in the state: a line per "
        + "changed, added or removed field (at most ${DEFAULT-VALUE} per step; see --max-changes)") boolean changes;

    @Option(names = "--max-changes", paramLabel = "N", description = "most lines of --changes per step "
        + "(default ${DEFAULT-VALUE})") int maxChanges = 40;

    @Option(names = "--json", description = "one JSON object per line: each file's header, then each step (with "
        + "\"effects\", \"changes\" and \"state\" when asked), for tools such as jq") boolean json;

    private void gapLine(PrintWriter out, long expected, long first) {
      if (json) {
        gapJson(out, expected, first);
      } else {
        gap(out, expected, first);
      }
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        if (maxChanges < 1) {
          err.println("cairn trace show: --max-changes must be at least 1, got " + maxChanges);
          return BROKEN;
        }
        return states || effects || changes ? replaying(out) : reading(out);
      } catch (IOException | TraceFormatException e) {
        out.flush();
        return broken(err, e);
      } finally {
        out.flush();
      }
    }

    private boolean selected(CoreEvent event) {
      return peer == null || EventCodec.concerns(event, peer);
    }

    /** Whether an effect of the step names {@code --peer} (a dial, a disconnect, an update of it). */
    private boolean effectsName(Replay.Stepped st) {
      return st.step() != null && st.step().effects().stream().anyMatch(f -> TraceText.effect(f).contains(peer));
    }

    /**
     * The lines of {@code --changes} to print: with {@code --peer}, those naming it; at most
     * {@code --max-changes}, then one saying how many more there were.
     */
    private List<String> changeLines(List<String> all) {
      List<String> kept = peer == null ? all : all.stream().filter(l -> l.contains(peer)).toList();
      if (kept.size() <= maxChanges) {
        return kept;
      }
      List<String> cut = new java.util.ArrayList<>(kept.subList(0, maxChanges));
      cut.add("… " + (kept.size() - maxChanges) + " more changes");
      return cut;
    }

    /** On stderr, when the window held no step of the file: where the trace holds its start. */
    private void nothingIn(Path file, TraceHeader h, boolean any) {
      if (!any && (from != null || to != null)) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("cairn trace show: no step of " + (files.size() == 1 ? file : "the files given") + " is in "
            + range(from, to) + (files.size() == 1 ? elsewhere(file, h, from) : ""));
        err.flush();
      }
    }

    private static String indent(String json) {
      return json.lines().map(l -> "         " + l).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Prints a file's header line before its first printed step (always, when one file is given). */
    private final class Headers {
      private final PrintWriter out;
      private Path file;
      private TraceHeader header;
      private boolean printed;

      Headers(PrintWriter out) {
        this.out = out;
      }

      void file(Path f, TraceHeader h) {
        file = f;
        header = h;
        printed = false;
        if (files.size() == 1) {
          print();
        }
      }

      void print() {
        if (!printed) {
          out.println(json ? TraceJson.line(TraceJson.header(file, header)) : headerLine(file, header));
          printed = true;
        }
      }
    }

    /** A step as a JSON object, with its effects, changes and state when asked. */
    private com.fasterxml.jackson.databind.node.ObjectNode stepJson(TraceHeader h, Replay.Stepped st,
        List<String> lines) {
      var o = TraceJson.step(h, st.entry(), st.event());
      if (effects && st.step() != null) {
        var a = o.putArray("effects");
        st.step().effects().forEach(f -> a.add(TraceJson.effect(f)));
      }
      if (changes && st.step() != null) {
        var a = o.putArray("changes");
        lines.forEach(a::add);
      }
      if (states && st.step() != null) {
        o.set("state", ValueJson.node(st.step().state()));
      }
      return o;
    }

    /**
     * The walk of {@code show} over its files in step order: one window over all of them, each
     * file's header line, a line for steps in none of the files, the progress.
     */
    private final class Walk {
      final List<Path> ordered;
      final Headers headers;
      private final PrintWriter out;
      private final FilesProgress progress;
      private TracePoint.Window window;
      private TraceHeader first;
      private boolean any;
      private long expected = -1;

      Walk(PrintWriter out) throws IOException, TraceFormatException {
        this.out = out;
        ordered = inStepOrder(files);
        progress = new FilesProgress("show", ordered, spec.commandLine().getErr());
        headers = new Headers(out);
      }

      /** The next file, whose header is {@code h}, starts. */
      void file(Path file, TraceHeader h) {
        progress.file(file);
        headers.file(file, h);
        if (window == null) {
          first = h;
          window = window(file, first, from, to);
        }
        gapLine(out, expected, h.getFirstStep());
        expected = h.getFirstStep();
      }

      /** Whether the step of {@code rec} is in the window (the records come in file order). */
      boolean admits(TraceReader.Entry rec) {
        expected = rec.step() + 1;
        progress.step(rec.offset());
        boolean in = window.admits(rec.step(), rec.monoNanos(), rec.wallMillis());
        any |= in;
        return in;
      }

      /** Whether a step past the window was seen: no later one is in it. */
      boolean ended() {
        return window != null && window.ended();
      }

      /** The end: on stderr, when the window held no step, where the trace holds its start. */
      void end() {
        nothingIn(ordered.get(0), first, any);
      }
    }

    private int reading(PrintWriter out) throws IOException, TraceFormatException {
      Walk walk = new Walk(out);
      Headers headers = walk.headers;
      for (Path file : walk.ordered) {
        try (TraceReader r = TraceReader.open(file)) {
          walk.file(file, r.header());
          for (Optional<TraceReader.Entry> e = r.next(); e.isPresent(); e = r.next()) {
            TraceReader.Entry rec = e.get();
            boolean in = walk.admits(rec);
            if (walk.ended()) {
              break;
            }
            if (!in) {
              continue;
            }
            CoreEvent event;
            try {
              event = EventCodec.decode(rec.event());
            } catch (EventCodec.InvalidEventException x) {
              throw new TraceFormatException(file + ": corrupt step " + rec.step() + " (record " + rec.index()
                  + " at byte offset " + rec.offset() + "): " + x.getMessage());
            }
            if (selected(event)) {
              headers.print();
              out.println(json ? TraceJson.line(TraceJson.step(r.header(), rec, event))
                  : TraceText.record(r.header(), rec, event));
            }
          }
        }
        if (walk.ended()) {
          break;
        }
      }
      walk.end();
      return OK;
    }

    private int replaying(PrintWriter out) throws IOException, TraceFormatException {
      Walk walk = new Walk(out);
      Headers headers = walk.headers;
      for (Path file : walk.ordered) {
        try (Replay replay = Replay.open(file)) {
          walk.file(file, replay.header());
          dev.cairn.core.CoreState before = replay.state();
          for (Optional<Replay.Stepped> s = replay.next(); s.isPresent(); s = replay.next()) {
            Replay.Stepped st = s.get();
            boolean in = walk.admits(st.entry());
            if (walk.ended()) {
              break;
            }
            List<String> lines = List.of();
            if (in && changes && st.step() != null && (peer != null || selected(st.event()))) {
              lines = changeLines(StateChanges.between(before, st.step().state(), Integer.MAX_VALUE));
            }
            if (in && (selected(st.event()) || peer != null && (effectsName(st) || !lines.isEmpty()))) {
              headers.print();
              if (json) {
                out.println(TraceJson.line(stepJson(replay.header(), st, lines)));
              } else {
                out.println(TraceText.record(replay.header(), st.entry(), st.event()));
                if (effects && st.step() != null) {
                  for (CoreEffect f : st.step().effects()) {
                    out.println("         -> " + TraceText.effect(f));
                  }
                }
                if (changes && st.step() != null) {
                  if (lines.isEmpty()) {
                    out.println(peer == null ? "         ~ (the state did not change)"
                        : "         ~ (nothing naming " + peer + " changed)");
                  }
                  lines.forEach(l -> out.println("         ~ " + l));
                }
                if (states && st.step() != null) {
                  out.println(indent(ValueJson.pretty(st.step().state())));
                }
              }
            }
            if (st.mismatch().isPresent()) {
              headers.print();
              out.println(json ? TraceJson.line(TraceJson.mismatch(st.mismatch().get())) : "MISMATCH "
                  + st.mismatch().get());
              return DIFFERS;
            }
            before = st.step().state();
          }
          if (!walk.ended() && replay.endMismatch().isPresent()) {
            headers.print();
            out.println(json ? TraceJson.line(TraceJson.mismatch(replay.endMismatch().get())) : "MISMATCH "
                + replay.endMismatch().get());
            return DIFFERS;
          }
        }
        if (walk.ended()) {
          break;
        }
      }
      walk.end();
      return OK;
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Re-run the core from the trace's header and verify every step's outcome and effects digest, "
          + "and the state digest at each checkpoint and at the end of the file. Several files of one rotated trace "
          + "are replayed in step order, each checked to continue the one before it.")
  static final class Replay_ implements Callable<Integer> {
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
        return replayFile(files.get(0), at, new End());
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
        int status = replayFile(n.file(), n == holder ? point : null, end);
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

    private int replayFile(Path file, TracePoint at, End end) {
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
        double size = Math.max(1, java.nio.file.Files.size(file));
        StepProgress progress = new StepProgress("replay " + file, System::nanoTime, line -> {
          err.println(line);
          err.flush();
        });
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
          if ((count & 4095) == 0) {
            progress.at(count, st.entry().offset() / size);
          }
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

  /**
   * Reads records or steps up to a broken record: a file broken after whole records (its last one
   * cut short by a node that stopped while writing, or one corrupt) reads as ended there, its error
   * printed and {@link #broken} set, so that the command still reports on the records before it. A
   * file broken before its first record is refused as before.
   */
  static final class UpToBreak {
    static final String WHY = "a node that stopped while writing leaves its last record cut short";

    @FunctionalInterface
    interface Read<T> {
      Optional<T> next() throws IOException, TraceFormatException;
    }

    private final PrintWriter err;
    private boolean broken;

    UpToBreak(PrintWriter err) {
      this.err = err;
    }

    <T> Optional<T> next(Read<T> read) throws IOException, TraceFormatException {
      try {
        return read.next();
      } catch (TraceFormatException e) {
        if (!e.hasRecordsBefore()) {
          throw e;
        }
        err.println("cairn trace: " + e.getMessage());
        broken = true;
        return Optional.empty();
      }
    }

    boolean broken() {
      return broken;
    }
  }

  @Command(name = "timeline", mixinStandardHelpOptions = true,
      description = "Replay the trace and draw each peer's history as a PNG: dialing, connected inbound or outbound, "
          + "disconnects and refusals with their reasons, bans and failed dials; also printed, one line per peer.")
  static final class Timeline implements Callable<Integer> {
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
      if (lanes < 1 || lanes > 1000) {
        err.println("cairn trace timeline: --lanes must be in 1..1000, got " + lanes);
        return BROKEN;
      }
      Path target;
      List<Path> ordered;
      try {
        ordered = inStepOrder(files);
      } catch (IOException | TraceFormatException e) {
        return broken(err, e);
      }
      Path file = ordered.get(0);
      target = png != null ? png : file.resolveSibling(file.getFileName() + ".png");
      int status = OK;
      try {
        PeerTimeline.Builder timeline = null;
        TracePoint.Window window = null;
        TraceHeader first = null;
        long expected = -1;
        FilesProgress progress = new FilesProgress("timeline", ordered, err);
        for (Path f : ordered) {
          try (Replay replay = Replay.open(f)) {
            progress.file(f);
            if (window == null) {
              first = replay.header();
              window = window(f, first, from, to);
            }
            if (expected >= 0 && replay.header().getFirstStep() != expected) {
              out.println("# " + f + " does not follow on from the file before it (it starts at step "
                  + replay.header().getFirstStep() + ", not " + expected + "): drawn up to there");
              status = DIFFERS;
              break;
            }
            java.util.Set<dev.cairn.core.NodeId> persistent = new java.util.TreeSet<>();
            replay.config().peer().persistentPeers().forEach(a -> persistent.add(a.id()));
            dev.cairn.core.CoreState before = replay.state();
            UpToBreak reads = new UpToBreak(err);
            for (Optional<Replay.Stepped> s = reads.next(replay::next); s.isPresent(); s = reads.next(replay::next)) {
              Replay.Stepped st = s.get();
              if (st.mismatch().isPresent()) {
                out.println("MISMATCH at " + st.mismatch().get() + "; drawn up to the step before it");
                status = DIFFERS;
                break;
              }
              expected = st.stepNumber() + 1;
              progress.step(st.entry().offset());
              boolean in = window.admits(st.stepNumber(), st.entry().monoNanos(), st.entry().wallMillis());
              if (window.ended()) {
                break;
              }
              if (in) {
                if (timeline == null) {
                  timeline = new PeerTimeline.Builder(before, persistent::contains);
                }
                timeline.observe(st.stepNumber(), st.entry().monoNanos(), st.entry().wallMillis(), st.event(),
                    st.step().state(), st.step().effects());
              }
              before = st.step().state();
            }
            if (reads.broken()) {
              out.println("BROKEN: drawn up to the step before the broken record (" + UpToBreak.WHY + ")");
              status = BROKEN;
            }
          }
          if (status != OK || window.ended()) {
            break;
          }
        }
        if (timeline == null) {
          err.println("cairn trace timeline: no step of " + (ordered.size() == 1 ? file : "the files given")
              + " is in " + range(from, to) + (ordered.size() == 1 ? elsewhere(file, first, from) : ""));
          return BROKEN;
        }
        PeerTimeline all = timeline.build();
        PeerTimeline chosen = peer == null ? all : all.only(peer);
        PeerTimeline drawn = chosen.top(lanes);
        String title = "Peers over " + String.format(java.util.Locale.ROOT, "%.1f", all.seconds()) + " s — "
            + file.getFileName() + (ordered.size() > 1 ? " and " + (ordered.size() - 1) + " more file"
            + (ordered.size() > 2 ? "s" : "") : "");
        java.nio.file.Files.write(target, PeerTimelineImage.of(drawn, title).png());
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

  @Command(name = "diff", mixinStandardHelpOptions = true,
      description = "Name the first step where two traces diverge (event, outcome or digest).")
  static final class Diff implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A") Path a;

    @Parameters(index = "1", paramLabel = "B") Path b;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (TraceReader ra = TraceReader.open(a); TraceReader rb = TraceReader.open(b)) {
        TraceHeader ha = ra.header();
        TraceHeader hb = rb.header();
        if (!ha.getCoreConfig().equals(hb.getCoreConfig())) {
          out.println("DIVERGE before the first step: the core configs differ");
          return DIFFERS;
        }
        if (ha.getFirstStep() != hb.getFirstStep() || !ha.getCoreState().equals(hb.getCoreState())
            || ha.getPreviousDigest() != hb.getPreviousDigest()) {
          out.println("DIVERGE before the first step: the initial states differ (first steps " + ha.getFirstStep()
              + " and " + hb.getFirstStep() + ")");
          return DIFFERS;
        }
        long same = 0;
        UpToBreak reads = new UpToBreak(err);
        while (true) {
          Optional<TraceReader.Entry> ea = reads.next(ra::next);
          Optional<TraceReader.Entry> eb = reads.broken() ? Optional.empty() : reads.next(rb::next);
          if (reads.broken()) {
            out.println("BROKEN: the " + same + " steps before the broken record are identical in both files ("
                + UpToBreak.WHY + ")");
            return BROKEN;
          }
          if (ea.isEmpty() && eb.isEmpty()) {
            if (ra.trailer().isPresent() && rb.trailer().isPresent()
                && !java.util.Arrays.equals(ra.trailer().get().stateDigest(), rb.trailer().get().stateDigest())) {
              out.println("DIVERGE after the last step: the final states differ (trailer digest)");
              return DIFFERS;
            }
            out.println("SAME: " + same + " steps, identical events, outcomes and digests");
            return OK;
          }
          if (ea.isEmpty() || eb.isEmpty()) {
            long step = (ea.isPresent() ? ea : eb).get().step();
            out.println("DIVERGE at step " + step + ": " + (ea.isEmpty() ? a : b) + " ends after " + same
                + " steps, " + (ea.isEmpty() ? b : a) + " goes on");
            return DIFFERS;
          }
          TraceReader.Entry x = ea.get();
          TraceReader.Entry y = eb.get();
          String what = difference(x, y);
          if (what != null) {
            out.println("DIVERGE at step " + x.step() + ": " + what);
            out.println("  A: " + line(ha, x));
            out.println("  B: " + line(hb, y));
            return DIFFERS;
          }
          same++;
        }
      } catch (IOException | TraceFormatException e) {
        out.flush();
        return broken(err, e);
      } finally {
        out.flush();
      }
    }

    private static String difference(TraceReader.Entry x, TraceReader.Entry y) {
      if (!x.sameEvent(y)) {
        return "the events differ";
      }
      if (x.monoNanos() != y.monoNanos() || x.wallMillis() != y.wallMillis()) {
        return "the times differ";
      }
      if (x.rejected() != y.rejected() || !x.rejectedReason().equals(y.rejectedReason())) {
        return "the outcomes differ";
      }
      if (x.effectsDigest() != y.effectsDigest()) {
        return "the effects differ (digest)";
      }
      if (x.stateDiffers(y)) {
        return "the resulting states differ (checkpoint digest)";
      }
      return null;
    }

    private static String line(TraceHeader h, TraceReader.Entry r) {
      try {
        return TraceText.record(h, r, EventCodec.decode(r.event())).strip();
      } catch (EventCodec.InvalidEventException e) {
        return "step " + r.step() + ": undecodable event (" + e.getMessage() + ")";
      }
    }
  }
}
