package dev.cairn.core.pex;

/**
 * Why a received address was not handed to the address book. Counted in {@link PexState#dropped()}.
 * The book applies the same checks (and refuses banned IDs); PEX drops these first so that they
 * are counted and never reach the book.
 */
public enum DropReason {
  /** Not a valid IP: unspecified, documentation range, broadcast (Go {@code NetAddress.Valid}). */
  INVALID,
  /** Our own ID or one of our own addresses. */
  SELF,
  /** The address's ID is one of {@code private_peer_ids}. */
  PRIVATE,
  /** The sender is one of {@code private_peer_ids}: nothing it tells us is stored. */
  PRIVATE_SOURCE,
  /** {@code addr_book_strict} and the address is not routable. */
  NON_ROUTABLE
}
