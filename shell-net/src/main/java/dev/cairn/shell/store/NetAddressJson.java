package dev.cairn.shell.store;

import java.util.Objects;

/**
 * An {@code addr} or {@code src} object of {@code addrbook.json}: {@code {"id", "ip", "port"}}.
 * The IP text is kept as the file spelled it so a re-written file reads the same; {@link
 * AddrBookFile} has already checked that it is a Go-parsable IP literal and the ID well formed.
 */
public record NetAddressJson(String id, String ip, int port) {

  public NetAddressJson {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ip, "ip");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port outside 0..65535: " + port);
    }
  }
}
