package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.shell.trace.EarlierTrace;
import dev.cairn.shell.trace.LiveRecording;
import dev.cairn.shell.trace.SmallWorldRun;
import dev.cairn.shell.trace.TraceFollower;
import dev.cairn.shell.trace.TraceReader;
import dev.cairn.shell.trace.TraceWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code cairn trace show --follow}: the steps a node records, printed as it records them, across
 * its rotations and into its next run, each once and in order; what was recorded before the
 * follow is printed only when {@code --from} asks for it.
 */
@Timeout(120)
class TraceFollowTest {

  private static final SmallWorldRun WORLD = SmallWorldRun.generate(1_200, 17, false);
  private static final Pattern STEP = Pattern.compile("(?m)^ *(\\d+) ");

  @TempDir Path dir;

  /** A node recording the world's steps from event {@code from} on, into {@code file}. */
  private static LiveRecording recording(Path file, long maxFileBytes, int from) {
    return new LiveRecording(WORLD, file, maxFileBytes, from);
  }

  /** A {@code cairn trace show --follow …} running on a thread of its own, stopped on demand. */
  private static final class Follow {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile int exit = -1;

    Follow(String... args) {
      CommandLine cl = Cairn.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      CommandLine command = cl.getSubcommands().get("trace").getSubcommands().get(args[1]);
      if (command.getCommand() instanceof TraceShowCommand show) {
        show.followStop = stop::get;
      } else {
        ((TraceValidateCommand) command.getCommand()).followStop = stop::get;
      }
      thread = new Thread(() -> exit = cl.execute(args), "follow");
      thread.start();
    }

    synchronized String out() {
      return out.toString();
    }

    /** Waits (at most 30 s) until the output satisfies {@code p}. */
    void until(String what, Predicate<String> p) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!p.test(out())) {
        assertThat(System.nanoTime()).as("waiting for %s; printed so far:%n%s%nerr: %s", what, out(), err)
            .isLessThan(deadline);
        assertThat(thread.isAlive()).as("the follow ended before %s (exit %d): %s%s", what, exit, out(), err)
            .isTrue();
        Thread.sleep(20);
      }
    }

    int stop() throws InterruptedException {
      stop.set(true);
      thread.join(Duration.ofSeconds(10));
      assertThat(thread.isAlive()).as("the follow stops when asked").isFalse();
      assertThat(exit).as("exit status; err: %s", err).isZero();
      return exit;
    }

    int awaitEnd() throws InterruptedException {
      thread.join(Duration.ofSeconds(30));
      assertThat(thread.isAlive()).as("the follow ends by itself: %s", out()).isFalse();
      return exit;
    }
  }

  private static List<Long> stepNumbers(String out) {
    List<Long> steps = new ArrayList<>();
    Matcher m = STEP.matcher(out);
    while (m.find()) {
      steps.add(Long.parseLong(m.group(1)));
    }
    return steps;
  }

  private static List<Long> range(long from, long to) {
    List<Long> l = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      l.add(i);
    }
    return l;
  }

  /** The step lines (and their effect lines) of a whole-file {@code show}, without its header line. */
  private static String steps(String out) {
    return out.lines().filter(l -> !l.startsWith("#")).collect(java.util.stream.Collectors.joining("\n"));
  }

  /**
   * Without {@code --from}, from the end of what is recorded; with {@code --effects} each step is
   * replayed as it is read (past the {@code Replay}'s first 512 records too, where a whole file is
   * read ahead): a step recorded is printed before the next one is.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void printsWhatIsRecordedAfterItStarts_eachStepOnceInOrder(boolean effects) throws Exception {
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = recording(file, 64L << 20, 0)) {
      node.steps(700);
      LiveRecording.awaitRecords(file, 700);
      Follow f = effects ? new Follow("trace", "show", "--follow", "--effects", file.toString())
          : new Follow("trace", "show", "--follow", file.toString());
      f.until("the follow to catch up", o -> o.contains("# following from step 700"));
      assertThat(stepNumbers(f.out())).as("steps recorded before the follow are not printed").isEmpty();
      for (int batch = 0; batch < 6; batch++) {
        long last = node.steps(batch == 0 ? 1 : 50);
        f.until("step " + last, o -> stepNumbers(o).contains(last));
      }
      long end = 700 + 1 + 5 * 50 - 1;
      assertThat(f.stop()).isZero();
      assertThat(stepNumbers(f.out())).isEqualTo(range(700, end));
      // the same lines as show prints from the whole file afterwards
      node.close();
      String whole = effects ? CliRun.cairn("trace", "show", "--effects", file.toString(), "--from", "700").out()
          : CliRun.cairn("trace", "show", file.toString(), "--from", "700").out();
      assertThat(steps(f.out())).isEqualTo(steps(whole));
    }
  }

  @Test
  void followsTheNodeIntoItsNextFilesAndItsNextRun_replayingEffects() throws Exception {
    Path file = dir.resolve("node.trace");
    Follow f;
    List<String> firstRunFiles = new ArrayList<>();
    try (LiveRecording node = recording(file, 24 * 1024, 0)) {
      node.steps(100);
      f = new Follow("trace", "show", "--follow", "--effects", "--from", "0", file.toString());
      f.until("step 99", o -> stepNumbers(o).contains(99L));
      for (int batch = 0; batch < 8; batch++) {
        node.steps(50);
        Thread.sleep(20);
      }
      f.until("step 499", o -> stepNumbers(o).contains(499L));
    }
    for (int i = 0; Files.exists(TraceWriter.segmentPath(file, i)); i++) {
      firstRunFiles.add(TraceWriter.segmentPath(file, i).toString());
    }
    assertThat(firstRunFiles).as("the first run rotated").hasSizeGreaterThan(2);
    assertThat(f.out()).contains("# " + TraceWriter.segmentPath(file, 1) + ": cairn ");
    String firstRun = CliRun.cairn(concat(new String[] {"trace", "show", "--effects"}, firstRunFiles)).out();

    // the node starts again: its earlier files are set aside, and it records a new run from step 0
    assertThat(EarlierTrace.setAside(file)).isNotEmpty();
    try (LiveRecording again = recording(file, 64L << 20, 500)) {
      again.steps(40);
      f.until("the new run", o -> o.contains("# " + file + ": a new run of the node"));
      f.until("step 39 of the new run", o -> stepNumbers(o.substring(o.indexOf("a new run"))).contains(39L));
      assertThat(f.stop()).isZero();
    }
    String out = f.out();
    String before = out.substring(0, out.indexOf("# " + file + ": a new run"));
    String after = out.substring(out.indexOf("a new run"));
    assertThat(stepNumbers(before)).isEqualTo(range(0, 499));
    assertThat(stepNumbers(after)).isEqualTo(range(0, 39));
    assertThat(steps(before)).as("the follow printed the first run as show prints its files")
        .isEqualTo(steps(firstRun));
    assertThat(out).contains("-> ").doesNotContain("MISMATCH");
  }

  @Test
  void aRunThatEndsInsideARecord_isSaidToAndTheNextRunFollows() throws Exception {
    Path whole = dir.resolve("whole.trace");
    try (LiveRecording node = recording(whole, 64L << 20, 0)) {
      node.steps(200);
    }
    byte[] bytes = Files.readAllBytes(whole);
    long cut = -1;
    try (TraceReader r = TraceReader.open(whole)) {
      for (var e = r.next(); e.isPresent() && cut < 0; e = r.next()) {
        cut = e.get().index() == 150 ? e.get().offset() + 3 : -1; // inside record 150: a node killed as it wrote it
      }
    }
    Path file = dir.resolve("node.trace");
    Files.write(file, java.util.Arrays.copyOf(bytes, (int) cut));
    Follow f = new Follow("trace", "show", "--follow", "--from", "100", file.toString());
    f.until("step 149", o -> stepNumbers(o).contains(149L));
    Thread.sleep(300); // waiting at the cut: the rest of the record may still come
    assertThat(f.out()).doesNotContain("ended inside");
    EarlierTrace.setAside(file); // the node starts again
    try (LiveRecording again = recording(file, 64L << 20, 200)) {
      again.steps(10);
      f.until("the new run's step 9", o -> o.contains("a new run") && stepNumbers(o.substring(o.indexOf("a new run")))
          .contains(9L));
    }
    assertThat(f.stop()).isZero();
    String out = f.out();
    assertThat(out).contains("its run ended inside a record").contains("record 150");
    assertThat(stepNumbers(out.substring(0, out.indexOf("a new run")))).isEqualTo(range(100, 149));
  }

  @Test
  void toEndsTheFollowPastItsStep() throws Exception {
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = recording(file, 64L << 20, 0)) {
      node.steps(50);
      Follow f = new Follow("trace", "show", "--follow", "--from", "40", "--to", "120", file.toString());
      f.until("step 49", o -> stepNumbers(o).contains(49L));
      node.steps(100);
      assertThat(f.awaitEnd()).isZero();
      assertThat(stepNumbers(f.out())).isEqualTo(range(40, 120));
    }
  }

  /**
   * --to without --from reads the window from the first step: from the end of what is recorded a
   * --to already passed would print nothing.
   */
  @Test
  void toAloneReadsFromTheFirstStep() throws Exception {
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = recording(file, 64L << 20, 0)) {
      node.steps(50);
      Follow f = new Follow("trace", "show", "--follow", "--to", "3", file.toString());
      assertThat(f.awaitEnd()).as(f.out()).isZero();
      assertThat(stepNumbers(f.out())).isEqualTo(range(0, 3));
    }
  }

  /** A directory is no trace to wait for: both follows say what it is at once, as without --follow. */
  @Test
  void aDirectoryIsRefusedNotWaitedFor() throws Exception {
    Path d = java.nio.file.Files.createDirectories(dir.resolve("adir"));
    for (String command : List.of("show", "validate")) {
      CliRun.Result r = CliRun.cairn("trace", command, "--follow", d.toString());
      assertThat(r.exit()).as(command + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).contains(d + " is a directory, not a trace file");
      assertThat(r.out()).doesNotContain("OK");
    }
  }

  /** A trace its node closed: the follow waits for the node's next run, and prints all of it. */
  @Test
  void aClosedTrace_isFollowedIntoTheNodesNextRun() throws Exception {
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = recording(file, 64L << 20, 0)) {
      node.steps(20);
    }
    Follow f = new Follow("trace", "show", "--follow", file.toString());
    f.until("the follow to catch up", o -> o.contains("# following from step 20"));
    EarlierTrace.setAside(file);
    try (LiveRecording again = recording(file, 64L << 20, 20)) {
      again.steps(15); // at once: the follow finds them all written when it opens the file
      f.until("the new run's step 14", o -> o.contains("a new run") && stepNumbers(o).contains(14L));
    }
    assertThat(f.stop()).isZero();
    assertThat(stepNumbers(f.out())).isEqualTo(range(0, 14));
  }

  @Test
  void withJson_everyLineIsAJsonObject() throws Exception {
    Path file = dir.resolve("node.trace");
    Follow f;
    try (LiveRecording node = recording(file, 64L << 20, 0)) {
      node.steps(30);
      LiveRecording.awaitRecords(file, 30);
      f = new Follow("trace", "show", "--follow", "--json", "--effects", file.toString());
      f.until("the follow to catch up", o -> o.contains("{\"followingFrom\":30}"));
      node.steps(10);
      f.until("step 39", o -> o.contains("\"step\":39,"));
      assertThat(f.stop()).isZero();
    }
    List<String> lines = f.out().lines().toList();
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    List<Long> steps = new ArrayList<>();
    for (String l : lines) {
      var node = mapper.readTree(l);
      assertThat(node.isObject()).as(l).isTrue();
      if (node.has("step")) {
        steps.add(node.get("step").asLong());
        assertThat(node.has("effects")).as(l).isTrue();
      }
    }
    assertThat(steps).isEqualTo(range(30, 39));
  }

  /** With --to, a new run (numbered from 0 again) ends the follow rather than being read against it. */
  @Test
  void toEndsTheFollowAtANewRun() throws Exception {
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = recording(file, 64L << 20, 0)) {
      node.steps(10);
    }
    Follow f = new Follow("trace", "show", "--follow", "--from", "5", "--to", "100", file.toString());
    f.until("step 9", o -> stepNumbers(o).contains(9L));
    EarlierTrace.setAside(file);
    try (LiveRecording again = recording(file, 64L << 20, 10)) {
      again.steps(5);
      assertThat(f.awaitEnd()).isZero();
    }
    assertThat(stepNumbers(f.out())).isEqualTo(range(5, 9));
    assertThat(f.out()).contains("a new run of the node (started again); the follow ends");
  }

  @Test
  void aFollowStoppedBeforeAnythingIsRecordedEndsQuietly() throws Exception {
    Path file = dir.resolve("empty.trace");
    Files.createFile(file); // the node created it; its header is still in its writer's buffer
    Follow f = new Follow("trace", "show", "--follow", file.toString());
    Thread.sleep(300);
    assertThat(f.stop()).isZero();
    assertThat(f.out()).isEmpty();
  }

  /** validate --follow: every step recorded, judged as it is recorded; exit 0 when stopped with all valid. */
  @Test
  void validateFollowsTheNodeUntilStopped() throws Exception {
    Path file = dir.resolve("node.trace");
    Follow f;
    try (LiveRecording node = recording(file, 64L << 20, 0)) {
      node.steps(50);
      f = new Follow("trace", "validate", "--follow", file.toString());
      // a stop asked while it still catches up would end it there: it says when it has
      f.until("the follow to catch up", o -> o.contains("# read all that was recorded"));
      for (int batch = 0; batch < 5; batch++) {
        Thread.sleep(50);
        node.steps(30);
      }
    }
    // the node closed its trace, so every file is whole: the follow waits only once it has judged
    // every step, and a stop asked now is seen there
    assertThat(f.stop()).isZero();
    assertThat(f.out()).contains("OK: 200 steps are steps of Core.tla").contains("followed for");

    CliRun.Result bad = CliRun.cairn("trace", "validate", "--follow", file.toString(), file.toString() + ".1");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--follow takes one file");
  }

  /**
   * Without --from, a follow of a rotated trace starts at its newest file, whatever file is named
   * (the node may even have deleted the first one after rotations).
   */
  @Test
  void aRotatedTraceIsFollowedFromItsNewestFile() throws Exception {
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = recording(file, 16 * 1024, 0)) {
      node.steps(600);
      Path last = newestHolding(file, 599); // the writer thread writes behind
      assertThat(TraceFollower.segmentOf(last)).as("rotated").isGreaterThan(2);
      Files.delete(file); // as a node keeping its newest files deletes its oldest
      Follow f = new Follow("trace", "show", "--follow", file.toString());
      f.until("the follow to catch up", o -> o.contains("# following from step 600"));
      assertThat(f.out()).contains("# " + file + ": following its trace from " + last);
      long step = node.steps(5);
      f.until("step " + step, o -> stepNumbers(o).contains(step));
      assertThat(f.stop()).isZero();
      assertThat(stepNumbers(f.out())).isEqualTo(range(600, 604));
    }
  }

  /**
   * A follow that fell behind while the node's rotation deleted files it had not read yet: it says
   * which steps it lost, and goes on from the oldest later file of the run still there (it waited
   * for the deleted file for ever before).
   */
  @Test
  void aFileDeletedByRotationBeforeItWasRead_isSaidAndTheFollowGoesOnPastIt() throws Exception {
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = recording(file, 16 * 1024, 0)) {
      node.steps(600);
    }
    assertThat(TraceWriter.segmentPath(file, 4)).as("rotated").exists();
    long[] firsts = new long[5];
    for (int i = 0; i < 5; i++) {
      try (TraceReader r = TraceReader.open(TraceWriter.segmentPath(file, i))) {
        firsts[i] = r.header().getFirstStep();
      }
    }
    // the files the follow has not reached yet, deleted as a node keeping its newest files does
    Files.delete(TraceWriter.segmentPath(file, 2));
    Files.delete(TraceWriter.segmentPath(file, 3));
    Follow f = new Follow("trace", "show", "--follow", "--from", "0", file.toString());
    f.until("step 599", o -> stepNumbers(o).contains(599L));
    assertThat(f.stop()).isZero();
    assertThat(f.out()).contains("# steps " + firsts[2] + ".." + (firsts[4] - 1) + " (" + TraceWriter.segmentPath(file, 2)
        + " to " + TraceWriter.segmentPath(file, 3) + ") were deleted by rotation before they could be read; going on "
        + "at step " + firsts[4] + " in " + TraceWriter.segmentPath(file, 4));
    List<Long> printed = range(0, firsts[2] - 1);
    printed.addAll(range(firsts[4], 599));
    assertThat(stepNumbers(f.out())).isEqualTo(printed);
    assertThat(f.out()).doesNotContain("are in none of the files given");

    // validate --follow judges the files left, and its verdict is not a plain OK: a part is missing
    Follow v = new Follow("trace", "validate", "--follow", file.toString());
    v.until("the follow to catch up", o -> o.contains("# read all that was recorded"));
    v.stop.set(true);
    v.thread.join(Duration.ofSeconds(30));
    assertThat(v.thread.isAlive()).isFalse();
    assertThat(v.exit).as(v.out()).isEqualTo(1);
    assertThat(v.out()).contains("# steps " + firsts[2] + ".." + (firsts[4] - 1) + " (" + TraceWriter.segmentPath(file,
        2) + " to " + TraceWriter.segmentPath(file, 3) + ") were deleted by rotation before they could be judged; going "
        + "on at step " + firsts[4] + " in " + TraceWriter.segmentPath(file, 4))
        .contains("BREAK: steps " + firsts[2] + ".." + (firsts[4] - 1))
        .contains("the " + (600 - (firsts[4] - firsts[2])) + " steps judged are steps of Core.tla")
        .doesNotContain("OK:");
  }

  /** Waits until the newest segment of {@code file}'s trace holds step {@code step}; returns it. */
  private static Path newestHolding(Path file, long step) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      int newest = 0;
      while (Files.exists(TraceWriter.segmentPath(file, newest + 1))) {
        newest++;
      }
      Path p = TraceWriter.segmentPath(file, newest);
      long last = -1;
      try (TraceReader r = TraceReader.open(p)) {
        for (var e = r.next(); e.isPresent(); e = r.next()) {
          last = e.get().step();
        }
      } catch (dev.cairn.shell.trace.TraceFormatException e) {
        // still being written
      }
      if (last >= step) {
        return p;
      }
      assertThat(System.nanoTime()).as("%s's trace holds step %d", file, step).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void whereAFollowStarts() throws Exception {
    Path file = dir.resolve("t.trace");
    for (int i : new int[] {2, 3, 5}) {
      Files.createFile(TraceWriter.segmentPath(file, i));
    }
    Files.createFile(dir.resolve("t.trace.20261122T031200Z")); // not a segment
    assertThat(TraceFollower.startOf(file, true)).isEqualTo(TraceWriter.segmentPath(file, 5));
    assertThat(TraceFollower.startOf(file, false)).as("the first gone: the oldest left")
        .isEqualTo(TraceWriter.segmentPath(file, 2));
    Files.createFile(file);
    assertThat(TraceFollower.startOf(file, false)).isEqualTo(file);
    assertThat(TraceFollower.startOf(TraceWriter.segmentPath(file, 3), true)).isEqualTo(TraceWriter.segmentPath(file, 5));
    assertThat(TraceFollower.startOf(TraceWriter.segmentPath(file, 3), false)).isEqualTo(TraceWriter.segmentPath(file, 3));
    Path none = dir.resolve("none.trace");
    assertThat(TraceFollower.startOf(none, true)).as("nothing there: waited for").isEqualTo(none);
  }

  @Test
  void theFileNamesOfARotatedTrace() {
    assertThat(TraceFollower.segmentOf(Path.of("a/node.trace"))).isZero();
    assertThat(TraceFollower.segmentOf(Path.of("a/node.trace.12"))).isEqualTo(12);
    assertThat(TraceFollower.segmentOf(Path.of("node.20261122T031200Z.trace.3"))).isEqualTo(3);
    assertThat(TraceFollower.segmentOf(Path.of("12"))).isZero();
  }

  private static String[] concat(String[] a, List<String> b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(b);
    return l.toArray(String[]::new);
  }
}
