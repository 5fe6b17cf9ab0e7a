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
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
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
  static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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

  /**
   * Two Netty channels with the SecretConnection handlers, one event loop each: over 127.0.0.1
   * ({@link Loopback}) or in memory ({@link InVm}, Netty's local transport, which hands the
   * sealed buffers to the peer's event loop without a socket).
   */
  public abstract static class Connection {
    EventLoopGroup serverGroup;
    EventLoopGroup clientGroup;
    Channel listener;
    Channel client;
    /** Credits: at most 4 messages in flight, so sealing, the transport and opening overlap. */
    final Semaphore inFlight = new Semaphore(4);
    final ByteBuf message = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[MESSAGE]));
    Thread senderThread;
    Thread receiverThread;
    long senderCpu0;
    long receiverCpu0;
    long sent;

    abstract IoHandlerFactory ioHandler();

    abstract ServerBootstrap server(ServerBootstrap b);

    abstract Bootstrap client(Bootstrap b);

    abstract SocketAddress bindAddress();

    @Setup(Level.Trial)
    public void setup() throws Exception {
      serverGroup = new MultiThreadIoEventLoopGroup(1, ioHandler());
      clientGroup = new MultiThreadIoEventLoopGroup(1, ioHandler());
      SecureRandom r = new SecureRandom();
      NodeKey serverKey = NodeKey.generate(r);
      NodeKey clientKey = NodeKey.generate(r);
      listener = server(new ServerBootstrap().group(serverGroup))
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
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
          }).bind(bindAddress()).sync().channel();
      CountDownLatch up = new CountDownLatch(1);
      client = client(new Bootstrap().group(clientGroup))
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new SecretHandshakeHandler(clientKey, r), new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                  if (evt instanceof SecretConnectionEstablished) {
                    up.countDown();
                  }
                }
              });
            }
          }).connect(listener.localAddress()).sync().channel();
      if (!up.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("handshake did not complete");
      }
      senderThread = clientGroup.next().submit(Thread::currentThread).get();
      receiverThread = serverGroup.next().submit(Thread::currentThread).get();
    }

    @Setup(Level.Iteration)
    public void startCpuCount() {
      sent = 0;
      senderCpu0 = THREADS.getThreadCpuTime(senderThread.threadId());
      receiverCpu0 = THREADS.getThreadCpuTime(receiverThread.threadId());
    }

    /**
     * Prints the CPU time each event loop spent per message in the iteration (thread CPU time, so
     * it depends less than the score on what else runs on the machine).
     */
    @TearDown(Level.Iteration)
    public void printCpuPerMessage() {
      long s = THREADS.getThreadCpuTime(senderThread.threadId()) - senderCpu0;
      long r = THREADS.getThreadCpuTime(receiverThread.threadId()) - receiverCpu0;
      if (sent > 0) {
        System.out.printf("  [event-loop CPU per 1 MiB message: sender %.0f us, receiver %.0f us, %d messages]%n",
            s / 1e3 / sent, r / 1e3 / sent, sent);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      client.close().syncUninterruptibly();
      listener.close().syncUninterruptibly();
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    void sendOne() throws InterruptedException {
      if (!inFlight.tryAcquire(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("message not received within 10 s");
      }
      client.writeAndFlush(message.retainedDuplicate());
      sent++;
    }
  }

  /** Over 127.0.0.1 with NIO sockets. */
  @State(Scope.Benchmark)
  public static class Loopback extends Connection {
    @Override
    IoHandlerFactory ioHandler() {
      return NioIoHandler.newFactory();
    }

    @Override
    ServerBootstrap server(ServerBootstrap b) {
      return b.channel(NioServerSocketChannel.class);
    }

    @Override
    Bootstrap client(Bootstrap b) {
      return b.channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true);
    }

    @Override
    SocketAddress bindAddress() {
      return new InetSocketAddress("127.0.0.1", 0);
    }
  }

  /** In memory: Netty's local transport between two event loops. */
  @State(Scope.Benchmark)
  public static class InVm extends Connection {
    @Override
    IoHandlerFactory ioHandler() {
      return LocalIoHandler.newFactory();
    }

    @Override
    ServerBootstrap server(ServerBootstrap b) {
      return b.channel(LocalServerChannel.class);
    }

    @Override
    Bootstrap client(Bootstrap b) {
      return b.channel(LocalChannel.class);
    }

    @Override
    SocketAddress bindAddress() {
      return new LocalAddress("secret-throughput-" + System.nanoTime());
    }
  }

  /**
   * One 1 MiB message handed to the client channel; it may start only when fewer than 4 earlier
   * messages are still unreceived, so the score is the steady-state rate at which the peer
   * decrypts messages.
   */
  @Benchmark
  public void loopbackTcp(Loopback s) throws Exception {
    s.sendOne();
  }

  /** As {@link #loopbackTcp}, over Netty's in-memory transport instead of a socket. */
  @Benchmark
  public void inMemoryChannel(InVm s) throws Exception {
    s.sendOne();
  }
}
