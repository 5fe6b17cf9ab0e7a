package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TlaValuesTest {

  enum Direction { INBOUND, OUTBOUND }

  record Dial(TlaModelValue peer, Direction direction) {}

  @Test
  void roundTripsPlainValues() {
    List<Object> values = List.of(7, -1, "s", true, TlaModelValue.of("p1"),
        Set.of(1, 2, 3), List.of("a", 1), Map.of("status", "known", "attempts", 0),
        Map.of(TlaModelValue.of("p1"), "inbound", TlaModelValue.of("p2"), "outbound"),
        Set.of(Map.of("kind", "RetryDial", "peer", TlaModelValue.of("p2"))));
    for (Object v : values) {
      assertThat(TlaValues.fromTla(TlaValues.toTla(v))).as("%s", v).isEqualTo(v);
    }
  }

  @Test
  void javaRecordsAndEnumsBecomeRecordsAndLowerCaseStrings() {
    Object back = TlaValues.fromTla(TlaValues.toTla(new Dial(TlaModelValue.of("p1"), Direction.OUTBOUND)));
    assertThat(back).isEqualTo(Map.of("peer", TlaModelValue.of("p1"), "direction", "outbound"));
    assertThat(TlaValues.toTla(Optional.empty())).isEqualTo(TlaValues.toTla(Set.of()));
  }

  @Test
  void recordsEqualStringKeyedFunctions() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("b", 2);
    m.put("a", 1);
    assertThat(TlaValues.toTla(m)).isEqualTo(TlaValues.toTla(Map.of("a", 1, "b", 2)));
    assertThat(TlaValues.toTla(m).fingerPrint(0)).isEqualTo(TlaValues.toTla(Map.of("a", 1, "b", 2)).fingerPrint(0));
  }

  @Test
  void refusesWhatTlcCannotHold() {
    assertThatThrownBy(() -> TlaValues.toTla(1L << 40)).hasMessageContaining("32 bits");
    assertThatThrownBy(() -> TlaValues.toTla(new Object())).hasMessageContaining("no TLA+ value");
  }
}
