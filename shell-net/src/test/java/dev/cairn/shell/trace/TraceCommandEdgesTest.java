package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.proto.trace.TraceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code trace} commands say at the edges of what they are given: a step past the end of
 * a rotated trace, a first step unlike its record, a header alone, a file given twice, and a file
 * renamed into, or copied among, a rotated trace's files, which every command refuses alike.
 */
class TraceCommandEdgesTest {

  @TempDir static Path dir;
  private static final List<Path> ROTATED = new ArrayList<>();
  private static Path whole;

  @BeforeAll
  static void record() {
    SmallWorldRun world = SmallWorldRun.generate(600, 4, false);
    Path rotated = dir.resolve("n.trace");
    world.record(TraceFiles.options(rotated, 12 * 1024));
    for (int i = 0; Files.exists(TraceWriter.segmentPath(rotated, i)); i++) {
      ROTATED.add(TraceWriter.segmentPath(rotated, i));
    }
    whole = dir.resolve("whole.trace");
    world.record(TraceFiles.options(whole, 64L << 20));
  }

  /** A copy of the whole trace named {@code name} whose step {@code k} has the next step's event and another digest. */
  private static Path withStepAltered(String name, int k) throws Exception {
    return TraceFiles.rewrite(whole, dir.resolve(name), l -> {
      TraceRecord r = l.get(k);
      l.set(k, r.toBuilder().setEffectsDigest(r.getEffectsDigest() ^ 0x5a5a5a5a5a5a5a5aL)
          .setEvent(l.get(k + 1).getEvent()).build());
      return l;
    });
  }

  private static TraceFiles.Run cairn(String command, List<Path> files, String... more) {
    return TraceFiles.cairn(TracePointTest.args(command, files, more));
  }

  @Test
  void aStepPastTheEndOfARotatedTraceIsSaidToBeSo() throws Exception {
    assertThat(ROTATED).hasSizeGreaterThan(2);
    Path newest = ROTATED.get(ROTATED.size() - 1);
    List<TraceRecord> records = TraceFiles.parse(newest).records();
    long last = records.get(records.size() - 1).getStep();
    TraceFiles.Run past = TraceFiles.cairn("trace", "replay", ROTATED.get(0).toString(), "--at", "" + (last + 1000));
    assertThat(past.code()).as(past.out() + past.err()).isEqualTo(2);
    assertThat(past.err()).contains("step " + (last + 1000) + " is after the last step recorded: step " + last)
        .contains(newest + ", the newest file of this trace").doesNotContain(newest + " holds");
    // all the files given: the same
    TraceFiles.Run all = cairn("replay", ROTATED, "--at", "" + (last + 1));
    assertThat(all.code()).as(all.out() + all.err()).isEqualTo(2);
    assertThat(all.err()).contains("step " + (last + 1) + " is after the last step recorded: step " + last + ", in "
        + newest + ", the newest file of this trace");
    // a step the newest file holds is still named with it
    TraceFiles.Run there = TraceFiles.cairn("trace", "replay", ROTATED.get(0).toString(), "--at", "" + last);
    assertThat(there.code()).isEqualTo(2);
    assertThat(there.err()).contains(newest + " holds step " + last);
  }

  @Test
  void aFirstStepUnlikeItsRecordLeavesNothingToSumUpOrDraw() throws Exception {
    Path bad = withStepAltered("first.trace", 0);
    for (String command : List.of("summary", "timeline")) {
      TraceFiles.Run r = cairn(command, List.of(bad), command.equals("timeline")
          ? new String[] {"--out", dir.resolve("first.png").toString()} : new String[0]);
      assertThat(r.code()).as(command + ": " + r.out() + r.err()).isEqualTo(1);
      assertThat(r.out()).as(command).contains("MISMATCH at step 0");
      assertThat(r.err()).as(command)
          .contains(command.equals("summary") ? "nothing to sum up" : "nothing to draw")
          .contains("the trace's first step did not replay").doesNotContain("break above")
          .doesNotContain("the files after the break");
    }
  }

  @Test
  void aWindowWhoseFirstStepIsUnlikeItsRecordLeavesNothingToSumUp() throws Exception {
    Path bad = withStepAltered("fifth.trace", 5);
    TraceFiles.Run r = cairn("summary", List.of(bad), "--from", "5");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("MISMATCH at step 5").contains("no step of the window before it")
        .doesNotContain("summed up to the step before it");
    assertThat(r.err()).contains("nothing to sum up: the trace did not replay as recorded up to the window step 5")
        .doesNotContain("break above");
  }

  @Test
  void aHeaderAloneIsATraceOfNoStep() throws Exception {
    byte[] all = Files.readAllBytes(whole);
    Path header = dir.resolve("header-only.trace");
    Files.write(header, java.util.Arrays.copyOf(all, TraceFiles.headerEnd(all)));
    for (String command : List.of("replay", "show", "summary")) {
      TraceFiles.Run r = cairn(command, List.of(header));
      assertThat(r.code()).as(command + ": " + r.out() + r.err()).isZero();
    }
    assertThat(cairn("summary", List.of(header)).out()).contains(header + ": no step recorded (a header only)");
    assertThat(cairn("summary", List.of(header), "--json").out()).contains("\"steps\":0");
  }

  @Test
  void everyCommandRefusesAFileGivenTwice() throws Exception {
    Path hardLink = Files.createLink(dir.resolve("hard.trace"), whole);
    for (String command : List.of("config", "replay", "show", "summary", "validate")) {
      for (Path again : List.of(whole, hardLink)) {
        TraceFiles.Run r = cairn(command, List.of(whole, again));
        assertThat(r.code()).as(command + ": " + r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).as(command).contains(again + " is named twice");
        assertThat(r.out()).as(command).isEmpty();
      }
    }
  }

  @Test
  void cutRefusesARenamedOrCopiedFileAsReplayDoes() throws Exception {
    Path renamed = Files.createDirectories(dir.resolve("renamed"));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < ROTATED.size(); i++) {
      // file 2 stands in as a file 999 that the trace never had
      Path to = renamed.resolve(i == 2 ? "n.trace.999" : ROTATED.get(i).getFileName().toString());
      Files.copy(ROTATED.get(i), to);
      files.add(to);
    }
    Path copies = Files.createDirectories(dir.resolve("copies"));
    List<Path> withCopy = new ArrayList<>();
    for (Path f : ROTATED) {
      withCopy.add(Files.copy(f, copies.resolve(f.getFileName())));
    }
    withCopy.add(Files.copy(ROTATED.get(1), copies.resolve("spare.trace")));
    for (List<Path> set : List.of(files, withCopy)) {
      String reason = null;
      for (String command : List.of("replay", "cut")) {
        Path out = dir.resolve("cut-" + set.size() + "-" + command + ".trace");
        TraceFiles.Run r = command.equals("cut") ? cairn("cut", set, "--out", out.toString()) : cairn(command, set);
        assertThat(r.code()).as(command + ": " + r.out() + r.err()).isEqualTo(2);
        assertThat(out).doesNotExist();
        String said = r.err().substring(r.err().indexOf(':') + 1).strip();
        if (reason == null) {
          reason = said;
          assertThat(reason).isNotEmpty();
        } else {
          assertThat(said).as("cut says what replay says").isEqualTo(reason);
        }
      }
    }
  }

  @Test
  void aWindowOfOneStepIsSaidInTheSingular() {
    Path one = dir.resolve("one-step.trace");
    TraceFiles.Run cut = TraceFiles.cairn("trace", "cut", whole.toString(), "--from", "7", "--to", "7", "--out",
        one.toString());
    assertThat(cut.code()).as(cut.out() + cut.err()).isZero();
    TraceFiles.Run diff = TraceFiles.cairn("trace", "diff", whole.toString(), one.toString());
    assertThat(diff.code()).as(diff.out() + diff.err()).isZero();
    assertThat(diff.out()).contains("SAME: the 1 step both hold (7..7) is identical");
  }

  @Test
  void aHeaderOfNoBytesIsNamedAsSuch() throws Exception {
    // a header of no bytes past the magic: named as such, not as byte offsets 9..8
    byte[] magic = java.util.Arrays.copyOf(Files.readAllBytes(whole), TraceFormat.MAGIC.length);
    Path empty = dir.resolve("empty-header.trace");
    Files.write(empty, concat(magic, new byte[] {0}));
    TraceFiles.Run r = cairn("replay", List.of(empty));
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("corrupt header (0 bytes, at byte offset " + (TraceFormat.MAGIC.length + 1) + ")");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
