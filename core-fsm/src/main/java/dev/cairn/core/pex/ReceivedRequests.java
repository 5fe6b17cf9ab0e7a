package dev.cairn.core.pex;

import dev.cairn.core.MonoTime;
import java.util.Objects;

/**
 * What we remember of a peer's PexRequests on this connection (v0.34 {@code lastReceivedRequests},
 * whose zero-time sentinel stood for "one free request used"): how many we accepted, saturating
 * at {@link PexConfig#freeRequests()}, and when we accepted the last one.
 */
public record ReceivedRequests(int count, MonoTime last) {
  public ReceivedRequests {
    Objects.requireNonNull(last, "last");
    if (count < 1) {
      throw new IllegalArgumentException("a request record counts at least one request, got " + count);
    }
  }
}
