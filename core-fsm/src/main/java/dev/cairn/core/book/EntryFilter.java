package dev.cairn.core.book;

import dev.cairn.core.NodeId;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.pcollections.PSortedSet;

/**
 * Which entries a selection may offer: {@code test}, a pure test of an entry, and, when known,
 * {@code refusable}: the only IDs whose entries {@code test} can refuse (it accepts every other
 * entry of the book). With them a selection tests, and so reads, only the drawn entries whose ID
 * may be refused: the book's buckets keep each entry's {@link IdTrie#prefix}, so the others are
 * recognised without following the entry to its address and ID. The result is the same as
 * testing every drawn entry, as long as {@code refusable} tells the truth.
 *
 * @param test whether an entry may be offered
 * @param refusable the IDs outside which {@code test} accepts every entry; empty when unknown (then
 *     every drawn entry is tested)
 */
public record EntryFilter(Predicate<KnownAddress> test, Optional<PSortedSet<NodeId>> refusable) {

  public EntryFilter {
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(refusable, "refusable");
  }

  /** A filter that tests every drawn entry. */
  public static EntryFilter testingAll(Predicate<KnownAddress> test) {
    return new EntryFilter(test, Optional.empty());
  }

  /**
   * The {@link IdTrie#prefix}es of the refusable IDs, sorted (signed order, for {@link
   * Arrays#binarySearch}); null when every entry must be tested.
   */
  long[] refusablePrefixes() {
    if (refusable.isEmpty()) {
      return null;
    }
    long[] out = new long[refusable.get().size()];
    int i = 0;
    for (NodeId id : refusable.get()) {
      out[i++] = IdTrie.prefix(id);
    }
    Arrays.sort(out);
    return out;
  }
}
