package dev.cairn.shell.p2p;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a host name that is not an IP literal into one address, as Go's {@code net.LookupIP}
 * followed by taking the first result. Injected so that tests and simulations never need DNS.
 */
@FunctionalInterface
public interface HostResolver {

  InetAddress resolve(String host) throws UnknownHostException;

  /** The platform resolver; takes the first address it returns. */
  static HostResolver system() {
    return host -> InetAddress.getAllByName(host)[0];
  }

  /** A resolver that knows no names at all (for nodes that must only see IP literals). */
  static HostResolver none() {
    return host -> {
      throw new UnknownHostException("no resolver configured for host " + PeerText.quote(host));
    };
  }
}
