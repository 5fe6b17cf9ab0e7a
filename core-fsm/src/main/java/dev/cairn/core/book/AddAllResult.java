package dev.cairn.core.book;

import dev.cairn.core.NodeId;
import dev.cairn.core.Prng;
import java.util.List;
import java.util.Objects;

/**
 * The book after an {@link AddressBook#addAll}, the generator after its draws, one outcome per
 * address (in the order given), and the IDs the batch pushed out of the book, sorted: entries
 * dropped from full buckets that are not back in the book at the end. The caller forgets what it
 * keeps per peer for exactly those IDs, without scanning its own tables.
 */
public record AddAllResult(AddressBook book, Prng prng, List<AddOutcome> outcomes, List<NodeId> forgotten) {
  public AddAllResult {
    Objects.requireNonNull(book, "book");
    Objects.requireNonNull(prng, "prng");
    outcomes = List.copyOf(outcomes);
    forgotten = List.copyOf(forgotten);
  }

}
