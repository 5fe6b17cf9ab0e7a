package dev.cairn.core.book;

import dev.cairn.core.Prng;
import java.util.Objects;

/** The book after an {@link AddressBook#add}, the generator after its draws, and what happened. */
public record AddResult(AddressBook book, Prng prng, AddOutcome outcome) {
  public AddResult {
    Objects.requireNonNull(book, "book");
    Objects.requireNonNull(prng, "prng");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** Whether the book's buckets changed. */
  public boolean changed() {
    return outcome == AddOutcome.ADDED || outcome == AddOutcome.ADDED_BUCKET_REFERENCE;
  }
}
