package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn trace validate --follow} ({@link Validate.Session#follow}): every step a running
 * node records is judged against the spec as it is written, through its rotations, the nodes it
 * names later (the model's spare peers, then a larger model) and its next run; a step the spec
 * refuses ends the follow there.
 */
@Timeout(180)
class ValidateFollowTest {

  @TempDir Path dir;

  /**
   * A follow running on a thread of its own, its notes collected. Once the node closed its trace,
   * every file is whole, so the follow waits only when it has judged all it could find; it is
   * stopped at its second wait after that (at the first it may still be between two files, the
   * next one just written).
   */
  private static final class Following {
    final AtomicBoolean closed = new AtomicBoolean();
    final java.util.concurrent.atomic.AtomicInteger waitsAfterClose = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.CountDownLatch waited = new java.util.concurrent.CountDownLatch(1);
    final List<String> notes = new CopyOnWriteArrayList<>();
    final CompletableFuture<Validate.Result> result = new CompletableFuture<>();

    Following(Path file, Validate.Stepper stepper) {
      // asked while it catches up too (never here: the node closes its trace after it has caught up)
      TraceFollower follower = new TraceFollower(Duration.ofMillis(50),
          () -> closed.get() && waitsAfterClose.incrementAndGet() >= 2).beforeEachWait(waited::countDown);
      Thread t = new Thread(() -> {
        try (Validate.Session session = new Validate.Session()) {
          result.complete(session.follow(file, stepper, null, follower, notes::add));
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      }, "validate-follow");
      t.start();
    }

    /** Waits until the follow has judged what was written and waits for more. */
    void caughtUp() throws InterruptedException {
      assertThat(waited.await(60, TimeUnit.SECONDS)).as("the follow caught up: %s", notes).isTrue();
    }

    /** The node closed its trace: the follow ends once it has judged every step. */
    Validate.Result end() throws Exception {
      closed.set(true);
      return result.get(90, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyStepIsJudgedAsItIsWritten_acrossRotationsAndTheNodesNamedLater() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(1_600, 9, false);
    Path file = dir.resolve("node.trace");
    Following f;
    try (LiveRecording node = new LiveRecording(world, file, 40 * 1024, 0)) {
      node.steps(1);
      LiveRecording.awaitRecords(file, 1);
      f = new Following(file, Validate.CORE);
      // its model holds the nodes the header's state and the first step name, and spares
      f.caughtUp();
      for (int batch = 0; batch < 16; batch++) {
        Thread.sleep(30);
        node.steps(batch == 0 ? 99 : 100);
      }
    }
    Validate.Result r = f.end();
    assertThat(r.valid()).as("%s %s", r, f.notes).isTrue();
    assertThat(r.steps()).as("notes: %s", f.notes).isEqualTo(1_600);
    assertThat(f.notes).as("the trace rotated").anyMatch(n -> n.contains("the trace goes on in this file"));
    assertThat(f.notes).as("the nodes named later outnumbered the spares: a larger model was loaded")
        .anyMatch(n -> n.contains("names a node the model had no room for"));
  }

  /** A stepper that stops at its {@code at}-th step until released: a validation that falls behind the node. */
  private static final class Lagging implements Validate.Stepper {
    final java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private final int at;
    private int calls;

    Lagging(int at) {
      this.at = at;
    }

    @Override
    public dev.cairn.core.Core.Traced step(dev.cairn.core.CoreConfig config, dev.cairn.core.CoreState state,
        dev.cairn.core.MonoTime now, dev.cairn.core.WallTime wall, dev.cairn.core.CoreEvent event) {
      if (++calls == at) {
        blocked.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return dev.cairn.core.Core.traced(config, state, now, wall, event);
    }
  }

  /**
   * A node recording {@code world} into {@code file} (rotating past {@code maxFileBytes}), followed
   * by a validation stepping with {@code lagging}, which falls behind at its step; the node records
   * 100 steps, then {@code more}, and closes its trace while the validation is held there.
   */
  private static Following lagsBehind(SmallWorldRun world, Path file, long maxFileBytes, Lagging lagging, int more)
      throws Exception {
    Following f;
    try (LiveRecording node = new LiveRecording(world, file, maxFileBytes, 0)) {
      node.steps(1);
      LiveRecording.awaitRecords(file, 1);
      f = new Following(file, lagging);
      f.caughtUp();
      node.steps(99); // names nodes the first step did not: the model grows at one of them
      assertThat(lagging.blocked.await(30, TimeUnit.SECONDS)).isTrue();
      if (more > 0) {
        node.steps(more);
      }
    }
    return f;
  }

  /**
   * The node starts again while the validation lags behind it: the file it was judging is renamed,
   * and its name now names the new run's file. Resumed (in a model that names a new node), the
   * validation reads on from the file it holds open, not from the new file by that name: every step
   * of the old run is judged, then the new run from its start.
   */
  @Test
  void aFileSetAsideByTheNodesNewRunWhileTheValidationLags_isJudgedToItsEndAndTheNewRunIsJudged() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(1_600, 9, false);
    Path file = dir.resolve("node.trace");
    Lagging lagging = new Lagging(6); // the validation falls behind at its sixth step
    Following f = lagsBehind(world, file, 64L << 20, lagging, 0);
    EarlierTrace.setAside(file); // the node starts again
    try (LiveRecording again = new LiveRecording(world, file, 64L << 20, 100)) {
      again.steps(50);
    }
    lagging.release.countDown();
    Validate.Result r = f.end();
    assertThat(r.valid()).as("%s %s", r, f.notes).isTrue();
    assertThat(f.notes).anyMatch(n -> n.contains("names a node the model had no room for"))
        .anyMatch(n -> n.contains("a new run of the node")).noneMatch(n -> n.contains("were not judged"));
    assertThat(r.steps()).as("%s", f.notes).isEqualTo(100 + 50);
  }

  /**
   * The node starts again while the validation lags more than a file behind it: the start sets the
   * whole earlier run aside ({@code node.STAMP.trace}, {@code .1}, …). The validation judges the
   * earlier run's later files under the names they were given, then the new run: every step (it
   * moved to the new run after the file it held before, and its verdict was valid without them).
   */
  @Test
  void theEarlierRunsLaterFilesSetAsideByARestartWhileTheValidationLags_areJudgedBeforeTheNewRun()
      throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(1_600, 9, false);
    Path file = dir.resolve("node.trace");
    Lagging lagging = new Lagging(6); // the validation falls behind at its sixth step, in the first file
    Following f = lagsBehind(world, file, 16 * 1024, lagging, 500);
    assertThat(TraceWriter.segmentPath(file, 2)).as("rotated").exists();
    List<EarlierTrace.Moved> moved = EarlierTrace.setAside(file); // the node starts again
    assertThat(moved).hasSizeGreaterThan(2);
    try (LiveRecording again = new LiveRecording(world, file, 64L << 20, 600)) {
      again.steps(50);
    }
    lagging.release.countDown();
    Validate.Result r = f.end();
    assertThat(r.valid()).as("%s %s", r, f.notes).isTrue();
    assertThat(r.missed()).isEmpty();
    assertThat(f.notes).as("the files set aside are named as they are judged")
        .anyMatch(n -> n.contains(moved.get(1).to().getFileName().toString()))
        .anyMatch(n -> n.contains("a new run of the node"));
    assertThat(r.steps()).as("%s", f.notes).isEqualTo(600 + 50);
  }

  /**
   * The node's rotation deletes the file being judged while the validation lags behind it, before
   * the model grows at a step naming a new node: the validation goes on from the file it holds open
   * (it reopened it by its name, found nothing there and ended with "does not exist" before), then
   * names the steps of the files deleted before it reached them, and its verdict is not valid.
   */
  @Test
  void aFileDeletedByRotationWhileItIsJudged_isJudgedToItsEndAndTheLostStepsAreNamed() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(1_600, 9, false);
    Path file = dir.resolve("node.trace");
    Lagging lagging = new Lagging(6); // the validation falls behind at its sixth step, before the model grows
    Following f = lagsBehind(world, file, 16 * 1024, lagging, 1_400);
    int newest = 0;
    while (java.nio.file.Files.exists(TraceWriter.segmentPath(file, newest + 1))) {
      newest++;
    }
    assertThat(newest).as("rotated").isGreaterThan(3);
    for (int i = 0; i < newest - 2; i++) { // the node keeps its newest three files
      java.nio.file.Files.delete(TraceWriter.segmentPath(file, i));
    }
    lagging.release.countDown();
    Validate.Result r = f.end();
    assertThat(f.notes).as("the model grew in the deleted file").anyMatch(n -> n.startsWith("# " + file + ": step ")
        && n.contains("names a node the model had no room for"));
    assertThat(r.failure()).as("%s", f.notes).isEmpty();
    assertThat(r.broken()).as("%s", f.notes).isEmpty();
    assertThat(r.missed()).as("%s", f.notes).hasSize(1);
    TraceFollower.Missed missed = r.missed().get(0);
    assertThat(missed.first()).isEqualTo(TraceWriter.segmentPath(file, 1));
    assertThat(missed.last()).isEqualTo(TraceWriter.segmentPath(file, newest - 3));
    assertThat(r.valid()).isFalse();
    assertThat(r.steps()).as("%s", f.notes).isEqualTo(1_500 - (missed.toStep() - missed.fromStep() + 1));
  }

  /**
   * A followed trace's model: spare peers, each an ordinary peer bound to no node, then bound to
   * the nodes the trace names later without changing the spec.
   */
  @Test
  void sparePeersAreBoundToNewNodesWithoutAnotherSpec() {
    SmallWorldRun world = SmallWorldRun.generate(50, 3, false);
    java.util.Set<dev.cairn.core.NodeId> seen = new java.util.TreeSet<>();
    Validate.ids(world.initial(), seen);
    dev.cairn.spec.mapping.TraceModel.Plan plain = dev.cairn.spec.mapping.TraceModel.plan(world.config(), seen);
    dev.cairn.spec.mapping.TraceModel.Plan plan = dev.cairn.spec.mapping.TraceModel.plan(world.config(), seen, 8);
    assertThat(plan.spares()).hasSize(8).doesNotContainAnyElementsOf(plain.ids().values());
    assertThat(plan.ids()).hasSize(plain.ids().size() + 8);
    assertThat(plan.ids().values()).containsAll(plain.ids().values()).containsAll(plan.spares());
    java.util.Set<String> spareNames = new java.util.TreeSet<>();
    plan.ids().forEach((v, id) -> {
      if (plan.spares().contains(id)) {
        spareNames.add(v.name());
      }
    });
    List<String> roles = plan.cfg().lines().filter(l -> l.matches(" *(Persistent|Unconditional|Private|Seeds) = .*"))
        .toList();
    assertThat(roles).hasSize(4);
    assertThat(spareNames).hasSize(8).allMatch(n -> plan.cfg().contains(n + " = " + n));
    for (String role : roles) {
      for (String spare : spareNames) {
        assertThat(role).as("spares are ordinary peers: no role names them").doesNotContainPattern(
            "\\b" + spare + "\\b");
      }
    }

    dev.cairn.core.NodeId a = dev.cairn.core.NodeId.of("ab".repeat(20));
    dev.cairn.core.NodeId b = dev.cairn.core.NodeId.of("cd".repeat(20));
    dev.cairn.spec.mapping.TraceModel.Plan bound = plan.bind(List.of(a, b)).orElseThrow();
    assertThat(bound.sameSpec(plan)).isTrue();
    assertThat(bound.spares()).isEqualTo(plan.spares().subList(2, 8));
    assertThat(bound.ids().values()).contains(a, b).doesNotContain(plan.spares().get(0), plan.spares().get(1));
    // a and b took the model values the first two spares had
    plan.ids().forEach((v, id) -> {
      if (id.equals(plan.spares().get(0))) {
        assertThat(bound.ids().get(v)).isEqualTo(a);
      }
      if (id.equals(plan.spares().get(1))) {
        assertThat(bound.ids().get(v)).isEqualTo(b);
      }
    });
    List<dev.cairn.core.NodeId> tooMany = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      tooMany.add(dev.cairn.core.NodeId.of(String.format("%040x", 0xabc0 + i)));
    }
    assertThat(bound.bind(tooMany)).as("6 spares left for 7 nodes").isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> bound.bind(List.of(a)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStepTheSpecRefusesEndsTheFollowThere() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(1_200, 7, false);
    Path file = dir.resolve("mutant.trace");
    TraceValidateTest.Mutant recorder = new TraceValidateTest.Mutant(300);
    Following f;
    try (LiveRecording node = new LiveRecording(world, file, 64L << 20, 0, recorder)) {
      node.steps(100);
      f = new Following(file, new TraceValidateTest.Mutant(300));
      for (int batch = 0; batch < 10; batch++) {
        Thread.sleep(30);
        node.steps(100);
      }
      // ended by the refusal, not by a stop
      Validate.Result r = f.result.get(60, TimeUnit.SECONDS);
      long mutated = recorder.mutatedAt.orElseThrow();
      Validate.Failure fail = r.failure().orElseThrow();
      assertThat(fail.step()).as(fail.describe()).isEqualTo(mutated);
      assertThat(fail.check()).isEqualTo(Validate.Check.SPEC);
      assertThat(r.steps()).isEqualTo(mutated);
    }
  }

  @Test
  void theNodesNextRunIsValidatedToo() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(900, 11, false);
    Path file = dir.resolve("node.trace");
    try (LiveRecording node = new LiveRecording(world, file, 64L << 20, 0)) {
      node.steps(500);
    }
    Following f = new Following(file, Validate.CORE);
    f.caughtUp(); // it has judged the first run and waits for what comes after it
    EarlierTrace.setAside(file); // the node starts again
    try (LiveRecording again = new LiveRecording(world, file, 64L << 20, 500)) {
      again.steps(400);
    }
    Validate.Result r = f.end();
    assertThat(r.valid()).as("%s %s", r, f.notes).isTrue();
    assertThat(f.notes).anyMatch(n -> n.contains("a new run of the node"));
    assertThat(r.steps()).isEqualTo(900);
  }
}
