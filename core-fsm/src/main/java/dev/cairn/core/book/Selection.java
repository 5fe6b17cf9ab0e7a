package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.Prng;
import java.util.List;
import java.util.Objects;

/** Addresses chosen for a PEX reply or a crawl, in draw order, and the generator after the draws. */
public record Selection(List<NodeAddress> addresses, Prng prng) {
  public Selection {
    addresses = List.copyOf(addresses);
    Objects.requireNonNull(prng, "prng");
  }
}
