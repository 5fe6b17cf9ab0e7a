package dev.cairn.core.book;

import dev.cairn.core.Prng;
import java.util.Objects;
import java.util.Optional;

/** The result of {@link AddressBook#pickAddress}: an entry or none, and the generator after the draws. */
public record Pick(Optional<KnownAddress> picked, Prng prng) {
  public Pick {
    Objects.requireNonNull(picked, "picked");
    Objects.requireNonNull(prng, "prng");
  }
}
