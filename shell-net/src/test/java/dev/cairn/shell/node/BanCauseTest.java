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
        Collections.nCopies(3, a))), PEER)).isEqualTo("it sent a PexAddrs it was not asked for (3 addresses)");
    assertThat(Node.banCause(new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(PEER,
        Collections.nCopies(251, a))), PEER)).isEqualTo("it sent a PexAddrs with too many addresses (251, more than"
        + " 250)");
    // a banned peer that connects again: its disconnect says so, not only the event's name
    assertThat(Node.banCause(new CoreEvent.Peer(new dev.cairn.core.peer.PeerEvent.InboundAccepted(
        new NodeAddress(PEER, "1.2.3.4", 40000))), PEER))
        .isEqualTo("it connected while a ban of it is on record (the event=ban line of its ban says why)");
  }

  /**
   * A persistent or unconditional peer is disconnected, never banned, so no {@code event=ban}
   * line follows: its {@code BANNED} disconnect line carries the cause, and says no ban was
   * recorded. An ordinary peer's carries the cause alone (its {@code event=ban} line follows).
   */
  @Test
  void aBannedDisconnectSaysWhyAndWhetherTheBanWasRecorded() {
    NodeId unconditional = NodeId.of("cc".repeat(20));
    dev.cairn.core.peer.PeerConfig cfg = dev.cairn.core.peer.PeerConfig.defaults(
        dev.cairn.core.book.BookConfig.defaults(NodeId.of("00".repeat(20))))
        .withPersistentPeers(org.pcollections.TreePSet.singleton(new NodeAddress(PEER, "1.2.3.4", 26656)))
        .withUnconditionalPeerIds(org.pcollections.TreePSet.singleton(unconditional));
    CoreEvent malformed = new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(PEER,
        "PexAddrs entry 5 is invalid: NetAddress.ip 'fe80::1%eth0' is not an IP literal"));
    assertThat(Node.bannedWhy(cfg, malformed, PEER)).isEqualTo(" cause=\"it sent a malformed PEX message: PexAddrs"
        + " entry 5 is invalid: NetAddress.ip 'fe80::1%eth0' is not an IP literal\" ban=\"not recorded: persistent"
        + " peers are disconnected, never banned\"");
    CoreEvent soon = new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(unconditional));
    assertThat(Node.bannedWhy(cfg, soon, unconditional)).isEqualTo(" cause=\"it sent a PexRequest too soon after its"
        + " last one\" ban=\"not recorded: unconditional peers are disconnected, never banned\"");
    CoreEvent other = new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(OTHER));
    assertThat(Node.bannedWhy(cfg, other, OTHER)).isEqualTo(" cause=\"it sent a PexRequest too soon after its last"
        + " one\"");
  }

  @Test
  void aBanAnotherPeersMessageLedToNamesTheEventOnly() {
    assertThat(Node.banCause(new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(OTHER)), PEER))
        .isEqualTo("PexRequestReceived");
  }
}
