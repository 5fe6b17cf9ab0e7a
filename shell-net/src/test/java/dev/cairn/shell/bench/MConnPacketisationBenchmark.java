package dev.cairn.shell.bench;

import dev.cairn.core.MonoTime;
import dev.cairn.shell.mconn.ChannelDescriptor;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.mconn.MConnException;
import dev.cairn.shell.mconn.MConnection;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the sans-IO MConnection on 1 MiB messages: fragmenting into 1024-byte PacketMsgs
 * and encoding them, and decoding a packet stream and reassembling the message. One operation is
 * one 1 MiB message, so MB/s = ops/s x 1.048576.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MConnPacketisationBenchmark {

  private static final int SIZE = 1 << 20;
  private static final List<ChannelDescriptor> CHANNELS =
      List.of(new ChannelDescriptor(0x30, 5, 16, 4096, 2 * SIZE));
  private static final MConnConfig CONFIG =
      MConnConfig.defaults().withRates(0, 0).withFlushThrottle(Duration.ZERO);
  private static final int READ_CHUNK = 64 * 1024;

  private byte[] message;
  private byte[] wire;
  private MConnection sender;
  private MConnection receiver;

  @Setup(Level.Trial)
  public void setUp() throws MConnException {
    message = new byte[SIZE];
    new Random(42).nextBytes(message);
    sender = new MConnection(CONFIG, CHANNELS, List.of(0x30), MonoTime.ZERO);
    receiver = new MConnection(CONFIG, CHANNELS, List.of(0x30), MonoTime.ZERO);
    MConnection once = new MConnection(CONFIG, CHANNELS, List.of(0x30), MonoTime.ZERO);
    once.send(0x30, message);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (MConnection.Transmit tx = once.pollTransmit(MonoTime.ZERO); tx != null;
        tx = once.pollTransmit(MonoTime.ZERO)) {
      out.write(tx.bytes(), 0, tx.length());
    }
    wire = out.toByteArray();
  }

  /** Queue one 1 MiB message and pull every transmit: fragmentation plus Packet encoding. */
  @Benchmark
  public long fragmentAndEncode() throws MConnException {
    sender.send(0x30, message);
    long n = 0;
    for (MConnection.Transmit tx = sender.pollTransmit(MonoTime.ZERO); tx != null;
        tx = sender.pollTransmit(MonoTime.ZERO)) {
      n += tx.length();
    }
    return n;
  }

  /** Feed the packets of one 1 MiB message in 64 KiB reads and take the reassembled message. */
  @Benchmark
  public byte[] decodeAndReassemble() throws MConnException {
    for (int off = 0; off < wire.length; off += READ_CHUNK) {
      receiver.receive(wire, off, Math.min(READ_CHUNK, wire.length - off), MonoTime.ZERO);
    }
    MConnection.ReceivedMessage m = receiver.pollMessage();
    if (m == null || m.message().length != SIZE) {
      throw new IllegalStateException("message not reassembled");
    }
    return m.message();
  }
}
