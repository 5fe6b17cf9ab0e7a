package dev.cairn.shell.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeId;
import dev.cairn.core.Step;
import dev.cairn.core.peer.Direction;
import dev.cairn.core.peer.DisconnectReason;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.shell.cli.CliRun;
import dev.cairn.shell.report.PeerTimeline.Activity;
import dev.cairn.shell.report.PeerTimeline.Lane;
import dev.cairn.shell.report.PeerTimeline.MarkKind;
import dev.cairn.shell.report.PeerTimeline.Segment;
import dev.cairn.shell.trace.SyntheticRun;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn trace timeline}: the lanes agree with the core's own state at several steps of a
 * simulated run (dials, failures, admissions, refusals, disconnects), and the command draws them.
 */
class PeerTimelineTest {

  static final int EVENTS = 3_000;
  static SyntheticRun run;

  @TempDir static Path dir;

  @BeforeAll
  static void generate() {
    run = SyntheticRun.generate(EVENTS, 11);
  }

  /** What was in progress at a step, as the state says: peer → activity. */
  static Map<NodeId, List<Activity>> inProgress(CoreState s) {
    Map<NodeId, List<Activity>> m = new TreeMap<>();
    s.peer().dialing().keySet().forEach(p -> m.computeIfAbsent(p, k -> new ArrayList<>()).add(Activity.DIALING));
    s.peer().connected().forEach((p, c) -> m.computeIfAbsent(p, k -> new ArrayList<>())
        .add(c.direction() == Direction.INBOUND ? Activity.INBOUND : Activity.OUTBOUND));
    m.values().forEach(l -> l.sort(Comparator.naturalOrder()));
    return m;
  }

  /** What the timeline says was in progress at its end: its open segments. */
  static Map<NodeId, List<Activity>> open(PeerTimeline t) {
    Map<NodeId, List<Activity>> m = new TreeMap<>();
    for (Lane l : t.lanes()) {
      for (Segment s : l.segments()) {
        if (s.open()) {
          m.computeIfAbsent(l.peer(), k -> new ArrayList<>()).add(s.activity());
        }
      }
    }
    m.values().forEach(l -> l.sort(Comparator.naturalOrder()));
    return m;
  }

  @Test
  void openSegmentsAreWhatTheStateHasInProgressAndMarksCountTheEventsAndEffects() {
    for (int stop : List.of(200, 1_000, EVENTS)) {
      PeerTimeline.Builder b = new PeerTimeline.Builder(run.initial(), p -> false);
      CoreState s = run.initial();
      long dialFailed = 0;
      long disconnects = 0;
      for (int i = 0; i < stop; i++) {
        SyntheticRun.Timed t = run.events().get(i);
        Step<CoreState, CoreEffect> st = Core.step(run.config(), s, t.now(), t.wall(), t.event());
        b.observe(i, t.now().nanos(), t.wall().epochMillis(), t.event(), st.state(), st.effects());
        s = st.state();
        if (st.isAccepted() && t.event() instanceof CoreEvent.Peer(PeerEvent.DialFailed f)) {
          dialFailed++;
        }
        disconnects += st.effects().stream()
            .filter(f -> f instanceof CoreEffect.Peer(PeerEffect.Disconnect d)
                || f instanceof CoreEffect.Pex(dev.cairn.core.pex.PexEffect.DisconnectPeer p)
                || f instanceof CoreEffect.Pex(dev.cairn.core.pex.PexEffect.SendPexAddrsThenDisconnect a)).count();
      }
      PeerTimeline t = b.build();

      assertThat(open(t)).as("open segments after %d steps", stop).isEqualTo(inProgress(s));
      long failedMarks = t.lanes().stream().mapToLong(l -> l.count(MarkKind.DIAL_FAILED)).sum();
      long disconnectMarks = t.lanes().stream()
          .mapToLong(l -> l.count(MarkKind.DISCONNECT) + l.count(MarkKind.BANNED)).sum();
      assertThat(failedMarks).as("a cross per failed dial").isEqualTo(dialFailed).isPositive();
      assertThat(disconnectMarks).as("a tick per disconnect or refusal").isEqualTo(disconnects);
      for (Lane l : t.lanes()) {
        for (Activity a : Activity.values()) {
          List<Segment> same = l.segments().stream().filter(g -> g.activity() == a).toList();
          for (int i = 0; i < same.size(); i++) {
            assertThat(same.get(i).end()).isGreaterThanOrEqualTo(same.get(i).start());
            if (i > 0) {
              assertThat(same.get(i).start()).as("%s %s segments do not overlap", l.peer(), a)
                  .isGreaterThanOrEqualTo(same.get(i - 1).end());
            }
          }
        }
      }
    }
  }

  /**
   * A seed's disconnects are PEX's: the peers it crawled and the inbound peers it answered and let
   * go. Each is a tick on its peer's lane, with PEX's reason.
   */
  @Test
  void aSeedsDisconnectsAreMarkedWithPexsReasons() {
    dev.cairn.shell.trace.SmallWorldRun seed = dev.cairn.shell.trace.SmallWorldRun.generate(1_500, 5, true);
    PeerTimeline.Builder b = new PeerTimeline.Builder(seed.initial(), p -> false);
    CoreState s = seed.initial();
    Map<String, Long> want = new TreeMap<>();
    for (int i = 0; i < seed.events().size(); i++) {
      SyntheticRun.Timed t = seed.events().get(i);
      Step<CoreState, CoreEffect> st = Core.step(seed.config(), s, t.now(), t.wall(), t.event());
      b.observe(i, t.now().nanos(), t.wall().epochMillis(), t.event(), st.state(), st.effects());
      s = st.state();
      for (CoreEffect f : st.effects()) {
        switch (f) {
          case CoreEffect.Peer(PeerEffect.Disconnect d) when d.reason() != DisconnectReason.BANNED ->
              want.merge(d.reason().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
          case CoreEffect.Pex(dev.cairn.core.pex.PexEffect.DisconnectPeer d) ->
              want.merge(d.reason().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
          case CoreEffect.Pex(dev.cairn.core.pex.PexEffect.SendPexAddrsThenDisconnect a) ->
              want.merge("seed_answered_request", 1L, Long::sum);
          default -> { }
        }
      }
    }
    Map<String, Long> marked = new TreeMap<>();
    for (Lane l : b.build().lanes()) {
      l.marks().stream().filter(m -> m.kind() == MarkKind.DISCONNECT)
          .forEach(m -> marked.merge(m.detail(), 1L, Long::sum));
    }
    assertThat(marked).isEqualTo(want).containsKeys("crawled", "seed_answered_request");
  }

  static CliRun.Result cairn(String... args) {
    return CliRun.cairn(args);
  }

  @Test
  void theCommandDrawsTheBusiestPeersAndPrintsALinePerPeer() throws Exception {
    Path trace = dir.resolve("node.trace");
    run.record(trace, 256);
    Path png = dir.resolve("t.png");

    CliRun.Result r = cairn("trace", "timeline", trace.toString(), "--out", png.toString(), "--lanes", "12");

    assertThat(r.exit()).as(r.err()).isZero();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(PeerTimelineImage.WIDTH);
    assertThat(image.getHeight()).isEqualTo(
        PeerTimelineImage.TOP + 12 * PeerTimelineImage.LANE + PeerTimelineImage.BOTTOM);
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(13);
    assertThat(lines.get(12)).startsWith("# 12 of ").contains("steps 0.." + (EVENTS - 1));
    assertThat(lines.subList(0, 12)).allMatch(l -> l.matches("[0-9a-f]{40}.* connected [0-9.]+ s .*"));
    assertThat(r.out()).as("some lane names a reason").containsPattern("(full|duplicate|errored|banned|"
        + "evicted_for_upgrade|above_max_threshold|not_dialing) x[0-9]+");
    assertThat(countColour(image, PeerTimelineImage.OUTBOUND)).as("outbound bars drawn").isGreaterThan(100);
    assertThat(countColour(image, PeerTimelineImage.INBOUND)).as("inbound bars drawn").isGreaterThan(100);
  }

  @Test
  void peerAndStepRangeNarrowTheTimeline() throws Exception {
    Path trace = dir.resolve("narrow.trace");
    run.record(trace, 0);
    CliRun.Result range = cairn("trace", "timeline", trace.toString(), "--out", dir.resolve("a.png").toString(), "--lanes", "1000",
        "--from", "100", "--to", "900");
    List<String> peers = range.out().lines().filter(l -> !l.startsWith("#")).toList();
    assertThat(peers).hasSizeGreaterThan(2);
    String someone = peers.get(peers.size() / 2).substring(0, 40);

    CliRun.Result one = cairn("trace", "timeline", trace.toString(), "--out", dir.resolve("b.png").toString(),
        "--peer", someone.substring(0, 10), "--from", "100", "--to", "900");

    assertThat(one.exit()).as(one.err()).isZero();
    assertThat(one.out().lines().filter(l -> !l.startsWith("#")).toList())
        .allMatch(l -> l.startsWith(someone.substring(0, 10))).isNotEmpty().hasSizeLessThan(peers.size());
    assertThat(one.out()).contains("(steps 100..900)");
  }

  @Test
  void aBrokenFileOrAnEmptyRangeStopsWithExitTwoAndAMessage() throws Exception {
    Path trace = dir.resolve("short.trace");
    run.record(trace, 0);
    CliRun.Result range = cairn("trace", "timeline", trace.toString(), "--from", "999999");
    assertThat(range.exit()).isEqualTo(2);
    assertThat(range.err()).contains("no step of").contains("999999");

    Path junk = dir.resolve("junk.trace");
    Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    CliRun.Result broken = cairn("trace", "timeline", junk.toString());
    assertThat(broken.exit()).isEqualTo(2);
    assertThat(broken.err()).startsWith("cairn trace: ").contains("junk.trace");
    assertThat(dir.resolve("junk.trace.png")).doesNotExist();
  }

  static long countColour(BufferedImage image, int rgb) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}
