package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.DIFFERS;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.POINT_HELP;
import static dev.cairn.shell.cli.TraceCommand.broken;
import static dev.cairn.shell.cli.TraceCommand.elsewhere;
import static dev.cairn.shell.cli.TraceCommand.headerLine;
import static dev.cairn.shell.cli.TraceCommand.inStepOrder;
import static dev.cairn.shell.cli.TraceCommand.range;
import static dev.cairn.shell.cli.TraceCommand.window;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.cli.TraceCommand.FilesProgress;
import dev.cairn.shell.cli.TraceCommand.PointConverter;
import dev.cairn.shell.trace.EventCodec;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.StateChanges;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TraceJson;
import dev.cairn.shell.trace.TracePoint;
import dev.cairn.shell.trace.TraceReader;
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
 * {@code cairn trace show}: the recorded events of one trace or of the files of a rotated trace,
 * with their effects, changes and states when asked ({@link TraceCommand}).
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print the recorded events, one line each; with --effects, --changes or --states, replay and "
        + "print those too.")
final class TraceShowCommand implements Callable<Integer> {
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

  /** Lines of {@code --changes} per step unless {@code --max-changes} says otherwise. */
  static final int MAX_CHANGES = 40;

  @Option(names = "--changes", description = "print what each printed step changed in the state: a line per "
      + "changed, added or removed field (at most " + MAX_CHANGES + " per step; see --max-changes)") boolean changes;

  @Option(names = "--max-changes", paramLabel = "N", description = "most lines of --changes per step "
      + "(default ${DEFAULT-VALUE})") int maxChanges = MAX_CHANGES;

  @Option(names = "--json", description = "one JSON object per line: each file's header, then each step (with "
      + "\"effects\", \"changes\" and \"state\" when asked), for tools such as jq") boolean json;

  /**
   * When the file starting at step {@code first} does not follow on from step {@code expected}: a
   * line naming the steps in none of the files given, or saying that it starts again (as JSON with
   * {@code --json}: {@code {"missing":{"from":X,"to":Y}}} or {@code {"restartsAt":N}}).
   */
  private void gapLine(PrintWriter out, long expected, long first) {
    if (expected < 0 || first == expected) {
      return;
    }
    if (first > expected) {
      out.println(json ? "{\"missing\":{\"from\":" + expected + ",\"to\":" + (first - 1) + "}}"
          : "# steps " + expected + ".." + (first - 1) + " are in none of the files given");
    } else {
      out.println(json ? "{\"restartsAt\":" + first + "}"
          : "# the next file starts again at step " + first + " (files of two runs?)");
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (TraceCommand.namedTwice(files, err) || TraceCommand.badPeer(peer, "show", err)) {
      return TraceCommand.BROKEN;
    }
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

  /**
   * On stderr, when the window held no step of the file: where the trace holds its start. Returns
   * the status: a window that holds no step is an argument the files cannot serve, as for
   * timeline and validate.
   */
  private int nothingIn(Path file, TraceHeader h, boolean any) {
    if (!any && (from != null || to != null)) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("cairn trace show: no step of " + (files.size() == 1 ? file : "the files given") + " is in "
          + range(from, to) + (files.size() == 1 ? elsewhere(file, h, from) : ""));
      err.flush();
      return BROKEN;
    }
    return OK;
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

    /** The end: on stderr, when the window held no step, where the trace holds its start; the status. */
    int end() {
      return nothingIn(ordered.get(0), first, any);
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
    return walk.end();
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
    return walk.end();
  }
}
