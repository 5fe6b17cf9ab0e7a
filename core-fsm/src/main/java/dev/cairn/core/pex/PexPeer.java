package dev.cairn.core.pex;

import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.peer.Direction;
import java.util.Objects;

/**
 * A peer PEX talks to: one the router is routing (the PeerManager published it UP).
 *
 * @param direction     who opened the connection
 * @param listenAddress the peer's self-reported {@code id@listen_addr} from its NodeInfo: the source of
 *                      what it tells us, and (for inbound peers) the address we learn from it
 * @param upSince       when it came up (seed mode disconnects long-connected peers)
 */
public record PexPeer(Direction direction, NodeAddress listenAddress, MonoTime upSince) {
  public PexPeer {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(listenAddress, "listenAddress");
    Objects.requireNonNull(upSince, "upSince");
  }
}
