package dev.cairn.shell.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.shell.config.GoDuration;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.LocalNetwork;
import dev.cairn.shell.node.Node;
import io.netty.channel.EventLoopGroup;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn testnet}: a local network of Cairn nodes on 127.0.0.1 (K seeds; the others
 * bootstrap only from the seeds), live progress while it converges, then a summary table, a
 * picture of the final topology and a convergence plot. Exits 0 when every non-seed node
 * reached its outbound target, 1 when the time ran out first (naming the nodes left below target
 * with nobody to dial, if that is why).
 */
@Command(name = "testnet", mixinStandardHelpOptions = true,
    description = "Run a local Cairn network on 127.0.0.1 until it converges; write a summary and pictures.")
final class TestnetCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "16", description = "number of nodes (default: ${DEFAULT-VALUE})")
  int nodes;

  @Option(names = "--seeds", defaultValue = "2", description = "seed nodes among them (default: ${DEFAULT-VALUE})")
  int seeds;

  @Option(names = "--outbound", defaultValue = "4",
      description = "max_num_outbound_peers of each node, the target it must reach (default: ${DEFAULT-VALUE})")
  int outbound;

  @Option(names = "--inbound", defaultValue = "16",
      description = "max_num_inbound_peers of each non-seed node (default: ${DEFAULT-VALUE})")
  int inbound;

  @Option(names = "--duration", defaultValue = "90s", paramLabel = "DURATION",
      description = "give up after this long (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(names = "--hold", defaultValue = "2s", paramLabel = "DURATION",
      description = "after converging, keep running this long and check it stays converged (default: ${DEFAULT-VALUE})")
  String hold;

  @Option(names = "--pex-period", defaultValue = "2s", paramLabel = "DURATION",
      description = "ensure-peers and crawl period (default: ${DEFAULT-VALUE}; CometBFT: 30s, faster here so a "
          + "local network converges in seconds)")
  String pexPeriod;

  @Option(names = "--out", defaultValue = "testnet-out", paramLabel = "DIR",
      description = "where the summary, the pictures and the raw snapshots go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--seed", defaultValue = "1",
      description = "seed of the nodes' random choices (default: ${DEFAULT-VALUE}); the nodes' keys (and so their"
          + " IDs) and their books' keys are drawn afresh at every run, and the network's timing varies from run"
          + " to run, so the topology does too")
  long seed;

  @Option(names = "--interval", defaultValue = "500ms", paramLabel = "DURATION",
      description = "progress sampling interval, at least 50ms (default: ${DEFAULT-VALUE})")
  String interval;

  @Option(names = "--trace", description = "each node records its trace into DIR/traces/MONIKER.trace (an earlier "
      + "testnet's node traces there are replaced, as its pictures are; other files are left alone), for the cairn "
      + "trace commands: validate checks every decision of every node against the TLA+ spec") boolean trace;

  /** The shortest sampling interval: every sample of every node is kept, in memory and in samples.json. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(50);

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration limit = CliDurations.parse(spec.commandLine(), "--duration", duration, false);
    Duration holdFor = parse("--hold", hold);
    Duration every = parse("--interval", interval);
    if (every.compareTo(MIN_INTERVAL) < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "invalid --interval '" + interval
          + "': must be at least " + GoDuration.format(MIN_INTERVAL) + " (each sample is kept in samples.json)");
    }
    if (out.toString().isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "invalid --out '': names no directory");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "invalid --out '" + out
          + "': it exists and is not a directory");
    }
    for (String name : TestnetRun.OUTPUTS) { // found before the run, not after it
      Path f = out.resolve(name);
      if (Files.isDirectory(f)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "invalid --out '" + out + "': " + f
            + " is a directory, where the run writes a file");
      }
      if (Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isWritable(f)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "invalid --out '" + out + "': " + f
            + " cannot be written (permission, or an immutable file)");
      }
    }
    if (Files.isDirectory(out) && !Files.isWritable(out)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "invalid --out '" + out
          + "': the directory cannot be written");
    }
    LocalNetwork.Plan plan;
    try {
      plan = new LocalNetwork.Plan(nodes, seeds, outbound, inbound, parse("--pex-period", pexPeriod), seed);
    } catch (IllegalArgumentException e) {
      boolean defaultSeeds = e.getMessage().startsWith("--seeds")
          && !spec.commandLine().getParseResult().hasMatchedOption("--seeds");
      err.println("cairn testnet: " + e.getMessage() + (defaultSeeds ? " (the default --seeds)" : ""));
      return 2;
    }
    Path traces = trace ? out.resolve("traces") : null;
    String traceProblem = traces == null ? null : traceProblem(traces, plan);
    if (traceProblem != null) { // a plan refused before any node starts
      err.println("cairn testnet: --trace: " + traceProblem);
      return 2;
    }
    plan.fewNodesNote().ifPresent(w -> err.println("cairn testnet: note: " + w));
    plan.tightInboundWarning().ifPresent(w -> err.println("cairn testnet: note: " + w));
    try {
      Files.createDirectories(out);
    } catch (java.io.IOException e) { // a plan refused before starting, as the checks above
      err.println("cairn testnet: invalid --out '" + out + "': the directory cannot be created: "
          + dev.cairn.shell.node.FailureReasons.describe(e));
      return 2;
    }
    quietNodeLogs();
    CountDownLatch stop = Signals.stopLatch();
    EventLoopGroup group = EventLoops.newGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
    List<TestnetRun.Sample> samples = new ArrayList<>();
    boolean converged = false;
    List<String> stuck = List.of();
    long t0 = System.nanoTime();
    err.printf("cairn testnet: %d nodes (%d seed%s), outbound target %d, on 127.0.0.1; output in %s%n",
        nodes, seeds, seeds == 1 ? "" : "s", outbound, out);
    boolean interrupted = false;
    if (traces != null) {
      clearTraces(traces, err);
      writeManifest(traces, plan);
    }
    try (LocalNetwork net = LocalNetwork.start(plan, group, traces, () -> stop.getCount() == 0)) {
      long convergedAt = -1;
      while (true) {
        if (stop.getCount() == 0) { // while the nodes started
          err.println("cairn testnet: interrupted");
          interrupted = true;
          break;
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        List<Node.Status> st = net.statuses();
        TestnetRun.Sample sample = new TestnetRun.Sample(elapsed, st);
        samples.add(sample);
        err.println(TestnetRun.progressLine(sample));
        err.flush();
        boolean now = LocalNetwork.converged(st);
        if (now && convergedAt < 0) {
          convergedAt = elapsed;
        } else if (!now) {
          convergedAt = -1;
        }
        if (convergedAt >= 0 && elapsed - convergedAt >= holdFor.toMillis()) {
          converged = true;
          break;
        }
        if (elapsed >= limit.toMillis()) {
          stuck = why(plan, st, now, holdFor, limit);
          stuck.forEach(l -> err.println("cairn testnet: " + l));
          break;
        }
        // the last sample is taken when --duration ends, however long the interval
        long wait = Math.max(1, Math.min(every.toMillis(), limit.toMillis() - elapsed));
        if (stop.await(wait, TimeUnit.MILLISECONDS)) {
          err.println("cairn testnet: interrupted");
          interrupted = true;
          break;
        }
      }
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (interrupted) {
      long settledAt = TestnetRun.convergedAt(samples); // every non-seed settled since, not yet for --hold
      stuck = List.of("interrupted after " + String.format(java.util.Locale.ROOT, "%.1f s",
          (System.nanoTime() - t0) / 1e9) + (settledAt >= 0
              ? String.format(java.util.Locale.ROOT, ", during --hold %s: every non-seed node settled at %.1f s",
                  GoDuration.format(holdFor), settledAt / 1000.0)
              : ", before it converged (--duration " + GoDuration.format(limit) + ")")
          + (samples.isEmpty() ? ", while its nodes started: no sample taken" : ""));
    }
    String planLine = String.format(java.util.Locale.ROOT, "plan: --nodes %d --seeds %d --outbound %d --inbound %d"
        + " --pex-period %s --seed %d --duration %s --hold %s --interval %s%s%n", nodes, seeds, outbound, inbound,
        pexPeriod, seed, duration, hold, interval, trace ? " --trace" : "");
    TestnetRun.Report report;
    List<Path> written = new ArrayList<>();
    boolean unwritten = false;
    try {
      report = TestnetRun.write(out, planLine, samples, converged, interrupted, stuck, written);
    } catch (java.io.IOException e) { // the run's result is still said, on the terminal
      err.println("cairn testnet: cannot write the results to " + out + ": "
          + dev.cairn.shell.node.FailureReasons.describe(e)
          + (written.isEmpty() ? "" : "; written: " + written.stream().map(p -> p.getFileName().toString())
              .collect(java.util.stream.Collectors.joining(", ")))
          + "; any other of " + String.join(", ", TestnetRun.OUTPUTS) + " there is an earlier run's");
      report = TestnetRun.unwritten(planLine, samples, converged, interrupted, stuck, written);
      unwritten = true;
    }
    stdout.print(report.summary());
    if (traces != null) {
      stdout.println("traces: " + traces + "; check every decision against the spec with: "
          + System.getProperty("cairn.command", "cairn") + " trace validate " + traces.resolve("*.trace"));
    }
    ObjectNode result = result(report, converged, stuck);
    result.put("interrupted", interrupted);
    stdout.println(Json.line(result));
    stdout.flush();
    return unwritten ? 2 : interrupted ? INTERRUPTED : converged ? 0 : 1;
  }

  /** The exit status of a run stopped by SIGINT, SIGTERM or SIGHUP: 128 + SIGINT's 2, as shells say it. */
  static final int INTERRUPTED = 130;

  /**
   * Why the nodes of {@code plan} could not record their traces in {@code dir}, or null: a file of
   * a node's trace name that is not a trace (the user's, never overwritten), or one a running node
   * writes (another testnet into the same --out). Found before any node starts.
   */
  static String traceProblem(Path dir, LocalNetwork.Plan plan) {
    if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
      return dir + " exists and is not a directory: the nodes' traces go there";
    }
    Path manifest = dir.resolve(MANIFEST);
    if (Files.exists(manifest, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(manifest)) {
      return manifest + " is not a file: the run writes there which traces are its nodes'";
    }
    for (String name : traceNames(plan)) {
      Path f = dir.resolve(name);
      if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        if (!Files.isRegularFile(f) || !dev.cairn.shell.trace.TraceFormat.startsWithMagic(f)) {
          return f + " exists and is not a Cairn trace; not overwriting it (move it, or choose another --out)";
        }
        if (dev.cairn.shell.store.FileLocks.held(f)) {
          return f + " is being written by a running node (another testnet into the same --out?)";
        }
      } catch (java.io.IOException e) {
        return f + " cannot be read: " + dev.cairn.shell.node.FailureReasons.describe(e);
      }
    }
    return null;
  }

  /**
   * Why a run that reached {@code --duration} did not converge, one sentence each: the nodes left
   * below target with nobody to dial; else every node settled but not yet for {@code --hold}; else
   * the nodes below target that still had somebody to dial.
   */
  static List<String> why(LocalNetwork.Plan plan, List<Node.Status> st, boolean settled, Duration hold,
      Duration limit) {
    List<String> stuck = LocalNetwork.stuckBelowTarget(plan, st);
    if (!stuck.isEmpty()) {
      return stuck;
    }
    if (settled) {
      return List.of("every non-seed node is settled, but not yet for --hold " + GoDuration.format(hold)
          + " when --duration " + GoDuration.format(limit) + " ended");
    }
    List<String> below = LocalNetwork.belowTargetWithCandidate(plan, st).stream().map(Node.Status::moniker).toList();
    return List.of(below.size() + " non-seed node" + (below.size() == 1 ? " was" : "s were")
        + " below target with somebody left to dial when --duration " + GoDuration.format(limit) + " ended: "
        + String.join(", ", below));
  }

  private ObjectNode result(TestnetRun.Report report, boolean converged, List<String> stuck) {
    ObjectNode o = Json.object();
    o.put("converged", converged);
    o.put("seconds_to_converge", report.convergedAtMillis() < 0 ? null : report.convergedAtMillis() / 1000.0);
    ArrayNode stuckNodes = o.putArray("stuck");
    stuck.forEach(stuckNodes::add);
    ArrayNode files = o.putArray("files");
    for (Path p : report.files()) {
      files.add(p.toString());
    }
    return o;
  }

  /**
   * The names a testnet gives its nodes' trace files: {@code seedK.trace} and {@code nodeK.trace},
   * their rotated segments ({@code .N}) and the earlier runs a node's start sets aside ({@code
   * nodeK.STAMP.trace}).
   */
  static final java.util.regex.Pattern TRACE_NAME = java.util.regex.Pattern.compile(
      "((?:seed|node)\\d{1,9})(?:\\.\\d{8}T\\d{6}Z(?:-\\d+)?)?\\.trace(?:\\.\\d{1,9})?");

  /**
   * The file in {@code DIR/traces} naming the traces a testnet's nodes record, one per line
   * ({@code node0.trace}): the next testnet removes their files, and no other.
   */
  static final String MANIFEST = ".testnet-traces";

  /**
   * Removes an earlier testnet's traces from {@code dir}: the Cairn trace files of the nodes its
   * {@link #MANIFEST} names (their segments and earlier runs too), so that {@code DIR/traces/*.trace}
   * names this run's alone. A file no testnet wrote, named like one or not, is left as it is; so is
   * one a running node still writes.
   */
  static void clearTraces(Path dir, PrintWriter err) throws java.io.IOException {
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      return;
    }
    java.util.Set<String> written = new java.util.HashSet<>(Files.readAllLines(manifest));
    int removed = 0;
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        var m = TRACE_NAME.matcher(f.getFileName().toString());
        if (m.matches() && written.contains(m.group(1) + ".trace") && Files.isRegularFile(f)
            && dev.cairn.shell.trace.TraceFormat.startsWithMagic(f)
            && !dev.cairn.shell.store.FileLocks.held(f)) {
          Files.delete(f);
          removed++;
        }
      }
    }
    Files.delete(manifest);
    if (removed > 0) {
      err.println("cairn testnet: replaced the " + removed + " trace files of an earlier testnet in " + dir);
    }
  }

  /** Names in {@code dir}'s {@link #MANIFEST} the trace files of {@code plan}'s nodes. */
  static void writeManifest(Path dir, LocalNetwork.Plan plan) throws java.io.IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(MANIFEST), traceNames(plan));
  }

  /** The names of the trace files of {@code plan}'s nodes: {@code seedK.trace}, then {@code nodeK.trace}. */
  static List<String> traceNames(LocalNetwork.Plan plan) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < plan.nodes(); i++) {
      names.add((i < plan.seeds() ? "seed" + i : "node" + (i - plan.seeds())) + ".trace");
    }
    return names;
  }

  private Duration parse(String name, String value) {
    return CliDurations.parse(spec.commandLine(), name, value, true);
  }

  /** Many nodes' decision lines would drown the progress: keep WARN unless the operator chose a level. */
  private static void quietNodeLogs() {
    if (System.getenv("CAIRN_NODE_LOG_LEVEL") == null && System.getenv("CAIRN_LOG_LEVEL") == null
        && org.slf4j.LoggerFactory.getLogger("dev.cairn.shell.node") instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }
}
