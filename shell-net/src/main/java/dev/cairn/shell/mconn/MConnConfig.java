package dev.cairn.shell.mconn;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of one MConnection (Go {@code MConnConfig} plus the {@code [p2p]} config keys).
 *
 * @param maxPacketMsgPayloadSize data bytes per PacketMsg ({@code max_packet_msg_payload_size})
 * @param flushThrottle longest time written packets wait before a flush
 * @param pingInterval how often we send a Ping
 * @param pongTimeout how long we wait for the Pong; must be shorter than the ping interval
 * @param sendRateBytesPerSecond send limit; 0 or less means unlimited
 * @param recvRateBytesPerSecond receive limit; 0 or less means unlimited
 */
public record MConnConfig(
    int maxPacketMsgPayloadSize,
    Duration flushThrottle,
    Duration pingInterval,
    Duration pongTimeout,
    long sendRateBytesPerSecond,
    long recvRateBytesPerSecond) {

  public MConnConfig {
    Objects.requireNonNull(flushThrottle, "flushThrottle");
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(pongTimeout, "pongTimeout");
    if (maxPacketMsgPayloadSize <= 0) {
      throw new IllegalArgumentException("maxPacketMsgPayloadSize must be > 0, got " + maxPacketMsgPayloadSize);
    }
    if (flushThrottle.isNegative()) {
      throw new IllegalArgumentException("flushThrottle must not be negative");
    }
    if (!pingInterval.isPositive() || !pongTimeout.isPositive()) {
      throw new IllegalArgumentException("pingInterval and pongTimeout must be positive");
    }
    if (pongTimeout.compareTo(pingInterval) >= 0) {
      throw new IllegalArgumentException(
          "pongTimeout " + pongTimeout + " must be shorter than pingInterval " + pingInterval);
    }
  }

  /** The values a v0.38 node runs with (config defaults): 1024 B, 100 ms, 60 s, 45 s, 5,120,000 B/s. */
  public static MConnConfig defaults() {
    return new MConnConfig(1024, Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofSeconds(45),
        5_120_000, 5_120_000);
  }

  public MConnConfig withFlushThrottle(Duration d) {
    return new MConnConfig(maxPacketMsgPayloadSize, d, pingInterval, pongTimeout, sendRateBytesPerSecond,
        recvRateBytesPerSecond);
  }

  public MConnConfig withKeepalive(Duration ping, Duration pong) {
    return new MConnConfig(maxPacketMsgPayloadSize, flushThrottle, ping, pong, sendRateBytesPerSecond,
        recvRateBytesPerSecond);
  }

  public MConnConfig withRates(long sendBytesPerSecond, long recvBytesPerSecond) {
    return new MConnConfig(maxPacketMsgPayloadSize, flushThrottle, pingInterval, pongTimeout,
        sendBytesPerSecond, recvBytesPerSecond);
  }

  /** Largest Packet body accepted from the peer; 1034 for the default payload. */
  public int maxPacketSize() {
    return PacketCodec.maxPacketSize(maxPacketMsgPayloadSize);
  }
}
