package dev.cairn.core.book;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The IPv4 fast paths of {@link IpClass} ({@link IpClass#parseV4Bits} and the tests on the four
 * bytes) give what {@link IpClass#parse} and the tests on the parsed 16 bytes give: the same
 * accepted texts, the same bytes, and the same validity, locality, routability and /16 group.
 */
class IpClassV4Properties {

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> octet = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 255).map(String::valueOf),
        Arbitraries.of("0", "00", "01", "010", "256", "999", "1000", "", "-1", "1a", " 1", "255"));
    Arbitrary<String> special = Arbitraries.of("10", "127", "169", "172", "192", "0", "255", "100");
    Arbitrary<String> first = Arbitraries.oneOf(octet, special);
    Arbitrary<String> second = Arbitraries.oneOf(octet, Arbitraries.of("16", "31", "168", "254"));
    Arbitrary<String> quads = Combinators.combine(first, second, octet, octet)
        .as((a, b, c, d) -> a + "." + b + "." + c + "." + d);
    Arbitrary<String> odd = Arbitraries.of("1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4.", ".1.2.3.4",
        "::ffff:1.2.3.4", "::1", "2001:db8::1", "1.2.3.4:5", "0.0.0.0", "255.255.255.255",
        "1.2.3.04", "01.2.3.4", "123.123.123.123", "1234.1.1.1", "1.2.3.4 ");
    Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789.:af").ofMaxLength(18);
    return Arbitraries.oneOf(quads, quads, odd, noise);
  }

  @Property(tries = 3000)
  void fastPathsAgreeWithParse(@ForAll("texts") String s) {
    long bits = IpClass.parseV4Bits(s);
    byte[] b = IpClass.parse(s);
    boolean plainV4 = b != null && s.indexOf(':') < 0;
    assertThat(bits >= 0).as("accepted as a dotted quad: %s", s).isEqualTo(plainV4);
    assertThat(IpClass.isRoutable(s)).as("routable: %s", s).isEqualTo(b != null && IpClass.routable(b));
    if (bits < 0) {
      return;
    }
    assertThat(IpClass.isV4(b)).isTrue();
    int v = (int) bits;
    int fromBytes = (b[12] & 0xff) << 24 | (b[13] & 0xff) << 16 | (b[14] & 0xff) << 8 | (b[15] & 0xff);
    assertThat(v).isEqualTo(fromBytes);
    assertThat(IpClass.validV4(v)).isEqualTo(IpClass.valid(b));
    assertThat(IpClass.localV4(v)).isEqualTo(IpClass.local(b));
    assertThat(IpClass.routableV4(v)).isEqualTo(IpClass.routable(b));
    assertThat(v >>> 16).isEqualTo(IpClass.v4Group(b));
  }
}
