package dev.cairn.shell.cli;

import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.trace.SpecHash;
import dev.cairn.shell.trace.StepProgress;
import dev.cairn.shell.trace.TraceFollower;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TracePoint;
import dev.cairn.shell.trace.TraceReader;
import dev.cairn.shell.trace.Validate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn trace validate FILE...}: checks every step of each trace against the TLA+ spec
 * ({@link Validate}), loading the spec once for traces whose models are equal. Exit status: 0
 * every step of every file is a step of the spec and of its record, 1 a step is not (per file,
 * the first one is named, with the spec's actions enabled before it), 2 a file is not a readable
 * trace (the highest status of the files).
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check each recorded step against the TLA+ spec (Core.tla) and the record's digests.")
final class TraceValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0..*", arity = "1..*", paramLabel = "FILE", description = "a trace file, or the files of a "
      + "rotated trace (a.trace a.trace.1 …, in any order)") List<Path> files;

  @Option(names = "--from", paramLabel = "STEP|TIME", converter = TraceCommand.PointConverter.class,
      description = "judge the steps from this one (the steps before it are replayed, each checked against its "
          + "record, to reach it): " + TraceCommand.POINT_HELP) TracePoint from;

  @Option(names = "--to", paramLabel = "STEP|TIME", converter = TraceCommand.PointConverter.class,
      description = "judge the steps up to this one, and read no further: the same forms") TracePoint to;

  @Option(names = "--jobs", paramLabel = "N",
      description = "TLC checks of steps run at once, each on a thread of its own (default: one per processor); "
          + "steps are still judged and reported in order") Integer jobs;

  @Option(names = {"-f", "--follow"}, description = "validate the trace a running node is writing, as it writes "
      + "it: the file from its first step, then its next files when it rotates and its new run when it is started "
      + "again; until SIGINT, SIGTERM or SIGHUP (exit 0 when every step so far is valid; 1 when rotation deleted steps "
      + "before they were judged) or a step that is not (exit 1)")
  boolean follow;

  /** How often a followed trace is looked at again when nothing new was read. */
  static final java.time.Duration FOLLOW_POLL = java.time.Duration.ofMillis(200);

  /** Stops a follow (the command's SIGINT, SIGTERM and SIGHUP; a test's own). */
  java.util.function.BooleanSupplier followStop;

  /** {@code p} as a message names it, with the moment a time of day was taken for ({@link TraceCommand#shown}). */
  private static String shown(Path file, TracePoint p, String absent) {
    if (p == null) {
      return absent;
    }
    try (dev.cairn.shell.trace.TraceReader r = dev.cairn.shell.trace.TraceReader.open(file)) {
      return TraceCommand.shown(file, r.header(), p);
    } catch (IOException | TraceFormatException | RuntimeException e) {
      return p.toString();
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (TraceCommand.namedTwice(files, err)) {
      return TraceCommand.BROKEN;
    }
    if (follow) {
      if (files.size() != 1 || from != null || to != null) {
        err.println("cairn trace validate: --follow takes one file (the one the node writes) and judges it from its "
            + "first step: no --from, --to or other files");
        return TraceCommand.BROKEN;
      }
      if (jobs != null && jobs < 1) {
        err.println("cairn trace validate: --jobs must be at least 1, got " + jobs);
        return TraceCommand.BROKEN;
      }
      return following(files.get(0), out, err);
    }
    int status = TraceCommand.OK;
    long steps = 0;
    long t0 = System.nanoTime();
    SpecHash checking = SpecHash.fromClasspath();
    if (jobs != null && jobs < 1) {
      err.println("cairn trace validate: --jobs must be at least 1, got " + jobs);
      return TraceCommand.BROKEN;
    }
    // a trace whose files do not form one history is judged up to its break; the others wholly
    Map<Path, Path> afterBreak = new HashMap<>();
    if (files.size() > 1) {
      try {
        for (List<Path> rotated : TraceCommand.rotatedSets(files)) {
          int at = TraceCommand.chainBreak(rotated, out);
          if (at >= 0) {
            status = TraceCommand.DIFFERS;
            for (Path f : rotated.subList(at, rotated.size())) {
              afterBreak.put(f, rotated.get(at));
            }
          }
        }
        out.flush();
      } catch (IOException | TraceFormatException e) {
        err.println("cairn trace: " + TraceCommand.message(e));
        return TraceCommand.BROKEN;
      }
    }
    privateTlcScratch();
    try (Validate.Session session = new Validate.Session()) {
      if (jobs != null) {
        session.jobs(jobs);
      }
      for (Path file : files) {
        String prefix = files.size() > 1 ? file + ": " : "";
        if (afterBreak.containsKey(file)) {
          out.println(prefix + "not judged: " + (afterBreak.get(file).equals(file) ? "it does" : afterBreak.get(file)
              + " does") + " not continue the file before it (the BREAK above)");
          continue;
        }
        long f0 = System.nanoTime();
        long load0 = session.loadNanos();
        try {
          specNote(file, checking).ifPresent(n -> out.println(prefix + n));
          StepProgress progress = new StepProgress("validate " + file, System::nanoTime, line -> {
            err.println(line);
            err.flush();
          });
          Validate.Result r = session.validate(file, Validate.CORE, Validate.Mode.PAIRS, null, progress, from, to);
          boolean windowed = from != null || to != null;
          long first = firstStep(file) + r.replayedBefore();
          String replayed = r.replayedBefore() == 0 ? "" : ", after the " + (r.replayedBefore() == 1 ? "step"
              : r.replayedBefore() + " steps") + " before " + (r.steps() == 1 ? "it" : "them")
              + (r.replayedBefore() == 1 ? " was" : " were") + " replayed, each matching its record";
          double load = (session.loadNanos() - load0) / 1e9;
          double secs = (System.nanoTime() - f0) / 1e9 - load;
          steps += r.steps();
          if (r.failure().isPresent()) {
            out.println(prefix + "INVALID at " + r.failure().get().describe());
            out.println("  " + TraceCommand.steps(r.steps()) + " before it "
                + (r.steps() == 1 ? "is a step" : "are steps") + " of the spec and of the record" + replayed);
            status = Math.max(status, TraceCommand.DIFFERS);
          } else if (r.broken().isPresent()) {
            err.println("cairn trace: " + r.broken().get().getMessage());
            // cut short at its end (a node that stopped while writing), or damaged inside: as replay says it
            String why = TraceCommand.UpToBreak.why(r.broken().get());
            out.println(prefix + "BROKEN: the " + TraceCommand.steps(r.steps()) + " before the broken record "
                + (r.steps() == 1 ? "is a step" : "are steps") + " of the spec"
                + " and of the record (" + why + ")");
            status = Math.max(status, TraceCommand.BROKEN);
          } else if (r.endMismatch().isPresent()) {
            out.println(prefix + "INVALID at the end of the file: " + r.endMismatch().get());
            out.println("  " + TraceCommand.steps(r.steps()) + " before it "
                + (r.steps() == 1 ? "is a step" : "are steps") + " of the spec and of the record");
            status = Math.max(status, TraceCommand.DIFFERS);
          } else if (!windowed && r.steps() == 0) {
            out.println(prefix + "OK: no step recorded: the file holds its header only");
          } else if (windowed && r.steps() == 0) {
            // a file of a rotated trace outside the window: said, and an error only if no file is in it
            if (files.size() > 1) {
              out.println(prefix + "no step in the window");
            }
          } else {
            String which = !windowed ? "" : r.steps() == 1 ? "(step " + first + ") " : "(steps " + first + ".."
                + (first + r.steps() - 1) + ") ";
            out.println(prefix + "OK: " + r.steps() + (r.steps() == 1 ? " step " : " steps ") + which
                + (r.steps() == 1 ? "is a step" : "are steps") + " of Core.tla (" + counts(r.verdicts()) + ") with "
                + (r.nodes() - 1) + " peers in the model; every outcome and digest matches the record" + replayed
                + " (" + String.format(Locale.ROOT, "%.1f s, spec load %.1f s", secs, load) + ")");
          }
        } catch (IOException | TraceFormatException e) {
          err.println("cairn trace: " + TraceCommand.message(e));
          status = TraceCommand.BROKEN;
        } catch (RuntimeException e) {
          err.println("cairn trace validate: cannot validate " + file + ": " + e.getMessage());
          status = TraceCommand.BROKEN;
        }
      }
      if ((from != null || to != null) && steps == 0 && status == TraceCommand.OK) {
        err.println("cairn trace validate: no step of " + (files.size() == 1 ? files.get(0) : "the files given")
            + " is in " + shown(files.get(0), from, "the first step") + " .. " + shown(files.get(0), to, "the last"));
        status = TraceCommand.BROKEN;
      }
      if (files.size() > 1) {
        double all = (System.nanoTime() - t0) / 1e9;
        double load = session.loadNanos() / 1e9;
        out.println(String.format(Locale.ROOT, "%d files, %d steps: %.1f s, of which %.1f s loading the spec %d times",
            files.size(), steps, all, load, session.loads()));
      }
      return status;
    } finally {
      out.flush();
    }
  }

  /** {@code --follow}: validates {@code file} as its node writes it, until stopped or a step fails. */
  private int following(Path file, PrintWriter out, PrintWriter err) {
    privateTlcScratch();
    long t0 = System.nanoTime();
    try (Validate.Session session = new Validate.Session()) {
      if (jobs != null) {
        session.jobs(jobs);
      }
      try {
        specNote(file, SpecHash.fromClasspath()).ifPresent(out::println);
      } catch (TraceFormatException e) {
        // its header is still being written: the follow waits for it
      }
      out.flush();
      StepProgress progress = new StepProgress("validate " + file, System::nanoTime, line -> {
        err.println(line);
        err.flush();
      });
      // SIGINT, SIGTERM and SIGHUP are the follow's from now on: it ends with exit 0 and its OK line
      TraceFollower follower = new TraceFollower(FOLLOW_POLL, followStop != null ? followStop : Signals.stopAsked());
      Validate.Result r = session.follow(file, Validate.CORE, progress, follower, line -> {
        out.println(line);
        out.flush();
      });
      double secs = (System.nanoTime() - t0) / 1e9;
      if (r.failure().isPresent()) {
        out.println("INVALID at " + r.failure().get().describe());
        out.println("  " + TraceCommand.steps(r.steps()) + " before it "
            + (r.steps() == 1 ? "is a step" : "are steps") + " of the spec and of the record");
        return TraceCommand.DIFFERS;
      }
      if (r.endMismatch().isPresent()) {
        out.println("INVALID at the end of the file: " + r.endMismatch().get());
        out.println("  " + TraceCommand.steps(r.steps()) + " before it "
            + (r.steps() == 1 ? "is a step" : "are steps") + " of the spec and of the record");
        return TraceCommand.DIFFERS;
      }
      if (r.broken().isPresent()) {
        err.println("cairn trace: " + r.broken().get().getMessage());
        out.println("BROKEN: the " + TraceCommand.steps(r.steps()) + " before the broken record "
            + (r.steps() == 1 ? "is a step" : "are steps") + " of the spec and of the "
            + "record");
        return TraceCommand.BROKEN;
      }
      // steps deleted before they were judged: a part of the trace missing, a BREAK as in a replay of its files
      String missed = r.missed().stream().map(m -> m.describe("judged")).collect(java.util.stream.Collectors.joining(
          "; "));
      out.println((missed.isEmpty() ? "OK: " : "BREAK: " + missed + "; the ") + r.steps()
          + (r.steps() == 1 ? " step" : " steps") + (missed.isEmpty() ? "" : " judged")
          + (r.steps() == 1 ? " is a step" : " are steps") + " of Core.tla"
          + (r.steps() == 0 ? "" : " (" + counts(r.verdicts()) + ") with " + (r.nodes() - 1) + " peers in the model")
          + "; every outcome and digest matches the record (followed for " + String.format(Locale.ROOT, "%.1f s", secs)
          + ", spec loaded " + session.loads() + (session.loads() == 1 ? " time)" : " times)"));
      return missed.isEmpty() ? TraceCommand.OK : TraceCommand.DIFFERS;
    } catch (IOException | TraceFormatException e) {
      err.println("cairn trace: " + TraceCommand.message(e));
      return TraceCommand.BROKEN;
    } catch (RuntimeException e) {
      err.println("cairn trace validate: cannot validate " + file + ": " + e.getMessage());
      return TraceCommand.BROKEN;
    } finally {
      out.flush();
    }
  }

  private static long firstStep(Path file) throws IOException, TraceFormatException {
    try (TraceReader r = TraceReader.open(file)) {
      return r.header().getFirstStep();
    }
  }

  /**
   * A note when the trace was recorded against other TLA+ modules than the ones this validator
   * checks with (the header's spec hash): a failure may then come from the spec having changed
   * since, not from the node. Nothing when they are equal.
   */
  static Optional<String> specNote(Path file, SpecHash checking) throws IOException, TraceFormatException {
    TraceHeader h;
    try (TraceReader r = TraceReader.open(file)) {
      h = r.header();
    }
    String ours = checking.hex().orElse("unknown");
    if (!h.getSpecHashPresent()) {
      return Optional.of("note: the trace names no spec hash (its node did not have the TLA+ modules at hand); "
          + "checking against the modules with hash " + ours);
    }
    String theirs = HexFormat.of().formatHex(h.getSpecHash().toByteArray());
    if (theirs.equals(ours)) {
      return Optional.empty();
    }
    return Optional.of("note: the trace was recorded against TLA+ modules with hash " + theirs
        + ", this validator checks against " + ours + " (another version of the spec): a step it refuses may "
        + "be one the spec changed since, not one the node got wrong");
  }

  private static String counts(Map<?, Long> verdicts) {
    StringBuilder b = new StringBuilder();
    verdicts.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(v).append(' ')
        .append(k.toString().toLowerCase(Locale.ROOT).replace('_', ' ')));
    return b.toString();
  }

  private static final java.util.concurrent.atomic.AtomicBoolean SCRATCH_SET =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Gives this process's TLC a scratch directory of its own. TLC copies its standard modules
   * (Integers.tla, …) into java.io.tmpdir, read once when it first loads, and deletes them when the
   * JVM exits: with the shared /tmp, validations run side by side read each other's copies while
   * they are rewritten or removed, and fail on valid traces. Done once per JVM, before TLC loads.
   */
  private static void privateTlcScratch() {
    if (!SCRATCH_SET.compareAndSet(false, true)) {
      return;
    }
    try {
      Path dir = java.nio.file.Files.createTempDirectory("cairn-validate-");
      dir.toFile().deleteOnExit(); // registered before TLC's files, so removed after them
      System.setProperty("java.io.tmpdir", dir.toString());
    } catch (java.io.IOException e) {
      // keep the shared directory: a lone validation still works there
    }
  }
}
