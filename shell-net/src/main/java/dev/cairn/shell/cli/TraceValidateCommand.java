package dev.cairn.shell.cli;

import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.Validate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn trace validate FILE}: checks every step of a trace against the TLA+ spec
 * ({@link Validate}). Exit status: 0 every step is a step of the spec and the record's, 1 a step
 * is not (the first one is named, with the spec's actions enabled before it), 2 the file is not
 * a readable trace.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check each recorded step against the TLA+ spec (Core.tla) and the record's digests.")
final class TraceValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE") Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      long t0 = System.nanoTime();
      Validate.Result r = Validate.run(file);
      double secs = (System.nanoTime() - t0) / 1e9;
      if (r.failure().isPresent()) {
        out.println("INVALID at " + r.failure().get().describe());
        out.println("  " + r.steps() + " steps before it are steps of the spec and of the record");
        return TraceCommand.DIFFERS;
      }
      if (r.endMismatch().isPresent()) {
        out.println("INVALID at the end of the file: " + r.endMismatch().get());
        out.println("  " + r.steps() + " steps before it are steps of the spec and of the record");
        return TraceCommand.DIFFERS;
      }
      out.println("OK: " + r.steps() + " steps are steps of Core.tla (" + counts(r.verdicts()) + ") with "
          + (r.nodes() - 1) + " peers in the model; every outcome and digest matches the record ("
          + String.format(Locale.ROOT, "%.1f s", secs) + ")");
      return TraceCommand.OK;
    } catch (IOException | TraceFormatException e) {
      err.println("cairn trace: " + e.getMessage());
      return TraceCommand.BROKEN;
    } catch (RuntimeException e) {
      err.println("cairn trace validate: cannot validate " + file + ": " + e.getMessage());
      return TraceCommand.BROKEN;
    } finally {
      out.flush();
    }
  }

  private static String counts(Map<?, Long> verdicts) {
    StringBuilder b = new StringBuilder();
    verdicts.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(v).append(' ')
        .append(k.toString().toLowerCase(Locale.ROOT).replace('_', ' ')));
    return b.toString();
  }
}
