package dev.cairn.core.book;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Port of v0.34 {@code TestAddrBookGroupKey} and the netaddress classification rules. */
class IpClassTest {

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
    "ipv4 normal class a, 12.1.2.3, 12.1.0.0",
    "ipv4 normal class b, 173.1.2.3, 173.1.0.0",
    "ipv4 normal class c, 196.1.2.3, 196.1.0.0",
    "ipv6 rfc3964 with ipv4 encap, 2002:0c01:0203::, 12.1.0.0",
    "ipv6 rfc4380 teredo ipv4, 2001:0:1234::f3fe:fdfc, 12.1.0.0",
    "ipv6 rfc6052 well-known prefix with ipv4, 64:ff9b::0c01:0203, 12.1.0.0",
    "ipv6 rfc6145 translated ipv4, ::ffff:0:0c01:0203, 12.1.0.0",
    "ipv6 tor onioncat, fd87:d87e:eb43:1234::5678, tor:2",
    "ipv6 tor onioncat 2, fd87:d87e:eb43:1245::6789, tor:2",
    "ipv6 tor onioncat 3, fd87:d87e:eb43:1345::6789, tor:3",
    "ipv6 normal, 2602:100::1, 2602:100::",
    "ipv6 normal 2, 2602:0100::1234, 2602:100::",
    "ipv6 hurricane electric, 2001:470:1f10:a1::2, 2001:470:1000::",
    "ipv6 hurricane electric 2, 2001:0470:1f10:a1::2, 2001:470:1000::",
    "ipv4-mapped ipv6 is ipv4, ::ffff:12.1.2.3, 12.1.0.0",
  })
  void groupKey_nonStrict(String name, String ip, String expected) {
    assertThat(IpClass.groupKey(ip, false)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
    "ipv4 localhost, 127.0.0.1, local",
    "ipv6 localhost, ::1, local",
    "ipv4 zero, 0.0.0.0, local",
    "ipv4 first octet zero, 0.1.2.3, local",
    "ipv4 invalid bcast, 255.255.255.255, unroutable",
    "ipv4 rfc1918 10/8, 10.1.2.3, unroutable",
    "ipv4 rfc1918 172.16/12, 172.16.1.2, unroutable",
    "ipv4 rfc1918 192.168/16, 192.168.1.2, unroutable",
    "ipv6 rfc3849 2001:db8::/32, 2001:db8::1234, unroutable",
    "ipv4 rfc3927 169.254/16, 169.254.1.2, unroutable",
    "ipv6 rfc4193 fc00::/7, fc00::1234, unroutable",
    "ipv6 rfc4843 2001:10::/28, 2001:10::1234, unroutable",
    "ipv6 rfc4862 fe80::/64, fe80::1234, unroutable",
    "ipv4 public stays a /16, 12.1.2.3, 12.1.0.0",
    "172.32 is outside 172.16/12, 172.32.1.2, 172.32.0.0",
  })
  void groupKey_strict(String name, String ip, String expected) {
    assertThat(IpClass.groupKey(ip, true)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: valid={1} local={2} routable={3}")
  @CsvSource({
    "127.0.0.1, true, true, false",
    "8.8.8.8, true, false, true",
    "0.0.0.0, false, true, false",
    "::, false, false, false",
    "255.255.255.255, false, false, false",
    "2001:db8::1, false, false, false",
    "10.0.0.1, true, false, false",
    "172.31.255.255, true, false, false",
    "172.15.0.1, true, false, true",
    "169.254.3.4, true, false, false",
    "fe80::1, true, false, false",
    "fe80:0:0:1::1, true, false, true",
    "fc00::1, true, false, false",
    "fd00::1, true, false, false",
    "2001:10::1, true, false, false",
    "2001:20::1, true, false, true",
    "2606:4700::1111, true, false, true",
    "::1, true, true, false",
    "::ffff:10.0.0.1, true, false, false",
    "::ffff:127.0.0.1, true, true, false",
  })
  void validLocalRoutable_asNetaddressGo(String ip, boolean valid, boolean local, boolean routable) {
    assertThat(IpClass.isValid(ip)).as("valid").isEqualTo(valid);
    assertThat(IpClass.isLocal(ip)).as("local").isEqualTo(local);
    assertThat(IpClass.isRoutable(ip)).as("routable").isEqualTo(routable);
  }

  @ParameterizedTest(name = "not an IP: ''{0}''")
  @CsvSource({
    "ya.ru", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "'1.2.3.4 '", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9",
    "12345::", "fe80::1%eth0", "::ffff:1.2.3", "g::1", "1:2:3:4:5:6:7:8::", "'١.٢.٣.٤'",
  })
  void nonLiterals_areNotIps(String text) {
    assertThat(IpClass.isIp(text)).isFalse();
    assertThat(IpClass.isValid(text)).isFalse();
    assertThatThrownBy(() -> IpClass.groupKey(text, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }

  @ParameterizedTest
  @CsvSource({"1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8", "1::, 1::", "::2:0:0:0:5, ::2:0:0:0:5", "1:0:0:2:0:0:0:3, 1:0:0:2::3"})
  void formatV6_isGoStringForm(String in, String out) {
    assertThat(IpClass.formatV6(IpClass.parse(in))).isEqualTo(out);
  }
}
