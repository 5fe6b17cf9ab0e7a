package dev.cairn.shell.bench;

import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.secret.FrameOpener;
import dev.cairn.shell.secret.FrameSealer;
import dev.cairn.shell.secret.Frames;
import dev.cairn.shell.secret.SecretConnectionEstablished;
import dev.cairn.shell.secret.SecretHandshakeHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * SecretConnection payload throughput with 1 MiB messages. Score is messages per second; payload
 * MB/s = score × 1.048576.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SecretThroughputBenchmark {

  static final int MESSAGE = 1 << 20;

  /** Seal a 1 MiB write into frames, then open every frame: one thread, no I/O. */
  @State(Scope.Thread)
  public static class InMemory {
    final byte[] payload = new byte[MESSAGE];
    final byte[] wire = new byte[(int) Frames.sealedLength(MESSAGE)];
    final byte[] opened = new byte[MESSAGE];
    final byte[] key = new byte[32];
    byte[] sealedOnce;
    FrameSealer sealer;
    FrameOpener opener;

    @Setup(Level.Iteration)
    public void setup() throws Exception {
      new Random(1).nextBytes(payload);
      new SecureRandom().nextBytes(key);
      sealer = new FrameSealer(key);
      opener = new FrameOpener(key);
      sealedOnce = new FrameSealer(key).seal(payload);
    }
  }

  /** One thread seals a 1 MiB write and opens it again (both ends on one core). */
  @Benchmark
  public int sealAndOpenInMemory(InMemory s) throws Exception {
    int n = s.sealer.seal(s.payload, 0, MESSAGE, s.wire, 0);
    return s.opener.openFrames(s.wire, 0, n / Frames.SEALED_BYTES, s.opened, 0);
  }

  /** Seal only (the sender's CPU cost). */
  @Benchmark
  public int sealInMemory(InMemory s) throws Exception {
    return s.sealer.seal(s.payload, 0, MESSAGE, s.wire, 0);
  }

  /** Open only (the receiver's CPU cost): the same sealed 1 MiB, with a fresh opener each time. */
  @Benchmark
  public int openInMemory(InMemory s) throws Exception {
    FrameOpener o = new FrameOpener(s.key);
    return o.openFrames(s.sealedOnce, 0, s.sealedOnce.length / Frames.SEALED_BYTES, s.opened, 0);
  }

  /** Two Netty channels over 127.0.0.1 with the SecretConnection handlers, one event loop each. */
  @State(Scope.Benchmark)
  public static class Loopback {
    EventLoopGroup serverGroup;
    EventLoopGroup clientGroup;
    Channel listener;
    Channel client;
    /** Credits: at most 4 messages in flight, so sealing, the socket and opening overlap. */
    final Semaphore inFlight = new Semaphore(4);
    final ByteBuf message = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[MESSAGE]));

    @Setup(Level.Trial)
    public void setup() throws Exception {
      serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      SecureRandom r = new SecureRandom();
      NodeKey serverKey = NodeKey.generate(r);
      NodeKey clientKey = NodeKey.generate(r);
      listener = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new SecretHandshakeHandler(serverKey, r), new ChannelInboundHandlerAdapter() {
                long bytes;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ByteBuf b = (ByteBuf) msg;
                  bytes += b.readableBytes();
                  b.release();
                  while (bytes >= MESSAGE) {
                    bytes -= MESSAGE;
                    inFlight.release();
                  }
                }
              });
            }
          }).bind("127.0.0.1", 0).sync().channel();
      CountDownLatch up = new CountDownLatch(1);
      client = new Bootstrap().group(clientGroup).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new SecretHandshakeHandler(clientKey, r), new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                  if (evt instanceof SecretConnectionEstablished) {
                    up.countDown();
                  }
                }
              });
            }
          }).connect((InetSocketAddress) listener.localAddress()).sync().channel();
      if (!up.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("handshake did not complete");
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      client.close().syncUninterruptibly();
      listener.close().syncUninterruptibly();
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * One 1 MiB message handed to the client channel; it may start only when fewer than 4 earlier
   * messages are still unreceived, so the score is the steady-state rate at which the peer
   * decrypts messages.
   */
  @Benchmark
  public void loopbackTcp(Loopback s) throws Exception {
    if (!s.inFlight.tryAcquire(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("message not received within 10 s");
    }
    s.client.writeAndFlush(s.message.retainedDuplicate());
  }
}
