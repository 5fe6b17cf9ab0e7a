package dev.cairn.core;

import java.util.Objects;

/**
 * A dialable peer address {@code id@ip:port}. The IP is kept in its canonical text form (dotted
 * quad for IPv4, RFC 5952 for IPv6), which is also what goes on the wire in PEX; the shell
 * parses and canonicalises before building one. Ordered by ID, then IP text, then port, so
 * that every collection of addresses iterates in a defined order.
 */
public record NodeAddress(NodeId id, String ip, int port) implements Comparable<NodeAddress> {

  public NodeAddress {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ip, "ip");
    if (ip.isEmpty()) {
      throw new IllegalArgumentException("address of " + id + " has an empty IP");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " of " + id + " is outside 0..65535");
    }
  }

  @Override
  public int compareTo(NodeAddress other) {
    // written out: a chain of Comparator lambdas cost a third of a sorted-set search
    int c = id.compareTo(other.id);
    if (c != 0) {
      return c;
    }
    c = ip.compareTo(other.ip);
    return c != 0 ? c : Integer.compare(port, other.port);
  }

  /** {@code id@ip:port}, with IPv6 in brackets as Go's JoinHostPort writes it. */
  @Override
  public String toString() {
    String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    return id + "@" + host + ":" + port;
  }
}
