package dev.cairn.shell.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs one {@link FuzzTarget}: first its seeds, then mutated inputs, each derived from
 * {@code (seed, input number)} and the corpus so far. An input that ends in an outcome not seen
 * before (accepted, or an error whose message differs once digits are masked) joins the corpus:
 * a cheap stand-in for coverage feedback that keeps the run deterministic.
 *
 * <p>Each input is decoded on a worker thread; the calling thread is the watchdog and reports a
 * hang when one input runs past the time budget. Allocation is read from the worker's own
 * allocation counter before and after the decode; an input over its bound is decoded once more
 * (class loading and first-use caches only count once) and is a finding when it is over again.
 */
final class FuzzEngine {

  static final int CORPUS_MAX = 512;
  static final int FINDINGS_MAX = 16;
  static final int OUTCOMES_MAX = 1 << 16;
  private static final HexFormat HEX = HexFormat.of();

  private final FuzzTarget target;
  private final long seed;
  private final long inputs;
  private final long budgetNanos;
  private final Path findingsDir;

  FuzzEngine(FuzzTarget target, long seed, long inputs, long budgetMillis, Path findingsDir) {
    this.target = target;
    this.seed = seed;
    this.inputs = inputs;
    this.budgetNanos = budgetMillis * 1_000_000L;
    this.findingsDir = findingsDir;
  }

  /** What a finding is, for the report. */
  enum Kind { UNDOCUMENTED_EXCEPTION, BLANK_MESSAGE, ERROR, HANG, ALLOCATION }

  record Finding(Kind kind, long index, byte[] input, String detail) {}

  record Report(String target, long seed, long inputs, long wallNanos, long maxNanos, long maxAllocated,
      int maxAllocatedInputLength, long accepted, int outcomes, int corpus, List<Finding> findings) {}

  // Shared between the worker and the watchdog.
  private volatile long startedAt;
  private volatile long current = -1;
  private volatile byte[] currentInput;
  private volatile boolean stop;

  Report run() {
    Worker w = new Worker();
    Thread t = new Thread(w, "fuzz-" + target.name());
    t.setDaemon(true);
    long t0 = System.nanoTime();
    t.start();
    while (t.isAlive()) {
      try {
        t.join(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop = true;
        break;
      }
      long s = startedAt;
      if (s != 0 && System.nanoTime() - s > budgetNanos && t.isAlive()) {
        long index = current;
        byte[] input = currentInput;
        StringBuilder stack = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
          stack.append("\n      at ").append(e);
        }
        stop = true;
        w.findings.add(new Finding(Kind.HANG, index, input,
            "input still running after " + budgetNanos / 1_000_000 + " ms; worker stack:" + stack));
        t.interrupt(); // the worker is a daemon: left behind if it ignores the interrupt
        break;
      }
    }
    if (w.failure != null) {
      throw new IllegalStateException("fuzz harness failed on " + target.name(), w.failure);
    }
    long wall = System.nanoTime() - t0;
    return new Report(target.name(), seed, w.done, wall, w.maxNanos, w.maxAllocated, w.maxAllocatedLength,
        w.accepted, w.outcomes.size(), w.corpus.size(), List.copyOf(w.findings));
  }

  /** Decodes exactly one input (the replay path); its findings, if any. */
  List<Finding> replay(byte[] input) {
    Worker w = new Worker();
    w.decodeOne(0, input);
    return w.findings;
  }

  private final class Worker implements Runnable {
    final List<byte[]> corpus = new ArrayList<>();
    final Set<String> outcomes = new LinkedHashSet<>();
    final List<Finding> findings = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, Boolean> findingKeys = new LinkedHashMap<>();
    final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long done;
    long accepted;
    long maxNanos;
    long maxAllocated;
    int maxAllocatedLength;
    Finding worstAllocation;
    long worstExcess;
    volatile Throwable failure;

    @Override
    public void run() {
      try {
        List<byte[]> seeds = target.seeds().get();
        corpus.addAll(seeds.subList(0, Math.min(seeds.size(), CORPUS_MAX)));
        Mutator mutator = new Mutator(target.dictionary(), target.maxLength());
        long nameHash = target.name().hashCode();
        for (long i = 0; i < inputs && !stop; i++) {
          byte[] input;
          if (i < seeds.size()) {
            input = seeds.get((int) i);
          } else {
            input = mutator.next(new SplittableRandom(mix(seed ^ nameHash * 0x9E3779B97F4A7C15L, i)), corpus);
          }
          String outcome = decodeOne(i, input);
          done = i + 1;
          if (outcome != null && outcomes.size() < OUTCOMES_MAX && outcomes.add(outcome) && corpus.size() < CORPUS_MAX
              && i >= seeds.size()) {
            corpus.add(input);
          }
          if (findings.size() >= FINDINGS_MAX) {
            break;
          }
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        startedAt = 0;
      }
    }

    /** Decodes one input; returns its outcome signature (null after a finding). */
    String decodeOne(long index, byte[] input) {
      FuzzTarget.Prepared p;
      try {
        p = target.decoder().prepare();
      } catch (Exception e) {
        throw new IllegalStateException("cannot set up " + target.name(), e);
      }
      currentInput = input;
      current = index;
      long a0 = threads.getCurrentThreadAllocatedBytes();
      long t0 = System.nanoTime();
      startedAt = t0;
      Throwable thrown = null;
      try {
        p.decode(input);
      } catch (Throwable t) {
        thrown = t;
      }
      long t1 = System.nanoTime();
      startedAt = 0;
      long allocated = threads.getCurrentThreadAllocatedBytes() - a0;
      maxNanos = Math.max(maxNanos, t1 - t0);
      if (allocated > target.allocationBound(input.length)) {
        allocated = again(input);
      }
      if (allocated > maxAllocated) {
        maxAllocated = allocated;
        maxAllocatedLength = input.length;
      }
      if (allocated > target.allocationBound(input.length)) {
        Finding f = new Finding(Kind.ALLOCATION, index, input, "allocated " + allocated + " bytes for a "
            + input.length + "-byte input; bound " + target.allocationBound(input.length) + " ("
            + target.allocFixed() + " + " + target.allocPerByte() + " per input byte)");
        // one allocation finding per decoder: the input furthest over its bound
        if (worstAllocation == null) {
          worstAllocation = f;
          worstExcess = allocated - target.allocationBound(input.length);
          findings.add(f);
        } else if (allocated - target.allocationBound(input.length) > worstExcess) {
          findings.set(findings.indexOf(worstAllocation), f);
          worstAllocation = f;
          worstExcess = allocated - target.allocationBound(input.length);
        }
        return null;
      }
      if (thrown == null) {
        accepted++;
        return "ok";
      }
      if (thrown instanceof Error) {
        record(Kind.ERROR, index, input, describe(thrown), signature(thrown));
        return null;
      }
      if (!target.documents(thrown)) {
        record(Kind.UNDOCUMENTED_EXCEPTION, index, input, describe(thrown), signature(thrown));
        return null;
      }
      if (thrown.getMessage() == null || thrown.getMessage().isBlank()) {
        record(Kind.BLANK_MESSAGE, index, input, describe(thrown), signature(thrown));
        return null;
      }
      return thrown.getClass().getSimpleName() + ":" + shape(thrown.getMessage());
    }

    private long again(byte[] input) {
      try {
        FuzzTarget.Prepared p = target.decoder().prepare();
        long a0 = threads.getCurrentThreadAllocatedBytes();
        try {
          p.decode(input);
        } catch (Throwable ignored) {
          // the first run classified the outcome
        }
        return threads.getCurrentThreadAllocatedBytes() - a0;
      } catch (Exception e) {
        throw new IllegalStateException("cannot set up " + target.name(), e);
      }
    }

    private void record(Kind kind, long index, byte[] input, String detail, String key) {
      if (findingKeys.putIfAbsent(kind + " " + key, Boolean.TRUE) == null) {
        findings.add(new Finding(kind, index, input, detail));
      }
    }
  }

  /** The thrown type and the first frame in the project: one finding per distinct bug. */
  private static String signature(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("dev.cairn.") && !e.getClassName().startsWith("dev.cairn.shell.fuzz.")) {
        return t.getClass().getName() + " at " + e;
      }
    }
    return t.getClass().getName();
  }

  private static String describe(Throwable t) {
    StringBuilder b = new StringBuilder(String.valueOf(t));
    StackTraceElement[] st = t.getStackTrace();
    for (int i = 0; i < Math.min(st.length, 12); i++) {
      b.append("\n      at ").append(st[i]);
    }
    return b.toString();
  }

  /** A message with the input's own text masked: quoted parts, numbers and hex runs. */
  static String shape(String message) {
    String m = message.replaceAll("'[^']*'|\"[^\"]*\"", "Q").replaceAll("\\b[0-9a-fA-F]{6,}\\b", "H")
        .replaceAll("[0-9]+", "#");
    return m.substring(0, Math.min(m.length(), 64));
  }

  static long mix(long seed, long i) {
    long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A finding as printed: the decoder, the seed, the input number, the bytes, and how to replay them. */
  String explain(Finding f) {
    String file = save(f);
    String hex = HEX.formatHex(f.input());
    StringBuilder b = new StringBuilder();
    b.append("FUZZ FINDING: ").append(f.kind()).append(" in decoder ").append(target.name())
        .append(" (").append(target.entryPoint()).append(")\n")
        .append("  seed ").append(seed).append(", input #").append(f.index()).append(", ")
        .append(f.input().length).append(" bytes\n")
        .append("  ").append(f.detail()).append('\n')
        .append("  hex: ").append(hex.length() > 1024 ? hex.substring(0, 1024) + "... (whole input in " + file + ")" : hex)
        .append('\n')
        .append("  replay this input:   ./mvnw -o -q test -pl shell-net -am -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dtest=DecoderFuzzTest -Dcairn.fuzz.target=").append(target.name())
        .append(" -Dcairn.fuzz.replay=").append(file).append('\n')
        .append("  regenerate the run:  ... -Dtest=DecoderFuzzTest -Dcairn.fuzz.target=").append(target.name())
        .append(" -Dcairn.fuzz.seed=").append(seed).append(" -Dcairn.fuzz.inputs=").append(f.index() + 1);
    return b.toString();
  }

  private String save(Finding f) {
    try {
      Files.createDirectories(findingsDir);
      Path p = findingsDir.resolve(target.name() + "-" + seed + "-" + f.index() + ".bin").toAbsolutePath();
      Files.write(p, f.input());
      return p.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
