package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn trace cut}: a window of a trace, or of a rotated trace's files, written as a trace
 * of its own that replays and validates alone, with the same steps, the same effects and the same
 * states as the trace it came from; nothing written when the trace does not replay to the window's
 * end, and never over an existing file.
 */
class TraceCutTest {

  private static final int STEPS = 1_200;
  private static SmallWorldRun world;

  @TempDir static Path shared;
  private static Path whole;
  private static Path rotated;
  @TempDir Path dir;

  @BeforeAll
  static void record() {
    world = SmallWorldRun.generate(STEPS, 41, false);
    whole = shared.resolve("whole/node.trace");
    world.record(TraceFiles.options(whole, 64L << 20));
    rotated = shared.resolve("rotated/node.trace");
    world.record(TraceFiles.options(rotated, 20 * 1024));
  }

  /** The step lines of a {@code show}, without its header lines and the seconds column (it counts from a file's start). */
  private static List<String> steps(String show) {
    return show.lines().filter(l -> !l.startsWith("#"))
        .map(l -> l.replaceFirst("^( *\\d+)  \\+ *[0-9.]+s", "$1")).toList();
  }

  /** A {@code replay --at}'s step line and state, without the replay's summary and the step line's seconds. */
  private static String withoutSeconds(String text) {
    return text.lines().filter(l -> !l.startsWith("OK: ")).map(l -> l.replaceAll("  \\+ *[0-9.]+s  ", "  "))
        .collect(Collectors.joining("\n"));
  }

  /** The first step from 400 on whose event is not its predecessor's: giving it that event alters it. */
  private static int alteredStep() throws Exception {
    List<dev.cairn.proto.trace.TraceRecord> rs = TraceFiles.parse(whole).records();
    int k = 400;
    while (rs.get(k).getEvent().equals(rs.get(k - 1).getEvent())) {
      k++;
    }
    assertThat(k).as("an event unlike the one before it, within the window up to 700").isLessThan(700);
    return k;
  }

  private static String[] args(List<Path> files, String... more) {
    List<String> a = new ArrayList<>(List.of("trace", "cut"));
    files.forEach(f -> a.add(f.toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static List<Path> rotatedFiles() throws Exception {
    try (Stream<Path> s = Files.list(rotated.getParent())) {
      return s.sorted().collect(Collectors.toCollection(ArrayList::new));
    }
  }

  @Test
  void aWindowReplaysAloneWithTheStepsEffectsAndStatesOfTheTrace() throws Exception {
    Path out = dir.resolve("incident.trace");
    TraceFiles.Run cut = TraceFiles.cairn(args(List.of(whole), "--from", "300", "--to", "700", "--out", out.toString()));
    assertThat(cut.code()).as(cut.out() + cut.err()).isZero();
    assertThat(cut.out()).contains("wrote " + out + ": steps 300..700 (401 steps), from the state before step 300");
    if (Files.getFileStore(out).supportsFileAttributeView("posix")) {
      assertThat(Files.getPosixFilePermissions(out)).as("a file to hand on: readable as the node's own are")
          .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
    }

    TraceFiles.Run replay = TraceFiles.cairn("trace", "replay", out.toString());
    assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
    assertThat(replay.out()).contains("401 steps replayed (steps 300..700)");

    assertThat(steps(TraceFiles.cairn("trace", "show", "--effects", out.toString()).out()))
        .hasSize(steps(TraceFiles.cairn("trace", "show", "--effects", whole.toString(), "--from", "300", "--to",
            "700").out()).size())
        .isEqualTo(steps(TraceFiles.cairn("trace", "show", "--effects", whole.toString(), "--from", "300", "--to",
            "700").out()));
    for (String at : List.of("300", "512", "700")) {
      // the same state (the seconds of the step's line count from each file's first step)
      assertThat(withoutSeconds(TraceFiles.cairn("trace", "replay", out.toString(), "--at", at).out()))
          .as("the state after step %s", at)
          .isEqualTo(withoutSeconds(TraceFiles.cairn("trace", "replay", whole.toString(), "--at", at).out()
              .replace(whole.toString(), out.toString())));
    }
    try (TraceReader r = TraceReader.open(out); TraceReader w = TraceReader.open(whole)) {
      assertThat(r.header().getCoreConfig()).isEqualTo(w.header().getCoreConfig());
      assertThat(r.header().getPrngSeed()).isEqualTo(w.header().getPrngSeed());
      assertThat(r.header().getFirstStep()).isEqualTo(300);
    }
  }

  @Test
  void aWindowAcrossTheFilesOfARotatedTrace_givenInAnyOrder_isOneFile() throws Exception {
    List<Path> files = rotatedFiles();
    assertThat(files).as("the trace rotated into several files").hasSizeGreaterThan(4);
    Collections.shuffle(files, new Random(7));
    Path out = dir.resolve("across.trace");
    TraceFiles.Run cut = TraceFiles.cairn(args(files, "--from", "150", "--to", "1000", "--out", out.toString()));
    assertThat(cut.code()).as(cut.out() + cut.err()).isZero();
    TraceFiles.Run replay = TraceFiles.cairn("trace", "replay", out.toString());
    assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
    assertThat(replay.out()).contains("851 steps replayed (steps 150..1000)");
    assertThat(steps(TraceFiles.cairn("trace", "show", out.toString()).out()))
        .isEqualTo(steps(TraceFiles.cairn("trace", "show", whole.toString(), "--from", "150", "--to", "1000").out()));
  }

  /** A copy among a rotated trace's files is refused: it would split the trace and hide a missing file. */
  @Test
  void aCopyAmongARotatedTracesFilesIsRefused() throws Exception {
    List<Path> files = rotatedFiles();
    Path copy = Files.copy(files.get(2), dir.resolve("copy.trace.bak"));
    List<String> a = new ArrayList<>(List.of("trace", "replay"));
    files.forEach(f -> a.add(f.toString()));
    a.add(copy.toString());
    TraceFiles.Run replay = TraceFiles.cairn(a.toArray(String[]::new));
    assertThat(replay.code()).as(replay.out() + replay.err()).isEqualTo(2);
    assertThat(replay.err()).contains(copy + " are one file of one trace").contains("a copy?");
    a.set(1, "validate");
    TraceFiles.Run validate = TraceFiles.cairn(a.toArray(String[]::new));
    assertThat(validate.code()).isEqualTo(2);
    assertThat(validate.err()).contains("a copy?");
  }

  /**
   * A file named as one of a rotated trace's files whose header is of another run (or of another
   * file of the run) is refused by replay and validate, as cut and summary report a break there:
   * taken as a trace of its own it would hide the file it stands in for.
   */
  @Test
  void aFileOfAnotherRunUnderARotatedTracesNameIsRefused() throws Exception {
    Path mixed = Files.createDirectories(dir.resolve("mixed"));
    List<Path> files = new ArrayList<>();
    for (Path f : rotatedFiles()) {
      files.add(Files.copy(f, mixed.resolve(f.getFileName())));
    }
    Path second = mixed.resolve("node.trace.2");
    assertThat(files).contains(second);
    List<String> a = new ArrayList<>(List.of("trace", "replay"));
    files.forEach(f -> a.add(f.toString()));
    assertThat(TraceFiles.cairn(a.toArray(String[]::new)).code()).as("the files as written").isZero();

    TraceFiles.withHeader(Files.readAllBytes(second), second, h -> h.toBuilder().setPrngSeed(h.getPrngSeed() + 1).build());
    for (String command : List.of("replay", "validate")) {
      a.set(1, command);
      TraceFiles.Run r = TraceFiles.cairn(a.toArray(String[]::new));
      assertThat(r.code()).as(command + ": " + r.out() + r.err()).isEqualTo(2);
      assertThat(r.err()).as(command).contains(second + " is named as file 2 of " + mixed.resolve("node.trace")
          + "'s rotated trace, but its header is of another run");
    }

    Files.copy(whole, second, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // the run's, but file 0
    a.set(1, "replay");
    TraceFiles.Run r = TraceFiles.cairn(a.toArray(String[]::new));
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains(second + " is named as file 2 of").contains("but its header says file 0");
  }

  @Test
  void theWholeTraceWithoutAWindow_joinsARotatedTraceIntoOneFile() throws Exception {
    Path out = dir.resolve("joined.trace");
    TraceFiles.Run cut = TraceFiles.cairn(args(rotatedFiles(), "--out", out.toString()));
    assertThat(cut.code()).as(cut.out() + cut.err()).isZero();
    assertThat(cut.out()).contains("steps 0.." + (STEPS - 1));
    assertThat(TraceFiles.cairn("trace", "replay", out.toString()).code()).isZero();
    assertThat(steps(TraceFiles.cairn("trace", "show", out.toString()).out()))
        .isEqualTo(steps(TraceFiles.cairn("trace", "show", whole.toString()).out()));
  }

  @Test
  void aCutValidatesAgainstTheSpec() throws Exception {
    Path out = dir.resolve("spec.trace");
    assertThat(TraceFiles.cairn(args(List.of(whole), "--from", "600", "--to", "800", "--out", out.toString())).code())
        .isZero();
    TraceFiles.Run v = TraceFiles.cairn("trace", "validate", out.toString());
    assertThat(v.code()).as(v.out() + v.err()).isZero();
    assertThat(v.out()).contains("OK");
  }

  /**
   * {@code diff} of a trace and a cut of it compares them where they overlap: the trace, replayed
   * up to the cut's first step, must reach the state the cut starts from, then every step of the
   * cut must be the trace's.
   */
  @Test
  void aCutIsAWindowOfItsTraceForDiff() throws Exception {
    Path window = dir.resolve("window.trace");
    assertThat(TraceFiles.cairn(args(List.of(whole), "--from", "300", "--to", "700", "--out", window.toString()))
        .code()).isZero();
    TraceFiles.Run diff = TraceFiles.cairn("trace", "diff", whole.toString(), window.toString());
    assertThat(diff.code()).as(diff.out() + diff.err()).isZero();
    assertThat(diff.out()).contains("SAME: the 401 steps both hold (300..700) are identical")
        .contains(window + " ends there, " + whole + " goes on at step 701 (" + window + " is a window of " + whole + ")");
    TraceFiles.Run reversed = TraceFiles.cairn("trace", "diff", window.toString(), whole.toString());
    assertThat(reversed.code()).as(reversed.out() + reversed.err()).isZero();
    assertThat(reversed.out()).contains("is a window of");

    Path head = dir.resolve("head.trace");
    assertThat(TraceFiles.cairn(args(List.of(whole), "--from", "0", "--to", "10", "--out", head.toString()))
        .code()).isZero();
    TraceFiles.Run fromZero = TraceFiles.cairn("trace", "diff", whole.toString(), head.toString());
    assertThat(fromZero.code()).as("a window from step 0: " + fromZero.out() + fromZero.err()).isZero();
    assertThat(fromZero.out()).contains("SAME: the 11 steps both hold (0..10)")
        .contains(head + " ends there, " + whole + " goes on at step 11");

    Path overlapping = dir.resolve("overlapping.trace");
    assertThat(TraceFiles.cairn(args(List.of(whole), "--from", "650", "--to", "800", "--out",
        overlapping.toString())).code()).isZero();
    TraceFiles.Run overlap = TraceFiles.cairn("trace", "diff", window.toString(), overlapping.toString());
    assertThat(overlap.code()).as(overlap.out() + overlap.err()).isZero();
    assertThat(overlap.out()).contains("SAME: the 51 steps both hold (650..700)")
        .contains(window + " ends there, " + overlapping + " goes on at step 701").doesNotContain("window of");

    Path tail = dir.resolve("tail.trace");
    assertThat(TraceFiles.cairn(args(List.of(whole), "--from", "900", "--out", tail.toString())).code()).isZero();
    TraceFiles.Run toTheEnd = TraceFiles.cairn("trace", "diff", whole.toString(), tail.toString());
    assertThat(toTheEnd.code()).as(toTheEnd.out() + toTheEnd.err()).isZero();
    assertThat(toTheEnd.out()).contains("SAME: " + (STEPS - 900) + " steps").contains(tail + " starts at step 900");

    Path next = dir.resolve("next.trace");
    assertThat(TraceFiles.cairn(args(List.of(whole), "--from", "701", "--to", "750", "--out", next.toString()))
        .code()).isZero();
    TraceFiles.Run consecutive = TraceFiles.cairn("trace", "diff", window.toString(), next.toString());
    assertThat(consecutive.code()).as(consecutive.out() + consecutive.err()).isZero();
    assertThat(consecutive.out()).contains("CONTINUES: " + next + " starts at step 701 from the state " + window
        + " ends in");

    TraceFiles.Run apart = TraceFiles.cairn("trace", "diff", window.toString(), tail.toString());
    assertThat(apart.code()).as("nothing to compare").isEqualTo(2);
    assertThat(apart.err()).contains("cairn trace diff: no step in common: " + window + " ends after step 700 and "
        + tail + " starts at step 900");

    int k = alteredStep();
    Path altered = TraceFiles.rewrite(whole, dir.resolve("altered.trace"), l -> {
      l.set(k, l.get(k).toBuilder().setEvent(l.get(k - 1).getEvent()).build());
      return l;
    });
    Path undecodable = TraceFiles.rewrite(whole, dir.resolve("undecodable.trace"), l -> {
      l.set(17, l.get(17).toBuilder().setEvent(dev.cairn.proto.trace.Event.getDefaultInstance()).build());
      return l;
    });
    TraceFiles.Run broken = TraceFiles.cairn("trace", "diff", whole.toString(), undecodable.toString());
    assertThat(broken.code()).as("a broken file, not a divergence: " + broken.out()).isEqualTo(2);
    assertThat(broken.err()).contains(undecodable + ": the event of step 17").contains("cannot be decoded");
    assertThat(broken.out()).contains("BROKEN: the 17 steps before it are identical in both files");

    TraceFiles.Run inside = TraceFiles.cairn("trace", "diff", altered.toString(), window.toString());
    assertThat(inside.code()).isEqualTo(1);
    assertThat(inside.out()).contains("DIVERGE at step " + k + ": the events differ");
    TraceFiles.Run before = TraceFiles.cairn("trace", "diff", altered.toString(), tail.toString());
    assertThat(before.code()).isEqualTo(1);
    assertThat(before.out()).contains("DIVERGE before step 900: " + altered + " does not replay up to step 899")
        .contains("MISMATCH");
  }

  @Test
  void aTraceThatDoesNotReplayToTheWindowsEnd_writesNothing() throws Exception {
    int k = alteredStep();
    Path altered = TraceFiles.rewrite(whole, dir.resolve("altered.trace"), l -> {
      l.set(k, l.get(k).toBuilder().setEvent(l.get(k - 1).getEvent()).build());
      return l;
    });
    Path out = dir.resolve("out.trace");
    TraceFiles.Run cut = TraceFiles.cairn(args(List.of(altered), "--from", "300", "--to", "700", "--out",
        out.toString()));
    assertThat(cut.code()).as(cut.out() + cut.err()).isEqualTo(1);
    assertThat(cut.out()).contains("MISMATCH").contains("step " + k).contains("nothing written");
    assertThat(out).doesNotExist();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left")
          .containsExactlyInAnyOrder("altered.trace");
    }
    // a window that ends before the altered step is cut
    assertThat(TraceFiles.cairn(args(List.of(altered), "--from", "300", "--to", Integer.toString(k - 1), "--out",
        out.toString()))
        .code()).isZero();
  }

  @Test
  void aTraceCutShortByItsNode_isCutUpToItsLastWholeRecord() throws Exception {
    Path truncated = TraceFiles.cutInside(whole, 650, dir.resolve("died.trace"));
    Path out = dir.resolve("out.trace");
    TraceFiles.Run cut = TraceFiles.cairn(args(List.of(truncated), "--from", "600", "--out", out.toString()));
    assertThat(cut.code()).as(cut.out() + cut.err()).isEqualTo(2);
    assertThat(cut.err()).contains("record 650");
    assertThat(cut.out()).contains("steps 600..649").contains("the trace breaks after step 649");
    assertThat(TraceFiles.cairn("trace", "replay", out.toString()).code()).isZero();
  }

  @Test
  void badArgumentsAreRefusedAndNothingIsOverwritten() throws Exception {
    Path existing = dir.resolve("existing.trace");
    Files.writeString(existing, "keep me");
    TraceFiles.Run cut = TraceFiles.cairn(args(List.of(whole), "--out", existing.toString()));
    assertThat(cut.code()).isEqualTo(2);
    assertThat(cut.err()).contains("cannot write " + existing + ": it exists; not overwriting it");
    assertThat(Files.readString(existing)).isEqualTo("keep me");

    Path out = dir.resolve("none.trace");
    TraceFiles.Run empty = TraceFiles.cairn(args(List.of(whole), "--from", "5000", "--out", out.toString()));
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).contains("no step of " + whole);
    assertThat(out).doesNotExist();

    TraceFiles.Run missing = TraceFiles.cairn("trace", "cut", whole.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--out");

    Path notTrace = dir.resolve("notes.txt");
    Files.writeString(notTrace, "not a trace");
    TraceFiles.Run foreign = TraceFiles.cairn(args(List.of(notTrace), "--out", out.toString()));
    assertThat(foreign.code()).isEqualTo(2);
    assertThat(foreign.err()).contains("is not a Cairn trace").doesNotContain("Exception");
    assertThat(out).doesNotExist();
  }
}
