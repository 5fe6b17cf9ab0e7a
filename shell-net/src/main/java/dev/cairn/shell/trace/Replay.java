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
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

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

  private final TraceReader reader;
  private final CoreConfig config;
  private final EffectsDigest effects = new EffectsDigest();
  private final Digester digester = new Digester();
  private CoreState state;
  private long previousDigest;
  private long verifiedStateStep; // the last step whose state digest matched; first step - 1 for the header's
  private long checkpoints;
  private long lastStep;
  private Optional<String> endMismatch = Optional.empty();
  private boolean ended;

  private Replay(TraceReader reader, CoreConfig config, CoreState state) {
    this.reader = reader;
    this.config = config;
    this.state = state;
    this.previousDigest = reader.header().getPreviousDigest();
    this.verifiedStateStep = reader.header().getFirstStep() - 1;
    this.lastStep = verifiedStateStep;
  }

  public static Replay open(Path file) throws IOException, TraceFormatException {
    TraceReader r = TraceReader.open(file);
    try {
      TraceHeader h = r.header();
      if (!h.getStateEncoding().equals(CanonicalCodec.schema())) {
        throw new TraceFormatException(file + ": written by cairn " + h.getCairnVersion() + " with state encoding "
            + h.getStateEncoding() + "; this build uses " + CanonicalCodec.schema()
            + " (its core records differ): replay it with the build that wrote it");
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
      return new Replay(r, cfg, s);
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
   * does (the trailer's state digest is not the replayed final state's).
   */
  public Optional<String> endMismatch() {
    return endMismatch;
  }

  /** Replays the next record; empty at the end of the file. */
  public Optional<Stepped> next() throws IOException, TraceFormatException {
    if (ended) {
      return Optional.empty();
    }
    Optional<TraceReader.Entry> e = reader.next();
    if (e.isEmpty()) {
      ended = true;
      checkTrailer();
      return Optional.empty();
    }
    TraceReader.Entry entry = e.get();
    CoreEvent event;
    try {
      event = EventCodec.decode(entry.event());
    } catch (EventCodec.InvalidEventException x) {
      throw new TraceFormatException(reader.file() + ": corrupt " + where(entry) + ": " + x.getMessage());
    }
    Step<CoreState, CoreEffect> step;
    try {
      step = Core.step(config, state, new MonoTime(entry.monoNanos()), new WallTime(entry.wallMillis()), event);
    } catch (RuntimeException x) {
      state = null;
      ended = true;
      return Optional.of(new Stepped(entry, event, null, Optional.of(where(entry) + ": the core failed on "
          + EventCodec.name(event) + ": " + x)));
    }
    String m = compare(entry, event, step);
    state = step.state();
    lastStep = entry.step();
    if (m != null) {
      ended = true;
      return Optional.of(new Stepped(entry, event, step, Optional.of(where(entry) + ": " + m)));
    }
    return Optional.of(new Stepped(entry, event, step, Optional.empty()));
  }

  private static String where(TraceReader.Entry entry) {
    return "step " + entry.step() + " (record " + entry.index() + " at byte offset " + entry.offset() + ")";
  }

  /** How the replayed step differs from the record, or null. */
  private String compare(TraceReader.Entry r, CoreEvent event, Step<CoreState, CoreEffect> step) {
    boolean rejected = step.outcome() instanceof Outcome.Rejected;
    if (rejected != r.rejected()) {
      return "the core " + (rejected ? "rejected" : "accepted") + " " + EventCodec.name(event)
          + " but the trace says " + (r.rejected() ? "rejected (" + r.rejectedReason() + ")" : "accepted")
          + (step.outcome() instanceof Outcome.Rejected x ? "; reason now: " + x.reason() : "");
    }
    long d = r.digestOver(effects, previousDigest, step.outcome(), step.effects());
    if (d != r.effectsDigest()) {
      return "effects digest differs: recorded " + hex(r.effectsDigest()) + ", replayed " + hex(d)
          + " (the step's effects or outcome differ, or its event, times or step number were altered, or a record"
          + " before it was removed)";
    }
    previousDigest = d;
    if (r.isCheckpoint()) {
      byte[] st = digester.state(step.state());
      if (!r.stateDigestEquals(st)) {
        return "state digest differs at this checkpoint: recorded " + hex(r.stateDigest().orElseThrow())
            + ", replayed " + hex(st) + "; every outcome and effect matched, so the state diverged in steps "
            + window(r.step());
      }
      verifiedStateStep = r.step();
      checkpoints++;
    }
    return null;
  }

  private String window(long step) {
    return (verifiedStateStep + 1) + ".." + step + " (the previous verified state is "
        + (verifiedStateStep < reader.header().getFirstStep() ? "the header's" : "after step " + verifiedStateStep)
        + ")";
  }

  private void checkTrailer() {
    Optional<TraceReader.Trailer> t = reader.trailer();
    if (t.isEmpty() || state == null) {
      return;
    }
    TraceReader.Trailer tr = t.get();
    if (tr.effectsDigest() != previousDigest) {
      endMismatch = Optional.of("the trailer (at byte offset " + tr.offset() + ") names digest " + hex(tr.effectsDigest())
          + " for step " + tr.step() + ", whose replayed digest is " + hex(previousDigest));
      return;
    }
    byte[] st = digester.state(state);
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

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static String hex(long v) {
    return String.format("%016x", v);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
