package dev.cairn.shell.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code addrbook.json}, field for field as CometBFT's {@code knownAddress}
 * ({@code p2p/pex/known_address.go}). {@code buckets} is empty when the file says {@code null}
 * (Go's nil slice), which is written back as {@code null}; timestamps keep the offset they were
 * read with, so an unchanged entry is written back with the same text.
 */
public record KnownAddressJson(
    NetAddressJson addr,
    NetAddressJson src,
    Optional<List<Integer>> buckets,
    int attempts,
    BucketKind bucketType,
    OffsetDateTime lastAttempt,
    OffsetDateTime lastSuccess,
    OffsetDateTime lastBanTime) {

  /** Go's zero time, {@code 0001-01-01T00:00:00Z}: "never". */
  public static final OffsetDateTime NEVER = GoTime.ZERO;

  public KnownAddressJson {
    Objects.requireNonNull(addr, "addr");
    Objects.requireNonNull(src, "src");
    buckets = Objects.requireNonNull(buckets, "buckets").map(List::copyOf);
    Objects.requireNonNull(bucketType, "bucketType");
    Objects.requireNonNull(lastAttempt, "lastAttempt");
    Objects.requireNonNull(lastSuccess, "lastSuccess");
    Objects.requireNonNull(lastBanTime, "lastBanTime");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must not be negative: " + attempts);
    }
  }

  /** The bucket indices, none when the file said {@code null}. */
  public List<Integer> bucketList() {
    return buckets.orElse(List.of());
  }
}
