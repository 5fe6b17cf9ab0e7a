package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.Outcome;
import dev.cairn.core.Step;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.pex.PexEffect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cairn trace summary}: its counts are those of the steps themselves, computed here from
 * the recorded world's events stepped through {@code Core.step} (not from the trace), over the
 * whole trace, a window, and a rotated trace's files given in any order.
 */
class TraceSummaryTest {

  private static final int STEPS = 1_500;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SmallWorldRun world;
  private static List<Step<CoreState, CoreEffect>> steps;

  @TempDir static Path shared;
  private static Path whole;
  private static Path rotated;
  @TempDir Path dir;

  @BeforeAll
  static void record() {
    world = SmallWorldRun.generate(STEPS, 5, true); // a seed: crawls, answers and lets its peers go
    steps = new ArrayList<>();
    CoreState s = world.initial();
    for (SyntheticRun.Timed t : world.events()) {
      Step<CoreState, CoreEffect> st = Core.step(world.config(), s, t.now(), t.wall(), t.event());
      steps.add(st);
      s = st.state();
    }
    whole = shared.resolve("whole/node.trace");
    world.record(TraceFiles.options(whole, 64L << 20));
    rotated = shared.resolve("rotated/node.trace");
    world.record(TraceFiles.options(rotated, 24 * 1024));
  }

  /** What the summary of steps {@code from..to} must say, counted from the steps themselves. */
  private static Map<String, Object> expected(int from, int to) {
    Map<String, Long> events = new TreeMap<>();
    Map<String, Long> rejected = new TreeMap<>();
    Map<String, Long> decisions = new TreeMap<>();
    Map<String, Long> disconnects = new TreeMap<>();
    long sent = 0;
    for (int i = from; i <= to; i++) {
      CoreEvent e = world.events().get(i).event();
      String name = switch (e) {
        case CoreEvent.Peer p -> p.event().getClass().getSimpleName();
        case CoreEvent.PexMessage m -> m.event().getClass().getSimpleName();
        case CoreEvent.PeerReady r -> "PeerReady";
        case CoreEvent.TimerFired t -> "TimerFired";
      };
      events.merge(name, 1L, Long::sum);
      Step<CoreState, CoreEffect> st = steps.get(i);
      if (st.outcome() instanceof Outcome.Rejected r) {
        rejected.merge(r.reason(), 1L, Long::sum);
      }
      for (CoreEffect f : st.effects()) {
        Object effect = f instanceof CoreEffect.Peer p ? p.effect() : ((CoreEffect.Pex) f).effect();
        decisions.merge(effect.getClass().getSimpleName(), 1L, Long::sum);
        if (effect instanceof PeerEffect.Disconnect d) {
          disconnects.merge(d.reason().name(), 1L, Long::sum);
        }
        if (effect instanceof PexEffect.DisconnectPeer d) {
          disconnects.merge("PEX " + d.reason(), 1L, Long::sum);
        }
        if (effect instanceof PexEffect.SendPexAddrs a) {
          sent += a.addresses().size();
        }
        if (effect instanceof PexEffect.SendPexAddrsThenDisconnect a) {
          sent += a.addresses().size();
          disconnects.merge("PEX SEED_ANSWERED_REQUEST", 1L, Long::sum); // the seed lets the asker go
        }
      }
    }
    CoreState end = steps.get(to).state();
    CoreState start = from == 0 ? world.initial() : steps.get(from - 1).state();
    long inbound = end.peer().connected().values().stream()
        .filter(c -> c.direction() == dev.cairn.core.peer.Direction.INBOUND).count();
    return Map.of("events", events, "rejected", rejected, "decisions", decisions, "disconnects", disconnects,
        "addressesSent", sent, "afterConnected", (long) end.peer().connected().size(), "afterInbound", inbound,
        "afterBook", (long) end.peer().book().size(), "beforeBook", (long) start.peer().book().size());
  }

  private static Map<String, Long> counts(JsonNode n) {
    Map<String, Long> m = new TreeMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }

  private static Map<String, Object> actual(JsonNode n) {
    return Map.of("events", counts(n.get("events")), "rejected", counts(n.get("rejected")), "decisions",
        counts(n.get("decisions")), "disconnects", counts(n.get("disconnects")), "addressesSent",
        n.get("addressesSent").asLong(), "afterConnected", n.get("after").get("connected").asLong(),
        "afterInbound", n.get("after").get("inbound").asLong(), "afterBook",
        n.get("after").get("book").asLong(), "beforeBook", n.get("before").get("book").asLong());
  }

  private static JsonNode summary(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("trace", "summary", "--json"));
    a.addAll(List.of(args));
    TraceFiles.Run run = TraceFiles.cairn(a.toArray(String[]::new));
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    return JSON.readTree(run.out());
  }

  @Test
  void theWholeTraceCountsEveryStep() throws Exception {
    JsonNode s = summary(whole.toString());
    assertThat(s.get("steps").asLong()).isEqualTo(STEPS);
    assertThat(actual(s)).isEqualTo(expected(0, STEPS - 1));
    assertThat(counts(s.get("disconnects"))).as("the world has disconnects to count").isNotEmpty()
        .as("among them the inbound peers the seed answered and let go").containsKey("PEX SEED_ANSWERED_REQUEST");
    assertThat(s.get("addressesSent").asLong()).as("and PEX answers").isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"200:700", "0:0", "1400:1499"})
  void aWindowCountsItsStepsAndStartsFromTheStateBeforeIt(String window) throws Exception {
    int from = Integer.parseInt(window.split(":")[0]);
    int to = Integer.parseInt(window.split(":")[1]);
    JsonNode s = summary(whole.toString(), "--from", "" + from, "--to", "" + to);
    assertThat(s.get("firstStep").asLong()).isEqualTo(from);
    assertThat(s.get("lastStep").asLong()).isEqualTo(to);
    assertThat(actual(s)).isEqualTo(expected(from, to));
  }

  @Test
  void theFilesOfARotatedTrace_inAnyOrder_sumUpAsTheWholeTrace() throws Exception {
    List<Path> files;
    try (Stream<Path> l = Files.list(rotated.getParent())) {
      files = l.collect(Collectors.toCollection(ArrayList::new));
    }
    assertThat(files).hasSizeGreaterThan(3);
    Collections.shuffle(files, new Random(3));
    JsonNode s = summary(files.stream().map(Path::toString).toArray(String[]::new));
    assertThat(actual(s)).isEqualTo(expected(0, STEPS - 1));
  }

  @Test
  void theTextSaysTheSameInLines() {
    TraceFiles.Run run = TraceFiles.cairn("trace", "summary", whole.toString(), "--from", "200", "--to", "700");
    assertThat(run.code()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Long> events = (Map<String, Long>) expected(200, 700).get("events");
    String eventsLine = run.out().lines().filter(l -> l.startsWith("events")).findFirst().orElseThrow();
    assertThat(eventsLine).startsWith("events      501: ");
    events.forEach((name, n) -> assertThat(eventsLine).contains(name + " " + n));
    assertThat(run.out()).startsWith("# " + whole + ": steps 200..700 (501 steps) over ")
        .contains("\nbefore      connected ").contains("\nafter       connected ");
  }

  @Test
  void anAlteredStepIsNamedAndTheSumStopsBeforeIt() throws Exception {
    Path altered = TraceFiles.rewrite(whole, dir.resolve("altered.trace"), l -> {
      l.set(300, l.get(300).toBuilder().setEvent(l.get(299).getEvent()).build());
      return l;
    });
    TraceFiles.Run run = TraceFiles.cairn("trace", "summary", altered.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).contains("MISMATCH at").contains("step 300").contains("steps 0..299 (300 steps)");
    // with --json stdout holds the one object, and what ended the sum goes to stderr
    TraceFiles.Run json = TraceFiles.cairn("trace", "summary", "--json", altered.toString());
    assertThat(json.code()).isEqualTo(1);
    assertThat(JSON.readTree(json.out()).get("lastStep").asLong()).isEqualTo(299);
    assertThat(json.out().strip().lines()).hasSize(1);
    assertThat(json.err()).contains("MISMATCH at").contains("step 300");
    TraceFiles.Run none = TraceFiles.cairn("trace", "summary", whole.toString(), "--from", "9999");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no step of " + whole);
  }
}
