package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CoreEvent;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.pex.PexEvent;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** The cause a node's {@code event=ban} log line gives: what the banned peer sent, in words. */
class BanCauseTest {

  private static final NodeId PEER = NodeId.of("aa".repeat(20));
  private static final NodeId OTHER = NodeId.of("bb".repeat(20));

  @Test
  void whatThePeerSentIsNamed() {
    assertThat(Node.banCause(new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(PEER, "unknown message type 7")),
        PEER)).isEqualTo("it sent a malformed PEX message: unknown message type 7");
    assertThat(Node.banCause(new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(PEER)), PEER))
        .isEqualTo("it sent a PexRequest too soon after its last one");
    NodeAddress a = new NodeAddress(OTHER, "1.2.3.4", 26656);
    assertThat(Node.banCause(new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(PEER,
        Collections.nCopies(3, a))), PEER)).isEqualTo("it sent a PexAddrs it was not asked for, or with too many"
        + " addresses (3)");
  }

  @Test
  void aBanAnotherPeersMessageLedToNamesTheEventOnly() {
    assertThat(Node.banCause(new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(OTHER)), PEER))
        .isEqualTo("PexRequestReceived");
  }
}
