package dev.cairn.shell.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class HostResolverTest {

  @Test
  void wellFormedNamesAreHostNames() {
    assertThat(HostResolver.isHostName("node.example.com")).isTrue();
    assertThat(HostResolver.isHostName("sentry-1.eu.example.com.")).isTrue();
    assertThat(HostResolver.isHostName("localhost")).isTrue();
    assertThat(HostResolver.isHostName("_srv.x1.io")).isTrue();
    assertThat(HostResolver.isHostName("a".repeat(63) + ".io")).isTrue();
  }

  @Test
  void malformedNamesAreNot() {
    assertThat(HostResolver.isHostName("")).isFalse();
    assertThat(HostResolver.isHostName(".")).isFalse();
    assertThat(HostResolver.isHostName("a..b")).isFalse();
    assertThat(HostResolver.isHostName("-a.com")).isFalse();
    assertThat(HostResolver.isHostName("a-.com")).isFalse();
    assertThat(HostResolver.isHostName("a".repeat(64) + ".io")).isFalse();
    assertThat(HostResolver.isHostName(("abc.".repeat(64)) + "io")).isFalse(); // 258 characters
    assertThat(HostResolver.isHostName("1.2.3.400")).isFalse();
    assertThat(HostResolver.isHostName("evil\nhost.com")).isFalse();
    assertThat(HostResolver.isHostName("host name.com")).isFalse();
  }

  @Test
  void namesUnresolvedPassesANameAsTheUnspecifiedAddressAndRefusesTheRest() throws Exception {
    assertThat(HostResolver.namesUnresolved().resolve("node.example.com").isAnyLocalAddress()).isTrue();
    assertThatThrownBy(() -> HostResolver.namesUnresolved().resolve("x\ny"))
        .isInstanceOf(UnknownHostException.class).hasMessage("host 'x\\ny' is neither an IP nor a host name");
  }

  /** CometBFT accepts a NodeInfo whose listen_addr is a name that resolves: so does a node, without the look-up. */
  @Test
  void aNodeInfoAdvertisingAHostNameIsValid() throws Exception {
    NodeInfo n = new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), "ab".repeat(20), "tcp://node.example.com:26656",
        "chain", "1.0", java.util.List.of(0), "ok", new NodeInfo.Other("off", ""));
    n.validate(HostResolver.namesUnresolved());
    assertThatThrownBy(() -> n.validate(HostResolver.none())).isInstanceOf(InvalidNodeInfoException.class);
  }
}
