package dev.cairn.core.peer;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Facts reported to the PeerManager, in the past tense. Each record is one action of the same
 * name in {@code PeerManager.tla}. Time is not part of an event: it is the {@code now} and
 * {@code wallNow} arguments of {@link PeerManager#step}.
 */
public sealed interface PeerEvent {

  /**
   * The node started. Producer: the shell, once, right after building the initial state.
   * Precondition: not started yet. Arms the maintenance timer and dials persistent peers.
   */
  record Started() implements PeerEvent {}

  /**
   * Addresses were learned. Producer: the shell at start (configured seeds/peers, with our own
   * address as {@code source}) or PEX (a PexAddrs reply, with the sender's address as
   * {@code source}). Precondition: at most {@link PeerManager#MAX_ADDRESSES_PER_EVENT}
   * addresses. The address book decides what to store (private peers and what they tell us
   * are not stored).
   */
  record AddressesLearned(List<NodeAddress> addresses, NodeAddress source) implements PeerEvent {
    public AddressesLearned {
      addresses = List.copyOf(addresses);
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * An operator asked to dial an address (RPC {@code dial_peers}). Producer: the shell.
   * Precondition: none; refused (rejected) when the address is ourselves, banned, already
   * connected or dialing, or no outbound slot is free.
   */
  record DialRequested(NodeAddress address) implements PeerEvent {
    public DialRequested {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * A dial completed: TCP, SecretConnection and NodeInfo handshakes succeeded and the
   * authenticated ID is {@code address.id()}. Producer: the shell, for a {@link PeerEffect.Dial}
   * it executed. Precondition: none beyond that; the core admits the connection or answers
   * with a {@link PeerEffect.Disconnect} of it.
   */
  record DialSucceeded(NodeAddress address) implements PeerEvent {
    public DialSucceeded {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * A dial failed (connect, handshake, or ID mismatch). Producer: the shell, for a
   * {@link PeerEffect.Dial} it executed. Precondition: {@code address.id()} is dialing at
   * {@code address}; otherwise rejected.
   */
  record DialFailed(NodeAddress address) implements PeerEvent {
    public DialFailed {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * A peer connected to us and completed the handshakes; {@code remote} is its authenticated ID
   * and the remote socket address. Producer: the shell's acceptor. Precondition: none; the core
   * admits it or answers with a {@link PeerEffect.Disconnect} of it.
   */
  record InboundAccepted(NodeAddress remote) implements PeerEvent {
    public InboundAccepted {
      Objects.requireNonNull(remote, "remote");
    }
  }

  /**
   * The router started routing an admitted peer. Producer: the shell. Precondition: the peer is
   * connected, not ready and not evicting; otherwise rejected.
   */
  record PeerReady(NodeId peer) implements PeerEvent {
    public PeerReady {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * An admitted connection closed, for any reason (remote close, our {@link PeerEffect.Disconnect},
   * I/O error). Producer: the shell, exactly once per admitted connection. Precondition: the
   * peer is connected at {@code address}; otherwise rejected (refused connections are not reported).
   */
  record PeerDisconnected(NodeAddress address) implements PeerEvent {
    public PeerDisconnected {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * A reactor reported a fatal error of a connected peer. Producer: the router. Precondition:
   * the peer is connected; otherwise rejected. Evicts the peer.
   */
  record PeerErrored(NodeId peer) implements PeerEvent {
    public PeerErrored {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * A reactor judged a connected peer (consensus after 10 000 useful votes/parts: good; a
   * non-fatal protocol error: bad). Producer: the router. Precondition: the peer is connected;
   * otherwise rejected.
   */
  record PeerReported(NodeId peer, Feedback feedback) implements PeerEvent {
    public PeerReported {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(feedback, "feedback");
    }
  }

  /**
   * A peer is to be banned for {@code duration} (PEX abuse: requests too often, unsolicited or
   * malformed addresses). Producer: the PEX machine through the composition, or an operator.
   * Precondition: {@code duration} positive; otherwise rejected. Persistent and unconditional
   * peers are disconnected but not banned.
   */
  record PeerBanned(NodeId peer, Duration duration) implements PeerEvent {
    public PeerBanned {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * Time passed {@link PeerManager#nextDeadline}. Producer: the shell's single timer.
   * Precondition: at least one timer expired at {@code now}; otherwise rejected. Every expired
   * timer fires, in key order.
   */
  record TimerFired() implements PeerEvent {}
}
