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

  @Test
  void showChangesPrintsWhatEachPrintedStepChanged() {
    SyntheticRun run = SyntheticRun.generate(300, 7);
    Path trace = dir.resolve("s.trace");
    run.record(trace, 50);
    // what the core's own steps changed, rendered the same way
    List<List<String>> expected = new ArrayList<>();
    CoreState s = run.initial();
    for (SyntheticRun.Timed t : run.events()) {
      CoreState next = Core.step(run.config(), s, t.now(), t.wall(), t.event()).state();
      expected.add(StateChanges.between(ValueJson.node(s), ValueJson.node(next), 40));
      s = next;
    }
    // a window of consecutive steps, then the steps naming one peer (the state before a printed
    // step is then mostly one not printed)
    String peer = EventCodec.fields(run.events().get(150).event()).replaceAll(".*?=([0-9a-f]{8}).*", "$1");
    assertThat(peer).hasSize(8);
    for (List<String> args : List.of(List.of("--from", "120", "--to", "140"), List.of("--peer", peer))) {
      List<String> cmd = new ArrayList<>(List.of("trace", "show", trace.toString(), "--changes"));
      cmd.addAll(args);
      TraceFiles.Run r = TraceFiles.cairn(cmd.toArray(String[]::new));
      assertThat(r.code()).as(r.err()).isZero();
      Map<Long, List<String>> printed = changesPerStep(r.out());
      printed.forEach((step, lines) -> {
        List<String> want = expected.get(step.intValue());
        assertThat(lines).as("step " + step).isEqualTo(want.isEmpty() ? List.of("(the state did not change)") : want);
      });
      if (args.get(0).equals("--from")) {
        assertThat(printed.keySet()).hasSize(21).contains(120L, 140L);
      } else {
        assertThat(printed.keySet()).contains(150L).hasSizeGreaterThan(1).hasSizeLessThan(300);
      }
    }
    long changed = expected.stream().filter(l -> !l.isEmpty()).count();
    assertThat(changed).as("steps that changed the state").isGreaterThan(100);
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
