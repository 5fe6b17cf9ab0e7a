package dev.cairn.shell.trace;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.WallTime;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.peer.PeerState;
import dev.cairn.core.peer.TimerKey;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.core.pex.PexState;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaState;
import dev.cairn.spec.mapping.CoreLetter;
import dev.cairn.spec.mapping.CoreStepValidator;
import dev.cairn.spec.mapping.PairChecker;
import dev.cairn.spec.mapping.TraceModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Validates a trace against the TLA+ spec ({@code Core.tla}), step by step. The spec is
 * instantiated for the recorded node ({@link TraceModel}: the constants of the header's config,
 * one model value per node ID the trace names). Every record is stepped by the core from the
 * state before it (as {@link Replay} does) and then judged twice:
 *
 * <ol>
 *   <li><b>The spec</b>: α(state before), the event's letter, and the state the core reached with
 *       the step's effects and hand-offs must be a step of the event's action: the action is
 *       evaluated as a predicate on that pair, the spec's choices narrowed to what the reached
 *       state shows ({@link PairChecker}, {@code TraceCore.tla}); a pair that is not a step is
 *       judged again by enumerating the action's successors, which names the difference. A step
 *       the core rejected must leave the action disabled; the cfg's safety invariants must hold on
 *       the state reached. The abstract state is recomputed from the Java state before every
 *       step, so the spec's nondeterminism (which addresses an answer carries, which time facts
 *       held, which bans expired) never has to be tracked as a set of candidate states: Java's
 *       state after the step names the one successor.
 *   <li><b>The record</b>: the outcome, the chained effects digest, and the state digest at
 *       checkpoints and at the trailer, as {@link Replay} checks them. This ties the Java steps
 *       that were judged to the run that was recorded.
 * </ol>
 *
 * <p>The first step that fails either check ends the validation; the failure names the step,
 * its record and byte offset, the event, why it fails, and the spec's actions enabled in the
 * abstract state before it.
 */
public final class Validate {

  /** Steps the core; a test may substitute a changed core to show that the spec rejects it. */
  @FunctionalInterface
  public interface Stepper {
    Core.Traced step(CoreConfig config, CoreState state, MonoTime now, WallTime wallNow, CoreEvent event);
  }

  /** The core itself. */
  public static final Stepper CORE = Core::traced;

  /** The first step that leaves the spec or differs from its record. */
  public record Failure(long step, long record, long offset, String event, String letter, Check check,
      String reason, List<String> enabled) {
    public String describe() {
      StringBuilder b = new StringBuilder();
      b.append("step ").append(step).append(" (record ").append(record).append(" at byte offset ").append(offset)
          .append("): ").append(event).append('\n');
      b.append("  spec letter: ").append(letter).append('\n');
      b.append("  ").append(check == Check.SPEC ? "leaves the spec: " : "differs from the record: ")
          .append(reason.strip().replace("\n", "\n  ")).append('\n');
      b.append("  enabled in the spec before this step:");
      if (enabled.isEmpty()) {
        b.append(" (none)");
      }
      for (String e : enabled) {
        b.append("\n    ").append(e);
        if (e.startsWith(letter + "   [")) {
          b.append(check == Check.SPEC ? "   <- this step's letter: the spec takes it here, to states other than the"
              + " one this step reached" : "   <- this step's letter");
        }
      }
      return b.toString();
    }
  }

  /** Which check failed. */
  public enum Check {
    /** The step is not a step of the spec. */
    SPEC,
    /** The step is the spec's, but not the recorded one (outcome, effects or state digest). */
    RECORD
  }

  /**
   * What a validation found. {@code broken} names where the file stops being a trace (a record
   * cut short, as a node stopped while writing leaves its last one, or corrupt): the {@code
   * steps} before it were validated, and no failure was found among them. {@code missed} lists
   * the steps a followed validation could not judge: the node's rotation deleted their files
   * before it reached them ({@link Session#follow}).
   */
  public record Result(long steps, int nodes, Map<CoreStepValidator.Kind, Long> verdicts, Optional<Failure> failure,
      Optional<String> endMismatch, Optional<TraceFormatException> broken, long replayedBefore,
      List<TraceFollower.Missed> missed) {
    public Result {
      missed = List.copyOf(missed);
    }

    /** A validation that judged every step it came to. */
    public Result(long steps, int nodes, Map<CoreStepValidator.Kind, Long> verdicts, Optional<Failure> failure,
        Optional<String> endMismatch, Optional<TraceFormatException> broken, long replayedBefore) {
      this(steps, nodes, verdicts, failure, endMismatch, broken, replayedBefore, List.of());
    }

    /** A validation of the whole file: no step was only replayed. */
    public Result(long steps, int nodes, Map<CoreStepValidator.Kind, Long> verdicts, Optional<Failure> failure,
        Optional<String> endMismatch, Optional<TraceFormatException> broken) {
      this(steps, nodes, verdicts, failure, endMismatch, broken, 0);
    }

    /** Whether every step was judged valid, none missed. */
    public boolean valid() {
      return failure.isEmpty() && endMismatch.isEmpty() && broken.isEmpty() && missed.isEmpty();
    }

    /** This result, with {@code missed} the steps its follow could not judge. */
    Result missing(List<TraceFollower.Missed> m) {
      return new Result(steps, nodes, verdicts, failure, endMismatch, broken, replayedBefore, m);
    }
  }

  /** How each step is judged against the spec. */
  public enum Mode {
    /**
     * The step as a pair (state before, state reached) evaluated against the action, the spec's
     * choices narrowed to what the reached state shows ({@link PairChecker}); a pair that is not
     * a step is judged again by enumeration, which names the difference.
     */
    PAIRS,
    /** Every successor of the action enumerated and Java's reached state searched among them. */
    ENUMERATE
  }

  private Validate() {}

  /** Validates {@code file} with the core itself. */
  public static Result run(Path file) throws IOException, TraceFormatException {
    return run(file, CORE);
  }

  /** Validates {@code file}, stepping with {@code stepper}. */
  public static Result run(Path file, Stepper stepper) throws IOException, TraceFormatException {
    try (Session s = new Session()) {
      return s.validate(file, stepper, Mode.PAIRS, null);
    }
  }

  /**
   * Validates trace files one after another, loading the spec once per distinct model (traces
   * whose generated constants are equal share the loaded spec and its memoised verdicts). TLC
   * holds one spec per JVM: one session at a time, and nothing else loading specs meanwhile.
   */
  public static final class Session implements AutoCloseable {
    private TraceModel loaded;
    private Path scratch;
    private long loadNanos;
    private int loads;
    private PairChecker.Stats last;
    private int memoLimit = PairChecker.MEMO_LIMIT;
    private int jobs = Runtime.getRuntime().availableProcessors();

    /**
     * How many threads judge a file's steps against the spec: this many TLC checks of steps run at
     * once ({@link PairChecker#speculate}), each on a thread of its own, while the steps are still
     * judged, and reported, in order (one per processor unless set; 1 judges on one thread).
     */
    public void jobs(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("jobs must be at least 1, not " + n);
      }
      jobs = n;
    }

    /** Bounds the memoised verdicts ({@link PairChecker#limitMemo}); a test sets a small bound. */
    public void limitMemo(int entries) {
      memoLimit = entries;
    }

    /** Time spent parsing and loading specs so far. */
    public long loadNanos() {
      return loadNanos;
    }

    /** Specs loaded so far. */
    public int loads() {
      return loads;
    }

    /** The pair checker's counts for the last file validated in {@link Mode#PAIRS}. */
    public PairChecker.Stats lastStats() {
      return last;
    }

    /**
     * Validates {@code file} stepping with {@code stepper}, judging each step as {@code mode} says;
     * {@code perStep}, when given, receives each judged step's verdict kind.
     */
    public Result validate(Path file, Stepper stepper, Mode mode, List<CoreStepValidator.Kind> perStep)
        throws IOException, TraceFormatException {
      return validate(file, stepper, mode, perStep, null);
    }

    /** The same, reporting to {@code progress} (when not null) as the steps are judged. */
    public Result validate(Path file, Stepper stepper, Mode mode, List<CoreStepValidator.Kind> perStep,
        StepProgress progress) throws IOException, TraceFormatException {
      return validate(file, stepper, mode, perStep, progress, null, null);
    }

    /**
     * The same, judging only the steps from {@code from} to {@code to} (either null: from the first
     * step, to the last): the steps before them are replayed, each checked against its record, to
     * reach the window, and the file is not read past it ({@link Result#replayedBefore}).
     */
    public Result validate(Path file, Stepper stepper, Mode mode, List<CoreStepValidator.Kind> perStep,
        StepProgress progress, TracePoint from, TracePoint to) throws IOException, TraceFormatException {
      return onLargeStack(file, () -> validateHere(file, stepper, mode, perStep, progress, from, to));
    }

    private Result validateHere(Path file, Stepper stepper, Mode mode, List<CoreStepValidator.Kind> perStep,
        StepProgress progress, TracePoint from, TracePoint to) throws IOException, TraceFormatException {
      CoreConfig config;
      CoreState initial;
      TracePoint.Window window = null;
      TracePoint.Window scan = null; // the same window, for the pass that names the model's nodes
      try (Replay r = Replay.open(file)) {
        config = r.config();
        initial = r.state();
        if (from != null || to != null) {
          TraceSegments segments = TraceSegments.of(file, r.header());
          TracePoint f = from == null ? null : segments.resolve(from);
          TracePoint t = to == null ? null : segments.resolveEnd(f, to);
          window = new TracePoint.Window(f, t, r.header());
          scan = new TracePoint.Window(f, t, r.header());
        }
      }
      Set<NodeId> seen = new TreeSet<>();
      ids(initial, seen);
      long records = 0;
      try (TraceReader reader = TraceReader.open(file)) {
        for (Optional<TraceReader.Entry> e = reader.next(); e.isPresent(); e = reader.next()) {
          TraceReader.Entry entry = e.get();
          if (scan != null) {
            scan.admits(entry.step(), entry.monoNanos(), entry.wallMillis());
            if (scan.ended()) {
              break; // the nodes named after the window are not in the states judged
            }
          }
          ids(decode(reader, entry), seen);
          records++;
        }
      } catch (TraceFormatException e) {
        // the records before a broken one are validated (the stepping thread meets it again and
        // ends there); a file broken before its first record has nothing to validate
        if (!e.hasRecordsBefore()) {
          throw e;
        }
      }
      TraceModel model = modelFor(TraceModel.plan(config, seen));
      // a window's share of the records is not known before it is read: the progress gives none
      Result r = steps(file, config, initial, model, stepper, mode, perStep, progress, window == null ? records : 0,
          window, jobs, null).result();
      if (mode == Mode.PAIRS) {
        last = model.pairs().stats();
      }
      return r;
    }

    /** The model of {@code plan}: the loaded spec when it is the same, else the spec loaded anew. */
    private TraceModel modelFor(TraceModel.Plan plan) throws IOException {
      TraceModel model;
      if (loaded != null && loaded.plan().sameSpec(plan)) {
        model = loaded.reuse(plan);
      } else {
        close();
        long t0 = System.nanoTime();
        scratch = Files.createTempDirectory("cairn-validate");
        loaded = TraceModel.load(plan, scratch);
        loadNanos += System.nanoTime() - t0;
        loads++;
        model = loaded;
      }
      model.pairs().limitMemo(memoLimit);
      return model;
    }

    /**
     * Validates the trace a running node is still writing, as it is written ({@code cairn trace
     * validate --follow}): {@code file} from its first step, then each file {@code follower} finds
     * after it (the next segment after a rotation, the first file of the node's new run), until the
     * follower stops, a step fails or a file breaks. The model has spare peers for the nodes the
     * trace names later ({@link TraceModel.Plan#bind}); when they run out, a larger one is loaded
     * and the validation resumes at the step that named the new node, from the state before it.
     * {@code notes} receives a line for each file the follow moves on to. The result counts every
     * step judged; a record cut by a node that stopped as it wrote it is not a break when the
     * node's next run follows.
     */
    public Result follow(Path file, Stepper stepper, StepProgress progress, TraceFollower follower,
        java.util.function.Consumer<String> notes) throws IOException, TraceFormatException {
      return onLargeStack(file, () -> followHere(file, stepper, progress, follower, notes));
    }

    /** Spare peers in a followed trace's model: a quarter more than it names, at least {@value #MIN_SPARES}. */
    static final int MIN_SPARES = 8;

    private static int spares(int named) {
      return Math.max(MIN_SPARES, named / 4);
    }

    private Result followHere(Path given, Stepper stepper, StepProgress progress, TraceFollower follower,
        java.util.function.Consumer<String> notes) throws IOException, TraceFormatException {
      List<TraceFollower.Missed> missed = new ArrayList<>();
      try {
        return followFiles(given, stepper, progress, follower, notes, missed).missing(missed);
      } finally {
        follower.close();
      }
    }

    /** {@link #followHere}, adding to {@code missed} each span of steps rotation deleted before it was read. */
    private Result followFiles(Path given, Stepper stepper, StepProgress progress, TraceFollower follower,
        java.util.function.Consumer<String> notes, List<TraceFollower.Missed> missed)
        throws IOException, TraceFormatException {
      long steps = 0;
      int peers = 0;
      Map<CoreStepValidator.Kind, Long> verdicts = new EnumMap<>(CoreStepValidator.Kind.class);
      Path file = TraceFollower.startOf(given, false); // the node may have deleted FILE after rotations
      if (!follower.awaitFile(file, () -> notes.accept("# waiting for " + file + " to be written"))) {
        return new Result(0, 0, verdicts, Optional.empty(), Optional.empty(), Optional.empty());
      }
      if (!file.equals(given)) {
        notes.accept("# " + given + " is gone (the node rotated past it): validating from " + file);
      }
      boolean[] caughtUp = {false};
      follower.beforeEachWait(() -> {
        if (!caughtUp[0]) {
          caughtUp[0] = true;
          notes.accept("# read all that was recorded: from here on each step is judged as it is recorded");
        }
      });
      for (Path current = file; current != null; ) {
        // one tail for the file: it knows the file as it was opened, if a restart renames it later
        TraceReader.Tail tail = follower.tail(current);
        CoreConfig config;
        CoreState initial;
        dev.cairn.proto.trace.TraceHeader header = null;
        long fileSteps = 0;
        boolean closed = false;
        try (Replay r = Replay.follow(follower.reader(current, tail))) {
          config = r.config();
          initial = r.state();
          header = r.header();
        } catch (TraceFormatException e) {
          if (follower.stopped()) {
            break;
          }
          if (!follower.setAside()) {
            throw e;
          }
          notes.accept("# " + current + ": its run ended before its header was written");
          config = null;
          initial = null;
        }
        if (header != null) {
          Set<NodeId> seen = new TreeSet<>();
          ids(initial, seen);
          namedFrom(follower, current, header, 0, seen);
          TraceModel.Plan plan = TraceModel.plan(config, seen, spares(seen.size()));
          TraceModel model = modelFor(plan);
          Follow f = new Follow(0, initial, header.getPreviousDigest(), tail, Set.copyOf(plan.ids().values()),
              follower::stopAskedWhileCatchingUp, follower);
          while (true) {
            Run run = steps(current, config, initial, model, stepper, Mode.PAIRS, null, progress, 0, null, jobs, f);
            Result r = run.result();
            steps += r.steps();
            fileSteps += r.steps();
            peers = plan.ids().size() - 1 - plan.spares().size();
            r.verdicts().forEach((k, n) -> verdicts.merge(k, n, Long::sum));
            last = model.pairs().stats();
            if (r.failure().isPresent() || r.endMismatch().isPresent()) {
              return new Result(steps, peers + 1, verdicts, r.failure(), r.endMismatch(), Optional.empty());
            }
            if (r.broken().isPresent()) {
              if (follower.stopped()) {
                return new Result(steps, peers + 1, verdicts, Optional.empty(), Optional.empty(), Optional.empty());
              }
              if (!follower.setAside()) {
                return new Result(steps, peers + 1, verdicts, Optional.empty(), Optional.empty(), r.broken());
              }
              notes.accept("# " + current + ": its run ended inside a record: " + r.broken().get().getMessage());
              break;
            }
            if (run.resume() == null) {
              closed = run.closed();
              break;
            }
            Resume at = run.resume();
            Optional<TraceModel.Plan> bound = plan.bind(at.added());
            if (bound.isPresent()) {
              plan = bound.get();
            } else { // no spare left: a model with room for what the file names so far, and more
              Set<NodeId> more = new TreeSet<>(plan.ids().values());
              more.removeAll(plan.spares());
              more.addAll(at.added());
              ids(at.state(), more);
              namedFrom(follower, current, header, at.record(), more);
              plan = TraceModel.plan(config, more, spares(more.size()));
              notes.accept("# " + current + ": step " + (header.getFirstStep() + at.record()) + " names a node the "
                  + "model had no room for: validating on in a model of " + (plan.ids().size() - 1) + " peers");
            }
            model = modelFor(plan);
            f = new Follow(at.record(), at.state(), at.previousDigest(), tail, Set.copyOf(plan.ids().values()),
                follower::stopAskedWhileCatchingUp, follower);
          }
        }
        if (follower.stopped()) {
          break;
        }
        dev.cairn.proto.trace.TraceHeader h = header != null ? header
            : dev.cairn.proto.trace.TraceHeader.newBuilder().setSegment(TraceFollower.segmentOf(current)).build();
        Optional<TraceFollower.Move> next = follower.next(current, h, h.getFirstStep() + fileSteps - 1, closed);
        if (next.isEmpty()) {
          break;
        }
        current = next.get().file();
        if (next.get().runRest().isPresent()) {
          TraceFollower.Missed rest = next.get().runRest().get();
          missed.add(rest);
          notes.accept("# " + rest.describe("judged"));
        }
        if (next.get().missed().isPresent()) {
          TraceFollower.Missed m = next.get().missed().get();
          missed.add(m);
          notes.accept("# " + m.describe("judged") + "; going on at step " + (m.toStep() + 1) + " in " + current
              + (next.get().newRun() ? ", of the node's new run" : ""));
          continue;
        }
        notes.accept("# " + current + (next.get().newRun() ? ": a new run of the node (started again)"
            : ": the trace goes on in this file"));
      }
      return new Result(steps, peers + 1, verdicts, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Adds the nodes the whole records of {@code file} (whose header is {@code header}) name from
     * record {@code from} on to {@code out} (a record cut at the end, still being written, is left
     * out), read from {@code follower}'s handle of it: the writer's rotation may have deleted it.
     */
    private static void namedFrom(TraceFollower follower, Path file, dev.cairn.proto.trace.TraceHeader header,
        long from, Set<NodeId> out) throws IOException {
      try (TraceReader reader = follower.reader(file, null)) {
        if (!reader.header().equals(header)) {
          return; // the name names another file now: the validation meets that and says so
        }
        for (Optional<TraceReader.Entry> e = reader.next(); e.isPresent(); e = reader.next()) {
          if (e.get().index() >= from) {
            ids(decode(reader, e.get()), out);
          }
        }
      } catch (TraceFormatException e) {
        // a record still being written (or broken: the validation meets it and says so)
      }
    }

    /**
     * Forgets the memoised verdicts of the loaded spec (the next file is checked as if it were the
     * first, without loading the spec again).
     */
    public void forgetVerdicts() {
      if (loaded != null) {
        loaded.pairs().forget();
      }
    }

    /** Unloads the spec. */
    @Override
    public void close() {
      if (loaded != null) {
        loaded.close();
        loaded = null;
      }
      if (scratch != null) {
        deleteTree(scratch);
        scratch = null;
      }
    }
  }

  @FunctionalInterface
  private interface Work {
    Result run() throws IOException, TraceFormatException;
  }

  /** The stack of a thread on which TLC evaluates: it evaluates the spec recursively. */
  private static final long TLC_STACK = 64L << 20;

  /** The work runs on a thread of its own with a {@link #TLC_STACK} stack. */
  private static Result onLargeStack(Path file, Work work) throws IOException, TraceFormatException {
    Object[] result = new Object[1];
    Thread t = new Thread(null, () -> {
      try {
        result[0] = work.run();
      } catch (IOException | TraceFormatException | RuntimeException | Error e) {
        result[0] = e;
      }
    }, "cairn-validate", TLC_STACK);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      t.interrupt();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while validating " + file, e);
    }
    return switch (result[0]) {
      case Result r -> r;
      case IOException e -> throw e;
      case TraceFormatException e -> throw e;
      case RuntimeException e -> throw e;
      case Error e -> throw e;
      default -> throw new IllegalStateException("no result");
    };
  }

  /**
   * One step as the stepping thread hands it to the judging thread: the record, the core's step,
   * its prepared judgement ({@link PairChecker#prepare}), and how it differs from its record (null
   * when it does not). The last item of a file carries its end (the trailer's verdict), or what
   * stopped the stepping thread early (a read error, a core failure, a step unlike its record).
   */
  private record Item(TraceReader.Entry entry, CoreEvent event, CoreState before, Core.Traced traced,
      PairChecker.Prepared prepared, String recordMismatch, String coreFailure, Throwable readError,
      Optional<String> end, long steps, boolean judged, Resume resume, boolean closed) {
    Item(TraceReader.Entry entry, CoreEvent event, CoreState before, Core.Traced traced,
        PairChecker.Prepared prepared, String recordMismatch, String coreFailure, Throwable readError,
        Optional<String> end, long steps, boolean judged) {
      this(entry, event, before, traced, prepared, recordMismatch, coreFailure, readError, end, steps, judged, null,
          false);
    }

    boolean last() {
      return entry == null;
    }
  }

  /**
   * A validation of a file still being written ({@link Session#follow}): the record it starts at,
   * with the state before it and the effects digest of the step before it; how its reader waits
   * for the writer; the nodes the model has values for (a step naming another one stops it, to be
   * resumed in a model that has); and the follower, whose handle of the file it is read from (the
   * writer's rotation may have deleted the file since it was opened).
   */
  private record Follow(long record, CoreState state, long previousDigest, TraceReader.Tail tail,
      Set<NodeId> modelIds, java.util.function.BooleanSupplier stop, TraceFollower follower) {}

  /** Where a followed validation stopped for a model that names more nodes: {@code added}. */
  private record Resume(long record, CoreState state, long previousDigest, Set<NodeId> added) {}

  /**
   * How {@link #steps} ended: its result; where to resume a followed file; whether the file's
   * trailer was read (a followed file is read from the follower's handle, so its name naming
   * another file since does not matter).
   */
  private record Run(Result result, Resume resume, boolean closed) {}

  /** Items per hand-off between the two threads, and hand-offs in flight. */
  private static final int BATCH = 64;
  private static final int BATCHES = 16;

  /**
   * Validates the records of {@code file} on two threads: this one judges each step against the
   * spec (TLC: {@link PairChecker#judge}), in record order, while a second reads the records,
   * steps the core, checks each step against its record and prepares its judgement (α, the
   * letter, Java's invariants: {@link PairChecker#prepare}) up to {@value #BATCHES} batches of
   * {@value #BATCH} steps ahead. The first step that fails either check ends the validation, as
   * on one thread: the judging thread meets the steps in order, and the stepping thread stops at
   * the first step unlike its record.
   */
  private static Run steps(Path file, CoreConfig config, CoreState initial, TraceModel model, Stepper stepper,
      Mode mode, List<CoreStepValidator.Kind> perStep, StepProgress progress, long records, TracePoint.Window window,
      int jobs, Follow follow) throws IOException, TraceFormatException {
    CoreStepValidator validator = model.validator();
    PairChecker pairs = mode == Mode.PAIRS ? model.pairs() : null;
    Map<CoreStepValidator.Kind, Long> verdicts = new EnumMap<>(CoreStepValidator.Kind.class);
    int nodes = model.nodes().size();
    java.util.concurrent.BlockingQueue<List<Item>> queue = new java.util.concurrent.ArrayBlockingQueue<>(BATCHES);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread stepping = new Thread(null, () -> stepAhead(file, config, initial, stepper, pairs, queue, stop, window,
        follow), "cairn-validate-step", 16L << 20);
    stepping.setDaemon(true);
    stepping.start();
    java.util.concurrent.ExecutorService workers = pairs == null || jobs < 2 ? null : judges(jobs - 1);
    try {
      long steps = 0;
      List<Item> next = null;
      while (true) {
        List<Item> batch;
        try {
          batch = next != null ? next : queue.take();
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while validating " + file, x);
        }
        next = null;
        if (workers != null) {
          // the checks of this batch, and of the next one when it is ready, start now
          speculate(pairs, batch, workers);
          next = queue.poll();
          if (next != null) {
            speculate(pairs, next, workers);
          }
        }
        for (Item item : batch) {
          if (item.last()) {
            if (item.readError() instanceof IOException x) {
              throw x;
            }
            if (item.readError() instanceof TraceFormatException x) {
              if (!x.hasRecordsBefore()) {
                throw x;
              }
              return new Run(new Result(steps, nodes, verdicts, Optional.empty(), Optional.empty(),
                  Optional.of(x), item.steps() - steps), null, false);
            }
            if (item.readError() instanceof RuntimeException x) {
              throw x;
            }
            if (item.readError() instanceof Error x) {
              throw x;
            }
            return new Run(new Result(steps, nodes, verdicts, Optional.empty(), item.end(), Optional.empty(),
                item.steps() - steps), item.resume(), item.closed());
          }
          long replayed = item.steps() - steps; // stepped before this item, not judged: before the window
          TraceReader.Entry entry = item.entry();
          CoreEvent event = item.event();
          CoreState state = item.before();
          MonoTime now = new MonoTime(entry.monoNanos());
          WallTime wall = new WallTime(entry.wallMillis());
          if (item.coreFailure() != null) {
            return new Run(failed(replayed, steps, nodes, verdicts, failure(pairs, validator, entry, event, state, now,
                wall, "-", Check.RECORD, item.coreFailure())), null, false);
          }
          if (!item.judged()) { // replayed to reach the window, and unlike its record
            return new Run(failed(replayed, steps, nodes, verdicts, failure(pairs, validator, entry, event, state, now,
                wall, "-", Check.RECORD, item.recordMismatch() + " (before the window: replayed, not judged)")), null, false);
          }
          Optional<CoreStepValidator.Verdict> v;
          try {
            v = mode == Mode.ENUMERATE
                ? validator.validate(state, now, wall, event, item.traced())
                : pairs.judge(item.prepared());
          } catch (RuntimeException x) {
            throw cannotJudge(entry, event, steps, x);
          }
          if (perStep != null && v.isPresent()) {
            perStep.add(v.get().kind());
          }
          if (v.isEmpty()) {
            return new Run(failed(replayed, steps, nodes, verdicts, failure(pairs, validator, entry, event, state, now,
                wall, "-", Check.SPEC, "the event names a node outside the model")), null, false);
          }
          CoreStepValidator.Verdict verdict = v.get();
          verdicts.merge(verdict.kind(), 1L, Long::sum);
          if (!verdict.ok()) {
            return new Run(failed(replayed, steps, nodes, verdicts, failure(pairs, validator, entry, event, state, now, wall,
                verdict.letter().toString(), Check.SPEC, verdict.kind() + ": " + verdict.detail())), null, false);
          }
          if (item.recordMismatch() != null) {
            return new Run(failed(replayed, steps, nodes, verdicts, failure(pairs, validator, entry, event, state, now, wall,
                verdict.letter().toString(), Check.RECORD, item.recordMismatch()
                    + "; the step this build's core takes is one the spec allows")), null, false);
          }
          steps++;
          if (progress != null && (steps & 255) == 0) {
            progress.at(steps, records > 0 ? (double) steps / records : -1);
          }
        }
      }
    } finally {
      if (pairs != null) {
        pairs.settle();
      }
      if (workers != null) {
        workers.shutdownNow();
      }
      stop.set(true);
      queue.clear();
      try {
        stepping.join();
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void speculate(PairChecker pairs, List<Item> batch, java.util.concurrent.Executor workers) {
    List<PairChecker.Prepared> prepared = new ArrayList<>(batch.size());
    for (Item item : batch) {
      if (item.prepared() != null && item.judged() && item.coreFailure() == null) {
        prepared.add(item.prepared());
      }
    }
    pairs.speculate(prepared, workers);
  }

  /**
   * {@code n} threads that check pairs for the judging thread, each with its stack ({@link
   * #TLC_STACK}). Their queue holds two batches of checks; a check it has no room for is left
   * unclaimed, and the judging thread runs it itself when it reaches its step.
   */
  private static java.util.concurrent.ExecutorService judges(int n) {
    java.util.concurrent.atomic.AtomicInteger named = new java.util.concurrent.atomic.AtomicInteger();
    return new java.util.concurrent.ThreadPoolExecutor(n, n, 0, java.util.concurrent.TimeUnit.MILLISECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(2 * BATCH), r -> {
          Thread t = new Thread(null, r, "cairn-validate-judge-" + named.incrementAndGet(), TLC_STACK);
          t.setDaemon(true);
          return t;
        }, new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
  }

  /**
   * The stepping thread: reads the records, steps the core from the state before each, checks the
   * step against its record, prepares its judgement, and hands the steps over in batches; stops
   * after the first step that failed or differs from its record, at the end of the file, or when
   * the judging thread asks it to.
   */
  private static void stepAhead(Path file, CoreConfig config, CoreState initial, Stepper stepper, PairChecker pairs,
      java.util.concurrent.BlockingQueue<List<Item>> queue, java.util.concurrent.atomic.AtomicBoolean stop,
      TracePoint.Window window, Follow follow) {
    // the batch being filled; a followed file hands it over as it is before each wait for the writer
    @SuppressWarnings("unchecked")
    List<Item>[] filling = new List[] {new ArrayList<>(BATCH)};
    Item last;
    long steps = 0;
    TraceReader.Tail tail = follow == null ? null : () -> {
      if (!filling[0].isEmpty()) {
        if (!hand(queue, filling[0], stop)) {
          return false;
        }
        filling[0] = new ArrayList<>(BATCH);
      }
      return !stop.get() && follow.tail().awaitMore();
    };
    try (TraceReader reader = tail == null ? TraceReader.open(file) : follow.follower().reader(file, tail)) {
      EffectsDigest effects = new EffectsDigest();
      Digester digester = Digester.forFormat(reader.header().getFormatVersion());
      boolean resumed = follow != null && follow.record() > 0;
      CoreState state = resumed ? follow.state() : initial;
      long previous = resumed ? follow.previousDigest() : reader.header().getPreviousDigest();
      long lastStep = -1; // the last step whose record matched its replay
      long verifiedStateStep = -1; // the last checkpoint whose state digest matched
      boolean pastWindow = false;
      last = null;
      for (Optional<TraceReader.Entry> o = reader.next(); o.isPresent() && !stop.get(); o = reader.next()) {
        TraceReader.Entry entry = o.get();
        List<Item> batch = filling[0];
        if (resumed && entry.index() < follow.record()) {
          continue; // validated before the model grew
        }
        if (follow != null && (entry.index() & (BATCH - 1)) == 0 && follow.stop().getAsBoolean()) {
          break; // asked to stop while catching up: what was read is judged, as at the end of what is written
        }
        if (follow != null) {
          Set<NodeId> named = new TreeSet<>();
          ids(decode(reader, entry), named);
          named.removeAll(follow.modelIds());
          if (!named.isEmpty()) { // a node the model has no value for: resumed at this record in one that has
            last = new Item(null, null, null, null, null, null, null, null, Optional.empty(), steps, true,
                new Resume(entry.index(), state, previous, named), false);
            break;
          }
        }
        boolean judged = window == null || window.admits(entry.step(), entry.monoNanos(), entry.wallMillis());
        if (window != null && window.ended()) {
          pastWindow = true; // the file is not read further
          break;
        }
        CoreEvent event = decode(reader, entry);
        MonoTime now = new MonoTime(entry.monoNanos());
        WallTime wall = new WallTime(entry.wallMillis());
        Core.Traced traced;
        try {
          traced = stepper.step(config, state, now, wall, event);
        } catch (RuntimeException x) {
          batch.add(new Item(entry, event, state, null, null, null, "the core failed on it: " + x, null,
              Optional.empty(), steps, judged));
          break;
        }
        if (!judged) { // before the window: replayed and checked against its record only
          long d = entry.digestOver(effects, previous, traced.step().outcome(), traced.step().effects());
          String m = record(entry, event, traced, d, digester);
          if (m != null && follow == null && digestAloneDamaged(reader, entry, stepper, config, traced, d, effects)) {
            throw damaged(reader, entry, d);
          }
          refuseDamagedCheckpoint(reader, entry, m, traced, d, digester);
          if (m != null) {
            batch.add(new Item(entry, event, state, traced, null, m, null, null, Optional.empty(), steps, false));
            break;
          }
          previous = d;
          lastStep = entry.step();
          verifiedStateStep = entry.isCheckpoint() ? lastStep : verifiedStateStep;
          state = traced.step().state();
          steps++;
          continue;
        }
        if (pairs != null && batch.isEmpty()) {
          // while the judging thread waits for steps, it renames the pairs it looks up itself
          pairs.renameWhilePreparing(queue.size() >= 2);
        }
        PairChecker.Prepared prepared;
        try {
          prepared = pairs == null ? null : pairs.prepare(state, now, wall, event, traced);
        } catch (RuntimeException x) {
          throw cannotJudge(entry, event, steps, x);
        }
        long d = entry.digestOver(effects, previous, traced.step().outcome(), traced.step().effects());
        String m = record(entry, event, traced, d, digester);
        if (m != null && follow == null && digestAloneDamaged(reader, entry, stepper, config, traced, d, effects)) {
          throw damaged(reader, entry, d);
        }
        refuseDamagedCheckpoint(reader, entry, m, traced, d, digester);
        batch.add(new Item(entry, event, state, traced, prepared, m, null, null, Optional.empty(), steps, true));
        if (m != null) {
          break;
        }
        previous = d;
        lastStep = entry.step();
        verifiedStateStep = entry.isCheckpoint() ? lastStep : verifiedStateStep;
        state = traced.step().state();
        steps++;
        if (batch.size() == BATCH) {
          if (!hand(queue, batch, stop)) {
            return;
          }
          filling[0] = new ArrayList<>(BATCH);
        }
      }
      List<Item> batch = filling[0];
      if (last == null
          && (batch.isEmpty() || batch.getLast().recordMismatch() == null && batch.getLast().coreFailure() == null)) {
        Optional<String> end = Optional.empty();
        Optional<TraceReader.Trailer> t = pastWindow ? Optional.empty() : reader.trailer();
        if (t.isPresent()) {
          TraceReader.Trailer tr = t.get();
          byte[] finalState = digester.state(state);
          Replay.refuseDamagedTrailer(reader.file(), tr, lastStep, previous, verifiedStateStep, finalState,
              "validated");
          if (tr.effectsDigest() != previous) {
            end = Optional.of("the trailer (at byte offset " + tr.offset() + ") names effects digest "
                + Replay.hex(tr.effectsDigest()) + ", the validated steps end at " + Replay.hex(previous));
          } else if (!java.util.Arrays.equals(finalState, tr.stateDigest())) {
            end = Optional.of("the trailer (at byte offset " + tr.offset() + ") names another final state");
          }
        }
        last = new Item(null, null, null, null, null, null, null, null, end, steps, true, null, t.isPresent());
      }
    } catch (IOException | TraceFormatException | RuntimeException | Error x) {
      // handed over in order, so that it is met after the steps before it (an error too: the
      // judging thread would otherwise wait for a batch that never comes)
      last = new Item(null, null, null, null, null, null, null, x, Optional.empty(), steps, true);
    }
    if (last != null) {
      filling[0].add(last);
    }
    hand(queue, filling[0], stop);
  }

  /** Hands a batch to the judging thread; false when it asked the stepping thread to stop. */
  private static boolean hand(java.util.concurrent.BlockingQueue<List<Item>> queue, List<Item> batch,
      java.util.concurrent.atomic.AtomicBoolean stop) {
    try {
      while (!stop.get()) {
        if (queue.offer(batch, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private static Result failed(long replayedBefore, long steps, int nodes, Map<CoreStepValidator.Kind, Long> verdicts,
      Failure f) {
    return new Result(steps, nodes, verdicts, Optional.of(f), Optional.empty(), Optional.empty(), replayedBefore);
  }

  /** How the step differs from its record, or null. */
  private static String record(TraceReader.Entry r, CoreEvent event, Core.Traced traced, long d,
      Digester digester) {
    boolean rejected = traced.step().outcome() instanceof Outcome.Rejected;
    if (rejected != r.rejected()) {
      return "this build's core " + (rejected ? "rejects" : "accepts") + " " + EventCodec.name(event)
          + " but the node that recorded it " + (r.rejected() ? "rejected it (" + r.rejectedReason() + ")"
          : "accepted it") + ": the node decided otherwise (it ran other code, or failed), or the record was"
          + " altered (its event, or a record before it removed)";
    }
    if (d != r.effectsDigest()) {
      return "effects digest differs: recorded " + Replay.hex(r.effectsDigest()) + ", stepped " + Replay.hex(d)
          + ": the node that recorded the step decided otherwise than this build's core (it ran other code, or"
          + " failed), or the record was altered (its event, times or step number, or a record before it removed);"
          + " the record holds a digest of the node's decision, so whether the spec allows that decision cannot be"
          + " told from it";
    }
    if (r.isCheckpoint() && !r.stateDigestEquals(digester.state(traced.step().state()))) {
      return "state digest differs at this checkpoint";
    }
    return null;
  }

  /**
   * Throws when the record mismatch {@code m} of {@code entry} is its checkpoint's state digest
   * alone (the outcome and the effects digest {@code d} matched), damaged in the file: a few bits
   * from the digest of the state stepped to ({@link Replay#stateDigestDamaged}), as replay says it.
   */
  private static void refuseDamagedCheckpoint(TraceReader reader, TraceReader.Entry entry, String m,
      Core.Traced traced, long d, Digester digester) throws TraceFormatException {
    boolean rejected = traced.step().outcome() instanceof Outcome.Rejected;
    if (m == null || !entry.isCheckpoint() || rejected != entry.rejected() || d != entry.effectsDigest()) {
      return;
    }
    byte[] stepped = digester.state(traced.step().state());
    byte[] recorded = entry.stateDigest().orElseThrow();
    if (Replay.stateDigestDamaged(recorded, stepped)) {
      throw new TraceFormatException(reader.file() + ": corrupt step " + entry.step() + " (record " + entry.index()
          + " at byte offset " + entry.offset() + "): " + Replay.checkpointDamage(recorded, stepped), entry.index(),
          TraceFormatException.Kind.DIGEST_DAMAGED);
    }
  }

  private static Failure failure(PairChecker pairs, CoreStepValidator validator, TraceReader.Entry entry,
      CoreEvent event, CoreState state, MonoTime now, WallTime wall, String letter, Check check, String reason) {
    if (pairs != null) {
      pairs.settle(); // the actions enabled are found by enumeration, with the spec's own operators
    }
    List<String> enabled;
    try {
      enabled = enabled(validator, state, now, event);
    } catch (RuntimeException e) {
      enabled = List.of("(not computed: " + e.getMessage() + ")");
    }
    return new Failure(entry.step(), entry.index(), entry.offset(), (EventCodec.name(event) + " " + EventCodec.fields(event)).strip(), letter, check, reason,
        enabled);
  }

  /**
   * The spec's letters enabled in α(state): every action on every node, PEX answers with the
   * event's own addresses or none, and the timers due at {@code now}.
   */
  static List<String> enabled(CoreStepValidator validator, CoreState state, MonoTime now, CoreEvent event) {
    var mapping = validator.mapping();
    Map<String, Object> alpha = mapping.alpha(state, now);
    TlaState s = validator.specState(alpha);
    List<CoreLetter> letters = new ArrayList<>();
    letters.add(CoreLetter.of("Started"));
    Set<Object> addresses = new LinkedHashSet<>();
    mapping.fromJava(event, state, now).ifPresent(l -> {
      if (l.action().equals("PexAddrsReceived") || l.action().equals("AddressesLearned")) {
        addresses.addAll((Set<?>) l.args().get(l.action().equals("PexAddrsReceived") ? 1 : 0));
      }
      if (l.action().equals("TimerFired")) {
        letters.add(l);
      }
    });
    if (!addresses.isEmpty()) {
      letters.add(CoreLetter.of("AddressesLearned", addresses));
    }
    for (TlaModelValue p : mapping.nodes()) {
      for (String a : List.of("DialRequested", "DialSucceeded", "DialFailed", "InboundAccepted", "PeerReady",
          "PeerDisconnected", "PeerErrored", "PeerBanned", "PexRequestReceived", "PexMessageMalformed")) {
        letters.add(CoreLetter.of(a, p));
      }
      letters.add(CoreLetter.of("PeerReported", p, "good"));
      letters.add(CoreLetter.of("PeerReported", p, "bad"));
      letters.add(CoreLetter.of("PexAddrsReceived", p, Set.of()));
      if (!addresses.isEmpty()) {
        letters.add(CoreLetter.of("PexAddrsReceived", p, addresses));
      }
    }
    List<String> out = new ArrayList<>();
    int skipped = 0;
    int bits = 0;
    for (CoreLetter l : letters) {
      int b = PairChecker.choiceBits(alpha, l, mapping.config().peer().book().newBucketSize());
      if (b > PairChecker.MAX_ENUMERATED_CHOICE_BITS) {
        skipped++;
        bits = Math.max(bits, b);
        continue;
      }
      try {
        if (!validator.successors(s, l).isEmpty()) {
          out.add(l + "   [" + names(validator, l) + "]");
        }
      } catch (RuntimeException e) {
        // an argument outside the action's domain (e.g. Self where only peers go): not enabled
      }
    }
    if (skipped > 0) {
      out.add("(" + skipped + " letters not tried: their steps range over up to about 2^" + bits
          + " choices of book picks, answers, ban expiries and crawl choices, too many to enumerate)");
    }
    return out;
  }

  private static String names(CoreStepValidator validator, CoreLetter l) {
    List<String> out = new ArrayList<>();
    for (Object a : l.args()) {
      if (a instanceof TlaModelValue v) {
        out.add(v.name() + "=" + validator.mapping().id(v).hex().substring(0, 12));
      }
    }
    return String.join(" ", out);
  }

  /**
   * Whether {@code entry}, stepped as {@code traced} with the recorded outcome but effects digest
   * {@code d} where another is recorded, has only its digest damaged in the file: the next record
   * verifies from {@code d} ({@link Replay#digestAloneDamaged}), or the trailer names {@code d}.
   * Reads and steps the next record (validation ends after this either way). Not asked of a
   * followed file, whose next record may not be written yet.
   */
  private static boolean digestAloneDamaged(TraceReader reader, TraceReader.Entry entry, Stepper stepper,
      CoreConfig config, Core.Traced traced, long d, EffectsDigest effects) {
    if ((traced.step().outcome() instanceof Outcome.Rejected) != entry.rejected() || d == entry.effectsDigest()) {
      return false; // another outcome, or a state digest that differs: not the digest's own damage
    }
    try {
      Optional<TraceReader.Entry> next = reader.next();
      if (next.isEmpty()) {
        return reader.trailer().map(t -> t.effectsDigest() == d).orElse(false);
      }
      TraceReader.Entry n = next.get();
      Core.Traced t = stepper.step(config, traced.step().state(), new MonoTime(n.monoNanos()),
          new WallTime(n.wallMillis()), decode(reader, n));
      return Replay.digestAloneDamaged(n, t.step(), d, effects);
    } catch (IOException | TraceFormatException | RuntimeException x) {
      return false; // the next record does not read or step: nothing to tell from it
    }
  }

  private static TraceFormatException damaged(TraceReader reader, TraceReader.Entry entry, long d) {
    return new TraceFormatException(reader.file() + ": corrupt step " + entry.step() + " (record " + entry.index()
        + " at byte offset " + entry.offset() + "): " + Replay.digestDamage(entry.effectsDigest(), d), entry.index(),
        TraceFormatException.Kind.DIGEST_DAMAGED);
  }

  /**
   * A step TLC could not evaluate (a value too large for it to build, such as the subsets of a
   * PEX answer of hundreds of addresses), named with its record: the steps before it were judged.
   */
  private static IllegalStateException cannotJudge(TraceReader.Entry entry, CoreEvent event, long judgedBefore,
      RuntimeException x) {
    return new IllegalStateException("cannot judge step " + entry.step() + " (record " + entry.index()
        + " at byte offset " + entry.offset() + ", " + EventCodec.name(event) + "): the check failed: " + x.getMessage()
        + "; the steps before it were judged (validate a window that ends before it with --to "
        + (entry.step() - 1) + ", or one that starts after it with --from " + (entry.step() + 1) + ")", x);
  }

  private static CoreEvent decode(TraceReader reader, TraceReader.Entry entry) throws TraceFormatException {
    try {
      return EventCodec.decode(entry);
    } catch (EventCodec.InvalidEventException x) {
      throw new TraceFormatException(reader.file() + ": corrupt step " + entry.step() + " (record " + entry.index()
          + " at byte offset " + entry.offset() + "): " + x.getMessage(), entry.index());
    }
  }

  /**
   * Adds the peers the trace file {@code file} names to {@code out}: those its header's
   * configuration names (persistent, unconditional and private peers, seeds; not the node
   * itself), those its header's state names, and those the events of its records name. Returns
   * whether all of it was read: false when the file does not open, its header does not decode
   * (another build's state encoding) or a record does not read (the command that reads the file
   * reports why), having added what was read before.
   */
  public static boolean peersNamed(Path file, Set<NodeId> out) {
    try (TraceReader reader = TraceReader.open(file)) {
      CoreConfig config = CanonicalCodec.decodeConfig(reader.header().getCoreConfig().toByteArray());
      config.peer().persistentPeers().forEach(a -> out.add(a.id()));
      out.addAll(config.peer().unconditionalPeerIds());
      out.addAll(config.peer().book().privateIds());
      config.pex().seeds().forEach(a -> out.add(a.id()));
      ids(CanonicalCodec.decodeState(reader.header().getCoreState().toByteArray(), config), out);
      for (Optional<TraceReader.Entry> e = reader.next(); e.isPresent(); e = reader.next()) {
        ids(decode(reader, e.get()), out);
      }
      return true;
    } catch (IOException | TraceFormatException | RuntimeException e) {
      return false;
    }
  }

  /** The node IDs a state names. */
  static void ids(CoreState cs, Set<NodeId> out) {
    PeerState s = cs.peer();
    for (KnownAddress ka : s.book().entries()) {
      out.add(ka.id());
    }
    for (KnownAddress ka : s.book().bannedEntries()) {
      out.add(ka.id());
    }
    out.addAll(s.dialing().keySet());
    out.addAll(s.connected().keySet());
    out.addAll(s.ready());
    out.addAll(s.evicting().keySet());
    out.addAll(s.upgrading().keySet());
    out.addAll(s.upgrading().values());
    out.addAll(s.scores().keySet());
    out.addAll(s.persistentDialFailures().keySet());
    out.addAll(s.bannedIds().keySet());
    for (TimerKey k : s.timers().deadlines().keySet()) {
      if (k instanceof TimerKey.RetryDial r) {
        out.add(r.peer());
      } else if (k instanceof TimerKey.DisconnectCooldown d) {
        out.add(d.peer());
      }
    }
    PexState x = cs.pex();
    out.addAll(x.peers().keySet());
    out.addAll(x.requestsSent().keySet());
    out.addAll(x.lastAddrsReceived().keySet());
    out.addAll(x.lastReceivedRequests().keySet());
    x.disconnecting().forEach(out::add);
    out.addAll(x.crawled().keySet());
  }

  /** The node IDs an event names. */
  static void ids(CoreEvent e, Set<NodeId> out) {
    switch (e) {
      case CoreEvent.PeerReady r -> {
        out.add(r.peer());
        out.add(r.listenAddress().id());
      }
      case CoreEvent.TimerFired t -> { }
      case CoreEvent.PexMessage m -> {
        switch (m.event()) {
          case PexEvent.PexRequestReceived r -> out.add(r.peer());
          case PexEvent.PexAddrsReceived r -> {
            out.add(r.peer());
            r.addresses().forEach(a -> out.add(a.id()));
          }
          case PexEvent.PexMessageMalformed r -> out.add(r.peer());
        }
      }
      case CoreEvent.Peer p -> {
        switch (p.event()) {
          case PeerEvent.AddressesLearned l -> {
            l.addresses().forEach(a -> out.add(a.id()));
            out.add(l.source().id());
          }
          case PeerEvent.DialRequested d -> out.add(d.address().id());
          case PeerEvent.DialSucceeded d -> out.add(d.address().id());
          case PeerEvent.DialFailed d -> out.add(d.address().id());
          case PeerEvent.InboundAccepted i -> out.add(i.remote().id());
          case PeerEvent.PeerDisconnected d -> out.add(d.address().id());
          case PeerEvent.PeerErrored r -> out.add(r.peer());
          case PeerEvent.PeerReported r -> out.add(r.peer());
          case PeerEvent.PeerBanned b -> out.add(b.peer());
          case PeerEvent.PeerReady r -> out.add(r.peer());
          case PeerEvent.Started s -> { }
          case PeerEvent.TimerFired t -> { }
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a scratch directory under the temporary directory
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
