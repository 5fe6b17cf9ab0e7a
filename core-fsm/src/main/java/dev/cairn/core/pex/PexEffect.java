package dev.cairn.core.pex;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Commands, in the imperative. {@link ShellEffect}s are executed by the shell in order;
 * {@link HandOff}s are PeerManager events that {@code Core.step} applies to the PeerManager in
 * the same step (they never reach the shell).
 */
public sealed interface PexEffect {

  /** Executed by the shell. */
  sealed interface ShellEffect extends PexEffect {}

  /** Applied to the PeerManager by {@code Core.step}, as the PeerEvent named in each record. */
  sealed interface HandOff extends PexEffect {}

  /** Send an empty PexRequest ({@code 0a 00}) to {@code peer}. */
  record SendPexRequest(NodeId peer) implements ShellEffect {
    public SendPexRequest {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /** Send a PexAddrs with {@code addresses}, in order, to {@code peer}: the answer to its request. */
  record SendPexAddrs(NodeId peer, List<NodeAddress> addresses) implements ShellEffect {
    public SendPexAddrs {
      Objects.requireNonNull(peer, "peer");
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * Seed mode: send a PexAddrs with {@code addresses} to {@code peer}, flush it to the socket, then
   * close the connection gracefully (CometBFT {@code FlushStop} + {@code StopPeerGracefully};
   * tendermint#2092: closing before the flush lost the answer). No ban.
   */
  record SendPexAddrsThenDisconnect(NodeId peer, List<NodeAddress> addresses) implements ShellEffect {
    /**
     * The reason this disconnect is told by (the shell's log and metrics, a trace's summary): no
     * {@link PexDisconnectReason} names it, the effect itself is the reason.
     */
    public static final String REASON = "SEED_ANSWERED_REQUEST";

    public SendPexAddrsThenDisconnect {
      Objects.requireNonNull(peer, "peer");
      addresses = List.copyOf(addresses);
    }
  }

  /** Close the admitted connection of {@code peer} gracefully (flush, then close; no ban). */
  record DisconnectPeer(NodeId peer, PexDisconnectReason reason) implements ShellEffect {
    public DisconnectPeer {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** PeerManager {@code AddressesLearned(addresses, source)}: the book decides what to keep. */
  record LearnAddresses(List<NodeAddress> addresses, NodeAddress source) implements HandOff {
    public LearnAddresses {
      addresses = List.copyOf(addresses);
      Objects.requireNonNull(source, "source");
    }
  }

  /** PeerManager {@code PeerBanned(peer, duration)}: ban and disconnect (persistent peers: disconnect only). */
  record BanPeer(NodeId peer, Duration duration) implements HandOff {
    public BanPeer {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * PeerManager {@code PeerReported(peer, GOOD)}: PEX accepted a message from {@code peer}, one the
   * PeerManager still counts as idle inbound ({@code PeerState.idleInbound}); a reported peer keeps
   * its slot when a newcomer finds inbound full. Handed off once per connection at most.
   */
  record ReportPeer(NodeId peer) implements HandOff {
    public ReportPeer {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * PeerManager {@code DialRequested(address)}: dial a seed, or an address to crawl. The
   * PeerManager still applies its limits, bans and duplicate checks, and may refuse.
   */
  record RequestDial(NodeAddress address) implements HandOff {
    public RequestDial {
      Objects.requireNonNull(address, "address");
    }
  }
}
