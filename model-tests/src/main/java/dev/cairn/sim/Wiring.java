package dev.cairn.sim;

import dev.cairn.core.NodeAddress;
import java.util.List;

/** The simulated network's connections: links with two ends, and what travels on them. */
final class Wiring {

  private Wiring() {}

  /** Where one end of a connection is in the shell's lifecycle ({@code shell-net} Node's phases). */
  enum Phase {
    /** Connecting and handshaking; the core has not heard of it. */
    HANDSHAKING,
    /** Handshaken and handed to the core, which has not decided yet. */
    DELIVERED,
    /** The core admitted it; PEX traffic flows. */
    ADMITTED,
    /** The core (or the simultaneous-dial rule) refused it; closing. */
    REFUSED,
    /** Closed; the core has been (or will be) told if it had admitted it. */
    CLOSED
  }

  /** One side of a link, at one node. */
  static final class End {
    final Link link;
    final SimNode node;
    final boolean outbound;
    /** The address the core knows this connection by: dialed address, or remote IP and ephemeral port. */
    final NodeAddress address;
    Phase phase = Phase.HANDSHAKING;
    /**
     * The core or the simultaneous-dial rule refused it. The shell's close of a refused channel
     * completes after the step's follow-up ran (Netty fires channelInactive later), so the
     * follow-up still sees it refused, not closed, and reports nothing.
     */
    boolean refused;

    End(Link link, SimNode node, boolean outbound, NodeAddress address) {
      this.link = link;
      this.node = node;
      this.outbound = outbound;
      this.address = address;
    }

    /** The other end, or null while the acceptor has not seen the connection yet. */
    End other() {
      return this == link.dialer ? link.acceptor : link.dialer;
    }

    void refuse() {
      phase = Phase.REFUSED;
      refused = true;
    }

    boolean live() {
      return phase != Phase.CLOSED && phase != Phase.REFUSED;
    }

    @Override
    public String toString() {
      return node + (outbound ? "->" : "<-") + "#" + link.id;
    }
  }

  /** A TCP connection between a dialer and an acceptor, FIFO in each direction. */
  static final class Link {
    final long id;
    final End dialer;
    final SimNode acceptorNode;
    End acceptor;
    /** Queue items about this link not yet processed: zero means the link is settled. */
    int pending;
    long lastArrivalAtDialer;
    long lastArrivalAtAcceptor;

    Link(long id, SimNode dialerNode, NodeAddress dialed, SimNode acceptorNode) {
      this.id = id;
      this.dialer = new End(this, dialerNode, true, dialed);
      this.acceptorNode = acceptorNode;
    }

    boolean closed() {
      return dialer.phase == Phase.CLOSED && (acceptor == null || acceptor.phase == Phase.CLOSED);
    }
  }

  /** What travels on a link after the handshake. */
  sealed interface Message {
    record PexRequest() implements Message {}

    record PexAddrs(List<NodeAddress> addresses) implements Message {}

    /** The sender closed its end (FIN/RST); it arrives after everything sent before it. */
    record Close() implements Message {}
  }
}
