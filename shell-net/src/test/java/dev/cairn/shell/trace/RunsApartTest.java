package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import dev.cairn.core.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs of one node with a {@code prng_seed} fixed in its config: the same seed and config in
 * every header. The earlier run's files were set aside under a name of their own when the node
 * started again, which keeps the runs apart, so a file missing from either is a break, not a run
 * of its own.
 */
class RunsApartTest {

  @TempDir static Path dir;
  private static final List<Path> EARLIER = new ArrayList<>();
  private static final List<Path> LATER = new ArrayList<>();

  @BeforeAll
  static void record() {
    SmallWorldRun world = SmallWorldRun.generate(600, 4, false);
    Path earlier = dir.resolve("n.20261124T150605Z.trace");
    Path later = dir.resolve("n.trace");
    world.record(TraceFiles.options(earlier, 12 * 1024));
    // the node started again from where the earlier run left its state after 300 steps, same seed
    CoreState s = world.initial();
    for (int i = 0; i < 300; i++) {
      SyntheticRun.Timed t = world.events().get(i);
      s = Core.step(world.config(), s, t.now(), t.wall(), t.event()).state();
    }
    try (TraceWriter w = new TraceWriter(TraceFiles.options(later, 12 * 1024), world.config(), s, world.prngSeed())) {
      for (int i = 300; i < world.events().size(); i++) {
        SyntheticRun.Timed t = world.events().get(i);
        Step<CoreState, CoreEffect> st = Core.step(world.config(), s, t.now(), t.wall(), t.event());
        w.onStep(t.now(), t.wall(), t.event(), st, 0);
        s = st.state();
      }
    }
    for (int i = 0; Files.exists(TraceWriter.segmentPath(earlier, i)); i++) {
      EARLIER.add(TraceWriter.segmentPath(earlier, i));
    }
    for (int i = 0; Files.exists(TraceWriter.segmentPath(later, i)); i++) {
      LATER.add(TraceWriter.segmentPath(later, i));
    }
  }

  private static TraceFiles.Run cairn(String command, List<Path> files, String... more) {
    return TraceFiles.cairn(TracePointTest.args(command, files, more));
  }

  @Test
  void twoRunsWithOneSeedAreTwoTraces() {
    assertThat(EARLIER).hasSizeGreaterThan(2);
    assertThat(LATER).hasSizeGreaterThan(2);
    List<Path> all = new ArrayList<>(EARLIER);
    all.addAll(LATER);
    TraceFiles.Run r = cairn("replay", all);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("OK: 2 of 2 traces replayed identically");
  }

  @Test
  void aFileMissingFromOneRunIsABreak() {
    List<Path> gap = new ArrayList<>(EARLIER);
    gap.addAll(LATER);
    gap.remove(LATER.get(1));
    TraceFiles.Run r = cairn("replay", gap);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("BREAK between " + LATER.get(0) + " and " + LATER.get(2))
        .contains("a file of the rotated trace is missing")
        .contains("not replayed: " + (LATER.size() - 2 == 1 ? "1 file" : (LATER.size() - 2) + " files")
            + " from there on (" + LATER.get(2));
    // a window past the gap: summary stops at it, and does not say the files hold no step of it
    long inThird;
    try (TraceReader third = TraceReader.open(LATER.get(2))) {
      inThird = third.header().getFirstStep() + 1;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    TraceFiles.Run s = cairn("summary", gap.stream().filter(LATER::contains).toList(), "--from",
        Long.toString(inThird), "--to", Long.toString(inThird));
    assertThat(s.code()).as(s.out() + s.err()).isEqualTo(1);
    assertThat(s.err()).contains("the files were read up to the break above, before any step of the window")
        .doesNotContain("no step of");
    // validate judges the other run wholly and this one up to its break, and says which it did not judge
    TraceFiles.Run v = cairn("validate", gap);
    assertThat(v.code()).as(v.out() + v.err()).isEqualTo(1);
    assertThat(v.out()).contains("BREAK between " + LATER.get(0) + " and " + LATER.get(2));
    for (Path judged : EARLIER) {
      assertThat(v.out()).contains(judged + ": OK: ");
    }
    assertThat(v.out()).contains(LATER.get(0) + ": OK: ")
        .contains(LATER.get(2) + ": not judged: it does not continue the file before it (the BREAK above)")
        .doesNotContain(LATER.get(2) + ": OK");
    for (Path after : LATER.subList(3, LATER.size())) {
      assertThat(v.out()).contains(after + ": not judged: " + LATER.get(2) + " does not continue the file before it");
    }
  }

  /**
   * Runs kept in folders of their own under the names they were written under (copied off before a
   * restart, or two homes' traces): a file missing from one is still a break.
   */
  @Test
  void runsInFoldersOfTheirOwnAreTwoTraces() throws Exception {
    Path x = Files.createDirectories(dir.resolve("apart/x"));
    Path y = Files.createDirectories(dir.resolve("apart/y"));
    List<Path> given = new ArrayList<>();
    for (int i = 0; i < EARLIER.size(); i++) {
      if (i != 1) { // the earlier run's second file is missing
        given.add(Files.copy(EARLIER.get(i), TraceWriter.segmentPath(x.resolve("n.trace"), i)));
      }
    }
    for (int i = 0; i < LATER.size(); i++) {
      given.add(Files.copy(LATER.get(i), TraceWriter.segmentPath(y.resolve("n.trace"), i)));
    }
    TraceFiles.Run r = cairn("replay", given);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("BREAK between " + x.resolve("n.trace") + " and "
        + TraceWriter.segmentPath(x.resolve("n.trace"), 2));
  }

  /**
   * A later file broken from its first record: summary still sums the steps of the files before
   * it, and says where it stopped.
   */
  @Test
  void aLaterFileBrokenAtItsFirstRecordEndsTheSumThere() throws Exception {
    Path d = Files.createDirectories(dir.resolve("first-record"));
    List<Path> copies = new ArrayList<>();
    for (int i = 0; i < LATER.size(); i++) {
      copies.add(Files.copy(LATER.get(i), TraceWriter.segmentPath(d.resolve("n.trace"), i)));
    }
    Path third = copies.get(2);
    byte[] bytes = Files.readAllBytes(third);
    int at = (int) TraceFiles.offsetOf(third, 0);
    bytes[at + 1] = (byte) 0xff;
    bytes[at + 2] = (byte) 0xff;
    Files.write(third, bytes);
    long firstOfThird;
    try (TraceReader h = TraceReader.open(third)) {
      firstOfThird = h.header().getFirstStep();
    }
    TraceFiles.Run s = cairn("summary", copies);
    assertThat(s.code()).as(s.out() + s.err()).isEqualTo(2);
    assertThat(s.out()).contains(": steps 0.." + (firstOfThird - 1) + " (" + firstOfThird + " steps)")
        .contains("BROKEN: summed up to the step before the broken record");
  }
}
