package dev.cairn.shell.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.NodeAddress;
import dev.cairn.shell.proto.TestVectors;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetAddressesTest {

  private static final String ID = "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

  /**
   * The vector file resolves 'ya.ru' with real DNS. Tests must not need a network, so this fake
   * answers it with a public address (77.88.55.242, one of ya.ru's published addresses); every
   * other name fails as an unknown host would.
   */
  static final HostResolver FAKE_DNS = host -> {
    if (host.equals("ya.ru")) {
      return InetAddress.getByAddress(host, new byte[] {77, 88, 55, (byte) 242});
    }
    throw new UnknownHostException(host);
  };

  @Test
  void everyNewNetAddressStringCase() throws Exception {
    JsonNode cases = TestVectors.json("netaddress_and_nodeinfo_cases.json")
        .get("NewNetAddressString").get("cases");
    assertThat(cases.size()).isGreaterThan(20);
    for (JsonNode c : cases) {
      String name = c.get(0).asText();
      String input = c.get(1).asText();
      if (c.get(2).isNull()) {
        assertThatThrownBy(() -> NetAddresses.parse(input, FAKE_DNS))
            .as(name).isInstanceOf(NetAddressException.class);
      } else {
        assertThat(NetAddresses.parse(input, FAKE_DNS).toString()).as(name).isEqualTo(c.get(2).asText());
      }
    }
  }

  @Test
  void everyValidLocalRoutableCase() throws Exception {
    JsonNode cases = TestVectors.json("netaddress_and_nodeinfo_cases.json")
        .get("NetAddressProperties").get("cases");
    assertThat(cases.size()).as("NetAddressProperties cases").isEqualTo(2);
    for (JsonNode c : cases) {
      NetAddress a = NetAddresses.parse(c.get(0).asText(), FAKE_DNS);
      assertThat(a.valid()).as(c.toString()).isEqualTo(c.get(1).asBoolean());
      assertThat(a.local()).as(c.toString()).isEqualTo(c.get(2).asBoolean());
      assertThat(a.routable()).as(c.toString()).isEqualTo(c.get(3).asBoolean());
    }
  }

  @Test
  void everyReachabilityCase() throws Exception {
    JsonNode cases = TestVectors.json("netaddress_and_nodeinfo_cases.json")
        .get("ReachabilityTo").get("cases");
    assertThat(cases.size()).as("ReachabilityTo cases").isEqualTo(2);
    for (JsonNode c : cases) {
      NetAddress a = NetAddresses.parse(c.get(0).asText(), FAKE_DNS);
      NetAddress o = NetAddresses.parse(c.get(1).asText(), FAKE_DNS);
      assertThat(a.reachabilityTo(o)).as(c.toString()).isEqualTo(c.get(2).asInt());
    }
  }

  @Test
  void errorsNameTheBrokenRule() {
    assertReason("127.0.0.1:8080", NetAddressException.Reason.NO_ID);
    assertReason("deadbeef@127.0.0.1:8080", NetAddressException.Reason.INVALID_ID);
    assertReason(ID + "@127.0.0.1", NetAddressException.Reason.INVALID_HOST_PORT);
    assertReason(ID + "@:26656", NetAddressException.Reason.EMPTY_HOST);
    assertReason(ID + "@notahost:80", NetAddressException.Reason.LOOKUP_FAILED);
    assertReason(ID + "@127.0.0.1:65536", NetAddressException.Reason.INVALID_PORT);
    assertReason(ID + "@127.0.0.1:+80", NetAddressException.Reason.INVALID_PORT);
    assertReason(ID + "@1::2:80", NetAddressException.Reason.INVALID_HOST_PORT);
  }

  private static void assertReason(String input, NetAddressException.Reason reason) {
    assertThatThrownBy(() -> NetAddresses.parse(input, FAKE_DNS))
        .isInstanceOfSatisfying(NetAddressException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.getMessage()).contains(input);
        });
  }

  @ParameterizedTest
  @CsvSource({
    "[::1]:26656, ::1, true, false",
    "[2001:db8::1]:1, 2001:db8::1, false, false",
    "[2001:0db8:0000:0000:0000:ff00:0042:8329]:1, 2001:db8::ff00:42:8329, false, false",
    "[::ffff:1.2.3.4]:1, 1.2.3.4, true, true",
    "[fe80::1]:1, fe80::1, true, false",
    "[fc00::1]:1, fc00::1, true, false",
    "[2a00:1450:4001:80b::200e]:1, 2a00:1450:4001:80b::200e, true, true",
    "[1:0:0:2:0:0:0:3]:1, 1:0:0:2::3, true, true",
    "[1:0:0:2:0:0:3:4]:1, 1::2:0:0:3:4, true, true",
    "0.0.0.0:26656, 0.0.0.0, false, false",
    "255.255.255.255:1, 255.255.255.255, false, false",
    "10.1.2.3:1, 10.1.2.3, true, false",
    "172.31.0.1:1, 172.31.0.1, true, false",
    "172.32.0.1:1, 172.32.0.1, true, true",
    "169.254.1.1:1, 169.254.1.1, true, false",
    "8.8.8.8:53, 8.8.8.8, true, true",
  })
  void canonicalTextAndClassification(String hostPort, String ip, boolean valid, boolean routable)
      throws Exception {
    NetAddress a = NetAddresses.parse(ID + "@" + hostPort, HostResolver.none());
    assertThat(a.ipText()).isEqualTo(ip);
    assertThat(a.valid()).isEqualTo(valid);
    assertThat(a.routable()).isEqualTo(routable);
  }

  @Test
  void leadingZerosInIpv4AreNotALiteral() {
    assertThat(IpText.parse("01.2.3.4")).isNull();
    assertThat(IpText.parse("1.2.3")).isNull();
    assertThat(IpText.parse("1.2.3.256")).isNull();
    assertThat(IpText.parse("1:2:3:4:5:6:7:8:9")).isNull();
    assertThat(IpText.parse("1::2::3")).isNull();
    assertThat(IpText.parse("12345::1")).isNull();
    assertThat(IpText.format(IpText.parse("::"))).isEqualTo("::");
    assertThat(IpText.format(IpText.parse("1::"))).isEqualTo("1::");
  }

  @Test
  void mapsToTheCoreAddress() throws Exception {
    NodeAddress a = NetAddresses.parse("tcp://" + ID + "@[::ffff:10.0.0.2]:26656", HostResolver.none())
        .toNodeAddress();
    assertThat(a.ip()).isEqualTo("10.0.0.2");
    assertThat(a.toString()).isEqualTo(ID + "@10.0.0.2:26656");
    assertThatThrownBy(() -> NetAddresses.parse(ID.toUpperCase() + "@1.2.3.4:1", HostResolver.none())
        .toNodeAddress()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lowercase");
  }

  @Test
  void reachabilityOfIpv6Kinds() throws Exception {
    NetAddress v6 = NetAddresses.parse(ID + "@[2a00::1]:1", HostResolver.none());
    NetAddress teredo = NetAddresses.parse(ID + "@[2001::1]:1", HostResolver.none());
    NetAddress sixToFour = NetAddresses.parse(ID + "@[2002::1]:1", HostResolver.none());
    NetAddress v4 = NetAddresses.parse(ID + "@8.8.8.8:1", HostResolver.none());
    assertThat(v6.reachabilityTo(v6)).isEqualTo(NetAddress.IPV6_STRONG);
    assertThat(v6.reachabilityTo(sixToFour)).isEqualTo(NetAddress.IPV6_WEAK);
    assertThat(v6.reachabilityTo(teredo)).isEqualTo(NetAddress.TEREDO);
    assertThat(v6.reachabilityTo(v4)).isEqualTo(NetAddress.IPV4);
    assertThat(teredo.reachabilityTo(v6)).isEqualTo(NetAddress.IPV6_WEAK);
    assertThat(v4.reachabilityTo(v6)).isEqualTo(NetAddress.DEFAULT);
  }
}
