package dev.cairn.core.peer;

import dev.cairn.core.NodeAddress;
import java.util.Objects;

/**
 * One admitted connection. {@code address} identifies the socket: the dialed address for an
 * outbound connection, the remote address (remote IP and ephemeral port) for an inbound one.
 * It is what {@link PeerEffect.Disconnect} and {@link PeerEvent.PeerDisconnected} name, so a
 * second, refused connection of the same peer is never confused with the admitted one.
 */
public record Connection(Direction direction, NodeAddress address) {
  public Connection {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(address, "address");
  }
}
