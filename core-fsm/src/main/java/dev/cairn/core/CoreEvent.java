package dev.cairn.core;

import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEvent;
import java.util.Objects;

/**
 * What the shell reports to the composed machine, in the past tense. One record, one atomic step
 * of {@link Core#step}: the event goes to the machine it concerns, and whatever the machines
 * hand to each other follows inside the same step.
 */
public sealed interface CoreEvent {

  /**
   * A PeerManager event the shell observed (dial results, inbound connections, disconnects,
   * reactor feedback, operator requests, start). {@code PeerReady} and {@code TimerFired} have
   * their own records here, because PEX needs more than the PeerManager does.
   */
  record Peer(PeerEvent event) implements CoreEvent {
    public Peer {
      Objects.requireNonNull(event, "event");
      if (event instanceof PeerEvent.PeerReady || event instanceof PeerEvent.TimerFired) {
        throw new IllegalArgumentException(event.getClass().getSimpleName()
            + " goes to the core as CoreEvent." + event.getClass().getSimpleName());
      }
    }
  }

  /**
   * The router started routing an admitted peer. Producer: the shell, once the peer's
   * MConnection runs. {@code listenAddress} is the peer's self-reported {@code id@listen_addr}
   * from its NodeInfo (validated in the handshake): what PEX learns from an inbound peer and the
   * source of everything the peer tells us. The PeerManager takes {@code PeerReady(peer)}; PEX
   * sees the peer come up.
   */
  record PeerReady(NodeId peer, NodeAddress listenAddress) implements CoreEvent {
    public PeerReady {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(listenAddress, "listenAddress");
      if (!listenAddress.id().equals(peer)) {
        throw new IllegalArgumentException(
            "listen address " + listenAddress + " is not an address of " + peer);
      }
    }
  }

  /** A decoded (or undecodable) message on the PEX channel. Producer: the shell's channel-0x00 decoder. */
  record PexMessage(PexEvent.FromPeer event) implements CoreEvent {
    public PexMessage {
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * Time passed {@link Core#nextDeadline}. Producer: the shell's single timer. Every expired
   * timer of both machines fires: the PeerManager's first, then PEX's.
   */
  record TimerFired() implements CoreEvent {}
}
