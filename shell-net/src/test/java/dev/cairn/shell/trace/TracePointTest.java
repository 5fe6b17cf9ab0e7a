package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.proto.trace.TraceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps named by time: {@code --from}/{@code --to} of {@code trace show} and {@code timeline},
 * {@code --at} of {@code trace replay}, and the rotated file that holds a step or a moment.
 */
class TracePointTest {

  @TempDir static Path dir;

  private static final int STEPS = 600;
  private static SyntheticRun run;
  private static Path trace;
  private static Path ring;
  private static final List<long[]> times = new ArrayList<>(); // step, mono, wall of each record

  @BeforeAll
  static void record() throws Exception {
    run = SyntheticRun.generate(STEPS, 2024);
    trace = dir.resolve("synthetic.trace");
    run.record(trace, 50);
    try (TraceReader r = TraceReader.open(trace)) {
      for (var e = r.next(); e.isPresent(); e = r.next()) {
        times.add(new long[] {e.get().step(), e.get().monoNanos(), e.get().wallMillis()});
      }
    }
    ring = dir.resolve("ring/r.trace");
    Files.createDirectories(ring.getParent());
    run.record(new TraceWriter.Options(ring, 16 * 1024, 1000, 4, Duration.ofSeconds(10), SpecHash.ABSENT, 64));
  }

  private static Instant wallOf(int step) {
    return Instant.ofEpochMilli(times.get(step)[2]);
  }

  /** The numbers of the steps a command printed, one per line as {@code trace show} prints them. */
  private static List<Long> printedSteps(String out) {
    return out.lines().filter(l -> !l.startsWith("#") && !l.isBlank() && !l.startsWith(" ".repeat(9)))
        .map(l -> Long.parseLong(l.strip().split("\\s+")[0])).toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> r = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      r.add(i);
    }
    return r;
  }

  @Test
  void eachFormReadsAsItsPoint() {
    assertThat(TracePoint.parse("1200")).isEqualTo(new TracePoint.Step(1200));
    assertThat(TracePoint.parse("2026-11-22T03:12:00Z")).isEqualTo(new TracePoint.Wall(Instant.parse(
        "2026-11-22T03:12:00Z")));
    assertThat(TracePoint.parse("2026-11-22T04:12:00.250+01:00")).isEqualTo(new TracePoint.Wall(Instant.parse(
        "2026-11-22T03:12:00.250Z")));
    assertThat(TracePoint.parse("2026-11-22T03:12")).isEqualTo(new TracePoint.Wall(Instant.parse(
        "2026-11-22T03:12:00Z")));
    assertThat(TracePoint.parse("03:12")).isEqualTo(new TracePoint.TimeOfDay(LocalTime.of(3, 12)));
    assertThat(TracePoint.parse("3:12:30.5Z")).isEqualTo(new TracePoint.TimeOfDay(LocalTime.of(3, 12, 30,
        500_000_000)));
    assertThat(TracePoint.parse("+1m30s")).isEqualTo(new TracePoint.SinceStart(Duration.ofSeconds(90)));
    assertThat(TracePoint.parse("+250ms")).isEqualTo(new TracePoint.SinceStart(Duration.ofMillis(250)));
    assertThat(TracePoint.parse("1200").isTime()).isFalse();
    assertThat(TracePoint.parse("+0s").isTime()).isTrue();
  }

  @Test
  void aBadPointIsNamedWithTheFormsThatWouldDo() {
    assertThatThrownBy(() -> TracePoint.parse("soon")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'soon' is not a step number (1200), a time");
    // what is wrong, in words: never java.time's class names or Long.parseLong's "For input string"
    assertThatThrownBy(() -> TracePoint.parse("25:00")).hasMessageContaining("'25:00' is not a valid time: hour 25"
        + " is not in 0..23");
    assertThatThrownBy(() -> TracePoint.parse("03:99")).hasMessageContaining("minute 99 is not in 0..59");
    assertThatThrownBy(() -> TracePoint.parse("2026-13-01T00:00Z")).hasMessageContaining(
        "'2026-13-01T00:00Z' is not a valid time: month 13 is not in 1..12");
    assertThatThrownBy(() -> TracePoint.parse("2026-02-30T00:00:00Z")).hasMessageContaining("no such date");
    assertThatThrownBy(() -> TracePoint.parse("2026-01-01Tx")).hasMessageContaining("unexpected 'x' at character 12");
    assertThatThrownBy(() -> TracePoint.parse("+ninety")).hasMessageContaining(
        "'+ninety' is not a valid time since the first record");
    assertThatThrownBy(() -> TracePoint.parse("99999999999999999999")).hasMessageContaining(
        "'99999999999999999999' is not a valid step number: larger than the last step a trace can have");
    for (String bad : List.of("25:00", "03:99", "2026-13-01T00:00Z", "2026-02-30T00:00:00Z", "99999999999999999999")) {
      assertThatThrownBy(() -> TracePoint.parse(bad)).message().doesNotContain("OfDay").doesNotContain("OfHour")
          .doesNotContain("OfYear").doesNotContain("For input string").doesNotContain("could not be parsed");
    }
  }

  @Test
  void aTimeOfDayIsTheFirstSuchMomentFromTheStart() {
    Instant start = Instant.parse("2026-11-21T23:30:00Z");
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(23, 45)).after(start)).isEqualTo(Instant.parse(
        "2026-11-21T23:45:00Z"));
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(0, 10)).after(start)).isEqualTo(Instant.parse(
        "2026-11-22T00:10:00Z"));
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(23, 30)).after(start)).isEqualTo(start);
  }

  /**
   * A time of day names the moment near the trace: from 12 hours before its first record, so the
   * minute (or second, or millisecond) it starts in, or a moment a little before it, is that day's,
   * not the next day's; a window's end is the first such moment from its start.
   */
  @Test
  void aTimeOfDayNamesTheMomentNearTheTrace() {
    Instant start = Instant.parse("2026-11-24T15:06:31.314Z");
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(15, 6)).after(start)).isEqualTo(Instant.parse(
        "2026-11-24T15:06:00Z"));
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(15, 6, 31, 200_000_000)).after(start))
        .as("a fraction before the first record").isEqualTo(Instant.parse("2026-11-24T15:06:31.200Z"));
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(15, 5)).after(start)).as("the minute before: that day's")
        .isEqualTo(Instant.parse("2026-11-24T15:05:00Z"));
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(4, 0)).after(start)).as("11 hours before")
        .isEqualTo(Instant.parse("2026-11-24T04:00:00Z"));
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(3, 0)).after(start)).as("12 hours after, in a long trace")
        .isEqualTo(Instant.parse("2026-11-25T03:00:00Z"));
    // a window of two times of day across the 12-hour line still runs forwards
    Instant from = new TracePoint.TimeOfDay(LocalTime.of(3, 0)).after(start);
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(3, 10)).atOrAfter(from)).isEqualTo(Instant.parse(
        "2026-11-25T03:10:00Z"));
    assertThat(new TracePoint.TimeOfDay(LocalTime.of(3, 10)).after(start)).as("alone, that day's")
        .isEqualTo(Instant.parse("2026-11-24T03:10:00Z"));
  }

  @Test
  void aWindowIsOneRunOfStepsEvenWhenTheWallClockGoesBack() {
    TraceHeader h = TraceHeader.newBuilder().setStartMonoNanos(1_000).setStartWallMillis(100).build();
    long[] walls = {100, 200, 200, 150, 300, 200};
    TracePoint at200 = new TracePoint.Wall(Instant.ofEpochMilli(200));
    assertThat(admitted(new TracePoint.Window(at200, at200, h), walls)).containsExactly(1L, 2L, 3L);
    // a record holds whole milliseconds: from 199.5 ms starts at 200, to 199.5 ms ends before it
    TracePoint half = new TracePoint.Wall(Instant.ofEpochMilli(199).plusNanos(500_000));
    assertThat(admitted(new TracePoint.Window(half, null, h), walls)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(admitted(new TracePoint.Window(null, half, h), walls)).containsExactly(0L);
    assertThat(admitted(new TracePoint.Window(half, null, h), new long[] {100, 199, 200})).containsExactly(2L);
    assertThat(admitted(new TracePoint.Window(new TracePoint.Step(2), new TracePoint.Step(4), h), walls))
        .containsExactly(2L, 3L, 4L);
    // the monotonic clock: record i at 1 000 + i·1 ms
    assertThat(admitted(new TracePoint.Window(new TracePoint.SinceStart(Duration.ofMillis(1)),
        new TracePoint.SinceStart(Duration.ofMillis(3)), h), walls)).containsExactly(1L, 2L, 3L);
  }

  private static List<Long> admitted(TracePoint.Window w, long[] walls) {
    List<Long> in = new ArrayList<>();
    for (int i = 0; i < walls.length && !w.ended(); i++) {
      if (w.admits(i, 1_000 + i * 1_000_000L, walls[i])) {
        in.add((long) i);
      }
    }
    return in;
  }

  @Test
  void showPrintsTheStepsBetweenTwoTimes() {
    TraceFiles.Run byTime = TraceFiles.cairn("trace", "show", trace.toString(), "--from", wallOf(100).toString(),
        "--to", wallOf(104).toString());
    assertThat(byTime.code()).as(byTime.err()).isZero();
    assertThat(printedSteps(byTime.out())).isEqualTo(range(100, 104));
    // the same by time of day (UTC) and with the effects (a replay)
    String from = LocalTime.ofInstant(wallOf(100), ZoneOffset.UTC).toString();
    String to = LocalTime.ofInstant(wallOf(104), ZoneOffset.UTC).toString();
    TraceFiles.Run byDay = TraceFiles.cairn("trace", "show", trace.toString(), "--from", from, "--to", to,
        "--effects");
    assertThat(byDay.code()).as(byDay.err()).isZero();
    assertThat(printedSteps(byDay.out())).isEqualTo(range(100, 104));
    // and by the monotonic clock since the first record
    long since = (times.get(100)[1] - times.get(0)[1]) / 1_000_000;
    TraceFiles.Run bySince = TraceFiles.cairn("trace", "show", trace.toString(), "--from", "+" + since + "ms",
        "--to", "104");
    assertThat(printedSteps(bySince.out())).isEqualTo(range(100, 104));
    // timeline draws the same steps
    TraceFiles.Run drawn = TraceFiles.cairn("trace", "timeline", trace.toString(), "--out",
        dir.resolve("window.png").toString(), "--from", wallOf(100).toString(), "--to", to);
    assertThat(drawn.code()).as(drawn.err()).isZero();
    assertThat(drawn.out()).contains("(steps 100..104)");
    TraceFiles.Run none = TraceFiles.cairn("trace", "timeline", trace.toString(), "--out",
        dir.resolve("none.png").toString(), "--from", wallOf(STEPS - 1).plusSeconds(60).toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no step of " + trace + " is in " + wallOf(STEPS - 1).plusSeconds(60));
  }

  @Test
  void replayAtATimePrintsTheStateAfterTheLastStepBeforeIt() {
    Instant between = wallOf(250).plusMillis(1);
    assertThat(wallOf(251)).isAfter(between);
    TraceFiles.Run byTime = TraceFiles.cairn("trace", "replay", trace.toString(), "--at", between.toString());
    assertThat(byTime.code()).as(byTime.err()).isZero();
    assertThat(byTime.out()).contains("# state at " + between + ", after step 250:");
    TraceFiles.Run byStep = TraceFiles.cairn("trace", "replay", trace.toString(), "--at", "250");
    assertThat(byStep.out()).contains("# state after step 250:");
    assertThat(json(byTime.out())).isEqualTo(json(byStep.out())).contains("\"book\"");

    TraceFiles.Run before = TraceFiles.cairn("trace", "replay", trace.toString(), "--at",
        wallOf(0).minusSeconds(1).toString());
    assertThat(before.code()).isEqualTo(2);
    assertThat(before.err()).contains("is before this file's first step 0");

    TraceFiles.Run after = TraceFiles.cairn("trace", "replay", trace.toString(), "--at",
        wallOf(STEPS - 1).plusSeconds(3600).toString());
    assertThat(after.code()).as(after.err()).isZero();
    assertThat(after.out()).contains("after step " + (STEPS - 1) + ", the last step recorded:");

    TraceFiles.Run bad = TraceFiles.cairn("trace", "replay", trace.toString(), "--at", "teatime");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("'teatime' is not a step number").doesNotContain("Exception");
  }

  /** The state a replay printed: the lines between its {@code # state} line and its {@code OK} line. */
  private static String json(String out) {
    List<String> lines = out.lines().toList();
    int from = 0;
    while (!lines.get(from).startsWith("# state")) {
      from++;
    }
    int to = from + 1;
    while (!lines.get(to).startsWith("OK:")) {
      to++;
    }
    return String.join("\n", lines.subList(from + 1, to));
  }

  @Test
  void theRotatedFileThatHoldsAStepOrAMomentIsNamed() throws Exception {
    List<Path> files = ringFiles();
    assertThat(files).hasSizeGreaterThan(3);
    long[] firsts = firstSteps(files, files.size());
    Path second = files.get(1);
    try (TraceReader r = TraceReader.open(second)) {
      TraceSegments found = TraceSegments.of(second, r.header());
      assertThat(found.segments()).extracting(TraceSegments.Segment::file).containsExactlyElementsOf(files);
      assertThat(found.elsewhere(new TracePoint.Step(firsts[1]))).isEmpty();
      assertThat(found.elsewhere(new TracePoint.Step(firsts[2]))).get().asString()
          .startsWith(files.get(2) + " holds step " + firsts[2] + " (from step " + firsts[2] + " at ")
          .contains("to step " + (firsts[3] - 1));
    }
    // a step after the file: replay says which file holds it
    long inThird = firsts[2];
    TraceFiles.Run at = TraceFiles.cairn("trace", "replay", second.toString(), "--at", Long.toString(inThird));
    assertThat(at.code()).isEqualTo(2);
    assertThat(at.err()).contains("step " + inThird + " is not in " + second)
        .contains(files.get(2) + " holds step " + inThird);
    // a moment after the file
    Instant momentInThird = wallOf((int) inThird);
    TraceFiles.Run atTime = TraceFiles.cairn("trace", "replay", second.toString(), "--at", momentInThird.toString());
    assertThat(atTime.code()).isEqualTo(2);
    assertThat(atTime.err()).contains(momentInThird + " is after the last step of " + second)
        .contains(files.get(2) + " holds " + momentInThird);
    // show prints nothing, says where to look, on stderr, and ends as replay does: the window is
    // an argument this file cannot serve
    TraceFiles.Run show = TraceFiles.cairn("trace", "show", files.get(0).toString(), "--from",
        momentInThird.toString());
    assertThat(show.code()).isEqualTo(2);
    assertThat(printedSteps(show.out())).isEmpty();
    assertThat(show.err()).contains("no step of " + files.get(0) + " is in " + momentInThird)
        .contains(files.get(2) + " holds " + momentInThird);
    // the same moment in the file that holds it
    TraceFiles.Run there = TraceFiles.cairn("trace", "replay", files.get(2).toString(), "--at",
        momentInThird.toString());
    assertThat(there.code()).as(there.err()).isZero();
    assertThat(there.out()).contains("after step " + inThird + ":");
    try (TraceReader r = TraceReader.open(trace)) {
      Optional<String> none = TraceSegments.of(trace, r.header()).elsewhere(new TracePoint.Step(STEPS + 10));
      assertThat(none).as("a file without rotations").isEmpty();
    }
  }

  /** The first step of each of the first {@code n} of {@code files}, from their headers. */
  static long[] firstSteps(List<Path> files, int n) throws Exception {
    long[] firsts = new long[n];
    for (int i = 0; i < n; i++) {
      try (TraceReader r = TraceReader.open(files.get(i))) {
        firsts[i] = r.header().getFirstStep();
      }
    }
    return firsts;
  }

  private static List<Path> ringFiles() {
    List<Path> files = new ArrayList<>();
    for (int i = 0; Files.exists(TraceWriter.segmentPath(ring, i)); i++) {
      files.add(TraceWriter.segmentPath(ring, i));
    }
    return files;
  }

  @Test
  void theFilesOfARotatedTraceReplayAsOneHistory() throws Exception {
    List<Path> ringFiles = ringFiles();
    assertThat(ringFiles).hasSizeGreaterThan(7);
    // the first six files (a small ring rotates at nearly every step once its state is large)
    long[] firsts = firstSteps(ringFiles, 7);
    List<Path> files = ringFiles.subList(0, 6);
    List<Path> shuffled = new ArrayList<>(files);
    java.util.Collections.reverse(shuffled);
    TraceFiles.Run all = TraceFiles.cairn(args("replay", shuffled));
    assertThat(all.code()).as(all.out() + all.err()).isZero();
    assertThat(all.out()).contains("OK: 6 files, " + firsts[6] + " steps (steps 0.." + (firsts[6] - 1)
        + ") replayed as one history");
    assertThat(all.out().indexOf("# " + files.get(0))).isLessThan(all.out().indexOf("# " + files.get(1)));

    // --at finds the file that holds the step, or the moment
    TraceFiles.Run at = TraceFiles.cairn(args("replay", shuffled, "--at", Long.toString(firsts[2])));
    assertThat(at.code()).as(at.err()).isZero();
    assertThat(at.out()).containsOnlyOnce("# state after step " + firsts[2] + ":");
    TraceFiles.Run atTime = TraceFiles.cairn(args("replay", shuffled, "--at", wallOf((int) firsts[2]).toString()));
    assertThat(atTime.code()).as(atTime.err()).isZero();
    assertThat(atTime.out()).containsOnlyOnce("after step " + firsts[2] + ":");
    // a time since the first record of the first file
    long sinceMs = (times.get((int) firsts[2])[1] - times.get(0)[1]) / 1_000_000;
    TraceFiles.Run atSince = TraceFiles.cairn(args("replay", shuffled, "--at", "+" + sinceMs + "ms"));
    assertThat(atSince.code()).as(atSince.err()).isZero();
    assertThat(atSince.out()).containsOnlyOnce("after step " + firsts[2] + ":");

    // a file left out
    List<Path> gap = new ArrayList<>(files);
    gap.remove(2);
    TraceFiles.Run missing = TraceFiles.cairn(args("replay", gap));
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).contains("BREAK between " + files.get(1) + " and " + files.get(3) + ": steps "
        + firsts[2] + ".." + (firsts[3] - 1) + " are in neither file");

    // a file whose header starts from another state than the one before it ends in
    TraceFiles.Parsed third = TraceFiles.parse(files.get(2));
    TraceHeader otherStart;
    try (TraceReader r = TraceReader.open(files.get(0))) {
      otherStart = third.header().toBuilder().setCoreState(r.header().getCoreState()).build();
    }
    Path forged = dir.resolve("forged.trace");
    TraceFiles.write(forged, otherStart, third.records());
    List<Path> withForged = new ArrayList<>(files.subList(0, 2));
    withForged.add(forged);
    TraceFiles.Run state = TraceFiles.cairn(args("replay", withForged));
    assertThat(state.code()).isEqualTo(1);
    assertThat(state.out()).contains("BREAK before " + forged + ": its initial state (header) is not the state the "
        + "file before it ends in");

    // a file whose header does not chain to the last effects digest of the file before it
    Path unchained = dir.resolve("unchained.trace");
    TraceFiles.write(unchained, third.header().toBuilder().setPreviousDigest(third.header().getPreviousDigest() ^ 1)
        .build(), third.records());
    List<Path> withUnchained = new ArrayList<>(files.subList(0, 2));
    withUnchained.add(unchained);
    TraceFiles.Run chain = TraceFiles.cairn(args("replay", withUnchained));
    assertThat(chain.code()).isEqualTo(1);
    assertThat(chain.out()).contains("BREAK between " + files.get(1) + " and " + unchained + ": " + unchained
        + "'s header does not chain to the effects digest of step " + (firsts[2] - 1));

    // the files of another run
    Path other = dir.resolve("other/r.trace");
    Files.createDirectories(other.getParent());
    SyntheticRun.generate(STEPS, 99).record(new TraceWriter.Options(other, 16 * 1024, 1000, 4,
        Duration.ofSeconds(10), SpecHash.ABSENT, 64));
    TraceFiles.Run mixed = TraceFiles.cairn(args("replay", List.of(files.get(0), TraceWriter.segmentPath(other, 1))));
    assertThat(mixed.code()).isEqualTo(1);
    assertThat(mixed.out()).contains("BREAK between " + files.get(0) + " and " + TraceWriter.segmentPath(other, 1));
  }

  @Test
  void filesReplayedAtOnceReportWhatOneAtATimeReports() throws Exception {
    List<Path> files = ringFiles().subList(0, 6);
    // a record of the third file whose effects digest differs, and a fourth file cut short
    Path tampered = TraceFiles.rewrite(files.get(2), dir.resolve("tampered.trace"), records -> {
      TraceRecord r = records.get(0);
      records.set(0, r.toBuilder().setEffectsDigest(r.getEffectsDigest() ^ 1).build());
      return records;
    });
    byte[] fourth = Files.readAllBytes(files.get(3));
    Path cut = Files.write(dir.resolve("cut.trace"), java.util.Arrays.copyOf(fourth, fourth.length - 3));
    List<List<Path>> cases = List.of(
        files,
        List.of(files.get(0), files.get(1), tampered, files.get(3), files.get(4), files.get(5)),
        List.of(files.get(0), files.get(1), files.get(2), cut, files.get(4), files.get(5)));
    int[] expected = {0, 1, 2};
    // each file's part of the report is what replaying that file alone prints
    StringBuilder alone = new StringBuilder();
    for (Path f : files) {
      TraceFiles.Run single = TraceFiles.cairn("trace", "replay", f.toString());
      assertThat(single.code()).as(single.err()).isZero();
      alone.append("# ").append(f).append(System.lineSeparator()).append(single.out());
    }
    TraceFiles.Run whole = TraceFiles.cairn(args("replay", files, "--jobs", "3"));
    assertThat(whole.out()).startsWith(alone.toString());
    assertThat(whole.out().substring(alone.length())).startsWith("OK: 6 files, ").doesNotContain("# ");
    for (int c = 0; c < cases.size(); c++) {
      List<Path> trace = cases.get(c);
      TraceFiles.Run one = TraceFiles.cairn(args("replay", trace, "--jobs", "1"));
      assertThat(one.code()).as(one.out() + one.err()).isEqualTo(expected[c]);
      for (String jobs : List.of("2", "6")) {
        TraceFiles.Run many = TraceFiles.cairn(args("replay", trace, "--jobs", jobs));
        assertThat(many.code()).as("--jobs %s, case %d", jobs, c).isEqualTo(one.code());
        assertThat(many.out()).as("--jobs %s, case %d", jobs, c).isEqualTo(one.out());
        assertThat(errorLines(many.err())).as("--jobs %s, case %d", jobs, c).isEqualTo(errorLines(one.err()));
      }
      if (c == 1) { // the report stops at the differing file: nothing of the files after it
        assertThat(one.out()).contains("MISMATCH at ").doesNotContain("# " + files.get(3));
      }
      if (c == 2) {
        assertThat(one.out()).contains("BROKEN: ").doesNotContain("# " + files.get(4));
      }
    }
    TraceFiles.Run none = TraceFiles.cairn(args("replay", files, "--jobs", "0"));
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--jobs must be at least 1, got 0");
  }

  @Test
  void aFileNamedTwiceIsRefusedByName() {
    List<Path> files = ringFiles();
    Path again = files.get(1).getParent().resolve(".").resolve(files.get(1).getFileName());
    for (String command : List.of("show", "replay", "timeline", "validate")) {
      TraceFiles.Run run = TraceFiles.cairn(args(command, List.of(files.get(0), files.get(1), again)));
      assertThat(run.code()).as(command).isEqualTo(2);
      assertThat(run.err()).as(command).contains(again + " is named twice (also as " + files.get(1) + ")");
      assertThat(run.out()).as(command).isEmpty();
    }
  }

  /** The lines of {@code err} that are not progress lines (those depend on the clock). */
  private static List<String> errorLines(String err) {
    return err.lines().filter(l -> !l.startsWith("replay ")).toList();
  }

  /** {@code cairn trace COMMAND FILES... MORE...}'s arguments. */
  static String[] args(String command, List<Path> files, String... more) {
    List<String> args = new ArrayList<>(List.of("trace", command));
    files.forEach(f -> args.add(f.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void showAndTimelineReadTheFilesOfARotatedTraceInStepOrder() throws Exception {
    List<Path> ring = ringFiles();
    long[] firsts = firstSteps(ring, 7);
    List<Path> files = new ArrayList<>(ring.subList(0, 6));
    java.util.Collections.reverse(files);

    TraceFiles.Run some = TraceFiles.cairn(args("show", files, "--from", Long.toString(firsts[2]), "--to",
        Long.toString(firsts[4])));
    assertThat(some.code()).as(some.err()).isZero();
    assertThat(printedSteps(some.out())).isEqualTo(range(firsts[2], firsts[4]));
    assertThat(some.out().lines().filter(l -> l.startsWith("# "))).hasSize(3).allMatch(l -> l.contains("segment "));
    TraceFiles.Run byTime = TraceFiles.cairn(args("show", files, "--from", wallOf((int) firsts[1]).toString(),
        "--to", wallOf((int) firsts[3]).toString()));
    assertThat(printedSteps(byTime.out())).isEqualTo(range(firsts[1], firsts[3]));

    // the state before the first step of a file is that file's header state: the changes of that
    // step are the core's
    TraceFiles.Run changes = TraceFiles.cairn(args("show", files, "--from", Long.toString(firsts[3]), "--to",
        Long.toString(firsts[3]), "--changes"));
    assertThat(changes.code()).as(changes.err()).isZero();
    var state = run.initial();
    for (int i = 0; i < firsts[3]; i++) {
      var t = run.events().get(i);
      state = dev.cairn.core.Core.step(run.config(), state, t.now(), t.wall(), t.event()).state();
    }
    var t = run.events().get((int) firsts[3]);
    var after = dev.cairn.core.Core.step(run.config(), state, t.now(), t.wall(), t.event()).state();
    List<String> want = StateChanges.between(ValueJson.node(state), ValueJson.node(after), 40);
    assertThat(want).isNotEmpty();
    assertThat(changes.out().lines().filter(l -> l.startsWith("         ~ ")).map(l -> l.substring(11)))
        .containsExactlyElementsOf(want);

    // a file left out is said
    List<Path> gap = new ArrayList<>(ring.subList(0, 6));
    gap.remove(2);
    TraceFiles.Run withGap = TraceFiles.cairn(args("show", gap));
    assertThat(withGap.out()).contains("# steps " + firsts[2] + ".." + (firsts[3] - 1)
        + " are in none of the files given");
    assertThat(TraceFiles.cairn(args("show", gap, "--json")).out()).contains("{\"missing\":{\"from\":" + firsts[2]
        + ",\"to\":" + (firsts[3] - 1) + "}}");

    Path png = dir.resolve("ring.png");
    TraceFiles.Run drawn = TraceFiles.cairn(args("timeline", files, "--out", png.toString()));
    assertThat(drawn.code()).as(drawn.err()).isZero();
    assertThat(drawn.out()).contains("(steps 0.." + (firsts[6] - 1) + ")");
    assertThat(Files.size(png)).isPositive();
    TraceFiles.Run drawnGap = TraceFiles.cairn(args("timeline", gap, "--out", png.toString()));
    assertThat(drawnGap.code()).isEqualTo(1);
    assertThat(drawnGap.out()).contains(ring.get(3) + " does not follow on from the file before it")
        .contains("(steps 0.." + (firsts[2] - 1) + ")");
  }

  /**
   * The {@code +seconds} column and a time since the trace's start ({@code --from +S}) count from
   * the run's first record, which every file's header names: they stay where they were when the
   * node deletes its oldest files (they counted from the oldest file left, and moved).
   */
  @Test
  void aTimeSinceTheStartStaysWhereItWasWhenTheOldestFilesAreDeleted() throws Exception {
    List<Path> ring = ringFiles();
    Path kept = Files.createDirectories(dir.resolve("kept")).resolve("k.trace");
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      files.add(Files.copy(ring.get(i), TraceWriter.segmentPath(kept, i)));
    }
    long step = firstSteps(files, 5)[3];
    long sinceMs = (times.get((int) step)[1] - times.get(0)[1]) / 1_000_000; // at or before the step
    String seconds = String.format(java.util.Locale.ROOT, "+%10.6fs", (times.get((int) step)[1] - times.get(0)[1])
        / 1e9);
    String[] show = {"trace", "show", files.get(3).toString(), "--from", Long.toString(step), "--to",
        Long.toString(step)};
    String[] since = {"trace", "show", files.get(3).toString(), "--from", "+" + sinceMs + "ms"};
    for (int deleted = 0; deleted <= 2; deleted++) {
      if (deleted > 0) {
        Files.delete(files.get(deleted - 1)); // as a node keeping its newest files does
      }
      TraceFiles.Run line = TraceFiles.cairn(show);
      assertThat(line.code()).as(line.err()).isZero();
      assertThat(line.out()).as("with the %d oldest files deleted", deleted).contains(step + "  " + seconds + "  ");
      TraceFiles.Run from = TraceFiles.cairn(since);
      assertThat(from.code()).as(from.err()).isZero();
      assertThat(printedSteps(from.out())).as("with the %d oldest files deleted", deleted).first().isEqualTo(step);
    }
  }

  @Test
  void onlyTheReadableFilesOfTheSameRotatedTraceAreItsSegments() throws Exception {
    List<Path> ring = ringFiles();
    Path d = Files.createDirectories(dir.resolve("siblings"));
    for (int i = 0; i < 3; i++) {
      Files.copy(ring.get(i), TraceWriter.segmentPath(d.resolve("x.trace"), i));
    }
    Files.copy(ring.get(2), d.resolve("x.trace.02")); // not how the writer names segment 2
    Files.copy(ring.get(1), d.resolve("y.trace.1")); // another trace
    Files.write(d.resolve("x.trace.png"), new byte[] {1, 2, 3}); // timeline's picture
    Files.write(d.resolve("x.trace.3"), new byte[] {9, 9, 9}); // corrupt
    Files.copy(ring.get(3), d.resolve("x.trace.4")); // segment 3 under the name of segment 4
    // a segment 5 of another run (a node started again with another seed) under this trace's name
    TraceFiles.Parsed fifth = TraceFiles.parse(ring.get(5));
    TraceFiles.write(d.resolve("x.trace.5"), fifth.header().toBuilder().setPrngSeed(fifth.header().getPrngSeed() + 1)
        .build(), fifth.records());
    Path second = d.resolve("x.trace.1");
    try (TraceReader r = TraceReader.open(second)) {
      assertThat(TraceSegments.of(second, r.header()).segments()).extracting(TraceSegments.Segment::file)
          .containsExactly(d.resolve("x.trace"), second, d.resolve("x.trace.2"));
    }
    // a segment renamed away from its number is taken alone
    Path renamed = Files.copy(ring.get(1), d.resolve("renamed.trace"));
    try (TraceReader r = TraceReader.open(renamed)) {
      TraceSegments alone = TraceSegments.of(renamed, r.header());
      assertThat(alone.segments()).extracting(TraceSegments.Segment::file).containsExactly(renamed);
      assertThat(alone.hasLater()).isFalse();
    }
  }
}
