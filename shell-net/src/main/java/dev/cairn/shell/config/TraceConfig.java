package dev.cairn.shell.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Recording of the core's event trace, in the {@code [cairn]} section of config.toml.
 *
 * @param file {@code trace_file}: where to write the trace, relative to the home; empty is off
 *     ({@code cairn start --trace FILE} switches it on for one run)
 * @param maxFileBytes {@code trace_max_file_bytes}: a file is closed and the next one started
 *     after the record that takes it past this size (rotation); at least {@value #MIN_FILE_BYTES}
 * @param maxFiles {@code trace_max_files}: how many files are kept, the newest ones
 *     ({@code trace.bin}, {@code trace.bin.1}, …); the oldest is deleted at each rotation
 * @param checkpointInterval {@code trace_checkpoint_interval}: every this many steps a record
 *     carries a digest of the whole core state, so replay names the window of a divergence;
 *     0 leaves only the digest in each file's trailer
 */
public record TraceConfig(Optional<String> file, long maxFileBytes, int maxFiles, int checkpointInterval) {

  /** The smallest file size a rotation may use: one header and a few records. */
  public static final long MIN_FILE_BYTES = 1024;
  /** The most files a trace may keep, so a typo cannot fill a disk with thousands of names. */
  public static final int MAX_FILES = 10_000;
  /** The longest interval between two state digests. */
  public static final int MAX_CHECKPOINT_INTERVAL = 1 << 24;

  public TraceConfig {
    Objects.requireNonNull(file, "file");
    if (maxFileBytes < MIN_FILE_BYTES) {
      throw new IllegalArgumentException("trace maxFileBytes must be at least " + MIN_FILE_BYTES + ", got " + maxFileBytes);
    }
    if (maxFiles < 1 || maxFiles > MAX_FILES) {
      throw new IllegalArgumentException("trace maxFiles must be in 1.." + MAX_FILES + ", got " + maxFiles);
    }
    if (checkpointInterval < 0 || checkpointInterval > MAX_CHECKPOINT_INTERVAL) {
      throw new IllegalArgumentException(
          "trace checkpointInterval must be in 0.." + MAX_CHECKPOINT_INTERVAL + ", got " + checkpointInterval);
    }
  }

  /** Off; when switched on: 64 MiB per file, 16 files, a state digest every 1 024 steps. */
  public static TraceConfig defaults() {
    return new TraceConfig(Optional.empty(), 64L << 20, 16, 1024);
  }

  public TraceConfig withFile(Optional<String> f) {
    return new TraceConfig(f, maxFileBytes, maxFiles, checkpointInterval);
  }
}
