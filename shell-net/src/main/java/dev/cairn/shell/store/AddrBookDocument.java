package dev.cairn.shell.store;

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
public record AddrBookDocument(String key, List<KnownAddressJson> addrs, List<KnownAddressJson> banned) {

  public AddrBookDocument {
    Objects.requireNonNull(key, "key");
    addrs = List.copyOf(addrs);
    banned = List.copyOf(banned);
  }
}
