package dev.cairn.shell.trace;

import dev.cairn.core.CoreEvent;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.Feedback;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a serialized trace {@code Event} straight into its {@link CoreEvent}, without building
 * protobuf objects, for the events {@link EventCodec#encodeTo} writes: one event field, each
 * message's known fields once (an address list's entries any number of times), ASCII strings,
 * valid IDs and ports. Anything else (an unknown or repeated field, another wire type, a string
 * that is not ASCII, an invalid ID or address) is not read here: {@link #decode} returns null and
 * the caller parses the bytes with protobuf and {@link EventCodec#decode(dev.cairn.proto.trace.Event)},
 * whose result or error stands. So whatever this reads is what protobuf would have read.
 *
 * <p>IDs and addresses repeat from record to record (a node's trace names a few hundred peers):
 * the last ID and the last address read into each of a bounded number of slots are kept, and a
 * record naming the same bytes gets the same immutable object back.
 *
 * <p>Not thread-safe: one per reader.
 */
final class EventDecoder {

  private static final int ID_SLOTS = 1024;
  private static final int ADDRESS_SLOTS = 4096;

  private final NodeId[] ids = new NodeId[ID_SLOTS];
  private final byte[][] addressKeys = new byte[ADDRESS_SLOTS][];
  private final NodeAddress[] addresses = new NodeAddress[ADDRESS_SLOTS];

  private byte[] b;
  private int pos;

  /** Thrown inside the decoder when it leaves the bytes to protobuf; never escapes {@link #decode}. */
  private static final class NotRead extends Exception {
    private static final long serialVersionUID = 1L;
    static final NotRead INSTANCE = new NotRead();

    private NotRead() {
      super(null, null, false, false);
    }
  }

  /** The event in {@code bytes[off, off + len)}, or null when protobuf must read it. */
  CoreEvent decode(byte[] bytes, int off, int len) {
    b = bytes;
    pos = off;
    try {
      CoreEvent e = event(off + len);
      return pos == off + len ? e : null;
    } catch (NotRead | RuntimeException x) {
      return null; // protobuf decides (a RuntimeException is what the protobuf path would name)
    } finally {
      b = null;
    }
  }

  private CoreEvent event(int end) throws NotRead {
    int tag = tag(end);
    if ((tag & 7) != 2) {
      throw NotRead.INSTANCE;
    }
    int n = length(end);
    int e = pos + n;
    CoreEvent out = switch (tag >>> 3) {
      case 1 -> {
        empty(e);
        yield new CoreEvent.Peer(new PeerEvent.Started());
      }
      case 2 -> addressesLearned(e);
      case 3 -> new CoreEvent.Peer(new PeerEvent.DialRequested(onlyAddress(e)));
      case 4 -> new CoreEvent.Peer(new PeerEvent.DialSucceeded(onlyAddress(e)));
      case 5 -> new CoreEvent.Peer(new PeerEvent.DialFailed(onlyAddress(e)));
      case 6 -> new CoreEvent.Peer(new PeerEvent.InboundAccepted(onlyAddress(e)));
      case 7 -> new CoreEvent.Peer(new PeerEvent.PeerDisconnected(onlyAddress(e)));
      case 8 -> new CoreEvent.Peer(new PeerEvent.PeerErrored(onlyPeer(e)));
      case 9 -> peerReported(e);
      case 10 -> peerBanned(e);
      case 11 -> peerReady(e);
      case 12 -> new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(onlyPeer(e)));
      case 13 -> pexAddrs(e);
      case 14 -> malformed(e);
      case 15 -> {
        empty(e);
        yield new CoreEvent.TimerFired();
      }
      default -> throw NotRead.INSTANCE;
    };
    if (pos != e) {
      throw NotRead.INSTANCE;
    }
    return out;
  }

  private void empty(int end) throws NotRead {
    if (pos != end) {
      throw NotRead.INSTANCE;
    }
  }

  /** A message whose one field is an address (field 1), as the dial and connection events are. */
  private NodeAddress onlyAddress(int end) throws NotRead {
    if (tag(end) != (1 << 3 | 2)) {
      throw NotRead.INSTANCE;
    }
    NodeAddress a = address(end);
    empty(end);
    return a;
  }

  /** A message whose one field is a peer ID (field 1). */
  private NodeId onlyPeer(int end) throws NotRead {
    if (tag(end) != (1 << 3 | 2)) {
      throw NotRead.INSTANCE;
    }
    NodeId id = id(end);
    empty(end);
    return id;
  }

  private CoreEvent addressesLearned(int end) throws NotRead {
    List<NodeAddress> list = new ArrayList<>();
    NodeAddress source = null;
    while (pos < end) {
      int tag = tag(end);
      if (tag == (1 << 3 | 2)) {
        list.add(address(end));
      } else if (tag == (2 << 3 | 2) && source == null) {
        source = address(end);
      } else {
        throw NotRead.INSTANCE;
      }
    }
    if (source == null) {
      throw NotRead.INSTANCE;
    }
    return new CoreEvent.Peer(new PeerEvent.AddressesLearned(list, source));
  }

  private CoreEvent pexAddrs(int end) throws NotRead {
    List<NodeAddress> list = new ArrayList<>();
    NodeId peer = null;
    while (pos < end) {
      int tag = tag(end);
      if (tag == (1 << 3 | 2) && peer == null) {
        peer = id(end);
      } else if (tag == (2 << 3 | 2)) {
        list.add(address(end));
      } else {
        throw NotRead.INSTANCE;
      }
    }
    if (peer == null) {
      throw NotRead.INSTANCE;
    }
    return new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(peer, list));
  }

  private CoreEvent peerReported(int end) throws NotRead {
    NodeId peer = null;
    Feedback feedback = null;
    while (pos < end) {
      int tag = tag(end);
      if (tag == (1 << 3 | 2) && peer == null) {
        peer = id(end);
      } else if (tag == (2 << 3) && feedback == null) {
        long v = varint(end);
        feedback = v == 1 ? Feedback.GOOD : v == 2 ? Feedback.BAD : null;
        if (feedback == null) {
          throw NotRead.INSTANCE;
        }
      } else {
        throw NotRead.INSTANCE;
      }
    }
    if (peer == null || feedback == null) {
      throw NotRead.INSTANCE;
    }
    return new CoreEvent.Peer(new PeerEvent.PeerReported(peer, feedback));
  }

  private CoreEvent peerBanned(int end) throws NotRead {
    NodeId peer = null;
    long seconds = 0;
    long nanos = 0;
    int seen = 0;
    while (pos < end) {
      int tag = tag(end);
      if (tag == (1 << 3 | 2) && peer == null) {
        peer = id(end);
      } else if (tag == (2 << 3) && (seen & 1) == 0) {
        seen |= 1;
        seconds = varint(end);
      } else if (tag == (3 << 3) && (seen & 2) == 0) {
        seen |= 2;
        nanos = varint(end);
        if (nanos != (int) nanos) { // an int32 field: protobuf keeps the low 32 bits, leave that to it
          throw NotRead.INSTANCE;
        }
      } else {
        throw NotRead.INSTANCE;
      }
    }
    if (peer == null) {
      throw NotRead.INSTANCE;
    }
    return new CoreEvent.Peer(new PeerEvent.PeerBanned(peer, Duration.ofSeconds(seconds, nanos)));
  }

  private CoreEvent peerReady(int end) throws NotRead {
    NodeId peer = null;
    NodeAddress listen = null;
    while (pos < end) {
      int tag = tag(end);
      if (tag == (1 << 3 | 2) && peer == null) {
        peer = id(end);
      } else if (tag == (2 << 3 | 2) && listen == null) {
        listen = address(end);
      } else {
        throw NotRead.INSTANCE;
      }
    }
    if (peer == null || listen == null) {
      throw NotRead.INSTANCE;
    }
    return new CoreEvent.PeerReady(peer, listen);
  }

  private CoreEvent malformed(int end) throws NotRead {
    NodeId peer = null;
    String reason = null;
    while (pos < end) {
      int tag = tag(end);
      if (tag == (1 << 3 | 2) && peer == null) {
        peer = id(end);
      } else if (tag == (2 << 3 | 2) && reason == null) {
        int n = length(end);
        reason = ascii(pos, n);
        pos += n;
      } else {
        throw NotRead.INSTANCE;
      }
    }
    if (peer == null) {
      throw NotRead.INSTANCE;
    }
    return new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(peer, reason == null ? "" : reason));
  }

  /** An {@code Address} message (the length and the bytes; the tag is read). */
  private NodeAddress address(int end) throws NotRead {
    int n = length(end);
    int from = pos;
    int slot = (int) Xxh64.hash(b, from, n) & (ADDRESS_SLOTS - 1);
    byte[] key = addressKeys[slot];
    if (key != null && Arrays.equals(key, 0, key.length, b, from, from + n)) {
      pos = from + n;
      return addresses[slot];
    }
    int e = from + n;
    NodeId id = null;
    String ip = null;
    long port = -1;
    while (pos < e) {
      int tag = tag(e);
      if (tag == (1 << 3 | 2) && id == null) {
        id = id(e);
      } else if (tag == (2 << 3 | 2) && ip == null) {
        int m = length(e);
        ip = ascii(pos, m);
        pos += m;
      } else if (tag == (3 << 3) && port < 0) {
        port = varint(e);
      } else {
        throw NotRead.INSTANCE;
      }
    }
    if (id == null || ip == null || ip.isEmpty() || port > 65535) {
      throw NotRead.INSTANCE; // protobuf's path names what is missing or wrong
    }
    NodeAddress a = new NodeAddress(id, ip, port < 0 ? 0 : (int) port);
    addressKeys[slot] = Arrays.copyOfRange(b, from, e);
    addresses[slot] = a;
    return a;
  }

  /** A node ID string field (the length and the bytes; the tag is read): 40 lowercase hex digits. */
  private NodeId id(int end) throws NotRead {
    int n = length(end);
    if (n != 40) {
      throw NotRead.INSTANCE;
    }
    int from = pos;
    pos += n;
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = h << 8 | (b[from + i] & 0xff);
    }
    int slot = (int) ((h * 0x9E3779B97F4A7C15L) >>> 54) & (ID_SLOTS - 1);
    NodeId cached = ids[slot];
    if (cached != null && sameText(cached.hex(), from)) {
      return cached;
    }
    for (int i = from; i < from + n; i++) {
      byte c = b[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw NotRead.INSTANCE;
      }
    }
    NodeId id = NodeId.of(new String(b, from, n, StandardCharsets.ISO_8859_1));
    ids[slot] = id;
    return id;
  }

  private boolean sameText(String hex, int from) {
    for (int i = 0; i < 40; i++) {
      if (hex.charAt(i) != b[from + i]) {
        return false;
      }
    }
    return true;
  }

  /** {@code n} bytes at {@code from} as text if they are all ASCII (then UTF-8 reads them alike). */
  private String ascii(int from, int n) throws NotRead {
    for (int i = from; i < from + n; i++) {
      if (b[i] < 0) {
        throw NotRead.INSTANCE;
      }
    }
    return new String(b, from, n, StandardCharsets.ISO_8859_1);
  }

  /** A field tag: field numbers 1..15 only (one byte), else protobuf reads it. */
  private int tag(int end) throws NotRead {
    if (pos >= end) {
      throw NotRead.INSTANCE;
    }
    int t = b[pos++];
    if (t < 8) { // field 0 or a tag of more than one byte (negative)
      throw NotRead.INSTANCE;
    }
    return t;
  }

  /** A length prefix that stays inside {@code end}. */
  private int length(int end) throws NotRead {
    long n = varint(end);
    if (n < 0 || n > end - pos) {
      throw NotRead.INSTANCE;
    }
    return (int) n;
  }

  private long varint(int end) throws NotRead {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw NotRead.INSTANCE;
      }
      byte x = b[pos++];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
    throw NotRead.INSTANCE;
  }
}
