package dev.cairn.shell.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerAddressTest {

  static final String ID = "2d6ea4296e321edc08897614e2a24c4bc3e71d63";

  @Test
  void parse_ipv4_ipv6_name_andTcpPrefix() {
    assertThat(PeerAddress.parse(ID + "@1.2.3.4:26656"))
        .isEqualTo(new PeerAddress(NodeId.of(ID), new HostPort("1.2.3.4", 26656)));
    assertThat(PeerAddress.parse(ID + "@[2001:DB8:0::1]:26656").hostPort())
        .isEqualTo(new HostPort("2001:db8::1", 26656));
    assertThat(PeerAddress.parse("tcp://" + ID + "@seed.example.org:1").hostPort())
        .isEqualTo(new HostPort("seed.example.org", 1));
    assertThat(PeerAddress.parse(ID + "@[::1]:26656").toString()).isEqualTo(ID + "@[::1]:26656");
    assertThat(new HostPort("seed.example.org", 1).isIpLiteral()).isFalse();
    assertThat(new HostPort("::1", 1).isIpLiteral()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "1.2.3.4:26656 | node ID is missing",
    "@1.2.3.4:26656 | not 40 lowercase hex",
    "ID@1.2.3.4 | port is missing",
    "ID@:26656 | must name a host",
    "ID@1.2.3.4:65536 | outside 0..65535",
    "ID@1.2.3.4:-1 | not a number",
    "ID@::1:26656 | in brackets",
    "ID@[1.2.3.4]:26656 | not an IPv6 address",
    "ID@[::1:26656 | unclosed",
    "ID@1.2.3.256:26656 | neither an IP address nor a DNS name",
    "ID@-bad-.example:26656 | neither an IP address nor a DNS name",
    "ID@a b:26656 | neither an IP address nor a DNS name",
    "udp://ID@1.2.3.4:1 | must use tcp://"
  })
  void parse_rejectsWithTheRule(String text, String rule) {
    String input = text.replace("ID", ID);
    assertThatThrownBy(() -> PeerAddress.parse(input)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(rule).hasMessageContaining(input);
  }
}
