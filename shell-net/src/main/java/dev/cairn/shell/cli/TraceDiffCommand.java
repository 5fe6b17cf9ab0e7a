package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.DIFFERS;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.broken;

import dev.cairn.core.CoreState;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.cli.TraceCommand.UpToBreak;
import dev.cairn.shell.trace.Digester;
import dev.cairn.shell.trace.EventCodec;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TraceReader;
import dev.cairn.shell.trace.TraceText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn trace diff}: the first step where two traces diverge ({@link TraceCommand}). */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = "Name the first step where two traces diverge (event, outcome or digest), comparing the steps both "
        + "hold: a trace that ends earlier (a cut, a node stopped sooner) is not a divergence. Traces that start at "
        + "different steps (a cut and the trace it was cut from) are compared where they overlap, once the earlier "
        + "one, replayed, is found to reach the state the later one starts from. Status 0 the same, 1 they diverge, "
        + "2 a broken file or no step in common.")
final class TraceDiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "A", description = "a trace file") Path a;

  @Parameters(index = "1", paramLabel = "B", description = "the trace file to compare it with") Path b;

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
      UpToBreak reads = new UpToBreak(err);
      Path later = null; // the file that starts later, when one does: compared where the two overlap
      Path earlier = null;
      if (ha.getFirstStep() != hb.getFirstStep()) {
        boolean aFirst = ha.getFirstStep() < hb.getFirstStep();
        earlier = aFirst ? a : b;
        later = aFirst ? b : a;
        long start = (aFirst ? hb : ha).getFirstStep();
        String lead = lead(earlier, later, start);
        if (lead != null && lead.startsWith(NO_STEP_IN_COMMON)) {
          err.println("cairn trace diff: " + lead);
          return BROKEN;
        }
        if (lead != null) {
          out.println(lead);
          return lead.startsWith("BROKEN") ? BROKEN : DIFFERS;
        }
        TraceReader early = aFirst ? ra : rb;
        for (long skipped = (aFirst ? ha : hb).getFirstStep(); skipped < start; skipped++) {
          if (reads.next(early::next).isEmpty()) {
            out.println("BROKEN: " + earlier + " ends before step " + start + " on a second reading");
            return BROKEN;
          }
        }
      } else if (!ha.getCoreState().equals(hb.getCoreState()) || ha.getPreviousDigest() != hb.getPreviousDigest()) {
        String how = ha.getPrngSeed() != hb.getPrngSeed()
            ? "other runs: PRNG seeds " + ha.getPrngSeed() + " and " + hb.getPrngSeed()
            : !ha.getCoreState().equals(hb.getCoreState()) ? "the states before the first step differ"
            : "the histories before it differ (previous digests)";
        out.println("DIVERGE before the first step: the initial states differ (both start at step "
            + ha.getFirstStep() + "; " + how + ")");
        return DIFFERS;
      }
      long same = 0;
      TraceReader.Entry lastSame = null; // the last step alike in both files
      while (true) {
        Optional<TraceReader.Entry> ea = reads.next(ra::next);
        Optional<TraceReader.Entry> eb = reads.broken() ? Optional.empty() : reads.next(rb::next);
        if (reads.broken()) {
          out.println("BROKEN: the " + TraceCommand.steps(same) + " before the broken record "
              + (same == 1 ? "is" : "are") + " identical in both files (" + reads.why() + ")");
          return BROKEN;
        }
        if (ea.isEmpty() && eb.isEmpty()) {
          if (ra.trailer().isPresent() && rb.trailer().isPresent()) {
            TraceReader.Trailer ta = ra.trailer().get();
            TraceReader.Trailer tb = rb.trailer().get();
            if (!java.util.Arrays.equals(ta.stateDigest(), tb.stateDigest()) && lastSame != null
                && lastSame.isCheckpoint() && ta.step() == lastSame.step() && tb.step() == lastSame.step()) {
              // the last step's checkpoint, alike in both files, names the state both trailers copy
              Path damaged = lastSame.stateDigest().map(d -> java.util.Arrays.equals(d, ta.stateDigest())).orElse(false)
                  ? b : a;
              out.println("BROKEN after the last step: the trailer of " + damaged + " names another state digest"
                  + " than the checkpoint of step " + lastSame.step() + ", alike in both files: the trailer was"
                  + " damaged or altered");
              return BROKEN;
            }
            if (Replay.stateDigestDamaged(ta.stateDigest(), tb.stateDigest())) {
              out.println("BROKEN after the last step: the trailers' state digests (at byte offset " + ta.offset()
                  + " of " + a + " and " + tb.offset() + " of " + b + ") are " + Replay.bitsApart(ta.stateDigest(),
                  tb.stateDigest()) + " of " + 8 * tb.stateDigest().length + " bits apart (" + DAMAGE + ")");
              return BROKEN;
            }
            if (!java.util.Arrays.equals(ta.stateDigest(), tb.stateDigest())) {
              out.println("DIVERGE after the last step: the final states differ (trailer digest)");
              return DIFFERS;
            }
            if (lastSame != null && ta.step() == lastSame.step() && tb.step() == lastSame.step()
                && ta.effectsDigest() != tb.effectsDigest()) {
              // a trailer copies its last step's effects digest, alike in both files: one copy is damaged
              Path damaged = ta.effectsDigest() != lastSame.effectsDigest() ? a : b;
              out.println("BROKEN after the last step: the trailer of " + damaged + " names another effects digest"
                  + " for step " + lastSame.step() + " than that step's record, alike in both files: the trailer was"
                  + " damaged or altered");
              return BROKEN;
            }
            if (ta.step() != tb.step() || ta.effectsDigest() != tb.effectsDigest()) {
              out.println("DIVERGE after the last step: the trailers differ (their step or effects digest)");
              return DIFFERS;
            }
          }
          out.println("SAME: " + TraceCommand.steps(same) + ", identical events, outcomes and digests"
              + (later == null ? ""
              : "; " + later + " starts at step " + (later == a ? ha : hb).getFirstStep() + " from the state "
              + earlier + " reaches there"));
          if (ra.trailer().isPresent() != rb.trailer().isPresent()) {
            out.println("  " + (ra.trailer().isEmpty() ? a : b) + " has no trailer (its writer did not close it), so "
                + "the final states were not compared");
          }
          return OK;
        }
        if (later != null && same == 0 && (earlier == a ? ea : eb).isEmpty()) {
          long step = (later == a ? ea : eb).get().step();
          out.println("CONTINUES: " + later + " starts at step " + step + " from the state " + earlier
              + " ends in, with its history: no step in common to compare (consecutive files of one trace)");
          return OK;
        }
        if (ea.isEmpty() || eb.isEmpty()) {
          // one file ends, the other goes on: they are compared on the steps both hold
          Path ended = ea.isEmpty() ? a : b;
          Path goesOn = ea.isEmpty() ? b : a;
          long step = (ea.isPresent() ? ea : eb).get().step();
          if (same == 0) {
            err.println("cairn trace diff: no step in common: " + ended + " holds no step from step " + step
                + ", where " + goesOn + " goes on");
            return BROKEN;
          }
          out.println("SAME: the " + TraceCommand.steps(same) + " both hold (" + (step - same) + ".." + (step - 1)
              + ") " + (same == 1 ? "is" : "are") + " identical: events, outcomes and digests" + (later == null ? ""
              : ", " + later + " starting from the state " + earlier + " reaches at its first step")
              + "; " + ended + " ends there, " + goesOn + " goes on at step " + step
              + (later != null && ended == later ? " (" + later + " is a window of " + earlier + ")" : ""));
          if ((ended == a ? ra : rb).trailer().isEmpty()) {
            out.println("  " + ended + " has no trailer (its writer did not close it): it may have been cut short");
          }
          return OK;
        }
        TraceReader.Entry x = ea.get();
        TraceReader.Entry y = eb.get();
        String what = difference(x, y);
        if (what != null && !x.sameEvent(y)) {
          String undecodable = undecodable(a, x);
          undecodable = undecodable != null ? undecodable : undecodable(b, y);
          if (undecodable != null) {
            out.println("BROKEN: the " + TraceCommand.steps(same) + " before it " + (same == 1 ? "is" : "are")
                + " identical in both files");
            err.println("cairn trace diff: " + undecodable);
            return BROKEN;
          }
        }
        if (what != null && x.sameEvent(y) && x.effectsDigest() != y.effectsDigest()
            && DIGEST_ALONE.equals(what) && ha.getCoreRevision() == hb.getCoreRevision()) {
          // the same core, from the same state (every step before is the same), on the same event at
          // the same times decides the same: one of the two digests is not what its node wrote
          out.println("BROKEN at step " + x.step() + ": the effects digests differ, with the same event, times and"
              + " outcome after " + same + " identical steps: the core decides the same from the same state, so one"
              + " file's digest was damaged or altered (`cairn trace replay` of each file names which), unless the"
              + " files were recorded by two builds whose cores decide differently under one revision");
          out.println("  A: " + line(TraceCommand.fromTraceStart(a, ha), x));
          out.println("  B: " + line(TraceCommand.fromTraceStart(b, hb), y));
          return BROKEN;
        }
        if (STATE_ALONE.equals(what)
            && Replay.stateDigestDamaged(x.stateDigest().orElseThrow(), y.stateDigest().orElseThrow())) {
          out.println("BROKEN at step " + x.step() + ": the checkpoints' state digests (records at byte offset "
              + x.offset() + " of " + a + " and " + y.offset() + " of " + b + ") are " + Replay.bitsApart(
              x.stateDigest().orElseThrow(), y.stateDigest().orElseThrow()) + " of "
              + 8 * x.stateDigest().orElseThrow().length + " bits apart (" + DAMAGE + "), after " + same
              + " identical steps");
          out.println("  A: " + line(TraceCommand.fromTraceStart(a, ha), x));
          out.println("  B: " + line(TraceCommand.fromTraceStart(b, hb), y));
          return BROKEN;
        }
        if (what != null) {
          out.println("DIVERGE at step " + x.step() + ": " + what);
          out.println("  A: " + line(TraceCommand.fromTraceStart(a, ha), x));
          out.println("  B: " + line(TraceCommand.fromTraceStart(b, hb), y));
          return DIFFERS;
        }
        same++;
        lastSame = x;
      }
    } catch (IOException | TraceFormatException e) {
      out.flush();
      return broken(err, e);
    } finally {
      out.flush();
    }
  }

  /** How {@link #lead} begins when the two files hold no step in common: nothing to compare (status 2). */
  private static final String NO_STEP_IN_COMMON = "no step in common: ";

  /**
   * Whether {@code later}, which starts at step {@code start}, starts where {@code earlier} is
   * after step {@code start - 1}: {@code earlier} is replayed up to there, its effects digest
   * there must be {@code later}'s previous digest (the same history), and its state {@code
   * later}'s initial state (by their state digests). Null when it does; else the line that says
   * why not ({@code BROKEN} first when {@code earlier} cannot be read up to there).
   */
  private static String lead(Path earlier, Path later, long start) throws IOException, TraceFormatException {
    try (Replay late = Replay.open(later); Replay early = Replay.open(earlier)) {
      CoreState state = early.state();
      long digest = early.header().getPreviousDigest();
      long last = early.header().getFirstStep() - 1;
      while (last < start - 1) {
        Optional<Replay.Stepped> next;
        try {
          next = early.next();
        } catch (TraceFormatException e) {
          return "BROKEN: " + earlier + " cannot be read up to step " + (start - 1) + ", where " + later + " starts: "
              + TraceCommand.message(e);
        }
        if (next.isEmpty()) {
          return NO_STEP_IN_COMMON + earlier + " ends " + (last < 0 ? "before any step"
              : "after step " + last) + " and " + later + " starts at step " + start;
        }
        if (next.get().mismatch().isPresent()) {
          return "DIVERGE before step " + start + ": " + earlier + " does not replay up to step " + (start - 1)
              + ", where " + later + " starts: MISMATCH " + next.get().mismatch().get();
        }
        state = next.get().step().state();
        digest = next.get().entry().effectsDigest();
        last = next.get().stepNumber();
      }
      if (digest != late.header().getPreviousDigest()) {
        return "DIVERGE before step " + start + ": " + later + " starts after another history (its previous digest "
            + Long.toUnsignedString(late.header().getPreviousDigest(), 16) + " is not " + earlier
            + "'s effects digest at step " + (start - 1) + ", " + Long.toUnsignedString(digest, 16) + ")";
      }
      Digester digester = Digester.forFormat(late.header().getFormatVersion());
      if (!java.util.Arrays.equals(digester.state(state), digester.state(late.state()))) {
        return "DIVERGE before step " + start + ": " + later + " starts from another state than the one " + earlier
            + " reaches after step " + (start - 1);
      }
      return null;
    }
  }

  /** Why the event of {@code r} in {@code file} cannot be decoded, or null when it can. */
  private static String undecodable(Path file, TraceReader.Entry r) {
    try {
      EventCodec.decode(r.event());
      return null;
    } catch (EventCodec.InvalidEventException e) {
      return file + ": the event of step " + r.step() + " (record at byte offset " + r.offset()
          + ") cannot be decoded: " + e.getMessage();
    }
  }

  /** Two steps alike but for their effects digests. */
  private static final String DIGEST_ALONE = "the effects differ (digest)";
  /** Two steps alike but for their checkpoints' state digests. */
  private static final String STATE_ALONE = "the resulting states differ (checkpoint digest)";
  /** Why two state digests a few bits apart are one digest damaged ({@link Replay#stateDigestDamaged}). */
  private static final String DAMAGE = "the digests of two different states differ in about half their bits: one"
      + " file's digest was damaged or altered, `cairn trace replay` of each file names which";

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
      return DIGEST_ALONE;
    }
    if (x.stateDiffers(y)) {
      return STATE_ALONE;
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
