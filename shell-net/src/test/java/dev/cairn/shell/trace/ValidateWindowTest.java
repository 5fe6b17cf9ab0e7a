package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trace validate --from/--to}: only the steps of a window are judged against the spec; the
 * steps before it are replayed against their records to reach it, and the file is not read past it.
 */
class ValidateWindowTest {

  @TempDir static Path dir;

  private static Path trace;

  @BeforeAll
  static void record() {
    trace = dir.resolve("v.trace");
    SmallWorldRun.generate(1000, 3, false, 2).record(TraceWriter.Options.defaults(trace).withCheckpointInterval(128));
  }

  private static Instant wallOf(Path file, long step) throws Exception {
    try (TraceReader r = TraceReader.open(file)) {
      for (var e = r.next(); e.isPresent(); e = r.next()) {
        if (e.get().step() == step) {
          return Instant.ofEpochMilli(e.get().wallMillis());
        }
      }
    }
    throw new IllegalArgumentException("no step " + step);
  }

  @Test
  void onlyTheWindowIsJudged() throws Exception {
    Validate.Result r;
    try (Validate.Session s = new Validate.Session()) {
      r = s.validate(trace, Validate.CORE, Validate.Mode.PAIRS, null, null, new TracePoint.Step(500),
          new TracePoint.Step(700));
    }
    assertThat(r.valid()).as(() -> r.failure().map(Validate.Failure::describe).orElse("")).isTrue();
    assertThat(r.steps()).isEqualTo(201);
    assertThat(r.replayedBefore()).isEqualTo(500);
    assertThat(r.verdicts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(201);

    TraceFiles.Run bySteps = TraceFiles.cairn("trace", "validate", trace.toString(), "--from", "500", "--to", "700");
    assertThat(bySteps.code()).as(bySteps.out() + bySteps.err()).isZero();
    assertThat(bySteps.out()).contains("OK: 201 steps (steps 500..700) are steps of Core.tla")
        .contains("after the 500 steps before them were replayed, each matching its record");
    // the same window by the wall clock (the world's steps are at distinct milliseconds)
    Instant from = wallOf(trace, 500);
    Instant to = wallOf(trace, 700);
    assertThat(wallOf(trace, 499)).isBefore(from);
    assertThat(wallOf(trace, 701)).isAfter(to);
    TraceFiles.Run byTime = TraceFiles.cairn("trace", "validate", trace.toString(), "--from", from.toString(),
        "--to", to.toString());
    assertThat(byTime.code()).as(byTime.out() + byTime.err()).isZero();
    assertThat(byTime.out()).contains("OK: 201 steps (steps 500..700)");

    TraceFiles.Run none = TraceFiles.cairn("trace", "validate", trace.toString(), "--from",
        wallOf(trace, 999).plusSeconds(3600).toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no step of " + trace + " is in");
  }

  @Test
  void aRecordLeftOutIsCaughtInTheWindowAndBeforeIt() throws Exception {
    // inside the window: the spec and the record are checked, the step is named
    Path inside = TraceFiles.rewrite(trace, dir.resolve("inside.trace"), rs -> dropped(rs, 600));
    TraceFiles.Run in = TraceFiles.cairn("trace", "validate", inside.toString(), "--from", "500", "--to", "700");
    assertThat(in.code()).isEqualTo(1);
    assertThat(in.out()).contains("INVALID at step 600 (record 600")
        .contains("100 steps before it are steps of the spec and of the record, after the 500 steps before them");
    // before the window: replayed against its record, and named as such
    Path before = TraceFiles.rewrite(trace, dir.resolve("before.trace"), rs -> dropped(rs, 300));
    TraceFiles.Run early = TraceFiles.cairn("trace", "validate", before.toString(), "--from", "500");
    assertThat(early.code()).isEqualTo(1);
    assertThat(early.out()).contains("INVALID at step 300 (record 300")
        .contains("before the window: replayed, not judged");
  }

  /** The records without the one at {@code k}, the later ones numbered on from it. */
  private static java.util.List<dev.cairn.proto.trace.TraceRecord> dropped(
      java.util.List<dev.cairn.proto.trace.TraceRecord> rs, int k) {
    rs.remove(k);
    for (int i = k; i < rs.size(); i++) {
      rs.set(i, rs.get(i).toBuilder().setStep(i).build());
    }
    return rs;
  }

  @Test
  void theFileIsNotReadPastTheWindow() throws Exception {
    Path cutShort = TraceFiles.cutInside(trace, 800, dir.resolve("cut.trace"));
    TraceFiles.Run window = TraceFiles.cairn("trace", "validate", cutShort.toString(), "--from", "500", "--to", "700");
    assertThat(window.code()).as(window.out() + window.err()).isZero();
    assertThat(window.out()).contains("OK: 201 steps (steps 500..700)");
    TraceFiles.Run whole = TraceFiles.cairn("trace", "validate", cutShort.toString(), "--from", "500");
    assertThat(whole.code()).isEqualTo(2);
    assertThat(whole.out()).contains("BROKEN: the 300 steps before the broken record");
  }

  /** The files of a 1 000-step life recorded at {@code ring}, rotated at 24 KiB, in segment order. */
  private static List<Path> rotated(Path ring) throws Exception {
    Files.createDirectories(ring.getParent());
    TraceWriter.Options d = TraceWriter.Options.defaults(ring);
    SmallWorldRun.generate(1000, 3, false, 2).record(new TraceWriter.Options(ring, 24 * 1024, 100,
        d.queueCapacity(), d.maxBlock(), SpecHash.ABSENT, 128));
    List<Path> files = new ArrayList<>();
    for (int i = 0; Files.exists(TraceWriter.segmentPath(ring, i)); i++) {
      files.add(TraceWriter.segmentPath(ring, i));
    }
    return files;
  }

  @Test
  void theFilesOfARotatedTraceOutsideTheWindowAreSaidNotFailed() throws Exception {
    Path ring = dir.resolve("ring/v.trace");
    List<Path> files = rotated(ring);
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("trace", "validate"));
    files.forEach(f -> args.add(f.toString()));
    assertThat(files).hasSizeGreaterThan(2);
    long[] firsts = TracePointTest.firstSteps(files, 3);
    long from = firsts[1] + 1;
    long to = firsts[2] - 2;
    java.util.List<String> window = new java.util.ArrayList<>(args);
    window.addAll(java.util.List.of("--from", Long.toString(from), "--to", Long.toString(to)));
    TraceFiles.Run r = TraceFiles.cairn(window.toArray(String[]::new));
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains(TraceWriter.segmentPath(ring, 1) + ": OK: " + (to - from + 1) + " steps (steps "
        + from + ".." + to + ")").contains(TraceWriter.segmentPath(ring, 0) + ": no step in the window")
        .contains(TraceWriter.segmentPath(ring, 2) + ": no step in the window");
    java.util.List<String> outside = new java.util.ArrayList<>(args);
    outside.addAll(java.util.List.of("--from", "100000"));
    TraceFiles.Run none = TraceFiles.cairn(outside.toArray(String[]::new));
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no step of the files given is in step 100000");
  }

  /**
   * A time since the trace's first record is counted from the first record of its oldest file,
   * whichever files are given: show, summary and validate agree on the steps of such a window over
   * every file; a file given alone says which file holds the moment.
   */
  @Test
  void aTimeSinceTheFirstRecordIsTheTracesWhicheverFileIsGiven() throws Exception {
    List<Path> files = rotated(dir.resolve("offsets/v.trace"));
    assertThat(files).hasSizeGreaterThan(3);
    long start;
    try (TraceReader r = TraceReader.open(files.get(0))) {
      start = r.header().getStartMonoNanos();
    }
    java.util.NavigableMap<Long, Long> monoByStep = new java.util.TreeMap<>();
    for (Path f : files) {
      try (TraceReader r = TraceReader.open(f)) {
        for (var e = r.next(); e.isPresent(); e = r.next()) {
          monoByStep.put(e.get().step(), e.get().monoNanos());
        }
      }
    }
    long[] firsts = TracePointTest.firstSteps(files, 4);
    assertThat(firsts[3]).as("the third file holds several steps").isGreaterThan(firsts[2] + 2);
    long fromNanos = monoByStep.get(firsts[2] + 1) - start;
    long toNanos = monoByStep.get(firsts[3] + 1) - start;
    List<Long> want = monoByStep.entrySet().stream()
        .filter(e -> e.getValue() - start >= fromNanos && e.getValue() - start <= toNanos).map(e -> e.getKey()).toList();
    assertThat(want).hasSizeGreaterThan(1).contains(firsts[2] + 1, firsts[3]);
    String from = "+" + fromNanos + "ns";
    String to = "+" + toNanos + "ns";
    List<String> all = new ArrayList<>(List.of("trace", "show"));
    files.forEach(f -> all.add(f.toString()));
    all.addAll(List.of("--from", from, "--to", to));
    TraceFiles.Run show = TraceFiles.cairn(all.toArray(String[]::new));
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> Long.parseLong(l.strip().split("\\s+")[0])).toList()).containsExactlyElementsOf(want);
    // its +seconds column counts from the trace's first record too, so it can be given back as --from
    String line = show.out().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow();
    double secs = seconds(line);
    assertThat(secs).isCloseTo((monoByStep.get(want.get(0)) - start) / 1e9, org.assertj.core.api.Assertions.within(1e-6));
    all.set(1, "summary");
    all.add("--json");
    TraceFiles.Run summary = TraceFiles.cairn(all.toArray(String[]::new));
    assertThat(summary.code()).as(summary.err()).isZero();
    assertThat(summary.out()).contains("\"steps\":" + want.size());
    all.set(1, "validate");
    all.remove("--json");
    TraceFiles.Run validate = TraceFiles.cairn(all.toArray(String[]::new));
    assertThat(validate.code()).as(validate.out() + validate.err()).isZero();
    long judged = validate.out().lines().filter(l -> l.contains(": OK: "))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(": OK: ") + 6).split(" ")[0])).sum();
    assertThat(judged).as(validate.out()).isEqualTo(want.size());
    // the first file alone: the moment is in a later file, which is named
    TraceFiles.Run at = TraceFiles.cairn("trace", "replay", files.get(0).toString(), "--at", from);
    assertThat(at.code()).as(at.out() + at.err()).isEqualTo(2);
    assertThat(at.err()).contains(files.get(2) + " holds +").contains("since the trace's first record");
    // a later file alone counts from the trace's first record too
    TraceFiles.Run there = TraceFiles.cairn("trace", "replay", files.get(2).toString(), "--at", from);
    assertThat(there.code()).as(there.out() + there.err()).isZero();
    assertThat(there.out()).contains("after step " + (firsts[2] + 1) + ":");
    String stateLine = there.out().lines().filter(l -> l.startsWith("# state at ")).findFirst().orElseThrow();
    assertThat(seconds(stateLine.substring(stateLine.indexOf(": ") + 2)))
        .as("the state's line counts from the trace's first record too").isCloseTo(
            (monoByStep.get(firsts[2] + 1) - start) / 1e9, org.assertj.core.api.Assertions.within(1e-6));
  }

  /** The {@code +seconds} column of a step's line as {@code trace show} prints it. */
  private static double seconds(String line) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*[0-9]+\\s+([+-])\\s*([0-9.]+)s").matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return (m.group(1).equals("-") ? -1 : 1) * Double.parseDouble(m.group(2));
  }
}
