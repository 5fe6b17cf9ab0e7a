package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a trace command or a starting recorder does to files already there: a trace is never
 * overwritten by a picture, an earlier run's trace is kept under its start time, and a file that
 * is not a trace is never overwritten by one.
 */
class TraceFileSafetyTest {

  @TempDir static Path shared;
  private static SyntheticRun run;
  private static Path trace;

  @BeforeAll
  static void record() throws Exception {
    run = SyntheticRun.generate(200, 7);
    trace = shared.resolve("s.trace");
    run.record(trace, 50);
  }

  private static String stamp(Path file) throws Exception {
    try (TraceReader r = TraceReader.open(file)) {
      return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
          .format(Instant.ofEpochMilli(r.header().getStartWallMillis()));
    }
  }

  /**
   * A writer that cannot create its file (here its folder is a file; a full disk fails the same
   * way, at the first flush) says why to whoever waits for its first steps, so that {@code cairn
   * start} stops a node asked to record instead of running on without its trace; one that can
   * writes them and says nothing.
   */
  @Test
  void aWriterThatCannotWriteItsFileSaysWhyToWhoeverWaitsForIt(@TempDir Path dir) throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(notADirectory.resolve("t.trace")),
        run.config(), run.initial(), run.prngSeed())) {
      run.feed(w);
      assertThat(w.awaitFirstFlush(java.time.Duration.ofSeconds(10))).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("I/O error: ");
      assertThat(w.failed()).isTrue();
      assertThat(w.written()).as("nothing reached a file").isZero();
    }
    try (TraceWriter w = new TraceWriter(TraceWriter.Options.defaults(dir.resolve("ok.trace")), run.config(),
        run.initial(), run.prngSeed())) {
      run.feed(w);
      assertThat(w.awaitFirstFlush(java.time.Duration.ofSeconds(10))).isEmpty();
      assertThat(dir.resolve("ok.trace")).isNotEmptyFile();
    }
  }

  @Test
  void timelineRefusesToDrawOverATrace(@TempDir Path dir) throws Exception {
    Path copy = Files.copy(trace, dir.resolve("t.trace"));
    Path other = Files.copy(trace, dir.resolve("other.trace"));
    byte[] before = Files.readAllBytes(copy);

    TraceFiles.Run self = TraceFiles.cairn("trace", "timeline", copy.toString(), "--out", copy.toString());
    TraceFiles.Run onOther = TraceFiles.cairn("trace", "timeline", copy.toString(), "--out", other.toString());

    for (TraceFiles.Run r : List.of(self, onOther)) {
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("is a trace file; not overwriting it");
    }
    assertThat(Files.readAllBytes(copy)).isEqualTo(before);
    assertThat(Files.readAllBytes(other)).isEqualTo(before);
    TraceFiles.Run drawn = TraceFiles.cairn("trace", "timeline", copy.toString(), "--out",
        dir.resolve("t.png").toString());
    assertThat(drawn.code()).as(drawn.err()).isZero();
  }

  @Test
  void timelineDrawsOverAnEarlierPictureOnlyAndNamesAMissingDirectory(@TempDir Path dir) throws Exception {
    Path notes = Files.writeString(dir.resolve("notes.txt"), "my notes");
    Path png = dir.resolve("t.png");

    TraceFiles.Run onNotes = TraceFiles.cairn("trace", "timeline", trace.toString(), "--out", notes.toString());
    TraceFiles.Run nowhere = TraceFiles.cairn("trace", "timeline", trace.toString(), "--out",
        dir.resolve("nodir").resolve("x.png").toString());
    TraceFiles.Run drawn = TraceFiles.cairn("trace", "timeline", trace.toString(), "--out", png.toString());
    TraceFiles.Run again = TraceFiles.cairn("trace", "timeline", trace.toString(), "--out", png.toString());

    assertThat(onNotes.code()).isEqualTo(2);
    assertThat(onNotes.err()).contains("cannot write " + notes + ": it exists and is not a PNG picture");
    assertThat(Files.readString(notes)).isEqualTo("my notes");
    assertThat(nowhere.code()).isEqualTo(2);
    assertThat(nowhere.err()).contains("its directory " + dir.resolve("nodir") + " does not exist");
    assertThat(drawn.code()).as(drawn.err()).isZero();
    assertThat(again.code()).as("an earlier timeline is drawn over: " + again.err()).isZero();
  }

  @Test
  void cutNamesAMissingDirectoryAndWritesNothing(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("nodir").resolve("x.trace");

    TraceFiles.Run r = TraceFiles.cairn("trace", "cut", trace.toString(), "--to", "10", "--out", out.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("cannot write " + out + ": its directory " + dir.resolve("nodir") + " does not exist")
        .doesNotContain(".part");
    assertThat(dir.resolve("nodir")).doesNotExist();
  }

  /**
   * Two nodes' traces given together: replay takes them side by side, each on its own, as validate
   * does (a directory of traces), and so does summary.
   */
  @Test
  void anotherNodesTraceGivenAsTheNextFileIsNamedAsSuch(@TempDir Path dir) throws Exception {
    Path validator = dir.resolve("validator.trace");
    Path seed = dir.resolve("seed.trace");
    SmallWorldRun.generate(60, 3, false).record(TraceWriter.Options.defaults(validator));
    SmallWorldRun.generate(60, 3, true).record(TraceWriter.Options.defaults(seed));

    TraceFiles.Run replay = TraceFiles.cairn("trace", "replay", validator.toString(), seed.toString());
    assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
    assertThat(replay.out()).contains("## " + validator).contains("## " + seed)
        .contains("OK: 2 of 2 traces replayed identically").doesNotContain("BREAK");
    TraceFiles.Run at = TraceFiles.cairn("trace", "replay", validator.toString(), seed.toString(), "--at", "3");
    assertThat(at.code()).isEqualTo(2);
    assertThat(at.err()).contains("--at needs the files of one trace; these are 2 traces");

    // summary too: one summary per trace, not the first node's alone nor one history of both
    TraceFiles.Run summary = TraceFiles.cairn("trace", "summary", validator.toString(), seed.toString());
    assertThat(summary.code()).as(summary.err()).isZero();
    assertThat(summary.out()).contains("# " + validator + ": steps 0..59 (60 steps)")
        .contains("# " + seed + ": steps 0..59 (60 steps)").doesNotContain("another node's trace");
  }

  /**
   * A trailer whose state digest differs right after a checkpoint that verified that state, or
   * whose copy of the last step's effects digest differs from that step's verified record, is the
   * trailer's own damage: a broken file (status 2) in every command that reads to the end, naming
   * the trailer's record and byte offset, not a divergence over an empty window of steps.
   */
  @Test
  void aDamagedTrailerIsABrokenFileInEveryCommand(@TempDir Path dir) throws Exception {
    Path t = dir.resolve("t.trace");
    SmallWorldRun.generate(60, 3, false).record(new TraceWriter.Options(t, 64L << 20, 16, 1 << 16,
        Duration.ofSeconds(1), SpecHash.fromClasspath(), 20));
    TraceFiles.Parsed p = TraceFiles.parse(t);
    var last = p.records().get(p.records().size() - 1);
    assertThat(last.getStateDigest().isEmpty()).as("the last step is a checkpoint").isFalse();
    byte[] flipped = last.getStateDigest().toByteArray();
    flipped[0] ^= 1;
    List<dev.cairn.proto.trace.TraceRecord> records = new java.util.ArrayList<>(p.records());
    records.add(dev.cairn.proto.trace.TraceRecord.newBuilder().setTrailer(true).setStep(last.getStep())
        .setEffectsDigest(last.getEffectsDigest()).setStateDigest(com.google.protobuf.ByteString.copyFrom(flipped))
        .build());
    int trailerRecord = records.size() - 1;
    Path stateDamaged = dir.resolve("state.trace");
    TraceFiles.write(stateDamaged, p.header(), records);
    // the trailer's copy of the last step's effects digest damaged
    records.set(trailerRecord, records.get(trailerRecord).toBuilder().setStateDigest(last.getStateDigest())
        .setEffectsDigest(last.getEffectsDigest() ^ 4).build());
    Path digestDamaged = dir.resolve("digest.trace");
    TraceFiles.write(digestDamaged, p.header(), records);

    String named = "corrupt trailer (record " + trailerRecord + ") at byte offset ";
    for (Path damaged : List.of(stateDamaged, digestDamaged)) {
      String what = damaged == stateDamaged
          ? "is not the state the checkpoint of step " + last.getStep() + " verified"
          : "whose own record carries the";
      for (List<String> command : List.of(List.of("replay"), List.of("validate"), List.of("show", "--effects"),
          List.of("summary"), List.of("timeline"), List.of("cut", "--from", "3", "--out", dir.resolve("cut-"
              + damaged.getFileName()).toString()))) {
        List<String> args = new java.util.ArrayList<>(List.of("trace"));
        args.add(command.get(0));
        args.add(damaged.toString());
        args.addAll(command.subList(1, command.size()));
        TraceFiles.Run r = TraceFiles.cairn(args.toArray(String[]::new));
        String as = damaged.getFileName() + " " + command + ": " + r.out() + r.err();
        assertThat(r.code()).as(as).isEqualTo(2);
        assertThat(r.err()).as(as).contains(named).contains(what)
            .contains("so the trailer itself was damaged or altered");
        assertThat(r.out()).as(as).doesNotContain("MISMATCH").doesNotContain("INVALID")
            .doesNotContain("diverged in steps");
        if (command.get(0).equals("show")) { // every step shown, then the break said on stderr, as for any break
          assertThat(r.out()).as(as).contains(" " + last.getStep() + "  +");
        } else if (!command.get(0).equals("cut")) {
          assertThat(r.out()).as(as).contains("BROKEN");
        } else { // the steps before the break are written, as from any broken file
          assertThat(r.out()).as(as).contains("steps 3.." + last.getStep())
              .contains("(the trace breaks after step " + last.getStep() + ")");
        }
      }
      TraceFiles.Run cutReplayed = TraceFiles.cairn("trace", "replay", dir.resolve("cut-" + damaged.getFileName())
          .toString());
      assertThat(cutReplayed.code()).as(cutReplayed.out() + cutReplayed.err()).isZero();
    }
    TraceFiles.Run diff = TraceFiles.cairn("trace", "diff", t.toString(), digestDamaged.toString());
    assertThat(diff.code()).as(diff.out() + diff.err()).isEqualTo(2);
    assertThat(diff.out()).contains("BROKEN after the last step: the trailer of " + digestDamaged
        + " names another effects digest for step " + last.getStep());
    for (List<Path> pair : List.of(List.of(t, stateDamaged), List.of(stateDamaged, t))) {
      TraceFiles.Run state = TraceFiles.cairn("trace", "diff", pair.get(0).toString(), pair.get(1).toString());
      assertThat(state.code()).as(state.out() + state.err()).isEqualTo(2);
      assertThat(state.out()).contains("BROKEN after the last step: the trailer of " + stateDamaged
          + " names another state digest than the checkpoint of step " + last.getStep());
    }
  }

  /**
   * A byte flipped in a record's effects digest is damage, said as such (status 2 from replay and
   * validate, naming the record and its byte offset): the record after it verifies from the digest
   * replayed there, so the step is the recorded one. An altered event is still a difference.
   */
  @Test
  void aDamagedEffectsDigestIsSaidToBeDamageNotADifference(@TempDir Path dir) throws Exception {
    Path t = dir.resolve("t.trace");
    SmallWorldRun.generate(1200, 3, false).record(new TraceWriter.Options(t, 64L << 20, 16, 1 << 16,
        Duration.ofSeconds(1), SpecHash.fromClasspath(), 64));
    TraceFiles.Parsed p = TraceFiles.parse(t);
    dev.cairn.proto.trace.TraceRecord trailer;
    try (TraceReader reader = TraceReader.open(t)) {
      while (reader.next().isPresent()) {
        // to the end, where the trailer is
      }
      TraceReader.Trailer tr = reader.trailer().orElseThrow();
      trailer = dev.cairn.proto.trace.TraceRecord.newBuilder().setTrailer(true).setStep(tr.step())
          .setEffectsDigest(tr.effectsDigest()).setStateDigest(com.google.protobuf.ByteString.copyFrom(tr.stateDigest()))
          .build();
    }
    int last = p.records().size() - 1;
    for (int k : new int[] {5, 900, last}) { // 900: past the records replay steps on its own thread, ahead
      long step = p.records().get(k).getStep();
      Path damaged = TraceFiles.rewrite(t, dir.resolve("digest" + k + ".trace"), l -> {
        l.set(k, l.get(k).toBuilder().setEffectsDigest(l.get(k).getEffectsDigest() ^ (1L << 40)).build());
        l.add(trailer); // the last step's digest is verified by the trailer's copy of it
        return l;
      });
      for (String command : List.of("replay", "validate")) {
        TraceFiles.Run r = TraceFiles.cairn("trace", command, damaged.toString());
        assertThat(r.code()).as(command + " " + k + ": " + r.out() + r.err()).isEqualTo(2);
        assertThat(r.out() + r.err()).as(command + " " + k)
            .contains("corrupt step " + step + " (record " + k + " at byte offset ")
            .contains("the file's bytes were damaged there").doesNotContain("MISMATCH").doesNotContain("INVALID");
      }
      // diff against the file as written: the damage, not a divergence
      TraceFiles.Run diff = TraceFiles.cairn("trace", "diff", damaged.toString(), t.toString());
      assertThat(diff.code()).as("diff " + k + ": " + diff.out() + diff.err()).isEqualTo(2);
      assertThat(diff.out()).startsWith("BROKEN at step " + step + ": the effects digests differ")
          .contains("one file's digest was damaged or altered").doesNotContain("DIVERGE");
    }
    // the digests of two records in a row: the second does not verify from the first's, a difference
    Path two = TraceFiles.rewrite(t, dir.resolve("two.trace"), l -> {
      for (int k = 200; k <= 201; k++) {
        l.set(k, l.get(k).toBuilder().setEffectsDigest(l.get(k).getEffectsDigest() ^ 1).build());
      }
      return l;
    });
    TraceFiles.Run r = TraceFiles.cairn("trace", "replay", two.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("MISMATCH at step " + p.records().get(200).getStep());
  }

  /**
   * A trace file that holds no step (empty, or the first bytes of its magic: a node killed as it
   * created it) is deleted at the next start rather than kept as a run, so it never takes the
   * place of a kept run that has steps; a file that only looks alike is still refused.
   */
  @Test
  void aTraceThatHeldNoStepIsDeletedNotKept(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("e.trace");
    Path kept = Files.copy(trace, dir.resolve("e.20260101T000000Z.trace"));
    byte[] whole = Files.readAllBytes(trace);
    // empty, a beginning of the magic, the magic alone, and the magic with a header cut short (a full disk)
    for (byte[] bytes : List.of(new byte[0], "CAIRN".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        java.util.Arrays.copyOf(whole, TraceFormat.MAGIC.length),
        java.util.Arrays.copyOf(whole, TraceFormat.MAGIC.length + 40))) {
      Files.write(target, bytes);
      List<EarlierTrace.Moved> moved = EarlierTrace.setAside(target);
      assertThat(moved).containsExactly(new EarlierTrace.Moved(target, null, true));
      assertThat(target).doesNotExist();
      assertThat(kept).exists();
      try (var s = Files.list(dir)) {
        assertThat(s.count()).as("nothing else made or removed").isEqualTo(1);
      }
    }
    Files.writeString(target, "CAIRX");
    assertThatThrownBy(() -> EarlierTrace.setAside(target)).hasMessageContaining("is not a Cairn trace");
    // a file the system sizes at 0 but reads longer (as in /proc) is no trace either, and said so
    Path proc = Path.of("/proc/self/status");
    if (Files.isReadable(proc)) {
      assertThat(EarlierTrace.holdsNoStep(proc)).isFalse();
    }
  }

  /** A killed run and the next run of the same node: two traces, each replayed on its own, not a break. */
  @Test
  void twoRunsOfOneNodeAreReplayedSideBySide(@TempDir Path dir) throws Exception {
    Path first = dir.resolve("node.20261124T050000Z.trace");
    Path next = dir.resolve("node.trace");
    SmallWorldRun.generate(60, 3, false).record(TraceWriter.Options.defaults(first));
    SmallWorldRun.generate(80, 4, false).record(TraceWriter.Options.defaults(next));
    TraceFiles.Run replay = TraceFiles.cairn("trace", "replay", first.toString(), next.toString());
    assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
    assertThat(replay.out()).contains("OK: 2 of 2 traces replayed identically").doesNotContain("BREAK");
  }

  /**
   * A pipe at the trace's name is refused at once: never opened (that would wait for a reader or
   * writer forever), never moved. (A device is refused by the same test; the test does not use
   * one, which a regression would rename.)
   */
  @Test
  @org.junit.jupiter.api.Timeout(20)
  void aPipeWhereTheTraceGoesIsRefusedNotOpened(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("p.trace");
    org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
        "mkfifo is not available");

    assertThatThrownBy(() -> EarlierTrace.setAside(fifo)).isInstanceOf(EarlierTrace.Refused.class)
        .hasMessageContaining(fifo + " is not a regular file");
    TraceFiles.Run show = TraceFiles.cairn("trace", "show", fifo.toString());

    assertThat(show.code()).isEqualTo(2);
    assertThat(show.err()).contains(fifo + " is not a regular file");
    assertThat(Files.isRegularFile(fifo)).isFalse();
    assertThat(Files.exists(fifo)).as("left where it was").isTrue();
    Path empty = Files.createFile(dir.resolve("e.trace"));
    assertThat(EarlierTrace.setAside(empty)).as("an empty file: a trace cut before its header, kept aside").hasSize(1);
  }

  @Test
  void aPeerThatIsNoIdPrefixIsRefusedByName() {
    for (String command : List.of("show", "timeline")) {
      for (String bad : List.of("zz!!", "", "ABCDEF", "0".repeat(41))) {
        TraceFiles.Run r = command.equals("show")
            ? TraceFiles.cairn("trace", "show", trace.toString(), "--peer", bad)
            : TraceFiles.cairn("trace", "timeline", trace.toString(), "--peer", bad, "--out",
                shared.resolve("p.png").toString());
        assertThat(r.code()).as("%s --peer '%s'", command, bad).isEqualTo(2);
        assertThat(r.err()).as("%s --peer '%s'", command, bad).contains("--peer").contains("hex digits");
      }
    }
  }

  /**
   * A prefix that names no peer of the trace, or several, is refused by name (show printed
   * nothing, timeline drew an empty picture, or both merged two peers into one story, with exit 0);
   * one that names one peer is taken, even for a window that holds no step of it.
   */
  @Test
  void aPeerPrefixMustNameOnePeerOfTheTrace() throws Exception {
    java.util.Set<dev.cairn.core.NodeId> named = new java.util.TreeSet<>();
    assertThat(Validate.peersNamed(trace, named)).isTrue();
    List<String> ids = named.stream().map(dev.cairn.core.NodeId::hex).toList();
    String none = java.util.stream.IntStream.range(0, 1 << 16).mapToObj(i -> String.format("%04x", i))
        .filter(p -> ids.stream().noneMatch(id -> id.startsWith(p))).findFirst().orElseThrow();
    String shared = java.util.stream.IntStream.range(0, 16).mapToObj(Integer::toHexString)
        .filter(p -> ids.stream().filter(id -> id.startsWith(p)).count() >= 2).findFirst().orElseThrow();
    List<String> both = ids.stream().filter(id -> id.startsWith(shared)).toList();
    String one = ids.get(0).substring(0, 12);
    Path png = TraceFileSafetyTest.shared.resolve("peer.png");
    for (String command : List.of("show", "timeline")) {
      TraceFiles.Run unknown = peer(command, none, png);
      assertThat(unknown.code()).as(command + ": " + unknown.err()).isEqualTo(2);
      assertThat(unknown.err()).contains("--peer " + none + " names no peer of " + trace);
      TraceFiles.Run ambiguous = peer(command, shared, png);
      assertThat(ambiguous.code()).as(command + ": " + ambiguous.err()).isEqualTo(2);
      assertThat(ambiguous.err()).contains("--peer " + shared + " names " + both.size() + " peers of " + trace)
          .contains(both.get(0)).contains(both.get(1));
      assertThat(ambiguous.out()).as(command).isEmpty();
      TraceFiles.Run taken = peer(command, one, png);
      assertThat(taken.code()).as(command + ": " + taken.err()).isZero();
    }
    assertThat(png).as("no picture of an unknown or ambiguous peer; only of the one named").exists();
    TraceFiles.Run window = TraceFiles.cairn("trace", "show", trace.toString(), "--peer", one, "--to", "0");
    assertThat(window.code()).as("a window without the peer's steps: " + window.err()).isZero();
  }

  private static TraceFiles.Run peer(String command, String prefix, Path png) throws Exception {
    Files.deleteIfExists(png);
    TraceFiles.Run r = command.equals("show") ? TraceFiles.cairn("trace", "show", trace.toString(), "--peer", prefix)
        : TraceFiles.cairn("trace", "timeline", trace.toString(), "--peer", prefix, "--out", png.toString());
    if (r.code() != 0) {
      assertThat(png).as("%s --peer %s wrote no picture", command, prefix).doesNotExist();
    }
    return r;
  }

  @Test
  void nothingThereNothingMoved(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("sub/dir/n.trace");
    assertThat(EarlierTrace.setAside(target)).isEmpty();
    assertThat(target.getParent()).isDirectory();
  }

  @Test
  void aFileThatIsNotATraceIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("n.trace");
    Files.copy(trace, target);
    Path stranger = Files.writeString(dir.resolve("n.trace.2"), "{\"priv_key\": \"...\"}");

    assertThatThrownBy(() -> EarlierTrace.setAside(target)).isInstanceOf(EarlierTrace.Refused.class)
        .hasMessageContaining(stranger.toString()).hasMessageContaining("is not a Cairn trace");
    assertThat(Files.readString(stranger)).isEqualTo("{\"priv_key\": \"...\"}");
    assertThat(target).as("nothing of the set was moved").exists();
  }

  @Test
  void anEarlierRotatedTraceIsKeptAsOneSetUnderItsStart(@TempDir Path dir) throws Exception {
    Path ring = dir.resolve("r.trace");
    run.record(new TraceWriter.Options(ring, 4 * 1024, 1000, 4, Duration.ofSeconds(10), SpecHash.ABSENT, 64));
    List<Path> files;
    try (var s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    assertThat(files).as("a rotated trace").hasSizeGreaterThan(2);
    Files.delete(dir.resolve("r.trace.1")); // a gap, as rotation leaves once files are dropped
    String stamp = stamp(ring);
    Files.createFile(dir.resolve("r." + stamp + ".trace")); // an earlier archive with that name

    List<EarlierTrace.Moved> moved = EarlierTrace.setAside(ring);

    assertThat(moved).hasSize(files.size() - 1);
    assertThat(moved.get(0).from()).isEqualTo(ring);
    assertThat(moved.get(0).to()).isEqualTo(dir.resolve("r." + stamp + "-2.trace"));
    assertThat(moved.get(1).to()).isEqualTo(dir.resolve("r." + stamp + "-2.trace.2"));
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).as("nothing left for the new trace's r.trace*")
          .noneMatch(n -> n.startsWith("r.trace"));
    }
    TraceFiles.Run replay = TraceFiles.cairn("trace", "show", moved.get(0).to().toString(), "--to", "0");
    assertThat(replay.code()).as("the kept files still read as a trace: " + replay.err()).isZero();
  }

  @Test
  void validateRefusesFilesThatAreNotOneHistoryBeforeCheckingAStep(@TempDir Path dir) throws Exception {
    Path ring = dir.resolve("r.trace");
    run.record(new TraceWriter.Options(ring, 4 * 1024, 1000, 4, Duration.ofSeconds(10), SpecHash.ABSENT, 64));
    Path other = dir.resolve("other/o.trace");
    Files.createDirectories(other.getParent());
    SyntheticRun.generate(200, 8).record(new TraceWriter.Options(other, 4 * 1024, 1000, 4, Duration.ofSeconds(10),
        SpecHash.ABSENT, 64));
    assertThat(TraceWriter.segmentPath(ring, 3)).exists();

    TraceFiles.Run gap = TraceFiles.cairn("trace", "validate", ring.toString(), TraceWriter.segmentPath(ring, 1).toString(),
        TraceWriter.segmentPath(ring, 3).toString());
    assertThat(gap.code()).isEqualTo(1);
    assertThat(gap.out()).contains("BREAK between " + TraceWriter.segmentPath(ring, 1) + " and "
        + TraceWriter.segmentPath(ring, 3)).contains("are in neither file");

    TraceFiles.Run mixed = TraceFiles.cairn("trace", "validate", TraceWriter.segmentPath(other, 1).toString(),
        ring.toString());
    assertThat(mixed.code()).isEqualTo(1);
    assertThat(mixed.out()).contains("BREAK between");
  }

  /**
   * A node restarted again and again within one second of its trace's first step (a crash loop):
   * each run set aside takes a stamp past every kept run of that second, so the runs kept are the
   * most recent, in the order they ran (the stamp of a run deleted by pruning was taken again, and
   * sorted before the runs kept).
   */
  @Test
  void runsSetAsideWithinOneSecondKeepTheOrderTheyRan(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("c.trace");
    String stamp = stamp(trace);
    List<Path> kept = new java.util.ArrayList<>();
    for (int run = 1; run <= 5; run++) {
      Files.copy(trace, target);
      kept.add(EarlierTrace.setAside(target).get(0).to());
    }
    assertThat(kept).extracting(p -> p.getFileName().toString()).containsExactly("c." + stamp + ".trace",
        "c." + stamp + "-2.trace", "c." + stamp + "-3.trace", "c." + stamp + "-4.trace", "c." + stamp + "-5.trace");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).as("the three most recent")
          .containsExactly("c." + stamp + "-3.trace", "c." + stamp + "-4.trace", "c." + stamp + "-5.trace");
    }
  }

  @Test
  void onlyTheMostRecentEarlierRunsAreKept(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("k.trace");
    Files.copy(trace, target);
    for (String stamp : List.of("20260101T000000Z", "20260102T000000Z", "20260103T000000Z")) {
      Files.copy(trace, dir.resolve("k." + stamp + ".trace"));
      Files.copy(trace, dir.resolve("k." + stamp + ".trace.1"));
    }
    Path unrelated = Files.writeString(dir.resolve("k.notes.trace"), "notes");
    // named like the oldest kept runs, but not traces: never deleted
    Path picture = Files.write(dir.resolve("k.20200101T000000Z.trace"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Path text = Files.writeString(dir.resolve("k.20200102T000000Z.trace.1"), "not a trace");

    List<EarlierTrace.Moved> moved = EarlierTrace.setAside(target);

    assertThat(moved).filteredOn(m -> m.to() == null).extracting(EarlierTrace.Moved::from)
        .containsExactlyInAnyOrder(dir.resolve("k.20260101T000000Z.trace"), dir.resolve("k.20260101T000000Z.trace.1"));
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).as("the run just kept, the two newest before it, the notes")
          .containsExactlyInAnyOrder(
          "k.20260102T000000Z.trace", "k.20260102T000000Z.trace.1",
          "k.20260103T000000Z.trace", "k.20260103T000000Z.trace.1",
          "k." + stamp(trace) + ".trace", "k.notes.trace", "k.20200101T000000Z.trace", "k.20200102T000000Z.trace.1");
    }
    assertThat(Files.readString(unrelated)).isEqualTo("notes");
    assertThat(Files.readString(text)).isEqualTo("not a trace");
    assertThat(picture).isRegularFile();
  }

  /** A node that stopped right after writing its header leaves a file of no step: said so, not "steps 0..-1". */
  @Test
  void aHeaderOnlyFileIsNamedAsSuch(@TempDir Path dir) throws Exception {
    byte[] all = Files.readAllBytes(trace);
    Path header = Files.write(dir.resolve("h.trace"), java.util.Arrays.copyOf(all, TraceFiles.headerEnd(all)));

    TraceFiles.Run replay = TraceFiles.cairn("trace", "replay", header.toString());
    assertThat(replay.code()).as(replay.err()).isZero();
    assertThat(replay.out()).contains("OK: no step recorded: the file holds its header only").doesNotContain("..-1");
    TraceFiles.Run validate = TraceFiles.cairn("trace", "validate", header.toString());
    assertThat(validate.code()).as(validate.err()).isZero();
    assertThat(validate.out()).contains("OK: no step recorded: the file holds its header only");
    TraceFiles.Run timeline = TraceFiles.cairn("trace", "timeline", header.toString(), "--out",
        dir.resolve("h.png").toString());
    assertThat(timeline.code()).isEqualTo(2);
    assertThat(timeline.err()).contains(header + " holds no step to draw");
  }

  /** diff compares the trailers when both files have one, and says when one has none. */
  @Test
  void diffComparesTrailersAndSaysWhenOneIsMissing(@TempDir Path dir) throws Exception {
    long trailerAt;
    try (TraceReader r = TraceReader.open(trace)) {
      while (r.next().isPresent()) {
        // to the end, where the trailer is read
      }
      trailerAt = r.trailer().orElseThrow().offset();
    }
    byte[] all = Files.readAllBytes(trace);
    Path open = Files.write(dir.resolve("open.trace"), java.util.Arrays.copyOf(all, (int) trailerAt));

    TraceFiles.Run oneOpen = TraceFiles.cairn("trace", "diff", trace.toString(), open.toString());
    assertThat(oneOpen.code()).as(oneOpen.err()).isZero();
    assertThat(oneOpen.out()).contains("SAME: ").contains(open + " has no trailer");

    TraceFiles.Run both = TraceFiles.cairn("trace", "diff", trace.toString(), Files.copy(trace, dir.resolve("c.trace")).toString());
    assertThat(both.code()).isZero();
    assertThat(both.out()).contains("SAME: ").doesNotContain("no trailer");
  }

  @Test
  void archivedNamesStayOutsideTheNewTracesGlob() {
    assertThat(EarlierTrace.archivedName("a.trace", "S")).isEqualTo("a.S.trace");
    assertThat(EarlierTrace.archivedName("node", "S")).isEqualTo("node-S");
    assertThat(EarlierTrace.archivedName(".hidden", "S")).isEqualTo(".hidden-S");
  }
}
