package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.DIFFERS;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.POINT_HELP;
import static dev.cairn.shell.cli.TraceCommand.broken;
import static dev.cairn.shell.cli.TraceCommand.elsewhere;
import static dev.cairn.shell.cli.TraceCommand.headerLine;
import static dev.cairn.shell.cli.TraceCommand.inStepOrder;
import static dev.cairn.shell.cli.TraceCommand.window;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.cli.TraceCommand.FilesProgress;
import dev.cairn.shell.cli.TraceCommand.PointConverter;
import dev.cairn.shell.trace.EventCodec;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.StateChanges;
import dev.cairn.shell.trace.TraceFollower;
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

  @Option(names = {"-f", "--follow"}, description = "keep printing the steps a running node records, as it records "
      + "them: into its next file when it rotates, and into its new run when it is started again; from the end of "
      + "what is recorded unless --from (or --to: from the first step) says where; until SIGINT, SIGTERM or SIGHUP (exit 0), or past --to") boolean follow;

  /** How often a followed trace is looked at again when nothing new was read. */
  static final java.time.Duration FOLLOW_POLL = java.time.Duration.ofMillis(100);

  /** Stops a follow (the command's SIGINT, SIGTERM and SIGHUP; a test's own). */
  java.util.function.BooleanSupplier followStop;

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
    if (TraceCommand.namedTwice(files, err) || TraceCommand.badPeer(peer, "show", err)
        || !follow && TraceCommand.notOnePeer(peer, files, "show", err)) { // a followed trace may name it later
      return TraceCommand.BROKEN;
    }
    try {
      if (maxChanges < 1) {
        err.println("cairn trace show: --max-changes must be at least 1, got " + maxChanges);
        return BROKEN;
      }
      if (follow && followStop == null) {
        followStop = Signals.stopAsked(); // SIGINT, SIGTERM and SIGHUP are the follow's from now on: it ends with exit 0
      }
      List<List<Path>> traces = follow ? List.of(files) : TraceCommand.traces(files);
      if (traces.size() == 1) {
        return states || effects || changes ? replaying(out) : reading(out);
      }
      // traces side by side (several nodes', several runs'): each walked on its own, with its own window
      List<Path> all = files;
      int worst = OK;
      int empty = 0;
      try {
        for (List<Path> trace : traces) {
          files = trace;
          sideBySide = true;
          nothing = false;
          int status = states || effects || changes ? replaying(out) : reading(out);
          if (nothing) {
            empty++;
          } else {
            worst = Math.max(worst, status);
          }
        }
      } finally {
        files = all;
        sideBySide = false;
      }
      if (empty == traces.size()) {
        err.println("cairn trace show: no step of the files given is in the window");
        return BROKEN;
      }
      return worst;
    } catch (IOException | TraceFormatException e) {
      out.flush();
      return broken(err, e);
    } finally {
      out.flush();
    }
  }

  /** Walking one of several traces given side by side ({@link #call}). */
  private boolean sideBySide;
  /** That trace held no step of the window. */
  private boolean nothing;

  private boolean selected(CoreEvent event) {
    return peer == null || EventCodec.concerns(event, peer);
  }

  /** Whether an effect of the step names {@code --peer} (a dial, a disconnect, an update of it). */
  private boolean effectsName(Replay.Stepped st) {
    return st.step() != null && st.step().effects().stream().anyMatch(f -> TraceText.namesId(TraceText.effect(f), peer));
  }

  /**
   * The lines of {@code --changes} to print: with {@code --peer}, those naming it; at most
   * {@code --max-changes}, then one saying how many more there were.
   */
  private List<String> changeLines(List<String> all) {
    List<String> kept = peer == null ? all : all.stream().filter(l -> TraceText.namesId(l, peer)).toList();
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
    if (!any && (from != null || to != null) && sideBySide) {
      // one trace of several: said where its steps would be, and the others go on
      PrintWriter out = spec.commandLine().getOut();
      out.println(json ? TraceJson.line(Json.object().put("trace", file.toString()).put("steps", 0))
          : "# " + file + (files.size() > 1 ? " and " + (files.size() - 1) + " more" : "") + ": no step in the window");
      nothing = true;
      return OK;
    }
    if (!any && (from != null || to != null)) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("cairn trace show: no step of " + (files.size() == 1 ? file : "the files given") + " is in "
          + (from == null ? "the first step" : TraceCommand.shown(file, h, from)) + " .. "
          + (to == null ? "the last" : TraceCommand.shown(file, h, to)) + (files.size() == 1 ? elsewhere(file, h, from) : ""));
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
    private boolean live; // following, at what is being recorded: no progress

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

    /**
     * A new run of the node starts in {@code file} (followed): its steps are numbered from 0
     * again, so the window of the run before no longer applies; with {@code --to} the follow ends
     * (false).
     */
    boolean newRun(Path file, TraceHeader h) {
      if (to != null) {
        out.println(json ? TraceJson.line(Json.object().put("newRun", file.toString()).put("followEnds", true))
            : "# " + file + ": a new run of the node (started again); the follow ends, since --to names a step of "
                + "the run before it");
        return false;
      }
      out.println(json ? TraceJson.line(Json.object().put("newRun", file.toString()))
          : "# " + file + ": a new run of the node (started again)");
      window = window(file, h, null, null);
      expected = -1;
      return true;
    }

    /** Whether the step of {@code rec} is in the window (the records come in file order). */
    boolean admits(TraceReader.Entry rec) {
      expected = rec.step() + 1;
      if (!live) {
        progress.step(rec.offset());
      }
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

  /**
   * The files {@code show} walks: those given, in step order, and with {@code --follow} the files the
   * node writes after the last of them, read as they are written ({@link TraceFollower}). Until
   * the follow has caught up with what is recorded, it prints nothing (unless {@code --from} says
   * where to start).
   */
  private final class Source {
    private final Walk walk;
    private final PrintWriter out;
    private final TraceFollower follower;
    private int next;
    private boolean quiet;
    private boolean endedByRun;

    Source(Walk walk, PrintWriter out) {
      this.walk = walk;
      this.out = out;
      follower = follow ? new TraceFollower(FOLLOW_POLL, followStop).beforeEachWait(this::caughtUp) : null;
      // --to names an end: the window is read from its start (from the end of what is recorded,
      // a --to already passed would print nothing and say the file holds no step of it)
      quiet = follow && from == null && to == null;
    }

    /** Whether a stop was asked while the follow catches up (after that, its waits see it). */
    boolean stopAsked() {
      return follower != null && follower.stopAskedWhileCatchingUp();
    }

    /** The next file to read; null at the end (or when the follow stopped). */
    Path next(Path ended, TraceHeader h, boolean closed) throws IOException {
      if (next < walk.ordered.size()) {
        Path given = walk.ordered.get(next++);
        // from the end of what is recorded: the newest file of the trace (its older ones, or the
        // file named, may even be deleted by then); with --from, from the file named
        Path f = follower != null && live() ? TraceFollower.startOf(given, quiet) : given;
        if (!f.equals(given)) {
          out.println(json ? TraceJson.line(Json.object().put("following", f.toString()))
              : "# " + given + ": following its trace from " + f);
        }
        if (follower != null && live() && !follower.awaitFile(f, () -> {
          out.println(json ? TraceJson.line(Json.object().put("waitingFor", f.toString()))
              : "# waiting for " + f + " to be written");
          out.flush();
        })) {
          return null;
        }
        return f;
      }
      if (follower == null || follower.stopped()) {
        return null;
      }
      // a file whose header was cut (its run ended as it began) is numbered as its name says
      Optional<TraceFollower.Move> m = follower.next(ended, h != null ? h
          : TraceHeader.newBuilder().setSegment(TraceFollower.segmentOf(ended)).build(), walk.expected - 1, closed);
      if (m.isEmpty()) {
        if (!follower.stopped()) {
          out.println(json ? TraceJson.line(Json.object().put("followEnds", ended.toString()))
              : "# " + ended + " is not named as a node writes its trace: no file follows it");
          out.flush();
        }
        return null;
      }
      if (m.get().runRest().isPresent()) { // before the new run is said: the steps lost belong to the run before it
        TraceFollower.Missed rest = m.get().runRest().get();
        if (json) {
          var o = Json.object();
          o.putObject("deleted").put("from", rest.fromStep()).put("toRunEnd", true);
          out.println(TraceJson.line(o.put("run", rest.first().toString())));
        } else {
          out.println("# " + rest.describe("read"));
        }
        out.flush();
      }
      if (m.get().newRun()) {
        TraceHeader first;
        try (TraceReader r = follower.reader(m.get().file(), follower.tail(m.get().file()))) {
          first = r.header();
        } catch (TraceFormatException e) {
          return follower.stopped() ? null : next(m.get().file(), null, false); // it ended as it began
        }
        if (!walk.newRun(m.get().file(), first)) {
          endedByRun = true;
          return null;
        }
      }
      if (m.get().missed().isPresent()) { // after the new run is said, when it is one
        TraceFollower.Missed missed = m.get().missed().get();
        if (json) {
          var o = Json.object();
          o.putObject("deleted").put("from", missed.fromStep()).put("to", missed.toStep());
          out.println(TraceJson.line(o.put("following", m.get().file().toString())));
        } else {
          out.println("# " + missed.describe("read") + "; going on at step " + (missed.toStep() + 1) + " in "
              + m.get().file() + (m.get().newRun() ? ", of the node's new run" : ""));
        }
        out.flush();
        walk.expected = -1; // said here: not a gap between the files given
      }
      return m.get().file();
    }

    /** Whether the file opened now is read as it is written: the last given, and every file after it. */
    private boolean live() {
      return follower != null && next >= walk.ordered.size();
    }

    /**
     * The follow has read what was recorded and now waits for the writer (run before each wait):
     * from here on every step is printed as it is read (said once, unless {@code --from} set the
     * start).
     */
    private void caughtUp() {
      if (quiet && walk.headers.header != null) { // (waiting for the header itself, it has not caught up)
        quiet = false;
        walk.headers.print();
        out.println(json ? TraceJson.line(Json.object().put("followingFrom", walk.expected))
            : "# following from step " + walk.expected + " (--from shows earlier ones)");
      }
      walk.live = true;
      out.flush();
    }

    TraceReader reader(Path file) throws IOException, TraceFormatException {
      // read from the follower's handle of it: the node's rotation may delete it at any time
      return live() ? follower.reader(file, follower.tail(file)) : TraceReader.open(file);
    }

    Replay replay(Path file) throws IOException, TraceFormatException {
      return live() ? Replay.follow(follower.reader(file, follower.tail(file))) : Replay.open(file);
    }

    /** Whether steps are printed (not while a follow catches up with what was recorded before it). */
    boolean printing() {
      return !quiet;
    }

    /**
     * Whether {@code e}, met reading {@code file}, ends it as its run ended (the follow was stopped,
     * or the node started again before it completed its last record): a line says so, and the
     * follow goes on.
     */
    boolean endedThere(Path file, TraceFormatException e) {
      if (follower == null || !live() || !(follower.stopped() || follower.setAside())) {
        return false;
      }
      if (!follower.stopped()) {
        out.println(json ? TraceJson.line(Json.object().put("runEnds", file.toString()).put("cut", e.getMessage()))
            : "# " + file + ": its run ended inside a record: " + e.getMessage());
      }
      return true;
    }

    /** The status when the walk ends (the file the follow held open is let go). */
    int end() throws IOException {
      if (follower != null) {
        follower.close();
      }
      return follower != null && (follower.stopped() || endedByRun) ? OK : walk.end();
    }
  }

  private int reading(PrintWriter out) throws IOException, TraceFormatException {
    Walk walk = new Walk(out);
    Headers headers = walk.headers;
    Source source = new Source(walk, out);
    for (Path file = source.next(null, null, false); file != null; ) {
      TraceHeader header = null;
      boolean closed = false;
      try (TraceReader r = source.reader(file)) {
        header = r.header();
        walk.file(file, header);
        TraceHeader timed = TraceCommand.fromTraceStart(file, header);
        for (Optional<TraceReader.Entry> e = r.next(); e.isPresent() && !source.stopAsked(); e = r.next()) {
          TraceReader.Entry rec = e.get();
          boolean in = walk.admits(rec);
          if (walk.ended()) {
            break;
          }
          if (!in || !source.printing()) {
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
            out.println(json ? TraceJson.line(TraceJson.step(timed, rec, event))
                : TraceText.record(timed, rec, event));
          }
        }
        closed = r.trailer().isPresent();
      } catch (TraceFormatException e) {
        if (!source.endedThere(file, e)) {
          throw e;
        }
      }
      if (walk.ended()) {
        break;
      }
      file = source.next(file, header, closed);
    }
    return source.end();
  }

  private int replaying(PrintWriter out) throws IOException, TraceFormatException {
    Walk walk = new Walk(out);
    Headers headers = walk.headers;
    Source source = new Source(walk, out);
    for (Path file = source.next(null, null, false); file != null; ) {
      TraceHeader header = null;
      boolean closed = false;
      try (Replay replay = source.replay(file)) {
        header = replay.header();
        walk.file(file, header);
        TraceHeader timed = TraceCommand.fromTraceStart(file, header);
        dev.cairn.core.CoreState before = replay.state();
        for (Optional<Replay.Stepped> s = replay.next(); s.isPresent() && !source.stopAsked(); s = replay.next()) {
          Replay.Stepped st = s.get();
          boolean in = walk.admits(st.entry()) && source.printing();
          if (walk.ended()) {
            break;
          }
          List<String> lines = List.of();
          if (in && changes && st.step() != null && (peer != null || selected(st.event()))) {
            lines = changeLines(StateChanges.between(before, st.step().state(), Integer.MAX_VALUE));
          }
          boolean decisionShown = false;
          if (in && (selected(st.event()) || peer != null && (effectsName(st) || !lines.isEmpty()))) {
            decisionShown = !json && st.step() != null && (effects || changes || states);
            headers.print();
            if (json) {
              out.println(TraceJson.line(stepJson(timed, st, lines)));
            } else {
              out.println(TraceText.record(timed, st.entry(), st.event()));
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
            boolean shown = decisionShown;
            out.println(json ? TraceJson.line(TraceJson.mismatch(st.mismatch().get())) : "MISMATCH "
                + st.mismatch().get() + (shown ? "; what is shown of this step above is this build's core's"
                    + " decision, not the recording node's" : ""));
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
        closed = replay.trailer().isPresent();
      } catch (TraceFormatException e) {
        if (!source.endedThere(file, e)) {
          throw e;
        }
      }
      if (walk.ended()) {
        break;
      }
      file = source.next(file, header, closed);
    }
    return source.end();
  }
}
