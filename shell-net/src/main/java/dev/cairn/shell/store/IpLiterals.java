package dev.cairn.shell.store;

import dev.cairn.shell.p2p.IpText;
import java.net.InetAddress;
import java.util.Optional;

/**
 * IP literals in the files Cairn reads and writes, with the one parser the shell has for them
 * ({@link IpText}: Go's {@code net.ParseIP} and {@code net.IP.String}, never a name lookup).
 */
public final class IpLiterals {

  private IpLiterals() {}

  /** The canonical text of {@code text}, or empty when it is not an IP literal. */
  public static Optional<String> canonical(String text) {
    InetAddress ip = IpText.parse(text);
    return ip == null ? Optional.empty() : Optional.of(IpText.format(ip));
  }
}
