package dev.cairn.core;

import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.pex.PexEffect;
import java.util.Objects;

/**
 * A command for the shell from the composed machine, in the order the machines produced it.
 * PEX's hand-offs to the PeerManager never appear here: {@link Core#step} applies them.
 */
public sealed interface CoreEffect {

  /** A PeerManager command: dial, disconnect, publish a peer update, persist the book. */
  record Peer(PeerEffect effect) implements CoreEffect {
    public Peer {
      Objects.requireNonNull(effect, "effect");
    }
  }

  /** A PEX command: send a request or an answer, or close a connection gracefully. */
  record Pex(PexEffect.ShellEffect effect) implements CoreEffect {
    public Pex {
      Objects.requireNonNull(effect, "effect");
    }
  }
}
