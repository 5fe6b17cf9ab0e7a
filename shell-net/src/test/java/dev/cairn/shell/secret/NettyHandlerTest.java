package dev.cairn.shell.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.secret.SecretConnectionException.Reason;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyHandlerTest {

  private final NodeKey keyA = NodeKey.fromSeed(TestKeys.bytes(1));
  private final NodeKey keyB = NodeKey.fromSeed(TestKeys.bytes(2));
  private EventLoopGroup group;

  @AfterEach
  void shutdown() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Records what reaches the end of the pipeline. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    final List<Object> events = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final CountDownLatch established = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);
    volatile int expected = -1;
    volatile Channel channel;
    final CountDownLatch gotAll = new CountDownLatch(1);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      synchronized (data) {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        data.write(bytes, 0, bytes.length);
        if (expected >= 0 && data.size() >= expected) {
          gotAll.countDown();
        }
      }
      b.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      channel = ctx.channel();
      events.add(evt);
      if (evt instanceof SecretConnectionEstablished) {
        established.countDown();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed.countDown();
    }

    byte[] bytes() {
      synchronized (data) {
        return data.toByteArray();
      }
    }
  }

  private static int shuttle(EmbeddedChannel from, EmbeddedChannel to) {
    int moved = 0;
    for (ByteBuf b; (b = from.readOutbound()) != null; ) {
      moved += b.readableBytes();
      to.writeInbound(b);
    }
    return moved;
  }

  private static void pump(EmbeddedChannel a, EmbeddedChannel b) {
    while (shuttle(a, b) + shuttle(b, a) > 0) {
      // until both are quiet
    }
  }

  @Test
  void embeddedPairHandshakesAndStreamsBothWays() {
    Sink sa = new Sink();
    Sink sb = new Sink();
    EmbeddedChannel a = new EmbeddedChannel(new SecretHandshakeHandler(keyA, TestKeys.fixed(TestKeys.bytes(10))), sa);
    EmbeddedChannel b = new EmbeddedChannel(new SecretHandshakeHandler(keyB, TestKeys.fixed(TestKeys.bytes(11))), sb);
    ByteBuf first = a.readOutbound();
    assertEquals(35, first.readableBytes(), "ephemeral key written on channelActive, before any read");
    b.writeInbound(first);
    pump(a, b);
    SecretConnectionEstablished ea = (SecretConnectionEstablished) sa.events.get(0);
    SecretConnectionEstablished eb = (SecretConnectionEstablished) sb.events.get(0);
    assertEquals(keyB.id(), ea.remoteId());
    assertArrayEquals(keyA.publicKey(), eb.remotePubKey());
    assertNotNull(a.pipeline().get(SecretHandshakeHandler.CODEC_NAME));
    assertEquals(null, a.pipeline().get(SecretHandshakeHandler.class), "the handshake handler removed itself");

    byte[] payload = new byte[10_000];
    new Random(3).nextBytes(payload);
    a.writeOutbound(Unpooled.wrappedBuffer(payload));
    ByteBuf sealed = a.readOutbound();
    assertEquals(10 * Frames.SEALED_BYTES, sealed.readableBytes(), "one write = all its frames in one buffer");
    // deliver in awkward pieces
    while (sealed.isReadable()) {
      b.writeInbound(sealed.readRetainedSlice(Math.min(333, sealed.readableBytes())));
    }
    sealed.release();
    assertArrayEquals(payload, sb.bytes());
    b.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
    shuttle(b, a);
    assertArrayEquals(new byte[] {1, 2, 3}, sa.bytes());
    assertTrue(sa.errors.isEmpty() && sb.errors.isEmpty());
  }

  @Test
  void dataSentInSameSegmentAsAuthSigIsHandedOn() {
    Sink sa = new Sink();
    Sink sb = new Sink();
    EmbeddedChannel a = new EmbeddedChannel(new SecretHandshakeHandler(keyA, TestKeys.fixed(TestKeys.bytes(10))), sa);
    EmbeddedChannel b = new EmbeddedChannel(new SecretHandshakeHandler(keyB, TestKeys.fixed(TestKeys.bytes(11))), sb);
    shuttle(a, b); // A's ephemeral -> B; B now has its AuthSig queued
    shuttle(b, a); // B's ephemeral + AuthSig -> A; A is done
    b.writeInbound(a.<ByteBuf>readOutbound()); // A's AuthSig -> B done
    b.writeOutbound(Unpooled.wrappedBuffer("hello".getBytes()));
    // A has finished already; now glue more frames together in one segment
    ByteBuf d = b.readOutbound();
    a.writeInbound(d);
    assertEquals("hello", new String(sa.bytes()));
  }

  @Test
  void tamperedFrameClosesWithTypedErrorOnce() {
    Sink sa = new Sink();
    Sink sb = new Sink();
    EmbeddedChannel a = new EmbeddedChannel(new SecretHandshakeHandler(keyA, TestKeys.fixed(TestKeys.bytes(10))), sa);
    EmbeddedChannel b = new EmbeddedChannel(new SecretHandshakeHandler(keyB, TestKeys.fixed(TestKeys.bytes(11))), sb);
    pump(a, b);
    a.writeOutbound(Unpooled.wrappedBuffer(new byte[3000]));
    ByteBuf sealed = a.readOutbound();
    sealed.setByte(1044 + 7, sealed.getByte(1044 + 7) ^ 1);
    b.writeInbound(sealed);
    assertEquals(1, sb.errors.size(), "exactly one error");
    SecretConnectionException e = assertInstanceOf(SecretConnectionException.class, sb.errors.get(0));
    assertEquals(Reason.BAD_FRAME_TAG, e.reason());
    assertTrue(e.getMessage().contains("frame 2"), e.getMessage());
    assertFalse(b.isOpen());
  }

  /** Two embedded channels with the handshake done. */
  private EmbeddedChannel[] connectedPair(Sink sa, Sink sb) {
    EmbeddedChannel a = new EmbeddedChannel(new SecretHandshakeHandler(keyA, TestKeys.fixed(TestKeys.bytes(10))), sa);
    EmbeddedChannel b = new EmbeddedChannel(new SecretHandshakeHandler(keyB, TestKeys.fixed(TestKeys.bytes(11))), sb);
    pump(a, b);
    assertNotNull(a.pipeline().get(SecretHandshakeHandler.CODEC_NAME));
    assertNotNull(b.pipeline().get(SecretHandshakeHandler.CODEC_NAME));
    return new EmbeddedChannel[] {a, b};
  }

  @Test
  void largeWriteLeavesInBuffersOf62FramesAndCompletesItsPromise() {
    Sink sa = new Sink();
    Sink sb = new Sink();
    EmbeddedChannel[] ab = connectedPair(sa, sb);
    byte[] payload = new byte[200_000]; // 196 frames: 62 + 62 + 62 + 10
    new Random(7).nextBytes(payload);
    ByteBuf direct = Unpooled.directBuffer(payload.length).writeBytes(payload);
    ChannelFuture written = ab[0].writeAndFlush(direct);
    assertTrue(written.isSuccess(), "the write's promise completes once all its buffers are written");
    assertEquals(0, direct.refCnt(), "the written buffer is released");
    List<Integer> sizes = new ArrayList<>();
    for (ByteBuf b; (b = ab[0].readOutbound()) != null; ) {
      sizes.add(b.readableBytes());
      ab[1].writeInbound(b);
    }
    int chunk = SecretFrameCodec.FRAMES_PER_WRITE_CHUNK * Frames.SEALED_BYTES;
    assertEquals(List.of(chunk, chunk, chunk, 10 * Frames.SEALED_BYTES), sizes);
    assertArrayEquals(payload, sb.bytes());
    assertTrue(sa.errors.isEmpty() && sb.errors.isEmpty());
  }

  @Test
  void peerClosingInsideADataFrameGivesTruncatedOnce() {
    Sink sa = new Sink();
    Sink sb = new Sink();
    EmbeddedChannel[] ab = connectedPair(sa, sb);
    byte[] payload = new byte[3000];
    new Random(8).nextBytes(payload);
    ab[0].writeOutbound(Unpooled.wrappedBuffer(payload));
    ByteBuf sealed = ab[0].readOutbound();
    ab[1].writeInbound(sealed.readRetainedSlice(Frames.SEALED_BYTES + 500));
    sealed.release();
    assertArrayEquals(Arrays.copyOf(payload, Frames.DATA_MAX), sb.bytes(), "the whole first frame is delivered");
    ab[1].close();
    assertEquals(1, sb.errors.size(), "exactly one error: " + sb.errors);
    SecretConnectionException e = assertInstanceOf(SecretConnectionException.class, sb.errors.get(0));
    assertEquals(Reason.TRUNCATED, e.reason());
    assertTrue(e.getMessage().contains("after 500 of 1044"), e.getMessage());
  }

  @Test
  void withAutoReadOffAReadThatCompletesNoFrameAsksForMore() {
    Sink sa = new Sink();
    Sink sb = new Sink();
    EmbeddedChannel[] ab = connectedPair(sa, sb);
    int[] reads = {0};
    ab[1].pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void read(ChannelHandlerContext ctx) {
        reads[0]++;
        ctx.read();
      }
    });
    ab[1].config().setAutoRead(false);
    ab[0].writeOutbound(Unpooled.wrappedBuffer(new byte[100]));
    ByteBuf sealed = ab[0].readOutbound();
    int before = reads[0];
    ab[1].writeInbound(sealed.readRetainedSlice(600));
    assertEquals(before + 1, reads[0], "no frame completed: the codec asks for more");
    ab[1].writeInbound(sealed.readRetainedSlice(sealed.readableBytes()));
    sealed.release();
    assertEquals(before + 1, reads[0], "a frame went on: reading more is left to the handlers after it");
    assertEquals(100, sb.bytes().length);
  }

  @Test
  void lowOrderKeyFromPeerClosesWithTypedError() {
    Sink sa = new Sink();
    EmbeddedChannel a = new EmbeddedChannel(new SecretHandshakeHandler(keyA, TestKeys.fixed(TestKeys.bytes(10))), sa);
    a.writeInbound(Unpooled.wrappedBuffer(SecretHandshake.ephemeralMessage(new byte[32])));
    assertEquals(1, sa.errors.size());
    assertEquals(Reason.LOW_ORDER_POINT, ((SecretConnectionException) sa.errors.get(0)).reason());
    assertFalse(a.isOpen());
  }

  private ServerBootstrap server(NodeKey key, Duration timeout, List<Sink> sinks) {
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Sink s = new Sink();
            sinks.add(s);
            ch.pipeline().addLast(new SecretHandshakeHandler(key, new java.security.SecureRandom(), timeout), s);
          }
        });
  }

  private Channel client(InetSocketAddress addr, ChannelInitializer<SocketChannel> init) throws InterruptedException {
    return new Bootstrap().group(group).channel(NioSocketChannel.class).handler(init).connect(addr).sync().channel();
  }

  @Test
  void loopbackTcpOneMebibyteBothWaysThenCleanClose() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    List<Sink> serverSinks = new CopyOnWriteArrayList<>();
    Channel listener = server(keyB, Duration.ofSeconds(3), serverSinks).bind("127.0.0.1", 0).sync().channel();
    Sink cs = new Sink();
    Channel c = client((InetSocketAddress) listener.localAddress(), new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new SecretHandshakeHandler(keyA, new java.security.SecureRandom()), cs);
      }
    });
    assertTrue(cs.established.await(5, TimeUnit.SECONDS));
    Sink ss = serverSinks.get(0);
    assertTrue(ss.established.await(5, TimeUnit.SECONDS));
    assertEquals(keyB.id(), ((SecretConnectionEstablished) cs.events.get(0)).remoteId());
    assertEquals(keyA.id(), ((SecretConnectionEstablished) ss.events.get(0)).remoteId());

    byte[] mib = new byte[1 << 20];
    new Random(5).nextBytes(mib);
    ss.expected = mib.length;
    c.writeAndFlush(Unpooled.wrappedBuffer(mib)).sync();
    assertTrue(ss.gotAll.await(10, TimeUnit.SECONDS));
    assertArrayEquals(mib, ss.bytes());
    byte[] back = new byte[(1 << 20) + 17];
    new Random(6).nextBytes(back);
    cs.expected = back.length;
    ss.channel.writeAndFlush(Unpooled.wrappedBuffer(back)).sync();
    assertTrue(cs.gotAll.await(10, TimeUnit.SECONDS));
    assertArrayEquals(back, cs.bytes());
    c.close().sync();
    assertTrue(ss.closed.await(5, TimeUnit.SECONDS), "server sees the clean close");
    assertTrue(cs.errors.isEmpty(), "no client errors: " + cs.errors);
    assertTrue(ss.errors.isEmpty(), "no server errors on a clean close: " + ss.errors);
    listener.close().sync();
  }

  @Test
  void silentPeerTimesOutWithTypedError() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    // a "peer" that accepts and sends nothing
    Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInboundHandlerAdapter()).bind("127.0.0.1", 0).sync().channel();
    Sink cs = new Sink();
    long t0 = System.nanoTime();
    client((InetSocketAddress) listener.localAddress(), new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new SecretHandshakeHandler(keyA, new java.security.SecureRandom(), Duration.ofMillis(200)), cs);
      }
    });
    assertTrue(cs.closed.await(5, TimeUnit.SECONDS), "closed after the timeout");
    assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(200).toNanos());
    assertEquals(1, cs.errors.size(), "exactly one error: " + cs.errors);
    assertEquals(Reason.HANDSHAKE_TIMEOUT, ((SecretConnectionException) cs.errors.get(0)).reason());
    listener.close().sync();
  }

  @Test
  void peerClosingMidEphemeralGivesTruncatedOnce() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0x22, 0x0a, 0x20, 1, 2}))
                .addListener(f -> ctx.close());
          }
        }).bind("127.0.0.1", 0).sync().channel();
    Sink cs = new Sink();
    client((InetSocketAddress) listener.localAddress(), new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new SecretHandshakeHandler(keyA, new java.security.SecureRandom(), Duration.ofSeconds(3)), cs);
      }
    });
    assertTrue(cs.closed.await(5, TimeUnit.SECONDS));
    assertEquals(1, cs.errors.size(), "exactly one error: " + cs.errors);
    SecretConnectionException e = (SecretConnectionException) cs.errors.get(0);
    assertEquals(Reason.TRUNCATED_EPHEMERAL, e.reason());
    assertTrue(e.getMessage().contains("5 of 35"), e.getMessage());
    listener.close().sync();
  }
}
