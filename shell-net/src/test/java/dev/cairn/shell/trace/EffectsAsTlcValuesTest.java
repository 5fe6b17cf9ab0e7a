package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.spec.TlaValues;
import dev.cairn.spec.mapping.CoreMapping;
import dev.cairn.spec.mapping.TraceModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tlc2.util.FP64;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.Value;

/**
 * The pair checker hands TLC a step's effects and hand-offs with their sets of addresses built as
 * TLC's sets directly ({@link CoreMapping#outboxValue}, {@link CoreMapping#handedOffValue}, in
 * TLC's order of model values). They must be the values the plain Java forms convert to, with the
 * same fingerprints (the memo's keys), and really normalized: TLC compares two normalized sets
 * element by element in order, so a set built out of order would be unequal to its own value.
 */
class EffectsAsTlcValuesTest {

  @TempDir Path dir;

  @Test
  void addressSetsBuiltInTlcOrderAreTheValuesOfTheJavaSets() throws Exception {
    SmallWorldRun world = SmallWorldRun.generate(1500, 5, false, 300);
    try (TraceModel model = TraceModel.load(world.config(), TraceValidateTest.idsOf(world), dir)) {
      CoreMapping mapping = model.mapping();
      CoreState state = world.initial();
      int addressSets = 0;
      int largest = 0;
      for (SyntheticRun.Timed t : world.events()) {
        Core.Traced traced = Core.traced(world.config(), state, t.now(), t.wall(), t.event());
        for (boolean bookVisible : new boolean[] {true, false}) {
          List<CoreEffect> effects = traced.step().effects();
          addressSets += same(mapping.outbox(effects, bookVisible), mapping.outboxValue(effects, bookVisible));
        }
        addressSets += same(mapping.handedOff(traced), mapping.handedOffValue(traced));
        for (CoreEffect e : traced.step().effects()) {
          if (e instanceof CoreEffect.Pex p && p.effect() instanceof PexEffect.SendPexAddrs a) {
            largest = Math.max(largest, a.addresses().size());
          }
        }
        state = traced.step().state();
      }
      assertThat(addressSets).as("sets of addresses compared").isGreaterThan(200);
      assertThat(largest).as("the largest answer's addresses").isGreaterThanOrEqualTo(32);
      assertThat(model.nodes()).as("nodes: ranks over several words of marks").hasSizeGreaterThan(256);

      // an address of a node outside the model: named, as the Java form names it
      NodeAddress stranger = new NodeAddress(new NodeId("ab".repeat(20)), "1.2.3.4", 26656);
      List<CoreEffect> answer = List.of(new CoreEffect.Pex(new PexEffect.SendPexAddrs(
          model.nodes().values().iterator().next(), List.of(stranger))));
      assertThatThrownBy(() -> mapping.outboxValue(answer, true)).hasMessageContaining("ab".repeat(20));
      assertThatThrownBy(() -> mapping.outbox(answer, true)).hasMessageContaining("ab".repeat(20));
    }
  }

  private static List<Value> elements(SetEnumValue s) {
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < s.elems.size(); i++) {
      out.add(s.elems.elementAt(i));
    }
    return out;
  }

  /** Asserts the two forms the same TLC value; how many sets of addresses they hold. */
  private static int same(Set<Object> plain, Set<Object> asTlc) {
    Value expected = TlaValues.toTla(plain);
    Value actual = TlaValues.toTla(asTlc);
    assertThat(actual).as("%s", plain).isEqualTo(expected);
    assertThat(actual.fingerPrint(FP64.New())).isEqualTo(expected.fingerPrint(FP64.New()));
    int sets = 0;
    List<Object> records = new ArrayList<>(asTlc);
    List<Object> plainRecords = new ArrayList<>(plain);
    assertThat(records).hasSameSizeAs(plainRecords);
    for (int i = 0; i < records.size(); i++) {
      Object addresses = ((Map<?, ?>) records.get(i)).get("addresses");
      if (addresses == null) {
        continue;
      }
      Value built = (Value) addresses;
      SetEnumValue normalized = (SetEnumValue) TlaValues.toTla(((Map<?, ?>) plainRecords.get(i)).get("addresses"));
      // element by element, in order: what TLC's equality of normalized sets reads
      assertThat(elements((SetEnumValue) built)).containsExactlyElementsOf(elements(normalized));
      sets++;
    }
    return sets;
  }
}
