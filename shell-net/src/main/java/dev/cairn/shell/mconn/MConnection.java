package dev.cairn.shell.mconn;

import dev.cairn.core.MonoTime;
import dev.cairn.shell.proto.DelimitedDecoder;
import dev.cairn.shell.proto.FramingException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The MConnection protocol of CometBFT ({@code p2p/conn/connection.go}) without any I/O: bytes of
 * the decrypted stream go in through {@link #receive} and whole messages come out of
 * {@link #pollMessage}; messages go in through {@link #send} and stream bytes come out of
 * {@link #pollTransmit}. Time is always an argument; the caller arranges to call
 * {@link #handleTimeout} at {@link #nextDeadline} and to stop reading until
 * {@link #readResumeAt} when the receive rate is exhausted.
 *
 * <p>Behaviour follows Go: PacketMsgs carry at most {@code maxPacketMsgPayloadSize} data bytes,
 * the last one with eof; each packet goes to the pending channel with the smallest
 * {@code recentlySent / priority} (ties to registration order), {@code recentlySent} decays by
 * x0.8 every 2 s; batches of at most 10 packets; written packets are flushed at most
 * {@code flushThrottle} after the first unflushed one, at once when 64 KiB are buffered, and
 * Ping/Pong are flushed at once; a Ping every {@code pingInterval}, and no Pong within
 * {@code pongTimeout} fails the connection; every Ping is answered (one Pong pending at most).
 *
 * <p>Any protocol error fails the connection for good: the exception is thrown once and every
 * later call throws {@link MConnException.Reason#CLOSED}. Not thread-safe: one owner thread.
 */
public final class MConnection {

  /** Packets per scheduling batch ({@code numBatchPacketMsgs}). */
  public static final int BATCH_PACKETS = 10;

  /** Buffered bytes that force a flush (Go's bufio.Writer size). */
  public static final int FLUSH_BUFFER_BYTES = 64 * 1024;

  /** How often {@code recentlySent} decays ({@code updateStats}). */
  public static final long STATS_DECAY_NANOS = 2_000_000_000L;

  private static final int SMALL_TRANSMIT = 4096;

  /** Outcome of {@link #send}. */
  public enum Offer {
    QUEUED,
    /** The channel's send queue is full; try again after the next transmit. */
    QUEUE_FULL,
    /** The peer did not list this channel in its NodeInfo, so Go would not send on it either. */
    NOT_ADVERTISED,
    /** We have no such channel. */
    UNKNOWN_CHANNEL,
    /** The connection has failed or closed. */
    CLOSED
  }

  private final MConnConfig config;
  private final Channel[] channels;
  private final Channel[] byId = new Channel[256];
  private final boolean[] peerHas = new boolean[256];
  private final int maxDelimitedPacket;
  private final DelimitedDecoder decoder;
  private final ArrayDeque<ReceivedMessage> received = new ArrayDeque<>();
  private final RateMonitor sendMonitor;
  private final RateMonitor recvMonitor;
  private final long pingNanos;
  private final long pongNanos;
  private final long flushNanos;

  private byte[] out;
  private int outLen;
  private long firstUnflushed = Long.MIN_VALUE;
  private boolean flushNow;
  private boolean pongPending;
  private long nextPing;
  private long pongDeadline = Long.MAX_VALUE;
  private long lastDecay;
  private MConnException failure;

  /**
   * @param localChannels our channels, in registration order (decides scheduling ties)
   * @param peerChannels the channel IDs the peer listed in its NodeInfo
   */
  public MConnection(MConnConfig config, List<ChannelDescriptor> localChannels,
      Collection<Integer> peerChannels, MonoTime now) {
    this.config = config;
    this.channels = new Channel[localChannels.size()];
    for (int i = 0; i < channels.length; i++) {
      ChannelDescriptor d = localChannels.get(i);
      if (byId[d.id()] != null) {
        throw new IllegalArgumentException("channel " + d.id() + " registered twice");
      }
      channels[i] = new Channel(d);
      byId[d.id()] = channels[i];
    }
    for (int ch : peerChannels) {
      if (ch >= 0 && ch < 256) {
        peerHas[ch] = true;
      }
    }
    long t = now.nanos();
    this.maxDelimitedPacket = PacketCodec.delimitedPacketSize(255, true, config.maxPacketMsgPayloadSize());
    this.decoder = new DelimitedDecoder(config.maxPacketSize());
    this.sendMonitor = new RateMonitor(config.sendRateBytesPerSecond(), t);
    this.recvMonitor = new RateMonitor(config.recvRateBytesPerSecond(), t);
    this.pingNanos = config.pingInterval().toNanos();
    this.pongNanos = config.pongTimeout().toNanos();
    this.flushNanos = config.flushThrottle().toNanos();
    this.out = newOutBuffer();
    this.nextPing = t + pingNanos;
    this.lastDecay = t;
  }

  private byte[] newOutBuffer() {
    return new byte[FLUSH_BUFFER_BYTES + 2 * maxDelimitedPacket + 8];
  }

  public MConnConfig config() {
    return config;
  }

  // ------------------------------------------------------------------ sending

  /** Queues a message on a channel. Never blocks; see {@link Offer}. */
  public Offer send(int channelId, byte[] message) {
    if (failure != null) {
      return Offer.CLOSED;
    }
    Channel ch = channelId >= 0 && channelId < 256 ? byId[channelId] : null;
    if (ch == null) {
      return Offer.UNKNOWN_CHANNEL;
    }
    if (!peerHas[channelId]) {
      return Offer.NOT_ADVERTISED;
    }
    if (ch.queue.size() >= ch.desc.sendQueueCapacity()) {
      return Offer.QUEUE_FULL;
    }
    ch.queue.add(message);
    return Offer.QUEUED;
  }

  /** Whether {@link #send} on this channel would find room now. */
  public boolean canQueue(int channelId) {
    Channel ch = channelId >= 0 && channelId < 256 ? byId[channelId] : null;
    return ch != null && ch.queue.size() < ch.desc.sendQueueCapacity();
  }

  /** Messages waiting on a channel, not counting the one being sent. */
  public int queued(int channelId) {
    Channel ch = byId[channelId];
    return ch == null ? 0 : ch.queue.size();
  }

  /** Messages waiting on every channel (CometBFT's sum of its channels' {@code SendQueueSize}). */
  public int queuedTotal() {
    int n = 0;
    for (Channel ch : channels) {
      n += ch.queue.size();
    }
    return n;
  }

  /** Whether packets are packed but not yet handed out for flushing (the flush throttle holds them). */
  public boolean hasUnflushed() {
    return outLen > 0;
  }

  /** Makes the next {@link #pollTransmit} hand out what is packed without waiting for the throttle. */
  public void requestFlush() {
    flushNow = true;
  }

  /** Whether any message is waiting or partly sent. */
  public boolean hasPendingSends() {
    for (Channel c : channels) {
      if (c.pending()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Bytes that should be written and flushed now, or {@code null}. Packs as many packets as the
   * send rate and the 64 KiB buffer allow; call again while it returns bytes and the transport
   * accepts more. The returned array belongs to the caller.
   */
  public Transmit pollTransmit(MonoTime now) throws MConnException {
    checkOpen();
    long t = now.nanos();
    if (pongPending) {
      writeControl(PacketCodec.pongDelimited(), t);
      pongPending = false;
    }
    fill(t);
    if (outLen == 0) {
      return null;
    }
    boolean due = flushNow || outLen >= FLUSH_BUFFER_BYTES || t - firstUnflushed >= flushNanos;
    if (!due) {
      return null;
    }
    Transmit tx;
    if (outLen <= SMALL_TRANSMIT) {
      tx = new Transmit(Arrays.copyOf(out, outLen), outLen);
    } else {
      tx = new Transmit(out, outLen);
      out = newOutBuffer();
    }
    outLen = 0;
    flushNow = false;
    firstUnflushed = Long.MIN_VALUE;
    return tx;
  }

  private void fill(long t) {
    while (outLen < FLUSH_BUFFER_BYTES && sendMonitor.allows(t)) {
      int sent = 0;
      while (sent < BATCH_PACKETS && outLen < FLUSH_BUFFER_BYTES && sendMonitor.allows(t)) {
        Channel ch = pickChannel(t);
        if (ch == null) {
          return;
        }
        int n = writeNextPacket(ch);
        ch.recentlySent += n;
        sendMonitor.update(n, t);
        markWritten(t);
        sent++;
      }
      if (sent == 0) {
        return;
      }
    }
  }

  private Channel pickChannel(long t) {
    decayStats(t);
    Channel least = null;
    float leastRatio = Float.MAX_VALUE;
    for (Channel c : channels) {
      if (!c.pending()) {
        continue;
      }
      float ratio = (float) c.recentlySent / (float) c.desc.priority();
      if (ratio < leastRatio) {
        leastRatio = ratio;
        least = c;
      }
    }
    return least;
  }

  private void decayStats(long t) {
    long periods = (t - lastDecay) / STATS_DECAY_NANOS;
    if (periods <= 0) {
      return;
    }
    lastDecay += periods * STATS_DECAY_NANOS;
    for (Channel c : channels) {
      for (long i = 0; i < periods && c.recentlySent != 0; i++) {
        c.recentlySent = (long) (c.recentlySent * 0.8);
      }
    }
  }

  private int writeNextPacket(Channel ch) {
    if (ch.sending == null) {
      ch.sending = ch.queue.poll();
      ch.sendingOff = 0;
    }
    byte[] msg = ch.sending;
    int max = config.maxPacketMsgPayloadSize();
    int remaining = msg.length - ch.sendingOff;
    boolean eof = remaining <= max;
    int len = eof ? remaining : max;
    int start = outLen;
    outLen = PacketCodec.writePacketMsg(out, outLen, ch.desc.id(), eof, msg, ch.sendingOff, len);
    if (eof) {
      ch.sending = null;
      ch.sendingOff = 0;
    } else {
      ch.sendingOff += len;
    }
    return outLen - start;
  }

  private void writeControl(byte[] packet, long t) {
    System.arraycopy(packet, 0, out, outLen, packet.length);
    outLen += packet.length;
    sendMonitor.update(packet.length, t);
    markWritten(t);
    flushNow = true;
  }

  private void markWritten(long t) {
    if (firstUnflushed == Long.MIN_VALUE) {
      firstUnflushed = t;
    }
  }

  // ------------------------------------------------------------------ receiving

  /**
   * Takes the next bytes of the decrypted stream. Completed messages become available through
   * {@link #pollMessage}; drain them before the next call.
   *
   * @throws MConnException on any protocol violation; the connection must then be closed
   */
  public void receive(byte[] data, int off, int len, MonoTime now) throws MConnException {
    checkOpen();
    recvMonitor.update(len, now.nanos());
    decoder.feed(data, off, len);
    try {
      for (DelimitedDecoder.Body b = decoder.next(); b != null; b = decoder.next()) {
        PacketCodec.Kind kind = PacketCodec.decode(b.array(), b.offset(), b.length(), this::onPacketMsg);
        switch (kind) {
          case PING -> pongPending = true;
          case PONG -> pongDeadline = Long.MAX_VALUE;
          case MSG -> { }
        }
      }
    } catch (FramingException e) {
      throw fail(new MConnException(MConnException.Reason.OVERSIZED_PACKET,
          "packet length prefix refused (max packet size " + config.maxPacketSize() + "): "
              + e.getMessage(), e));
    } catch (MConnException e) {
      throw fail(e);
    }
  }

  private void onPacketMsg(int channelId, boolean eof, byte[] data, int off, int len)
      throws MConnException {
    Channel ch = channelId >= 0 && channelId < 256 ? byId[channelId] : null;
    if (ch == null) {
      throw new MConnException(MConnException.Reason.UNKNOWN_CHANNEL,
          "PacketMsg for unknown channel " + channelId);
    }
    long total = (long) ch.recvLen + len;
    if (total > ch.desc.recvMessageCapacity()) {
      throw new MConnException(MConnException.Reason.MESSAGE_TOO_LARGE,
          "message on channel " + channelId + " would reach " + total
              + " bytes, over its RecvMessageCapacity " + ch.desc.recvMessageCapacity());
    }
    ch.append(data, off, len);
    if (eof) {
      received.add(new ReceivedMessage(channelId, ch.takeMessage()));
    }
  }

  /** The next completely received message, or {@code null}. */
  public ReceivedMessage pollMessage() {
    return received.poll();
  }

  /**
   * When reading may continue under the receive rate limit: {@code now} or earlier means read
   * on; a later time means stop reading until then.
   */
  public MonoTime readResumeAt(MonoTime now) {
    return new MonoTime(recvMonitor.resumeAt(now.nanos()));
  }

  // ------------------------------------------------------------------ time

  /**
   * Runs the timers due at {@code now}: sends a Ping when the interval is up and fails the
   * connection when the Pong is overdue. Follow with {@link #pollTransmit}.
   */
  public void handleTimeout(MonoTime now) throws MConnException {
    checkOpen();
    long t = now.nanos();
    if (t >= pongDeadline) {
      throw fail(new MConnException(MConnException.Reason.PONG_TIMEOUT,
          "no Pong within " + config.pongTimeout().toMillis() + " ms of our Ping"));
    }
    if (t >= nextPing) {
      writeControl(PacketCodec.pingDelimited(), t);
      if (pongDeadline == Long.MAX_VALUE) {
        pongDeadline = t + pongNanos;
      }
      long missed = (t - nextPing) / pingNanos + 1;
      nextPing += missed * pingNanos; // a ticker: later ticks are dropped, not queued
    }
  }

  /** The earliest time at which {@link #handleTimeout} or {@link #pollTransmit} has work. */
  public MonoTime nextDeadline(MonoTime now) {
    long d = Math.min(nextPing, pongDeadline);
    if (flushNow || pongPending) {
      return now;
    }
    if (outLen > 0) {
      d = Math.min(d, firstUnflushed + flushNanos);
    }
    if (hasPendingSends() && outLen < FLUSH_BUFFER_BYTES) {
      d = Math.min(d, sendMonitor.resumeAt(now.nanos()));
    }
    return new MonoTime(d);
  }

  /**
   * The next keepalive deadline alone (Ping due or Pong overdue): what a driver must still wake
   * for while the transport refuses more bytes.
   */
  public MonoTime keepaliveDeadline() {
    return new MonoTime(Math.min(nextPing, pongDeadline));
  }

  /** Total bytes counted by the send and receive monitors. */
  public long bytesSent() {
    return sendMonitor.total();
  }

  public long bytesReceived() {
    return recvMonitor.total();
  }

  /** The error that failed the connection, or {@code null}. */
  public MConnException failure() {
    return failure;
  }

  /** Marks the connection closed (by the transport); later calls throw CLOSED. */
  public void close() {
    if (failure == null) {
      failure = new MConnException(MConnException.Reason.CLOSED, "connection closed");
    }
  }

  private MConnException fail(MConnException e) {
    if (failure == null) {
      failure = e;
    }
    return e;
  }

  private void checkOpen() throws MConnException {
    if (failure != null) {
      throw new MConnException(MConnException.Reason.CLOSED,
          "connection already failed: " + failure.getMessage(), failure);
    }
  }

  /** Per-channel state: send queue, the message being sent, reassembly buffer. */
  private static final class Channel {
    final ChannelDescriptor desc;
    final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    byte[] sending;
    int sendingOff;
    long recentlySent;
    byte[] recvBuf;
    int recvLen;

    Channel(ChannelDescriptor desc) {
      this.desc = desc;
    }

    boolean pending() {
      return sending != null || !queue.isEmpty();
    }

    void append(byte[] data, int off, int len) {
      if (recvBuf == null) {
        recvBuf = new byte[Math.min(desc.recvBufferCapacity(), desc.recvMessageCapacity())];
      }
      if (recvLen + len > recvBuf.length) {
        long want = Math.max((long) recvBuf.length * 2, (long) recvLen + len);
        recvBuf = Arrays.copyOf(recvBuf, (int) Math.min(want, desc.recvMessageCapacity()));
      }
      System.arraycopy(data, off, recvBuf, recvLen, len);
      recvLen += len;
    }

    byte[] takeMessage() {
      byte[] msg;
      if (recvBuf == null) {
        msg = new byte[0];
      } else if (recvLen == recvBuf.length && recvLen > desc.recvBufferCapacity()) {
        msg = recvBuf; // hand the grown buffer over instead of copying it
        recvBuf = null;
      } else {
        msg = Arrays.copyOf(recvBuf, recvLen);
        if (recvBuf.length > desc.recvBufferCapacity()) {
          recvBuf = null; // do not keep a large buffer for a channel that is mostly idle
        }
      }
      recvLen = 0;
      return msg;
    }
  }

  /** A message reassembled on a channel. Not a record: it carries a byte array. */
  public static final class ReceivedMessage {
    private final int channelId;
    private final byte[] message;

    ReceivedMessage(int channelId, byte[] message) {
      this.channelId = channelId;
      this.message = message;
    }

    public int channelId() {
      return channelId;
    }

    public byte[] message() {
      return message;
    }
  }

  /** Bytes to write and flush: {@code bytes[0..length)}. */
  public static final class Transmit {
    private final byte[] bytes;
    private final int length;

    Transmit(byte[] bytes, int length) {
      this.bytes = bytes;
      this.length = length;
    }

    public byte[] bytes() {
      return bytes;
    }

    public int length() {
      return length;
    }

    public byte[] toByteArray() {
      return Arrays.copyOf(bytes, length);
    }
  }

  /** For tests: the current contents of the unflushed buffer size. */
  int unflushed() {
    return outLen;
  }

  /** For diagnostics: channel IDs in registration order. */
  public List<Integer> channelIds() {
    List<Integer> ids = new ArrayList<>();
    for (Channel c : channels) {
      ids.add(c.desc.id());
    }
    return ids;
  }
}
