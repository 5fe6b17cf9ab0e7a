package dev.cairn.shell.trace;

import com.google.protobuf.ByteString;
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
import dev.cairn.shell.Version;
import dev.cairn.shell.node.Driver;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every core step of a node into a trace file (format: {@code cairn/trace.proto}).
 *
 * <p>On the driver's loop, {@link #onStep} only puts the step (references to immutable values)
 * into a bounded single-producer ring: no lock, no wake-up of the writer thread (which sleeps
 * when idle and polls again after at most {@value #MAX_IDLE_MILLIS} ms, or is woken when the ring
 * is half full). The writer thread numbers the steps, computes each record's chained effects
 * digest ({@link EffectsDigest}), a state digest every {@link Options#checkpointInterval} steps
 * ({@link Digester}), encodes the records and writes them through a buffer, flushing when it
 * runs out of work. If the ring stays full for longer than {@link Options#maxBlock} the writer
 * gives up (logs once, closes the file, records nothing more) rather than hold the node back:
 * the file then ends with the last step it holds, and replays up to there.
 *
 * <p>Files rotate by size: the trace starts in {@code FILE}, and once a file reaches
 * {@link Options#maxFileBytes} the next record starts {@code FILE.1}, then {@code FILE.2}, …;
 * each begins with a header carrying the core state before its first record, so each replays
 * alone, and each file the writer closes ends with a trailer holding the digest of its final
 * state. At most {@link Options#maxFiles} files are kept; older ones are deleted.
 */
public final class TraceWriter implements Driver.StepObserver, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TraceWriter.class);

  /** Longest sleep of an idle writer thread before it looks at the ring again. */
  static final long MAX_IDLE_MILLIS = 10;

  /** Records the writer thread takes between two publications of its head (a power of two). */
  static final int BATCH = 64;

  /** Default steps between two state digests. */
  public static final int DEFAULT_CHECKPOINT_INTERVAL = 1024;

  /**
   * Limits of a writer.
   *
   * @param file                the first file; rotated files add {@code .1}, {@code .2}, …
   * @param maxFileBytes        a file is closed after the record that takes it past this size
   * @param maxFiles            files kept on disk, the newest ones
   * @param queueCapacity       steps that may wait for the background thread (rounded up to a power of two)
   * @param maxBlock            how long {@link #onStep} may wait for room before the writer gives up
   * @param specHash            hash of the TLA+ modules the core mirrors, if known
   * @param checkpointInterval  a record carries a state digest every this many steps (0: only at the end of a file)
   */
  public record Options(Path file, long maxFileBytes, int maxFiles, int queueCapacity, Duration maxBlock,
      SpecHash specHash, int checkpointInterval) {
    public Options {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(maxBlock, "maxBlock");
      Objects.requireNonNull(specHash, "specHash");
      if (maxFileBytes < 1024) {
        throw new IllegalArgumentException("trace maxFileBytes must be at least 1024, got " + maxFileBytes);
      }
      if (maxFiles < 1) {
        throw new IllegalArgumentException("trace maxFiles must be at least 1, got " + maxFiles);
      }
      if (queueCapacity < 1 || queueCapacity > 1 << 24) {
        throw new IllegalArgumentException("trace queueCapacity must be in 1..2^24, got " + queueCapacity);
      }
      if (checkpointInterval < 0) {
        throw new IllegalArgumentException("trace checkpointInterval must not be negative, got " + checkpointInterval);
      }
    }

    /** With the default checkpoint interval. */
    public Options(Path file, long maxFileBytes, int maxFiles, int queueCapacity, Duration maxBlock,
        SpecHash specHash) {
      this(file, maxFileBytes, maxFiles, queueCapacity, maxBlock, specHash, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** 64 MiB per file, 16 files, 65 536 queued steps, 1 s of patience, a state digest every 1 024 steps. */
    public static Options defaults(Path file) {
      return new Options(file, 64L << 20, 16, 1 << 16, Duration.ofSeconds(1), SpecHash.fromClasspath());
    }

    public Options withCheckpointInterval(int steps) {
      return new Options(file, maxFileBytes, maxFiles, queueCapacity, maxBlock, specHash, steps);
    }
  }

  private record Pending(MonoTime now, WallTime wallNow, CoreEvent event, Step<CoreState, CoreEffect> step) {}

  /**
   * The ring's two counters live in one array, {@value #PAD} longs apart, each on its own cache
   * lines: the driver's tail, the writer thread's head and the writer thread's idle flag. Fields
   * of one object would share a line, so that every put would wait for the line the writer
   * thread just wrote (its head, after every record).
   */
  private static final int PAD = 16;

  private static final int TAIL = PAD; // next slot onStep fills; written by the driver
  private static final int HEAD = 2 * PAD; // next slot the writer thread takes; written by it, once per batch
  private static final int SLEEPING = 3 * PAD; // 1 while the writer thread idles; written by it

  private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);

  private final Options options;
  private final CoreConfig config;
  private final long seed;
  private final byte[] configBytes;
  private final Pending[] ring;
  private final int mask;
  private final int wakeCheck; // onStep looks whether the writer thread idles every wakeCheck + 1 puts
  private final Thread thread;
  private volatile boolean failed;
  private volatile String failure = ""; // why it failed, once it has
  private volatile boolean firstFlushed; // the first file's header and first records reached the system
  private long flushed; // steps whose bytes a flush handed to the system (writer thread)
  private volatile boolean closing;
  private final long[] counters = new long[4 * PAD]; // TAIL, HEAD, SLEEPING (see PAD)
  private long tail; // driver thread only: the last tail it published
  private long cachedHead; // driver thread only
  private volatile long written;

  // owned by the background thread
  private final Digester digester = new Digester();
  private final EffectsDigest effectsDigest = new EffectsDigest();
  private final RecordCodec.Out record = new RecordCodec.Out();
  private final RecordCodec.Out eventOut = new RecordCodec.Out();
  private CoreState last;
  private long lastDigest;
  private long nextStep;
  private long recorded; // steps written; published to {@code written} with the head
  private int segment = -1;
  private long runStartMono; // the run's first record, named in every file's header
  private long runStartWall;
  private OutputStream out;
  private long fileBytes;
  private boolean recordsInFile;

  /**
   * A writer for a core run with {@code config} from {@code initial} (as built by
   * {@link CoreState#initial} from {@code seed}); the first file is created with the first step.
   */
  public TraceWriter(Options options, CoreConfig config, CoreState initial, long seed) {
    this.options = Objects.requireNonNull(options, "options");
    this.config = Objects.requireNonNull(config, "config");
    this.last = Objects.requireNonNull(initial, "initial");
    this.seed = seed;
    this.configBytes = CanonicalCodec.encodeConfig(config);
    int capacity = Integer.highestOneBit(options.queueCapacity() - 1) << 1;
    this.ring = new Pending[Math.max(1, capacity)];
    this.mask = ring.length - 1;
    this.wakeCheck = ring.length >= 1024 ? 63 : 0;
    this.thread = new Thread(this::run, "cairn-trace-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public Path file() {
    return options.file();
  }

  /** Whether the writer gave up (I/O error or a queue full for too long). */
  public boolean failed() {
    return failed;
  }

  @Override
  public void onStep(MonoTime now, WallTime wallNow, CoreEvent event, Step<CoreState, CoreEffect> step, long nanos) {
    if (failed) {
      return;
    }
    long t = tail;
    if (t - cachedHead >= ring.length) {
      cachedHead = (long) COUNTERS.getAcquire(counters, HEAD);
      if (t - cachedHead >= ring.length && !waitForRoom(t)) {
        return;
      }
    }
    ring[(int) t & mask] = new Pending(now, wallNow, event, step);
    tail = t + 1;
    COUNTERS.setRelease(counters, TAIL, t + 1);
    if ((t & wakeCheck) == 0 && (long) COUNTERS.getOpaque(counters, SLEEPING) != 0) {
      // the writer thread idles: wake it only once the ring is half full (it also wakes by itself)
      cachedHead = (long) COUNTERS.getAcquire(counters, HEAD);
      if (t + 1 - cachedHead > ring.length >> 1) {
        LockSupport.unpark(thread);
      }
    }
  }

  private boolean waitForRoom(long t) {
    long deadline = System.nanoTime() + options.maxBlock().toNanos();
    while (t - cachedHead >= ring.length) {
      if (failed || !thread.isAlive()) {
        return false;
      }
      LockSupport.unpark(thread);
      if (System.nanoTime() - deadline > 0) {
        fail("the trace queue stayed full for " + options.maxBlock() + " (" + ring.length + " steps)");
        return false;
      }
      LockSupport.parkNanos(20_000);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for room in the trace queue");
        return false;
      }
      cachedHead = (long) COUNTERS.getAcquire(counters, HEAD);
    }
    return true;
  }

  /** Writes every queued step, ends the file with its trailer, closes it and stops the background thread. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until every step handed to {@link #onStep} so far is encoded and in the file's buffer
   * (or the writer failed). Call it from the thread that calls {@code onStep}.
   */
  public void drain() {
    long submitted = tail;
    LockSupport.unpark(thread);
    while (written < submitted && !failed && thread.isAlive()) {
      if ((long) COUNTERS.getOpaque(counters, SLEEPING) != 0) {
        LockSupport.unpark(thread);
      }
      Thread.onSpinWait();
    }
  }

  /** Steps written so far (after {@link #close}: all of them). */
  public long written() {
    return written;
  }

  /**
   * Waits, at most {@code max}, until the first steps are flushed to the file or the writer fails:
   * the reason it failed (a full disk, a file that cannot be created), or empty once they are
   * flushed (or still not, at the end of the wait).
   */
  public Optional<String> awaitFirstFlush(java.time.Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!firstFlushed && !failed && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    return failed ? Optional.of(failure) : Optional.empty();
  }

  private void fail(String why) {
    if (!failed) {
      failure = why;
      failed = true;
      log.error("event=trace_stopped file={} reason=\"{}\" steps_written={}", options.file(), why, written);
    }
  }

  private void run() {
    long idleNanos = 100_000;
    try {
      while (true) {
        boolean done = closing; // read before the tail: every step put before close() is seen
        long h = (long) COUNTERS.getOpaque(counters, HEAD);
        long t = (long) COUNTERS.getAcquire(counters, TAIL);
        if (h == t) {
          if (done || failed) {
            break;
          }
          if (out != null) {
            out.flush();
            flushed = recorded;
            firstFlushed = true;
          }
          COUNTERS.setVolatile(counters, SLEEPING, 1L);
          if ((long) COUNTERS.getVolatile(counters, TAIL) == t && !closing) {
            LockSupport.parkNanos(idleNanos);
            idleNanos = Math.min(idleNanos * 2, TimeUnit.MILLISECONDS.toNanos(MAX_IDLE_MILLIS));
          }
          COUNTERS.setVolatile(counters, SLEEPING, 0L);
          continue;
        }
        idleNanos = 100_000;
        // the batch [h, t): its slots are freed, and the head published, every BATCH records and at its end
        long n = 0;
        for (; h < t; h++) {
          int i = (int) h & mask;
          Pending p = ring[i];
          ring[i] = null;
          if (!failed) {
            write(p);
          }
          if ((++n & (BATCH - 1)) == 0) {
            COUNTERS.setRelease(counters, HEAD, h + 1);
            written = recorded;
          }
        }
        COUNTERS.setRelease(counters, HEAD, t);
        written = recorded;
      }
    } catch (IOException e) {
      written = flushed; // what the buffer held did not reach the file
      fail("I/O error: " + e.getMessage());
      try {
        out.close();
      } catch (IOException | RuntimeException ignored) {
        // the file is already broken; the failure is logged
      }
      out = null;
    } catch (RuntimeException e) {
      fail("cannot encode a step: " + e);
    } finally {
      if (!failed) {
        written = recorded;
      }
      endFile();
    }
  }

  private void write(Pending p) throws IOException {
    if (out == null) {
      open(p);
    }
    Step<CoreState, CoreEffect> step = p.step();
    eventOut.len = 0;
    EventCodec.encodeTo(p.event(), eventOut);
    byte[] event = eventOut.buf;
    int eventLen = eventOut.len;
    long mono = p.now().nanos();
    long wall = p.wallNow().epochMillis();
    long digest = effectsDigest.digest(lastDigest, nextStep, mono, wall, event, 0, eventLen, step.outcome(),
        step.effects());
    int k = options.checkpointInterval();
    byte[] state = k > 0 && (nextStep + 1) % k == 0 ? digester.state(step.state()) : null;
    String reason = step.outcome() instanceof Outcome.Rejected rej ? rej.reason() : null;
    record.len = 0;
    RecordCodec.encode(record, nextStep, mono, wall, event, 0, eventLen, digest, state, reason != null, reason, false);
    writeFrame();
    lastDigest = digest;
    nextStep++;
    recorded++;
    last = step.state();
    recordsInFile = true;
    if (fileBytes >= options.maxFileBytes()) {
      endFile();
    }
  }

  private void writeFrame() throws IOException {
    int n = record.len;
    int prefix = 0;
    for (int v = n; ; v >>>= 7) {
      prefix++;
      if ((v & ~0x7F) == 0) {
        break;
      }
    }
    RecordCodec.writeLength(out, n);
    out.write(record.buf, 0, n);
    fileBytes += prefix + n;
  }

  private void open(Pending first) throws IOException {
    segment++;
    if (segment == 0) {
      runStartMono = first.now().nanos();
      runStartWall = first.wallNow().epochMillis();
    }
    Path path = segmentPath(options.file(), segment);
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    if (segment >= options.maxFiles()) {
      Files.deleteIfExists(segmentPath(options.file(), segment - options.maxFiles()));
    }
    out = new BufferedOutputStream(Channels.newOutputStream(locked(path)), 1 << 16);
    recordsInFile = false;
    TraceHeader.Builder h = TraceHeader.newBuilder()
        .setFormatVersion(TraceFormat.VERSION)
        .setCairnVersion(Version.VERSION)
        .setStateEncoding(CanonicalCodec.schema())
        .setCoreRevision(Core.REVISION)
        .setCoreConfig(ByteString.copyFrom(configBytes))
        .setCoreState(ByteString.copyFrom(CanonicalCodec.encodeState(last)))
        .setPrngSeed(seed)
        .setStartMonoNanos(first.now().nanos())
        .setStartWallMillis(first.wallNow().epochMillis())
        .setRunStartMonoNanos(runStartMono)
        .setRunStartWallMillis(runStartWall)
        .setFirstStep(nextStep)
        .setSegment(segment)
        .setCheckpointInterval(options.checkpointInterval())
        .setPreviousDigest(lastDigest);
    options.specHash().digest().ifPresent(d -> h.setSpecHash(ByteString.copyFrom(d)).setSpecHashPresent(true));
    out.write(TraceFormat.MAGIC);
    fileBytes = TraceFormat.MAGIC.length + TraceFormat.writeSealed(h.build(), out);
  }

  /**
   * {@code path} opened for writing, emptied, and locked for as long as it is open (closing it
   * unlocks it): another node about to record into the same file sees it is being written ({@link
   * dev.cairn.shell.store.FileLocks#held}) and leaves it alone. A file another writer holds is not
   * emptied.
   */
  private static FileChannel locked(Path path) throws IOException {
    FileChannel ch = dev.cairn.shell.store.FileLocks.openLocked(path, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE).orElseThrow(() -> new IOException(path + " is being written by another node"));
    try {
      ch.truncate(0);
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Writes the trailer (the digest of the state after the file's last step) and closes the file. */
  private void endFile() {
    if (out == null) {
      return;
    }
    try {
      if (recordsInFile) {
        record.len = 0;
        RecordCodec.encode(record, nextStep - 1, 0, 0, null, lastDigest, digester.state(last), false, null, true);
        writeFrame();
      }
      out.close();
    } catch (IOException | RuntimeException e) {
      fail("error closing " + segmentPath(options.file(), segment) + ": " + e.getMessage());
    }
    out = null;
  }

  /** The file of rotation {@code segment}: {@code file} itself, then {@code file.1}, {@code file.2}, … */
  public static Path segmentPath(Path file, int segment) {
    return segment == 0 ? file : file.resolveSibling(file.getFileName() + "." + segment);
  }

  /** The config this writer records (for tests). */
  CoreConfig config() {
    return config;
  }
}
