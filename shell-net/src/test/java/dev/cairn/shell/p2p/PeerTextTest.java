package dev.cairn.shell.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Text a peer chose, as it may appear in a message, a log line or a trace. */
class PeerTextTest {

  @Test
  void printableAsciiIsQuotedAsItIs() {
    assertThat(PeerText.quote("node-1 (eu)")).isEqualTo("'node-1 (eu)'");
    assertThat(PeerText.quote("")).isEqualTo("''");
  }

  @Test
  void lineEndsQuotesEscapesAndOtherCharactersAreEscaped() {
    assertThat(PeerText.quote("a\nb\rc\td")).isEqualTo("'a\\nb\\rc\\td'");
    assertThat(PeerText.quote("say \"hi\" it's \\")).isEqualTo("'say \\\"hi\\\" it\\'s \\\\'");
    assertThat(PeerText.quote("\u001b[31mred")).isEqualTo("'\\x1b[31mred'");
    assertThat(PeerText.quote("caf\u00e9 \u202egnp")).isEqualTo("'caf\\xe9 \\u202egnp'");
    assertThat(PeerText.quote("\u0000\u007f")).isEqualTo("'\\x00\\x7f'");
  }

  @Test
  void longTextIsCutAndItsLengthGiven() {
    String q = PeerText.quote("x".repeat(60_000));
    assertThat(q).isEqualTo("'" + "x".repeat(PeerText.MAX_CHARS) + "'... (60000 characters)");
    assertThat(PeerText.quote("y".repeat(PeerText.MAX_CHARS))).isEqualTo("'" + "y".repeat(PeerText.MAX_CHARS) + "'");
  }

  @Test
  void printableLeavesPlainTextAloneAndEscapesTheRest() {
    String plain = "PexAddrs entry 1 is invalid: NetAddress.ip 'x\\n' is not an IP literal";
    assertThat(PeerText.printable(plain)).isSameAs(plain);
    assertThat(PeerText.printable("a\nb\u001b\u202e\"")).isEqualTo("a\\nb\\x1b\\u202e\"");
  }

  /** A peer's NodeInfo that fails validation is named in the refusal without its text raw. */
  @Test
  void aRefusedNodeInfoNamesThePeersTextQuoted() {
    NodeInfo base = new NodeInfo(new NodeInfo.ProtocolVersion(8, 11, 0), "ab".repeat(20), "127.0.0.1:26656",
        "chain", "1.0", List.of(0), "ok", new NodeInfo.Other("off", ""));
    NodeInfo forged = new NodeInfo(base.protocolVersion(), base.defaultNodeId(), base.listenAddr(), base.network(),
        base.version(), base.channels(), "me\n2026-01-01T00:00:00.000Z INFO forged", base.other());
    assertThatThrownBy(() -> forged.validate(HostResolver.none()))
        .hasMessageContaining("got 'me\\n2026-01-01T00:00:00.000Z INFO forged'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    NodeInfo longAddr = new NodeInfo(base.protocolVersion(), base.defaultNodeId(), "x".repeat(5_000) + ":1", base.network(),
        base.version(), base.channels(), base.moniker(), base.other());
    assertThatThrownBy(() -> longAddr.validate(HostResolver.none()))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(3 * PeerText.MAX_CHARS + 300)
            .contains("(5000 characters)"));
  }
}
