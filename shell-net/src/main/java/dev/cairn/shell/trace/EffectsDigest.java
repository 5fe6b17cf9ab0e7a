package dev.cairn.shell.trace;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.pex.PexEffect;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The per-step digest of a trace record (since format version 2, see {@code cairn/trace.proto}):
 * XXH64 over the previous record's digest, the step number, the two times, the serialized event,
 * the outcome and a hand-written canonical encoding of the effects. No reflection and no
 * allocation per step: the bytes go into one reused buffer.
 *
 * <p>The effects encoding: their count, then for each a tag byte and its fields; a node ID as
 * its 40 hex characters, an address as the XXH64 of its ID, IP text and port, an enum as its
 * ordinal (the trace header's schema fingerprint changes when an enum does), an address list as
 * its size and its addresses. A {@code PersistBook} is encoded by its counts (entries, new, old, bans): the book
 * it carries is the new state's, whose content the checkpoints' state digests cover.
 *
 * <p>Not thread-safe: one per writing or replaying thread.
 */
public final class EffectsDigest {

  private static final int CACHE = 16384;
  private static final int FIRST_CACHE = 512;

  private byte[] buf = new byte[512];
  private int len;
  private byte[] scratch = new byte[128];
  // starts small (a replay of a short file hashes a few dozen addresses) and grows with the misses
  private NodeAddress[] cachedAddresses = new NodeAddress[FIRST_CACHE];
  private long[] cachedHashes = new long[FIRST_CACHE];
  private int misses;

  /**
   * The digest of one step.
   *
   * @param previous   the previous record's digest (the header's {@code previous_digest} for a file's first)
   * @param event      the serialized {@code Event} of the record, {@code event[eventOff, eventOff + eventLen)}
   */
  public long digest(long previous, long step, long monoNanos, long wallMillis, byte[] event, int eventOff,
      int eventLen, Outcome outcome, List<CoreEffect> effects) {
    len = 0;
    writeLong(previous);
    writeLong(step);
    writeLong(monoNanos);
    writeLong(wallMillis);
    writeInt(eventLen);
    ensure(eventLen);
    System.arraycopy(event, eventOff, buf, len, eventLen);
    len += eventLen;
    if (outcome instanceof Outcome.Rejected r) {
      writeByte(1);
      writeString(r.reason());
    } else {
      writeByte(0);
    }
    writeInt(effects.size());
    for (CoreEffect e : effects) {
      effect(e);
    }
    return Xxh64.hash(buf, 0, len);
  }

  private void effect(CoreEffect e) {
    switch (e) {
      case CoreEffect.Peer p -> {
        switch (p.effect()) {
          case PeerEffect.Dial d -> {
            writeByte(1);
            address(d.address());
          }
          case PeerEffect.Disconnect d -> {
            writeByte(2);
            id(d.peer());
            address(d.address());
            writeByte(d.reason().ordinal());
          }
          case PeerEffect.PublishPeerUpdate u -> {
            writeByte(3);
            id(u.peer());
            writeByte(u.status().ordinal());
          }
          case PeerEffect.PersistBook b -> {
            writeByte(4);
            AddressBook book = b.book();
            writeInt(book.size());
            writeInt(book.nNew());
            writeInt(book.nOld());
            writeInt(book.bans().size());
          }
        }
      }
      case CoreEffect.Pex x -> {
        switch (x.effect()) {
          case PexEffect.SendPexRequest r -> {
            writeByte(5);
            id(r.peer());
          }
          case PexEffect.SendPexAddrs a -> {
            writeByte(6);
            id(a.peer());
            addresses(a.addresses());
          }
          case PexEffect.SendPexAddrsThenDisconnect a -> {
            writeByte(7);
            id(a.peer());
            addresses(a.addresses());
          }
          case PexEffect.DisconnectPeer d -> {
            writeByte(8);
            id(d.peer());
            writeByte(d.reason().ordinal());
          }
        }
      }
    }
  }

  private void addresses(List<NodeAddress> as) {
    writeInt(as.size());
    for (NodeAddress a : as) {
      address(a);
    }
  }

  /** An address as the XXH64 of its ID, IP and port ({@link #addressHash}). */
  private void address(NodeAddress a) {
    writeLong(addressHash(a));
  }

  /**
   * XXH64 of the address's 40 ID characters, its IP (length and bytes) and its port, remembered
   * for the last address object seen in each of up to {@value #CACHE} slots: a PEX answer repeats the
   * book's own address objects, so most of its addresses cost a look-up instead of an encoding.
   * The value depends on the address alone, never on the cache.
   */
  long addressHash(NodeAddress a) {
    int i = System.identityHashCode(a) & (cachedAddresses.length - 1);
    if (cachedAddresses[i] == a) {
      return cachedHashes[i];
    }
    if (++misses > 2 * cachedAddresses.length && cachedAddresses.length < CACHE) {
      cachedAddresses = new NodeAddress[cachedAddresses.length * 4];
      cachedHashes = new long[cachedAddresses.length];
      misses = 0;
      i = System.identityHashCode(a) & (cachedAddresses.length - 1);
    }
    byte[] outer = buf;
    int outerLen = len;
    buf = scratch;
    len = 0;
    id(a.id());
    writeString(a.ip());
    writeInt(a.port());
    long h = Xxh64.hash(buf, 0, len);
    scratch = buf;
    buf = outer;
    len = outerLen;
    cachedAddresses[i] = a;
    cachedHashes[i] = h;
    return h;
  }

  @SuppressWarnings("deprecation") // the low byte of each char: exact for the ASCII hex NodeId guarantees
  private void id(NodeId id) {
    String hex = id.hex();
    int n = hex.length();
    ensure(n);
    hex.getBytes(0, n, buf, len);
    len += n;
  }

  private void writeString(String s) {
    int n = s.length();
    ensure(4 + n);
    int at = len;
    len += 4;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) { // not ASCII: UTF-8, length in bytes
        len = at;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeInt(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return;
      }
      buf[len++] = (byte) c;
    }
    putInt(at, n);
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  private void writeByte(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  private void writeInt(int v) {
    ensure(4);
    putInt(len, v);
    len += 4;
  }

  private void putInt(int at, int v) {
    buf[at] = (byte) v;
    buf[at + 1] = (byte) (v >>> 8);
    buf[at + 2] = (byte) (v >>> 16);
    buf[at + 3] = (byte) (v >>> 24);
  }

  private void writeLong(long v) {
    writeInt((int) v);
    writeInt((int) (v >>> 32));
  }
}
