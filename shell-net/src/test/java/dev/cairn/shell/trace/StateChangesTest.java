package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.Core;
import dev.cairn.core.CoreState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trace show --changes}: what a step changed in the state, field by field. */
class StateChangesTest {

  @TempDir Path dir;

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text.replace('\'', '"'));
  }

  @Test
  void fieldsThatChangedCameOrWentAreNamedByTheirPath() throws Exception {
    JsonNode before = json("{'peer':{'connected':{'aa':{'dir':'IN'}},'occupied':{'inbound':1},'ready':['aa','bb'],"
        + "'timers':{},'book':{'entries':{'cc':{'attempts':0,'buckets':[3]}}}},'pex':{'started':true}}");
    JsonNode after = json("{'peer':{'connected':{'dd':{'dir':'OUT'}},'occupied':{'inbound':0},'ready':['bb','dd'],"
        + "'timers':[{'key':{'type':'RetryDial','peer':'dd'},'value':5}],"
        + "'book':{'entries':{'cc':{'attempts':1,'buckets':[3,7]}}}},'pex':{'started':true}}");
    assertThat(StateChanges.between(before, after, 100)).containsExactly(
        "peer.connected.aa: removed {\"dir\":\"IN\"}",
        "peer.connected.dd: added {\"dir\":\"OUT\"}",
        "peer.occupied.inbound: 1 -> 0",
        "peer.ready: added dd",
        "peer.ready: removed aa",
        "peer.timers[RetryDial dd]: added 5",
        "peer.book.entries.cc.attempts: 0 -> 1",
        "peer.book.entries.cc.buckets: added 7");
    assertThat(StateChanges.between(after, after, 100)).isEmpty();
    // the other way round
    assertThat(StateChanges.between(after, before, 100)).contains("peer.timers[RetryDial dd]: removed 5",
        "peer.ready: added aa", "peer.book.entries.cc.buckets: removed 7");
  }

  @Test
  void pairsChangeByKeyAndManyChangesAreCut() throws Exception {
    JsonNode before = json("{'t':[{'key':{'type':'A'},'value':1},{'key':{'type':'B'},'value':2}],'x':[[1],[2]]}");
    JsonNode after = json("{'t':[{'key':{'type':'A'},'value':3},{'key':{'type':'B'},'value':2}],'x':[[2],[1]]}");
    assertThat(StateChanges.between(before, after, 100)).containsExactly("t[A]: 1 -> 3", "x: [[1],[2]] -> [[2],[1]]");
    assertThat(StateChanges.between(before, after, 1)).containsExactly("t[A]: 1 -> 3", "… 1 more changes");
    String longText = "y".repeat(500);
    List<String> cut = StateChanges.between(json("{'v':'a'}"), json("{'v':'" + longText + "'}"), 10);
    assertThat(cut.get(0)).hasSize("v: a -> ".length() + StateChanges.MAX_VALUE_CHARS).endsWith("…");
  }

  /** Equal lists, or the first line where they differ named. */
  private static void sameLines(List<String> actual, List<String> expected, String what) {
    for (int k = 0; k < Math.min(actual.size(), expected.size()); k++) {
      assertThat(actual.get(k)).as(what + ", line " + k).isEqualTo(expected.get(k));
    }
    assertThat(actual).as(what).hasSameSizeAs(expected);
  }

  private record Run(dev.cairn.core.CoreConfig config, CoreState initial, List<SyntheticRun.Timed> events) {}

  @Test
  void theStatesDiffIsTheDiffOfTheirRenderings() {
    // a node whose book grows to thousands of entries and evicts, and a seed crawling its network;
    // each step, and states seven steps apart (larger differences)
    SyntheticRun synthetic = SyntheticRun.generate(800, 5);
    SmallWorldRun seed = SmallWorldRun.generate(1500, 4, true);
    for (Run run : List.of(new Run(synthetic.config(), synthetic.initial(), synthetic.events()),
        new Run(seed.config(), seed.initial(), seed.events()))) {
      List<CoreState> states = new ArrayList<>();
      CoreState s = run.initial();
      states.add(s);
      for (SyntheticRun.Timed t : run.events()) {
        s = Core.step(run.config(), s, t.now(), t.wall(), t.event()).state();
        states.add(s);
      }
      int compared = 0;
      for (int i = 0; i + 1 < states.size(); i += 3) {
        for (int j : new int[] {i + 1, Math.min(states.size() - 1, i + 7)}) {
          CoreState a = states.get(i);
          CoreState b = states.get(j);
          sameLines(StateChanges.between(a, b, Integer.MAX_VALUE),
              StateChanges.between(ValueJson.node(a), ValueJson.node(b), Integer.MAX_VALUE), "states " + i + ", " + j);
          compared++;
        }
      }
      assertThat(compared).isGreaterThan(400);
      // and the other way round, with a limit
      CoreState first = states.get(1);
      CoreState last = states.getLast();
      assertThat(StateChanges.between(last, first, 25))
          .isEqualTo(StateChanges.between(ValueJson.node(last), ValueJson.node(first), 25)).hasSize(26);
    }
  }

  @Test
  void showChangesPrintsWhatEachPrintedStepChanged() {
    SyntheticRun run = SyntheticRun.generate(300, 7);
    Path trace = dir.resolve("s.trace");
    run.record(trace, 50);
    // what the core's own steps changed, rendered the same way, and the effects' text
    List<List<String>> expected = new ArrayList<>();
    List<String> effects = new ArrayList<>();
    CoreState s = run.initial();
    for (SyntheticRun.Timed t : run.events()) {
      var step = Core.step(run.config(), s, t.now(), t.wall(), t.event());
      expected.add(StateChanges.between(ValueJson.node(s), ValueJson.node(step.state()), Integer.MAX_VALUE));
      effects.add(step.effects().stream().map(TraceText::effect).toList().toString());
      s = step.state();
    }
    // a window of consecutive steps
    TraceFiles.Run window = TraceFiles.cairn("trace", "show", trace.toString(), "--changes", "--from", "120", "--to",
        "140");
    assertThat(window.code()).as(window.err()).isZero();
    Map<Long, List<String>> printed = changesPerStep(window.out());
    assertThat(printed.keySet()).hasSize(21).contains(120L, 140L);
    printed.forEach((step, lines) -> {
      List<String> want = capped(expected.get(step.intValue()), 40);
      assertThat(lines).as("step " + step).isEqualTo(want.isEmpty() ? List.of("(the state did not change)") : want);
    });
    long changed = expected.stream().filter(l -> !l.isEmpty()).count();
    assertThat(changed).as("steps that changed the state").isGreaterThan(100);

    // one peer's story: the steps whose event, effects or changes name it, and the changes naming it
    // (a peer named by what a step did but not by its event: a dial a timer decided, a peer
    // evicted to make room for another)
    int dialStep = -1;
    String peer = null;
    java.util.regex.Pattern id = java.util.regex.Pattern.compile("[0-9a-f]{40}");
    for (int i = 0; i < effects.size() && peer == null; i++) {
      String event = EventCodec.fields(run.events().get(i).event());
      for (var m = id.matcher(effects.get(i)); m.find() && peer == null; ) {
        if (!event.contains(m.group().substring(0, 8))) {
          peer = m.group().substring(0, 8);
          dialStep = i;
        }
      }
    }
    assertThat(peer).as("a step whose effects name a peer its event does not").isNotNull();
    TraceFiles.Run story = TraceFiles.cairn("trace", "show", trace.toString(), "--changes", "--peer", peer);
    assertThat(story.code()).as(story.err()).isZero();
    Map<Long, List<String>> told = changesPerStep(story.out());
    List<Long> naming = new ArrayList<>();
    String named8 = peer;
    for (int i = 0; i < expected.size(); i++) {
      List<String> lines = expected.get(i).stream().filter(l -> l.contains(named8)).toList();
      boolean named = EventCodec.concerns(run.events().get(i).event(), named8) || effects.get(i).contains(named8)
          || !lines.isEmpty();
      if (named) {
        naming.add((long) i);
        assertThat(told.get((long) i)).as("step " + i)
            .isEqualTo(lines.isEmpty() ? List.of("(nothing naming " + named8 + " changed)") : capped(lines, 40));
      }
    }
    assertThat(told.keySet()).containsExactlyElementsOf(naming).contains((long) dialStep);
    // with the effects alone: the steps whose event or effects name it
    TraceFiles.Run byEffects = TraceFiles.cairn("trace", "show", trace.toString(), "--effects", "--peer", named8);
    List<Long> withEffects = byEffects.out().lines().filter(l -> !l.startsWith("#") && !l.startsWith("         "))
        .map(l -> Long.parseLong(l.strip().split("\\s+")[0])).toList();
    List<Long> want = new ArrayList<>();
    for (int i = 0; i < effects.size(); i++) {
      if (EventCodec.concerns(run.events().get(i).event(), named8) || effects.get(i).contains(named8)) {
        want.add((long) i);
      }
    }
    assertThat(withEffects).containsExactlyElementsOf(want).contains((long) dialStep);
    // some of them name the peer only in what they did, not in their event
    assertThat(naming).anyMatch(i -> !EventCodec.concerns(run.events().get(i.intValue()).event(), named8));
  }

  private static List<String> capped(List<String> lines, int max) {
    if (lines.size() <= max) {
      return lines;
    }
    List<String> cut = new ArrayList<>(lines.subList(0, max));
    cut.add("… " + (lines.size() - max) + " more changes");
    return cut;
  }

  /** The {@code ~} lines under each step line of {@code show}'s output, by step. */
  private static Map<Long, List<String>> changesPerStep(String out) {
    Map<Long, List<String>> steps = new LinkedHashMap<>();
    List<String> current = null;
    for (String l : out.lines().toList()) {
      if (l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("         ~ ")) {
        current.add(l.substring("         ~ ".length()));
      } else if (!l.startsWith("         ")) {
        current = new ArrayList<>();
        steps.put(Long.parseLong(l.strip().split("\\s+")[0]), current);
      }
    }
    return steps;
  }
}
