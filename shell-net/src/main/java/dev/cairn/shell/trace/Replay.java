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
import dev.cairn.proto.trace.TraceRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Re-runs the core from a trace file's header and checks every record against it: the event is
 * stepped with its recorded times, and the outcome and the digests of the effects and the new
 * state must be the recorded ones. The first record that differs is a {@link Stepped#mismatch}.
 */
public final class Replay implements AutoCloseable {

  /** One replayed record: the event, the step the core took now, and how it differs from the record, if it does. */
  public record Stepped(TraceReader.Entry entry, CoreEvent event, Step<CoreState, CoreEffect> step,
      Optional<String> mismatch) {
    public long stepNumber() {
      return entry.record().getStep();
    }
  }

  private final TraceReader reader;
  private final CoreConfig config;
  private final Digester digester = new Digester();
  private CoreState state;

  private Replay(TraceReader reader, CoreConfig config, CoreState state) {
    this.reader = reader;
    this.config = config;
    this.state = state;
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

  /** Replays the next record; empty at the end of the file. */
  public Optional<Stepped> next() throws IOException, TraceFormatException {
    Optional<TraceReader.Entry> e = reader.next();
    if (e.isEmpty()) {
      return Optional.empty();
    }
    TraceReader.Entry entry = e.get();
    TraceRecord r = entry.record();
    String where = "step " + r.getStep() + " (record " + entry.index() + " at byte offset " + entry.offset() + ")";
    CoreEvent event;
    try {
      event = EventCodec.decode(r.getEvent());
    } catch (EventCodec.InvalidEventException x) {
      throw new TraceFormatException(reader.file() + ": corrupt " + where + ": " + x.getMessage());
    }
    Step<CoreState, CoreEffect> step;
    try {
      step = Core.step(config, state, new MonoTime(r.getMonoNanos()), new WallTime(r.getWallMillis()), event);
    } catch (RuntimeException x) {
      state = null;
      return Optional.of(new Stepped(entry, event, null, Optional.of(where + ": the core failed on "
          + EventCodec.name(event) + ": " + x)));
    }
    Optional<String> mismatch = compare(r, step).map(m -> where + ": " + m);
    state = step.state();
    return Optional.of(new Stepped(entry, event, step, mismatch));
  }

  private Optional<String> compare(TraceRecord r, Step<CoreState, CoreEffect> step) {
    boolean rejected = step.outcome() instanceof Outcome.Rejected;
    if (rejected != r.getRejected()) {
      return Optional.of("the core " + (rejected ? "rejected" : "accepted") + " " + EventCodec.name(decoded(r))
          + " but the trace says " + (r.getRejected() ? "rejected (" + r.getRejectedReason() + ")" : "accepted")
          + (step.outcome() instanceof Outcome.Rejected x ? "; reason now: " + x.reason() : ""));
    }
    byte[] effects = digester.effects(step.effects());
    if (!Arrays.equals(effects, r.getEffectsDigest().toByteArray())) {
      return Optional.of("effects digest differs: recorded " + hex(r.getEffectsDigest().toByteArray())
          + ", replayed " + hex(effects));
    }
    byte[] st = digester.state(step.state());
    if (!Arrays.equals(st, r.getStateDigest().toByteArray())) {
      return Optional.of("state digest differs: recorded " + hex(r.getStateDigest().toByteArray())
          + ", replayed " + hex(st));
    }
    return Optional.empty();
  }

  private static CoreEvent decoded(TraceRecord r) {
    try {
      return EventCodec.decode(r.getEvent());
    } catch (EventCodec.InvalidEventException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
