package dev.cairn.shell.trace;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.Outcome;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import dev.cairn.proto.trace.TraceHeader;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Re-runs the core from a trace file's header and checks every record against it: the event is
 * stepped with its recorded times; the outcome and the record's chained effects digest must be
 * the recorded ones on every step, and the state digest at every checkpoint record and at the
 * file's trailer. The first record that differs is a {@link Stepped#mismatch}; a state that
 * differs at a checkpoint is named with the window of steps since the previous verified state.
 */
public final class Replay implements AutoCloseable {

  /** One replayed record: the event, the step the core took now, and how it differs from the record, if it does. */
  public record Stepped(TraceReader.Entry entry, CoreEvent event, Step<CoreState, CoreEffect> step,
      Optional<String> mismatch) {
    public long stepNumber() {
      return entry.step();
    }
  }

  /**
   * Records read and decoded ahead of the one being verified: while the stepping thread runs
   * {@code Core.step} on them, the caller's thread reads, decodes and digests.
   */
  static final int AHEAD = 256;

  /**
   * Records replayed on the caller's thread alone before the second thread starts: a short file
   * (a node's trace of a few minutes) is done before a thread hand-off would pay off.
   */
  static final int INLINE = 512;

  private static final int PAD = 16; // longs between two counters: a cache line and more
  private static final int SUBMITTED = PAD;
  private static final int STEPPED = 2 * PAD;
  private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);

  /** Spins of the stepping thread, waiting for a record, before it parks (about tens of microseconds). */
  private static final int SPINS = 4_000;

  /**
   * Steps the caller lets the core run ahead before it looks again, once it has caught up with
   * the core: it sleeps through them instead of spinning for each record, which on a busy machine
   * took a core from the stepping thread.
   */
  static final int BATCH = 64;

  /** The stepping threads: daemons, kept for a while between files so a run of small files reuses one. */
  private static final ExecutorService STEPPERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "cairn-replay-step");
    t.setDaemon(true);
    return t;
  });

  /** One record on its way through the pipeline: written by the caller, stepped by the stepping thread. */
  private static final class Job {
    final TraceReader.Entry entry;
    final CoreEvent event;
    final MonoTime now;
    final WallTime wallNow;
    Step<CoreState, CoreEffect> step; // set by the stepping thread before it publishes {@code stepped}
    Throwable failure; // what Core.step threw

    Job(TraceReader.Entry entry, CoreEvent event) {
      this.entry = entry;
      this.event = event;
      this.now = new MonoTime(entry.monoNanos());
      this.wallNow = new WallTime(entry.wallMillis());
    }
  }

  private final TraceReader reader;
  private final CoreConfig config;
  private final EffectsDigest effects = new EffectsDigest();
  private final Digester digester;
  private CoreState state;

  // the pipeline: jobs[seq & (AHEAD - 1)]; the caller submits, the stepping thread steps, the caller consumes
  private final Job[] jobs = new Job[AHEAD];
  // the caller's submitted count and the stepping thread's stepped count, on separate cache lines
  private final long[] counters = new long[3 * PAD];
  private long consumed; // caller only
  private volatile boolean cancelled;
  private volatile boolean inputDone; // no job will be submitted after {@code submitted}
  private volatile Thread stepper; // while the stepping thread runs
  private volatile boolean stepperParked;
  private volatile Thread waiter; // the caller, while parked waiting for a step
  private volatile long waitUntil; // the stepped count the parked caller waits for
  private volatile boolean stepperDone; // the stepping thread has returned
  private boolean started;
  private Exception readError; // thrown once every record before it is consumed
  private long previousDigest;
  private long replayedDigest; // the effects digest replayed for the last record compared
  private boolean digestDiffered; // that digest is not the recorded one (the outcome was)
  private byte[] damagedState; // the replayed state digest, when the recorded one is it damaged
  private long verifiedStateStep; // the last step whose state digest matched; first step - 1 for the header's
  private long checkpoints;
  private long lastStep;
  private Optional<String> endMismatch = Optional.empty();
  private boolean ended;

  /** How a record is stepped: {@code Core.step}, or in tests a core that fails on purpose. */
  interface StepFunction {
    Step<CoreState, CoreEffect> step(CoreConfig config, CoreState state, MonoTime now, WallTime wallNow,
        CoreEvent event);
  }

  private final StepFunction core;
  private final boolean followed; // every record replayed on the caller's thread, as it is read

  private Replay(TraceReader reader, CoreConfig config, CoreState state, StepFunction core, boolean followed) {
    this.reader = reader;
    this.followed = followed;
    this.digester = Digester.forFormat(reader.header().getFormatVersion());
    this.config = config;
    this.state = state;
    this.core = core;
    this.previousDigest = reader.header().getPreviousDigest();
    this.verifiedStateStep = reader.header().getFirstStep() - 1;
    this.lastStep = verifiedStateStep;
  }

  public static Replay open(Path file) throws IOException, TraceFormatException {
    return open(file, Core::step);
  }

  /**
   * Replays {@code file} while its writer is still adding to it ({@link TraceReader#follow}): each
   * record is replayed as soon as it is read, on the caller's thread (read ahead, a record would
   * wait for the ones after it).
   */
  public static Replay follow(Path file, TraceReader.Tail tail) throws IOException, TraceFormatException {
    return replay(TraceReader.follow(file, tail), Core::step, true);
  }

  /** Replays what {@code reader} (a {@link TraceFollower#reader}) reads, as {@link #follow} does. */
  public static Replay follow(TraceReader reader) throws IOException, TraceFormatException {
    return replay(reader, Core::step, true);
  }

  /** Replays {@code file} stepping with {@code core} (tests: a core that fails at a chosen record). */
  static Replay open(Path file, StepFunction core) throws IOException, TraceFormatException {
    return replay(TraceReader.open(file), core, false);
  }

  private static Replay replay(TraceReader r, StepFunction core, boolean followed)
      throws IOException, TraceFormatException {
    Path file = r.file();
    try {
      TraceHeader h = r.header();
      if (!h.getStateEncoding().equals(CanonicalCodec.schema())) {
        throw new TraceFormatException(file + ": written by cairn " + h.getCairnVersion() + " with state encoding "
            + h.getStateEncoding() + "; this build uses " + CanonicalCodec.schema()
            + " (its core records differ): replay it with the build that wrote it");
      }
      if (h.getCoreRevision() != Core.REVISION) {
        throw new TraceFormatException(file + ": written by cairn " + h.getCairnVersion() + " with core revision "
            + h.getCoreRevision() + "; this build's core is revision " + Core.REVISION
            + " (its decisions differ, so a replay would not reproduce the recorded digests):"
            + " replay it with the build that wrote it");
      }
      CoreConfig cfg;
      CoreState s;
      try {
        cfg = CanonicalCodec.decodeConfig(h.getCoreConfig().toByteArray());
      } catch (RuntimeException e) {
        throw new TraceFormatException(file + ": corrupt header: the core config does not decode: " + e.getMessage());
      }
      try {
        s = CanonicalCodec.decodeState(h.getCoreState().toByteArray(), cfg);
      } catch (RuntimeException e) {
        throw new TraceFormatException(file + ": corrupt header: the core state does not decode: " + e.getMessage());
      }
      return new Replay(r, cfg, s, core, followed);
    } catch (TraceFormatException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  public TraceHeader header() {
    return reader.header();
  }

  public CoreConfig config() {
    return config;
  }

  /** The state after the last replayed record (the header's state before the first). */
  public CoreState state() {
    return state;
  }

  /** Checkpoint records (and trailer) whose state digest was verified so far. */
  public long checkpointsVerified() {
    return checkpoints;
  }

  /** The last step whose state was verified by a digest (first step - 1: only the header's). */
  public long lastVerifiedStateStep() {
    return verifiedStateStep;
  }

  /** The file's trailer, once {@link #next} has returned empty; empty if the file has none. */
  public Optional<TraceReader.Trailer> trailer() {
    return reader.trailer();
  }

  /**
   * Once {@link #next} has returned empty: how the file's end differs from the replay, if it
   * does (the trailer's state digest is not the replayed final state's). A trailer that
   * contradicts what its own step's record verified is a damaged file instead: {@link #next}
   * throws.
   */
  public Optional<String> endMismatch() {
    return endMismatch;
  }

  /**
   * Replays the next record; empty at the end of the file. The first {@value #INLINE} records are
   * replayed on this thread; after them the core steps on a second thread, up to {@value #AHEAD}
   * records ahead of the record returned, while this thread reads, decodes and verifies. Results,
   * mismatches and errors come back in record order, exactly as a record-at-a-time replay would
   * give them.
   */
  public Optional<Stepped> next() throws IOException, TraceFormatException {
    if (ended) {
      return Optional.empty();
    }
    if (!started) {
      if (consumed < INLINE || followed) {
        return inline();
      }
      started = true;
      readAhead();
      long from = consumed;
      CoreState at = state;
      STEPPERS.execute(() -> stepLoop(from, at));
    }
    while (true) {
      if (consumed < submitted()) {
        Job j = awaitStep(consumed);
        jobs[(int) consumed & (AHEAD - 1)] = null;
        consumed++;
        readAhead();
        return Optional.of(verify(j));
      }
      if (!inputDone) {
        readAhead();
        continue;
      }
      ended = true;
      cancelled = true;
      wake(stepper);
      if (readError != null) {
        if (readError instanceof IOException x) {
          throw x;
        }
        throw (TraceFormatException) readError;
      }
      checkTrailer();
      return Optional.empty();
    }
  }

  private long submitted() {
    return (long) COUNTERS.getVolatile(counters, SUBMITTED);
  }

  private long stepped() {
    return (long) COUNTERS.getVolatile(counters, STEPPED);
  }

  /** One record read, stepped and verified on this thread (before the pipeline starts). */
  private Optional<Stepped> inline() throws IOException, TraceFormatException {
    Optional<TraceReader.Entry> e = reader.next();
    if (e.isEmpty()) {
      ended = true;
      checkTrailer();
      return Optional.empty();
    }
    Job j = job(e.get());
    try {
      j.step = core.step(config, state, j.now, j.wallNow, j.event);
    } catch (RuntimeException x) {
      j.failure = x;
    }
    consumed++;
    COUNTERS.setVolatile(counters, SUBMITTED, consumed);
    COUNTERS.setVolatile(counters, STEPPED, consumed);
    return Optional.of(verify(j));
  }

  private Job job(TraceReader.Entry entry) throws TraceFormatException {
    try {
      return new Job(entry, EventCodec.decode(entry));
    } catch (EventCodec.InvalidEventException x) {
      throw new TraceFormatException(reader.file() + ": corrupt " + where(entry) + ": " + x.getMessage(),
          entry.index());
    }
  }

  /** Reads and decodes records into free pipeline slots, until they are full or the input ends. */
  private void readAhead() {
    long n = submitted();
    while (!inputDone && n - consumed < AHEAD) {
      Job j;
      try {
        Optional<TraceReader.Entry> e = reader.next();
        if (e.isEmpty()) {
          inputDone = true;
          break;
        }
        j = job(e.get());
      } catch (IOException | TraceFormatException x) {
        readError = x;
        inputDone = true;
        break;
      }
      jobs[(int) n & (AHEAD - 1)] = j;
      n++;
      COUNTERS.setVolatile(counters, SUBMITTED, n); // publishes the job
      if (stepperParked) {
        wake(stepper);
      }
    }
  }

  /** The stepping thread: steps every submitted job in order, from job {@code from} in state {@code s0}. */
  private void stepLoop(long from, CoreState s0) {
    stepper = Thread.currentThread();
    try {
      CoreState s = s0;
      for (long k = from; ; k++) {
        int spins = 0;
        while (submitted() == k) {
          if (cancelled || inputDone && submitted() == k) {
            return;
          }
          if (++spins < SPINS) {
            Thread.onSpinWait();
          } else {
            stepperParked = true;
            if (submitted() == k && !cancelled && !inputDone) {
              LockSupport.parkNanos(1_000_000);
            }
            stepperParked = false;
          }
        }
        if (cancelled) {
          return;
        }
        Job j = jobs[(int) k & (AHEAD - 1)];
        try {
          j.step = core.step(config, s, j.now, j.wallNow, j.event);
          s = j.step.state();
        } catch (RuntimeException | Error x) {
          j.failure = x;
          COUNTERS.setVolatile(counters, STEPPED, k + 1);
          wake(waiter);
          return;
        }
        COUNTERS.setVolatile(counters, STEPPED, k + 1); // publishes the step
        if (k + 1 >= waitUntil) {
          wake(waiter);
        }
      }
    } finally {
      stepper = null;
      stepperDone = true;
      wake(waiter);
    }
  }

  private Job awaitStep(long k) {
    if (stepped() <= k) {
      // the core is behind: sleep until it is a batch further (or has stepped all submitted)
      long until = Math.min(k + BATCH, submitted());
      waitUntil = until;
      while (stepped() < until && !stepperDone) { // done early: it failed at the last step it published
        waiter = Thread.currentThread();
        if (stepped() < until && !stepperDone) {
          LockSupport.parkNanos(1_000_000);
        }
        waiter = null;
      }
    }
    return jobs[(int) k & (AHEAD - 1)];
  }

  private static void wake(Thread t) {
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /**
   * Checks one stepped record against its record; a mismatch ends the replay. A record whose
   * effects digest alone was damaged in the file ({@link #digestAloneDamaged}) is a corrupt
   * record, not a mismatch.
   */
  private Stepped verify(Job j) throws TraceFormatException {
    TraceReader.Entry entry = j.entry;
    CoreEvent event = j.event;
    if (j.failure != null) {
      state = null;
      ended = true;
      cancelled = true;
      if (j.failure instanceof Error x) {
        throw x; // as a replay on one thread would
      }
      return new Stepped(entry, event, null, Optional.of(where(entry) + ": the core failed on "
          + EventCodec.name(event) + ": " + j.failure));
    }
    Step<CoreState, CoreEffect> step = j.step;
    String m = compare(entry, event, step);
    state = step.state();
    lastStep = entry.step();
    if (m != null && digestDiffered && nextVerifiesFrom(replayedDigest)) {
      ended = true;
      cancelled = true;
      wake(stepper);
      throw new TraceFormatException(reader.file() + ": corrupt " + where(entry) + ": "
          + digestDamage(entry.effectsDigest(), replayedDigest), entry.index(),
          TraceFormatException.Kind.DIGEST_DAMAGED);
    }
    if (m != null && damagedState != null) {
      ended = true;
      cancelled = true;
      wake(stepper);
      throw new TraceFormatException(reader.file() + ": corrupt " + where(entry) + ": "
          + checkpointDamage(entry.stateDigest().orElseThrow(), damagedState), entry.index(),
          TraceFormatException.Kind.DIGEST_DAMAGED);
    }
    if (m != null) {
      ended = true;
      cancelled = true;
      wake(stepper);
      return new Stepped(entry, event, step, Optional.of(where(entry) + ": " + m));
    }
    return new Stepped(entry, event, step, Optional.empty());
  }

  /**
   * Whether the record after the one just verified, whose effects digest differs, verifies when
   * chained from {@code replayed}, the digest replayed for it (or, when it was the file's last,
   * whether the trailer's copy of its digest is {@code replayed}). The writer chained each digest
   * from the one it computed itself, so then the recorded digest is not the one written: the
   * record's bytes were damaged, and its step is the recorded one. Reads and steps the next record
   * (the replay ends after this in either case).
   */
  private boolean nextVerifiesFrom(long replayed) {
    try {
      Job n;
      if (started) {
        readAhead();
        if (consumed >= submitted()) {
          return reader.trailer().map(t -> t.effectsDigest() == replayed).orElse(false);
        }
        n = awaitStep(consumed);
      } else {
        Optional<TraceReader.Entry> e = reader.next();
        if (e.isEmpty()) {
          return reader.trailer().map(t -> t.effectsDigest() == replayed).orElse(false);
        }
        n = job(e.get());
        n.step = core.step(config, state, n.now, n.wallNow, n.event);
      }
      return n.failure == null && n.step != null && digestAloneDamaged(n.entry, n.step, replayed, effects);
    } catch (IOException | TraceFormatException | RuntimeException x) {
      return false; // the next record does not read or step: nothing to tell from it
    }
  }

  /**
   * Whether {@code next}, the record after one whose effects digest differs, verifies when its
   * chain starts from {@code replayed}, the digest replayed for that one: then the writer computed
   * {@code replayed} there too, and only the recorded digest was damaged (shared with validate).
   */
  static boolean digestAloneDamaged(TraceReader.Entry next, Step<CoreState, CoreEffect> nextStep, long replayed,
      EffectsDigest effects) {
    boolean rejected = nextStep.outcome() instanceof Outcome.Rejected;
    return rejected == next.rejected()
        && next.digestOver(effects, replayed, nextStep.outcome(), nextStep.effects()) == next.effectsDigest();
  }

  /** What a damaged effects digest is said as. */
  static String digestDamage(long recorded, long replayed) {
    return "its effects digest reads " + hex(recorded) + " where the node wrote " + hex(replayed)
        + " (the record after it, or the trailer, verifies from that one): the file's bytes were damaged there;"
        + " the step itself is the recorded one";
  }

  private static String where(TraceReader.Entry entry) {
    return "step " + entry.step() + " (record " + entry.index() + " at byte offset " + entry.offset() + ")";
  }

  /** How the replayed step differs from the record, or null. */
  private String compare(TraceReader.Entry r, CoreEvent event, Step<CoreState, CoreEffect> step) {
    boolean rejected = step.outcome() instanceof Outcome.Rejected;
    if (rejected != r.rejected()) {
      return "this build's core " + (rejected ? "rejects" : "accepts") + " " + EventCodec.name(event)
          + " but the node that recorded it " + (r.rejected() ? "rejected it (" + r.rejectedReason() + ")" : "accepted it")
          + (step.outcome() instanceof Outcome.Rejected x ? "; reason now: " + x.reason() : "");
    }
    long d = r.digestOver(effects, previousDigest, step.outcome(), step.effects());
    replayedDigest = d;
    if (d != r.effectsDigest()) {
      digestDiffered = true;
      return "effects digest differs: recorded " + hex(r.effectsDigest()) + ", replayed " + hex(d)
          + ": the node that recorded the step decided otherwise than this build's core does (it ran other code, or"
          + " failed), or the record was altered (its event, times or step number, or a record before it removed);"
          + " the trace holds a digest of what the node decided, not the decision itself";
    }
    previousDigest = d;
    if (r.isCheckpoint()) {
      byte[] st = digester.state(step.state());
      if (!r.stateDigestEquals(st)) {
        if (stateDigestDamaged(r.stateDigest().orElseThrow(), st)) {
          damagedState = st;
        }
        return "state digest differs at this checkpoint: recorded " + hex(r.stateDigest().orElseThrow())
            + ", replayed " + hex(st) + "; every outcome and effect matched, so the state diverged in steps "
            + window(r.step());
      }
      verifiedStateStep = r.step();
      checkpoints++;
    }
    return null;
  }

  /**
   * The share of a state digest's bits (one in {@value}) in which a recorded digest may differ from
   * the replayed one and be taken for that digest damaged in the file. The digests of two different
   * states differ in about half of their bits: for the 128-bit digest, 64 ± 6, and in 16 or fewer
   * with a chance below 10^-18. A flipped bit or two damaged bytes are within it.
   */
  static final int DAMAGED_DIGEST_SHARE = 8;

  /**
   * Whether {@code recorded}, a state digest read from the file, is {@code replayed}, the digest of
   * the state the replay reached, with a few bits damaged: they differ, in at most one bit in
   * {@value #DAMAGED_DIGEST_SHARE}. A state that really differs would differ in about half of them.
   */
  public static boolean stateDigestDamaged(byte[] recorded, byte[] replayed) {
    int apart = bitsApart(recorded, replayed);
    return apart > 0 && apart <= 8 * replayed.length / DAMAGED_DIGEST_SHARE;
  }

  /** The bits in which two digests differ; all of the longer one's when their lengths differ. */
  public static int bitsApart(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return 8 * Math.max(a.length, b.length);
    }
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      n += Integer.bitCount((a[i] ^ b[i]) & 0xff);
    }
    return n;
  }

  /** What a damaged state digest ({@link #stateDigestDamaged}) is said as. */
  static String stateDigestDamage(byte[] recorded, byte[] replayed) {
    return "its state digest reads " + hex(recorded) + " where the state replayed there has " + hex(replayed) + ", "
        + bitsApart(recorded, replayed) + " of " + 8 * replayed.length + " bits apart (the digests of two different"
        + " states differ in about half their bits)";
  }

  /** What a checkpoint whose state digest alone was damaged ({@link #stateDigestDamaged}) is said as. */
  static String checkpointDamage(byte[] recorded, byte[] replayed) {
    return stateDigestDamage(recorded, replayed) + ": the file's bytes were damaged there; every outcome and effect"
        + " matched the record";
  }

  private String window(long step) {
    return (verifiedStateStep + 1) + ".." + step + " (the previous verified state is "
        + (verifiedStateStep < reader.header().getFirstStep() ? "the header's" : "after step " + verifiedStateStep)
        + ")";
  }

  /**
   * Checks the file's end against the replay. A trailer that disagrees with a state or digest its
   * own step's record already verified was itself damaged: that is a broken file (thrown, as a
   * damaged record is), not a replay that differs.
   */
  private void checkTrailer() throws TraceFormatException {
    Optional<TraceReader.Trailer> t = reader.trailer();
    if (t.isEmpty() || state == null) {
      return;
    }
    TraceReader.Trailer tr = t.get();
    byte[] st = digester.state(state);
    refuseDamagedTrailer(reader.file(), tr, lastStep, previousDigest, verifiedStateStep, st, "replayed");
    if (tr.effectsDigest() != previousDigest) {
      endMismatch = Optional.of("the trailer (at byte offset " + tr.offset() + ") names digest " + hex(tr.effectsDigest())
          + " for step " + tr.step() + ", whose replayed digest is " + hex(previousDigest));
      return;
    }
    if (!java.util.Arrays.equals(st, tr.stateDigest())) {
      endMismatch = Optional.of("state digest differs at the trailer (at byte offset " + tr.offset() + "): recorded "
          + hex(tr.stateDigest()) + ", replayed " + hex(st) + "; every outcome and effect matched, so the state"
          + " diverged in steps " + window(tr.step()));
      return;
    }
    if (verifiedStateStep != tr.step()) {
      verifiedStateStep = tr.step();
      checkpoints++;
    }
  }

  /**
   * Throws when the trailer {@code tr} of {@code file} contradicts what its own step's record
   * verified, so that the trailer itself was damaged: its copy of the last step's effects digest
   * is not {@code digest}, which that step's record ({@code lastStep}) carries, or its state digest
   * is not {@code stateDigest}, which the checkpoint of that step ({@code verifiedStateStep})
   * verified, or its state digest is {@code stateDigest} with a few bits damaged ({@link
   * #stateDigestDamaged}) while its effects digest is the last step's. A trailer that differs
   * otherwise is the caller's mismatch to report.
   *
   * @param how what the steps were: {@code "replayed"}, {@code "validated"}
   */
  static void refuseDamagedTrailer(java.nio.file.Path file, TraceReader.Trailer tr, long lastStep, long digest,
      long verifiedStateStep, byte[] stateDigest, String how) throws TraceFormatException {
    String damage = null;
    if (tr.effectsDigest() != digest && tr.step() == lastStep) {
      damage = "it names effects digest " + hex(tr.effectsDigest()) + " for step " + tr.step()
          + ", whose own record carries the " + how + " digest " + hex(digest);
    } else if (tr.effectsDigest() == digest && !java.util.Arrays.equals(stateDigest, tr.stateDigest())
        && verifiedStateStep == tr.step()) {
      damage = "its state digest " + hex(tr.stateDigest()) + " is not the state the checkpoint of step " + tr.step()
          + " verified (" + hex(stateDigest) + ")";
    } else if (tr.effectsDigest() == digest && stateDigestDamaged(tr.stateDigest(), stateDigest)) {
      damage = stateDigestDamage(tr.stateDigest(), stateDigest);
    }
    if (damage != null) {
      throw new TraceFormatException(file + ": corrupt trailer (record " + tr.record() + ") at byte offset "
          + tr.offset() + ": " + damage + ", so the trailer itself was damaged or altered", tr.record(),
          TraceFormatException.Kind.DIGEST_DAMAGED);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static String hex(long v) {
    return String.format("%016x", v);
  }

  @Override
  public void close() throws IOException {
    cancelled = true;
    wake(stepper);
    reader.close();
  }
}
