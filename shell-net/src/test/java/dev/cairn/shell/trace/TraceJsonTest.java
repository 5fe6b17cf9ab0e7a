package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trace show --json}: a JSON object per line, the same steps, effects and changes as the core's. */
class TraceJsonTest {

  @TempDir static Path dir;

  private static final int STEPS = 300;
  private static SyntheticRun run;
  private static Path trace;

  @BeforeAll
  static void record() {
    run = SyntheticRun.generate(STEPS, 11);
    trace = dir.resolve("j.trace");
    run.record(trace, 50);
  }

  private static List<JsonNode> lines(String out) throws Exception {
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String l : out.lines().toList()) {
      nodes.add(m.readTree(l)); // every line is one JSON object
    }
    return nodes;
  }

  @Test
  void everyLineIsAnObjectAndEveryStepIsThere() throws Exception {
    TraceFiles.Run r = TraceFiles.cairn("trace", "show", trace.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> nodes = lines(r.out());
    assertThat(nodes).hasSize(STEPS + 1);
    JsonNode header = nodes.get(0);
    assertThat(header.get("file").asText()).isEqualTo(trace.toString());
    assertThat(header.get("firstStep").asLong()).isZero();
    assertThat(header.get("coreRevision").asInt()).isEqualTo(Core.REVISION);
    for (int i = 0; i < STEPS; i++) {
      JsonNode step = nodes.get(i + 1);
      assertThat(step.get("step").asLong()).isEqualTo(i);
      assertThat(step.get("event").get("type").asText()).isEqualTo(EventCodec.name(run.events().get(i).event()));
      assertThat(step.get("wall").asText()).isEqualTo(java.time.Instant.ofEpochMilli(
          run.events().get(i).wall().epochMillis()).toString());
    }
  }

  @Test
  void effectsAndChangesAreTheCoresOwn() throws Exception {
    TraceFiles.Run r = TraceFiles.cairn("trace", "show", trace.toString(), "--json", "--effects", "--changes",
        "--from", "100", "--to", "160");
    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> nodes = lines(r.out());
    assertThat(nodes).hasSize(62);
    CoreState s = run.initial();
    int withEffects = 0;
    for (int i = 0; i <= 160; i++) {
      var t = run.events().get(i);
      var step = Core.step(run.config(), s, t.now(), t.wall(), t.event());
      if (i >= 100) {
        JsonNode n = nodes.get(i - 99);
        assertThat(n.get("step").asLong()).isEqualTo(i);
        List<String> types = new ArrayList<>();
        n.get("effects").forEach(e -> types.add(e.get("type").asText()));
        List<String> want = new ArrayList<>();
        for (CoreEffect f : step.effects()) {
          want.add(switch (f) {
            case CoreEffect.Peer p -> p.effect().getClass().getSimpleName();
            case CoreEffect.Pex x -> x.effect().getClass().getSimpleName();
          });
        }
        assertThat(types).as("step " + i).isEqualTo(want);
        withEffects += want.isEmpty() ? 0 : 1;
        List<String> changes = new ArrayList<>();
        n.get("changes").forEach(c -> changes.add(c.asText()));
        assertThat(changes).isEqualTo(StateChanges.between(ValueJson.node(s), ValueJson.node(step.state()), 40));
        assertThat(n.get("rejected").isNull()).isEqualTo(step.outcome().isAccepted());
      }
      s = step.state();
    }
    assertThat(withEffects).isGreaterThan(10);
  }
}
