package dev.cairn.shell.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process with SIGKILL while it rewrites an address book of a few thousand entries,
 * again and again, and checks that what is left on disk is always one complete version: never
 * empty, never torn, never older than the last write the child was seen to finish.
 *
 * <p>SIGKILL tests atomicity against a process crash. It cannot test the fsyncs, which matter
 * only when the machine itself loses power.
 */
class DurableFilesCrashTest {

  static final int REPETITIONS = 50;
  static final int ENTRIES = 2_000;

  @TempDir Path dir;

  @Test
  void killedWriter_alwaysLeavesACompleteVersion() throws Exception {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    Path file = dir.resolve("addrbook.json");
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    long next = 0;
    List<Long> survivors = new ArrayList<>();
    for (int rep = 0; rep < REPETITIONS; rep++) {
      Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
          "-cp", System.getProperty("java.class.path"), CrashingRewriter.class.getName(),
          file.toString(), Long.toString(next), Integer.toString(ENTRIES))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      AtomicLong acknowledged = new AtomicLong(-1);
      BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
      String first = out.readLine(); // the child is in its write loop once one version is done
      assertThat(first).as("child wrote a first version (seed %d, repetition %d)", seed, rep).isNotNull();
      acknowledged.set(Long.parseLong(first));
      Thread reader = Thread.ofVirtual().start(() -> {
        try {
          for (String line; (line = out.readLine()) != null; ) {
            acknowledged.set(Long.parseLong(line));
          }
        } catch (IOException closedByDestroy) {
          // destroyForcibly closes our end of the pipe
        }
      });
      Thread.sleep(random.nextInt(0, 25)); // land anywhere in a later write
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      AddrBookDocument found = AddrBookFile.load(file).orElseThrow();
      long version = Long.parseLong(found.key(), 16);
      assertThat(version).as("seed %d, repetition %d", seed, rep)
          .isGreaterThanOrEqualTo(acknowledged.get()); // later writes may have landed unreported
      assertThat(found).as("version %d is complete (seed %d)", version, seed)
          .isEqualTo(CrashingRewriter.version(version, ENTRIES));
      survivors.add(version);
      next = version + 1;
    }
    assertThat(survivors).hasSize(REPETITIONS).isSorted();
    // each kill may leave at most its one in-flight temporary file
    assertThat(DurableFiles.staleTemporaries(file).size()).isLessThanOrEqualTo(REPETITIONS);
    DurableFiles.removeStaleTemporaries(file);
    try (var list = Files.list(dir)) {
      assertThat(list).containsExactly(file);
    }
  }
}
