package dev.cairn.core.book;

/** What {@link AddressBook#add} did with an address. Only the first two change the book's buckets. */
public enum AddOutcome {
  /** A new entry, placed in one new bucket. */
  ADDED,
  /** A known new entry got one more new-bucket reference (probability 1/(2n) with n references). */
  ADDED_BUCKET_REFERENCE,
  /** Known already; nothing changed (at the reference limit, or the 1/(2n) draw said no). */
  ALREADY_KNOWN,
  /** The ID is vetted (old) under another address; its address is not changed by gossip. */
  VETTED_ID_KEEPS_IP,
  /** Not a valid IP (unspecified, documentation range, broadcast, not an IP literal). */
  INVALID,
  /** The ID is banned and the ban has not expired. */
  BANNED,
  /** The ID is one of {@code private_peer_ids}. */
  PRIVATE,
  /** The source is one of {@code private_peer_ids}: what private peers tell us is not stored. */
  PRIVATE_SOURCE,
  /** Our own ID or one of our own addresses. */
  SELF,
  /** Strict mode and the address is not routable. */
  NON_ROUTABLE,
  /**
   * Reserved for a book that cannot make room. Not returned today: a full new bucket always
   * drops one entry (a bad one, else the oldest) to make room, as v0.34's {@code expireNew}.
   */
  FULL
}
