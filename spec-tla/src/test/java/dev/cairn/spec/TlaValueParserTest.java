package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TlaValueParserTest {

  @Test
  void readsScalars() {
    assertThat(TlaValueParser.parse("42")).isEqualTo(42);
    assertThat(TlaValueParser.parse("-3")).isEqualTo(-3);
    assertThat(TlaValueParser.parse("TRUE")).isEqualTo(true);
    assertThat(TlaValueParser.parse("FALSE")).isEqualTo(false);
    assertThat(TlaValueParser.parse("\"a \\\"b\\\" \\\\ c\"")).isEqualTo("a \"b\" \\ c");
    assertThat(TlaValueParser.parse("p1")).isEqualTo(new TlaModelValue("p1"));
  }

  @Test
  void readsSetsTuplesRecordsAndFunctions() {
    assertThat(TlaValueParser.parse("{}")).isEqualTo(Set.of());
    assertThat(TlaValueParser.parse("{p1, p2}"))
        .isEqualTo(Set.of(TlaModelValue.of("p1"), TlaModelValue.of("p2")));
    assertThat(TlaValueParser.parse("<<>>")).isEqualTo(List.of());
    assertThat(TlaValueParser.parse("<<\"dial\", p1, <<1, 2>>>>"))
        .isEqualTo(List.of("dial", TlaModelValue.of("p1"), List.of(1, 2)));
    assertThat(TlaValueParser.parse("[status |-> \"known\", attempts |-> 0]"))
        .isEqualTo(Map.of("status", "known", "attempts", 0));
    Object f = TlaValueParser.parse(
        "( p1 :> [n |-> 0, s |-> \"idle\"] @@\n  p2 :> [n |-> 1, s |-> \"on\"] )");
    assertThat(f).isEqualTo(Map.of(
        TlaModelValue.of("p1"), Map.of("n", 0, "s", "idle"),
        TlaModelValue.of("p2"), Map.of("n", 1, "s", "on")));
    assertThat(TlaValueParser.parse("(p1 :> \"outbound\")"))
        .isEqualTo(Map.of(TlaModelValue.of("p1"), "outbound"));
    assertThat(TlaValueParser.parse("{[kind |-> \"Maintenance\"], [kind |-> \"RetryDial\", peer |-> p1]}"))
        .isEqualTo(Set.of(Map.of("kind", "Maintenance"), Map.of("kind", "RetryDial", "peer", TlaModelValue.of("p1"))));
  }

  @Test
  void keepsTlcOrderInSets() {
    @SuppressWarnings("unchecked")
    Set<Object> s = (Set<Object>) TlaValueParser.parse("{3, 1, 2}");
    assertThat(s).containsExactly(3, 1, 2);
  }

  @Test
  void namesWhereTheTextIsBroken() {
    assertThatThrownBy(() -> TlaValueParser.parse("{p1, "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
    assertThatThrownBy(() -> TlaValueParser.parse("[a |-> 1] junk"))
        .hasMessageContaining("unexpected text after the value");
    assertThatThrownBy(() -> TlaValueParser.parse("99999999999"))
        .hasMessageContaining("32-bit");
  }
}
