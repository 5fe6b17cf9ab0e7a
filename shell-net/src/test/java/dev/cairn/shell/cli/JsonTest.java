package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Addresses in the commands' JSON lines: as a dialer or a config file reads them back. */
class JsonTest {

  @Test
  void anIpv6HostIsBracketed() throws Exception {
    assertThat(Json.address("::", 26656)).isEqualTo("[::]:26656");
    assertThat(Json.address("2001:db8::1", 1)).isEqualTo("[2001:db8::1]:1");
    assertThat(Json.address("127.0.0.1", 26656)).isEqualTo("127.0.0.1:26656");
    assertThat(Json.address(new InetSocketAddress(InetAddress.getByName("::1"), 9100))).isEqualTo("[::1]:9100");
    assertThat(Json.address(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 9100))).isEqualTo("10.0.0.2:9100");
  }
}
