package dev.cairn.shell.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * The content of CometBFT's {@code addrbook.json}: the bucket-placement key, the entries, and
 * Cairn's ban list.
 *
 * <p>Bans are written under the extra top-level key {@code "cairn_banned"} (same entry shape,
 * with {@code last_ban_time} set). Go's {@code encoding/json} ignores unknown keys, so a
 * CometBFT node reads a Cairn book without complaint; it does not keep the key when it saves
 * the book again, so bans do not survive a round trip through a Go node. The key is left out
 * entirely when there are no bans, so a ban-free book is byte-for-byte what Go would write.
 *
 * @param key the 24-hex-character (96-bit) placement key
 * @param addrs the book's entries, in file order
 * @param banned Cairn's banned addresses, in file order
 */
public record AddrBookDocument(String key, List<KnownAddressJson> addrs, List<KnownAddressJson> banned,
    List<BannedId> bannedIds) {

  /**
   * A ban of a peer by ID alone, for peers with no address the book keeps (e.g. an inbound peer
   * whose advertised address is not routable): Cairn's {@code cairn_banned_ids}.
   */
  public record BannedId(String id, OffsetDateTime until) {
    public BannedId {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(until, "until");
    }
  }

  public AddrBookDocument {
    Objects.requireNonNull(key, "key");
    addrs = List.copyOf(addrs);
    banned = List.copyOf(banned);
    bannedIds = List.copyOf(bannedIds);
  }

  /** A document without bans by ID. */
  public AddrBookDocument(String key, List<KnownAddressJson> addrs, List<KnownAddressJson> banned) {
    this(key, addrs, banned, List.of());
  }
}
