package dev.cairn.shell.p2p;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parsing of {@code id@host:port} strings with the semantics of Go's
 * {@code p2p.NewNetAddressString} (CometBFT v0.34 to v1.0, {@code p2p/netaddress.go}).
 */
public final class NetAddresses {

  /** Bytes in a node ID. */
  public static final int ID_BYTES = 20;

  private NetAddresses() {}

  /**
   * Parses {@code [proto://]id@host:port}. Steps, in Go's order: drop a protocol prefix; split on
   * {@code @} (exactly two parts); the ID must hex-decode to 20 bytes; split host and port as
   * {@code net.SplitHostPort}; the host must be non-empty; a non-literal host is resolved with
   * {@code resolver} (first answer); the port must be a decimal uint16.
   */
  public static NetAddress parse(String input, HostResolver resolver) throws NetAddressException {
    String rest = removeProtocol(input);
    String[] parts = rest.split("@", -1);
    if (parts.length != 2) {
      throw new NetAddressException(
          NetAddressException.Reason.NO_ID, input, "expected exactly one '@' between ID and host");
    }
    String id = parts[0];
    String idProblem = idProblem(id);
    if (idProblem != null) {
      throw new NetAddressException(NetAddressException.Reason.INVALID_ID, input, idProblem);
    }
    String[] hostPort = splitHostPort(parts[1], input);
    String host = hostPort[0];
    if (host.isEmpty()) {
      throw new NetAddressException(NetAddressException.Reason.EMPTY_HOST, input, "host is empty");
    }
    InetAddress ip = IpText.parse(host);
    if (ip == null) {
      try {
        ip = resolver.resolve(host);
      } catch (UnknownHostException | RuntimeException e) {
        throw new NetAddressException(
            NetAddressException.Reason.LOOKUP_FAILED,
            input,
            "host " + PeerText.quote(host) + " is not an IP and did not resolve: " + e.getMessage());
      }
      if (ip == null) {
        throw new NetAddressException(
            NetAddressException.Reason.LOOKUP_FAILED, input, "host " + PeerText.quote(host) + " resolved to nothing");
      }
    }
    int port = parsePort(hostPort[1], input);
    return new NetAddress(id, ip, port);
  }

  /** {@code HOST:PORT}, an IPv6 host in brackets, as Go's {@code net.JoinHostPort} writes it (and reads it back). */
  public static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * {@code IP:PORT} of a socket address: the IP in its short form (RFC 5952), in brackets when
   * IPv6, never Java's {@code /IP:PORT}; an unresolved one by its host name.
   */
  public static String hostPort(java.net.SocketAddress a) {
    if (a instanceof java.net.InetSocketAddress i) {
      return hostPort(i.getAddress() != null ? IpText.format(i.getAddress()) : i.getHostString(), i.getPort());
    }
    return String.valueOf(a);
  }

  /**
   * Go's {@code removeProtocolIfDefined}: if the string contains {@code "://"}, keep the piece
   * between the first and the second occurrence (for one occurrence: everything after it).
   */
  public static String removeProtocol(String s) {
    int i = s.indexOf("://");
    if (i < 0) {
      return s;
    }
    int from = i + 3;
    int j = s.indexOf("://", from);
    return j < 0 ? s.substring(from) : s.substring(from, j);
  }

  /** Whether {@code id} hex-decodes to exactly 20 bytes (either case, as Go's check allows). */
  public static boolean isHexId(String id) {
    return idProblem(id) == null;
  }

  /** Why {@code id} is not a valid ID, or {@code null} when it is. */
  static String idProblem(String id) {
    if (id.isEmpty()) {
      return "no ID";
    }
    if (id.length() % 2 != 0) {
      return "ID " + PeerText.quote(id) + " is not hex: odd length " + id.length();
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.digit(id.charAt(i), 16) < 0 || id.charAt(i) > 127) {
        return "ID " + PeerText.quote(id) + " is not hex: " + PeerText.quote(String.valueOf(id.charAt(i))) + " at " + i;
      }
    }
    if (id.length() / 2 != ID_BYTES) {
      return "ID " + PeerText.quote(id) + " is " + id.length() / 2 + " bytes, want " + ID_BYTES;
    }
    return null;
  }

  /** Go's {@code net.SplitHostPort}. */
  static String[] splitHostPort(String hostPort, String input) throws NetAddressException {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw bad(input, "missing port in " + PeerText.quote(hostPort));
    }
    String host;
    int afterHost;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw bad(input, "missing ']' in " + PeerText.quote(hostPort));
      }
      if (close + 1 == hostPort.length()) {
        throw bad(input, "missing port in " + PeerText.quote(hostPort));
      }
      if (close + 1 != colon) {
        throw bad(input, hostPort.charAt(close + 1) == ':' ? "too many colons in " + PeerText.quote(hostPort)
            : "missing port in " + PeerText.quote(hostPort));
      }
      host = hostPort.substring(1, close);
      afterHost = close + 1;
      if (hostPort.indexOf('[', 1) >= 0) {
        throw bad(input, "unexpected '[' in " + PeerText.quote(hostPort));
      }
      if (hostPort.indexOf(']', close + 1) >= 0) {
        throw bad(input, "unexpected ']' in " + PeerText.quote(hostPort));
      }
    } else {
      host = hostPort.substring(0, colon);
      afterHost = colon;
      if (host.indexOf(':') >= 0) {
        throw bad(input, "too many colons in " + PeerText.quote(hostPort));
      }
      if (hostPort.indexOf('[') >= 0) {
        throw bad(input, "unexpected '[' in " + PeerText.quote(hostPort));
      }
      if (hostPort.indexOf(']') >= 0) {
        throw bad(input, "unexpected ']' in " + PeerText.quote(hostPort));
      }
    }
    return new String[] {host, hostPort.substring(afterHost + 1)};
  }

  /** Go's {@code strconv.ParseUint(s, 10, 16)}: ASCII digits only, no sign, at most 65535. */
  static int parsePort(String s, String input) throws NetAddressException {
    if (s.isEmpty()) {
      throw new NetAddressException(
          NetAddressException.Reason.INVALID_PORT, input, "port " + PeerText.quote(s) + " is not a number in 0..65535");
    }
    long value = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new NetAddressException(
            NetAddressException.Reason.INVALID_PORT, input, "port " + PeerText.quote(s) + " is not a decimal number");
      }
      value = value * 10 + (c - '0');
      if (value > 65535) {
        throw new NetAddressException(
            NetAddressException.Reason.INVALID_PORT, input, "port " + s + " does not fit in 16 bits");
      }
    }
    return (int) value;
  }

  private static NetAddressException bad(String input, String detail) {
    return new NetAddressException(NetAddressException.Reason.INVALID_HOST_PORT, input, detail);
  }
}
