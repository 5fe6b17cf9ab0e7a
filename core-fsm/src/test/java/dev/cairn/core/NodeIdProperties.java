package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link NodeId} orders, equals and hashes exactly as its hex text does: every sorted structure
 * of the core (and of the spec's mapping) relies on it, and its comparison takes the cached
 * 16-digit prefix first.
 */
class NodeIdProperties {

  @Property(tries = 2000)
  void ordersAsItsText(@ForAll("ids") String a, @ForAll("ids") String b) {
    NodeId x = NodeId.of(a);
    NodeId y = NodeId.of(b);
    assertThat(Integer.signum(x.compareTo(y))).as("%s vs %s", a, b).isEqualTo(Integer.signum(a.compareTo(b)));
    assertThat(x.equals(y)).isEqualTo(a.equals(b));
    if (a.equals(b)) {
      assertThat(x.hashCode()).isEqualTo(y.hashCode());
    }
  }

  @Property(tries = 500)
  void prefixIsTheFirstSixteenDigits(@ForAll("ids") String a) {
    assertThat(NodeId.of(a).prefix()).isEqualTo(Long.parseUnsignedLong(a.substring(0, 16), 16));
    assertThat(NodeId.of(a).hex()).isEqualTo(a);
    assertThat(NodeId.of(a)).hasToString(a);
  }

  @Example
  void refusesWhatIsNotAnId() {
    assertThatThrownBy(() -> NodeId.of("ABCDEF0123456789abcdef0123456789abcdef01"))
        .hasMessageContaining("lowercase hex, found 'A' at 0");
    assertThatThrownBy(() -> NodeId.of("abc")).hasMessageContaining("40 hex characters, got 3");
  }

  /**
   * IDs that often share long prefixes, or differ only past the 16th digit, or in it, or only in
   * the digits 16-39 (the middle and tail numbers and their boundaries).
   */
  @Provide
  Arbitrary<String> ids() {
    Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789abcdef").ofLength(40);
    Arbitrary<String> near = Arbitraries.strings().withChars("0f9a").ofLength(4)
        .map(tail -> "00000000000000" + tail.substring(0, 2) + "0000000000000000000000" + tail.substring(2));
    Arbitrary<String> late = Arbitraries.strings().withChars("07f").ofLength(5)
        .map(t -> "0123456789abcdef" + t.charAt(0) + "00000000000000" + t.charAt(1) + t.charAt(2)
            + "00000" + t.charAt(3) + t.charAt(4));
    return Arbitraries.oneOf(digits, near, late);
  }
}
