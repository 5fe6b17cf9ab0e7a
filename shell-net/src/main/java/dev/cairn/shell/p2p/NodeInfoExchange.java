package dev.cairn.shell.p2p;

import dev.cairn.core.NodeId;
import dev.cairn.shell.proto.DelimitedDecoder;
import dev.cairn.shell.proto.FramingException;
import dev.cairn.shell.proto.ProtoMapping;
import java.util.Objects;

/**
 * The NodeInfo step of the connection upgrade (Go {@code MultiplexTransport.upgrade}, after the
 * SecretConnection), without I/O. Both sides write first: send {@link #outbound()} at once, then
 * feed the peer's bytes to {@link #receive} until it returns a result. The peer's NodeInfo is
 * read with the 10240-byte limit and then checked in Go's order: {@code Validate}, the claimed
 * ID equals the authenticated one, not ourselves, {@code CompatibleWith}.
 */
public final class NodeInfoExchange {

  private final NodeInfo ours;
  private final NodeId authenticatedPeer;
  private final HostResolver resolver;
  private final DelimitedDecoder decoder = new DelimitedDecoder(NodeInfo.MAX_SIZE);
  private boolean done;

  /**
   * @param authenticatedPeer the ID the SecretConnection proved (hex of the peer key's hash)
   * @param resolver for non-IP hosts in the peer's listen_addr
   */
  public NodeInfoExchange(NodeInfo ours, NodeId authenticatedPeer, HostResolver resolver) {
    this.ours = Objects.requireNonNull(ours, "ours");
    this.authenticatedPeer = Objects.requireNonNull(authenticatedPeer, "authenticatedPeer");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** Our NodeInfo, delimited, to be written in one write before reading. */
  public byte[] outbound() {
    return ours.encodeDelimited();
  }

  /**
   * Takes the next bytes from the peer.
   *
   * @return {@code null} while the NodeInfo is incomplete, then the accepted peer and any bytes
   *     that followed it (the start of the MConnection stream)
   * @throws HandshakeException if the peer must be refused; the reason says why
   */
  public Result receive(byte[] data, int off, int len) throws HandshakeException {
    if (done) {
      throw new IllegalStateException("NodeInfo exchange already finished");
    }
    decoder.feed(data, off, len);
    DelimitedDecoder.Body body;
    try {
      body = decoder.next();
    } catch (FramingException e) {
      if (e.reason() == FramingException.Reason.MESSAGE_TOO_LARGE
          || e.reason() == FramingException.Reason.LENGTH_OUT_OF_RANGE) {
        throw new HandshakeException(HandshakeException.Reason.OVERSIZED,
            "peer NodeInfo length " + Long.toUnsignedString(e.announcedLength()) + " exceeds "
                + NodeInfo.MAX_SIZE, e);
      }
      throw new HandshakeException(HandshakeException.Reason.MALFORMED, e.getMessage(), e);
    }
    if (body == null) {
      return null;
    }
    NodeInfo theirs = ProtoMapping.decodeNodeInfo(body.array(), body.offset(), body.length());
    byte[] leftover = decoder.drainRemaining();
    done = true;
    check(theirs);
    return new Result(theirs, leftover);
  }

  private void check(NodeInfo theirs) throws HandshakeException {
    theirs.validate(resolver);
    if (!theirs.defaultNodeId().equals(authenticatedPeer.hex())) {
      throw new HandshakeException(HandshakeException.Reason.ID_MISMATCH,
          "peer claims ID " + theirs.defaultNodeId() + " but authenticated as " + authenticatedPeer);
    }
    if (theirs.defaultNodeId().equals(ours.defaultNodeId())) {
      throw new HandshakeException(HandshakeException.Reason.SELF_CONNECTION,
          "connected to ourselves (" + ours.defaultNodeId() + ")");
    }
    ours.compatibleWith(theirs);
  }

  /** The accepted peer NodeInfo and the bytes that arrived after it. */
  public static final class Result {
    private final NodeInfo remote;
    private final byte[] leftover;

    Result(NodeInfo remote, byte[] leftover) {
      this.remote = remote;
      this.leftover = leftover;
    }

    public NodeInfo remote() {
      return remote;
    }

    public byte[] leftover() {
      return leftover.clone();
    }
  }
}
