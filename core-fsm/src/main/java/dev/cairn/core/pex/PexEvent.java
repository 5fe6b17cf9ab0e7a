package dev.cairn.core.pex;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.Direction;
import java.util.List;
import java.util.Objects;

/**
 * Facts reported to PEX, in the past tense. Each record is one action of the same name in
 * {@code Pex.tla}. The three {@link FromPeer} events are decoded channel-0x00 messages and come
 * from the shell; {@link Started}, {@link PeerUp} and {@link PeerDown} come from the PeerManager
 * through {@code Core.step}; {@link TimerFired} from the shell's single timer.
 */
public sealed interface PexEvent {

  /** A message a peer sent on the PEX channel, as the shell decoded it. */
  sealed interface FromPeer extends PexEvent {
    NodeId peer();
  }

  /**
   * The node started. Producer: {@code Core.step}, right after the PeerManager took
   * {@code Started}. Precondition: not started; otherwise rejected. Arms the first round.
   */
  record Started() implements PexEvent {}

  /**
   * The router started routing {@code peer} (CometBFT {@code AddPeer}). Producer: {@code Core.step},
   * from the PeerManager's {@code PublishPeerUpdate(UP)}, with the self-reported address the shell
   * gave with {@code PeerReady}. Precondition: {@code peer} is not up, fewer than
   * {@link PexConfig#maxPeers()} are; otherwise rejected.
   */
  record PeerUp(NodeId peer, Direction direction, NodeAddress listenAddress) implements PexEvent {
    public PeerUp {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(listenAddress, "listenAddress");
      if (!listenAddress.id().equals(peer)) {
        throw new IllegalArgumentException(
            "listen address " + listenAddress + " is not an address of " + peer);
      }
    }
  }

  /**
   * The router stopped routing {@code peer} (CometBFT {@code RemovePeer}). Producer:
   * {@code Core.step}, from the PeerManager's {@code PublishPeerUpdate(DOWN)}. Precondition:
   * {@code peer} is up; otherwise rejected. Forgets everything about that connection.
   */
  record PeerDown(NodeId peer) implements PexEvent {
    public PeerDown {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * {@code peer} sent a PexRequest. Producer: the shell's channel-0x00 decoder. Precondition:
   * {@code peer} is up; otherwise rejected.
   */
  record PexRequestReceived(NodeId peer) implements FromPeer {
    public PexRequestReceived {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * {@code peer} sent a PexAddrs whose every entry decoded into an address (Go
   * {@code NetAddressesFromProto}: an IP literal and a port below 65536). Producer: the shell's
   * decoder. Precondition: {@code peer} is up; otherwise rejected. The count is not limited here:
   * more than {@link PexConfig#maxAddressesPerMessage()} is abuse, judged by PEX.
   */
  record PexAddrsReceived(NodeId peer, List<NodeAddress> addresses) implements FromPeer {
    public PexAddrsReceived {
      Objects.requireNonNull(peer, "peer");
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * {@code peer} sent bytes on the PEX channel that did not decode (bad protobuf, unknown message,
   * an entry that is not an address). Producer: the shell's decoder. Precondition: {@code peer}
   * is up; otherwise rejected. {@code reason} is for traces.
   */
  record PexMessageMalformed(NodeId peer, String reason) implements FromPeer {
    public PexMessageMalformed {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Time passed {@link Pex#nextDeadline}. Producer: the shell's single timer, through
   * {@code Core.step}. Precondition: a PEX timer expired at {@code now}; otherwise rejected.
   */
  record TimerFired() implements PexEvent {}
}
