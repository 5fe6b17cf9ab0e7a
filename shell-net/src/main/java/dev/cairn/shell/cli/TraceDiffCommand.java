package dev.cairn.shell.cli;

import static dev.cairn.shell.cli.TraceCommand.BROKEN;
import static dev.cairn.shell.cli.TraceCommand.DIFFERS;
import static dev.cairn.shell.cli.TraceCommand.OK;
import static dev.cairn.shell.cli.TraceCommand.broken;

import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.cli.TraceCommand.UpToBreak;
import dev.cairn.shell.trace.EventCodec;
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
    description = "Name the first step where two traces diverge (event, outcome or digest).")
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
          if (ra.trailer().isPresent() && rb.trailer().isPresent()) {
            TraceReader.Trailer ta = ra.trailer().get();
            TraceReader.Trailer tb = rb.trailer().get();
            if (!java.util.Arrays.equals(ta.stateDigest(), tb.stateDigest())) {
              out.println("DIVERGE after the last step: the final states differ (trailer digest)");
              return DIFFERS;
            }
            if (ta.step() != tb.step() || ta.effectsDigest() != tb.effectsDigest()) {
              out.println("DIVERGE after the last step: the trailers differ (their step or effects digest)");
              return DIFFERS;
            }
          }
          out.println("SAME: " + same + " steps, identical events, outcomes and digests");
          if (ra.trailer().isPresent() != rb.trailer().isPresent()) {
            out.println("  " + (ra.trailer().isEmpty() ? a : b) + " has no trailer (its writer did not close it), so "
                + "the final states were not compared");
          }
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
