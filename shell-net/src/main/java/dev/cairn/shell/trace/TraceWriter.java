package dev.cairn.shell.trace;

import com.google.protobuf.ByteString;
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
import dev.cairn.shell.Version;
import dev.cairn.shell.node.Driver;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every core step of a node into a trace file (format: {@code cairn/trace.proto}).
 *
 * <p>On the driver's loop, {@link #onStep} only puts the step (references to immutable values)
 * into a bounded queue. A background thread numbers the steps, computes the digests, encodes the
 * records and writes them through a buffer, flushing when the buffer fills or the queue runs dry.
 * If the queue stays full for longer than {@link Options#maxBlock} the writer gives up (logs
 * once, closes the file, records nothing more) rather than hold the node back: the file then ends
 * with the last step it holds, and replays up to there.
 *
 * <p>Files rotate by size: the trace starts in {@code FILE}, and once a file reaches
 * {@link Options#maxFileBytes} the next record starts {@code FILE.1}, then {@code FILE.2}, …;
 * each begins with a header carrying the core state before its first record, so each replays
 * alone. At most {@link Options#maxFiles} files are kept; older ones are deleted.
 */
public final class TraceWriter implements Driver.StepObserver, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TraceWriter.class);

  /**
   * Limits of a writer.
   *
   * @param file           the first file; rotated files add {@code .1}, {@code .2}, …
   * @param maxFileBytes   a file is closed after the record that takes it past this size
   * @param maxFiles       files kept on disk, the newest ones
   * @param queueCapacity  steps that may wait for the background thread
   * @param maxBlock       how long {@link #onStep} may wait for room before the writer gives up
   * @param specHash       hash of the TLA+ modules the core mirrors, if known
   */
  public record Options(Path file, long maxFileBytes, int maxFiles, int queueCapacity, Duration maxBlock,
      SpecHash specHash) {
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
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("trace queueCapacity must be at least 1, got " + queueCapacity);
      }
    }

    /** 64 MiB per file, 16 files, 65 536 queued steps, 1 s of patience. */
    public static Options defaults(Path file) {
      return new Options(file, 64L << 20, 16, 1 << 16, Duration.ofSeconds(1), SpecHash.fromClasspath());
    }
  }

  private record Pending(MonoTime now, WallTime wallNow, CoreEvent event, Step<CoreState, CoreEffect> step) {}

  private static final Pending END = new Pending(null, null, null, null);

  private final Options options;
  private final CoreConfig config;
  private final long seed;
  private final byte[] configBytes;
  private final BlockingQueue<Pending> queue;
  private final Thread thread;
  private volatile boolean failed;
  private long submitted; // driver thread only
  private volatile long written;

  // owned by the background thread
  private final Digester digester = new Digester();
  private CoreState last;
  private long nextStep;
  private int segment = -1;
  private OutputStream out;
  private long fileBytes;

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
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
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
    Pending p = new Pending(now, wallNow, event, step);
    submitted++;
    if (queue.offer(p)) {
      return;
    }
    try {
      if (!queue.offer(p, options.maxBlock().toNanos(), TimeUnit.NANOSECONDS)) {
        fail("the trace queue stayed full for " + options.maxBlock() + " (" + options.queueCapacity() + " steps)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while waiting for room in the trace queue");
    }
  }

  /** Writes every queued step, closes the file and stops the background thread. */
  @Override
  public void close() {
    try {
      while (thread.isAlive() && !queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
        // the writer is busy; wait for room
      }
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
    while (written < submitted && !failed && thread.isAlive()) {
      Thread.onSpinWait();
    }
  }

  /** Steps written so far (after {@link #close}: all of them). */
  public long written() {
    return written;
  }

  private void fail(String why) {
    if (!failed) {
      failed = true;
      log.error("event=trace_stopped file={} reason=\"{}\" steps_written={}", options.file(), why, written);
    }
  }

  private void run() {
    try {
      while (true) {
        Pending p = queue.poll();
        if (p == null) {
          if (out != null) {
            out.flush();
          }
          p = queue.take();
        }
        if (p == END) {
          break;
        }
        if (!failed) {
          write(p);
        }
      }
    } catch (IOException e) {
      fail("I/O error: " + e.getMessage());
      queue.clear();
    } catch (InterruptedException e) {
      fail("interrupted");
    } catch (RuntimeException e) {
      fail("cannot encode a step: " + e);
      queue.clear();
    } finally {
      closeFile();
    }
  }

  private void write(Pending p) throws IOException {
    if (out == null) {
      open(p);
    }
    Step<CoreState, CoreEffect> step = p.step();
    TraceRecord.Builder r = TraceRecord.newBuilder()
        .setStep(nextStep)
        .setMonoNanos(p.now().nanos())
        .setWallMillis(p.wallNow().epochMillis())
        .setEvent(EventCodec.encode(p.event()))
        .setEffectsDigest(ByteString.copyFrom(digester.effects(step.effects())))
        .setStateDigest(ByteString.copyFrom(digester.state(step.state())));
    if (step.outcome() instanceof Outcome.Rejected rej) {
      r.setRejected(true).setRejectedReason(rej.reason());
    }
    TraceRecord rec = r.build();
    fileBytes += delimitedSize(rec.getSerializedSize());
    rec.writeDelimitedTo(out);
    nextStep++;
    written = written + 1; // only this thread writes it
    last = step.state();
    if (fileBytes >= options.maxFileBytes()) {
      closeFile();
    }
  }

  private void open(Pending first) throws IOException {
    segment++;
    Path path = segmentPath(options.file(), segment);
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    if (segment >= options.maxFiles()) {
      Files.deleteIfExists(segmentPath(options.file(), segment - options.maxFiles()));
    }
    out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
    TraceHeader.Builder h = TraceHeader.newBuilder()
        .setFormatVersion(TraceFormat.VERSION)
        .setCairnVersion(Version.VERSION)
        .setStateEncoding(CanonicalCodec.schema())
        .setCoreConfig(ByteString.copyFrom(configBytes))
        .setCoreState(ByteString.copyFrom(CanonicalCodec.encodeState(last)))
        .setPrngSeed(seed)
        .setStartMonoNanos(first.now().nanos())
        .setStartWallMillis(first.wallNow().epochMillis())
        .setFirstStep(nextStep)
        .setSegment(segment);
    options.specHash().digest().ifPresent(d -> h.setSpecHash(ByteString.copyFrom(d)).setSpecHashPresent(true));
    TraceHeader header = h.build();
    out.write(TraceFormat.MAGIC);
    header.writeDelimitedTo(out);
    fileBytes = TraceFormat.MAGIC.length + delimitedSize(header.getSerializedSize());
  }

  private void closeFile() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      fail("I/O error closing " + segmentPath(options.file(), segment) + ": " + e.getMessage());
    }
    out = null;
  }

  /** The file of rotation {@code segment}: {@code file} itself, then {@code file.1}, {@code file.2}, … */
  public static Path segmentPath(Path file, int segment) {
    return segment == 0 ? file : file.resolveSibling(file.getFileName() + "." + segment);
  }

  private static long delimitedSize(int size) {
    return com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }

  /** The config this writer records (for tests). */
  CoreConfig config() {
    return config;
  }
}
