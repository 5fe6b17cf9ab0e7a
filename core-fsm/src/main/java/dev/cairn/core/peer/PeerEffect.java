package dev.cairn.core.peer;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.AddressBook;
import java.util.Objects;

/**
 * Commands for the shell, in the imperative. Executed in order; their results come back later
 * as {@link PeerEvent}s, never re-entrantly.
 */
public sealed interface PeerEffect {

  /** Open a connection to {@code address} and report {@code DialSucceeded} or {@code DialFailed}. */
  record Dial(NodeAddress address) implements PeerEffect {
    public Dial {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * Close the connection of {@code peer} at {@code address} (see {@link Connection#address()}).
   * For an admitted connection the shell later reports {@code PeerDisconnected}; for a refused
   * one (never admitted) it reports nothing.
   */
  record Disconnect(NodeId peer, NodeAddress address, DisconnectReason reason) implements PeerEffect {
    public Disconnect {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Tell the subscribed reactors that {@code peer} is up (after PeerReady) or down (after a ready peer left). */
  record PublishPeerUpdate(NodeId peer, PeerStatus status) implements PeerEffect {
    public PublishPeerUpdate {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(status, "status");
    }
  }

  /**
   * The address book changed in a way that must survive a restart (new addresses, attempts,
   * promotions, bans). The shell writes {@code book} atomically, off the driver thread, and may
   * coalesce several of these into one write: only the last one matters.
   */
  record PersistBook(AddressBook book) implements PeerEffect {
    public PersistBook {
      Objects.requireNonNull(book, "book");
    }
  }
}
