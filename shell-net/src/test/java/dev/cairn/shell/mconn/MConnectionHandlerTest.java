package dev.cairn.shell.mconn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MConnectionHandlerTest {

  private static final List<ChannelDescriptor> CHANNELS = List.of(
      new ChannelDescriptor(0x30, 5, 4, 4096, 2 << 20),
      new ChannelDescriptor(0x20, 6, 4, 4096, 2 << 20),
      new ChannelDescriptor(0x00, 1, 4, 4096, 64000));
  private static final List<Integer> IDS = List.of(0x30, 0x20, 0x00);

  record Got(int channel, byte[] bytes) {}

  /** Records exceptions that reach the end of the pipeline. */
  static final class Errors extends ChannelInboundHandlerAdapter {
    final List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      seen.add(cause);
    }
  }

  private static int shuttle(EmbeddedChannel from, EmbeddedChannel to) {
    int n = 0;
    for (ByteBuf b = from.readOutbound(); b != null; b = from.readOutbound()) {
      n += b.readableBytes();
      to.writeInbound(b);
    }
    return n;
  }

  @Test
  void embeddedPairDeliversAllSizesInOrder() {
    MConnConfig cfg = MConnConfig.defaults();
    List<Got> got = new ArrayList<>();
    MConnectionHandler ha = new MConnectionHandler(cfg, CHANNELS, IDS, (c, m) -> { });
    MConnectionHandler hb = new MConnectionHandler(cfg, CHANNELS, IDS, (c, m) -> got.add(new Got(c, m)));
    EmbeddedChannel a = new EmbeddedChannel();
    EmbeddedChannel b = new EmbeddedChannel();
    a.freezeTime();
    b.freezeTime();
    a.pipeline().addLast(ha);
    b.pipeline().addLast(hb);
    List<Got> sent = new ArrayList<>();
    int seed = 0;
    for (int size : new int[] {0, 1, 1024, 1025, 1 << 20}) {
      for (int ch : IDS) {
        if (ch == 0x00 && size > 64000) {
          continue;
        }
        byte[] m = MConnectionTest.pattern(size, seed++);
        sent.add(new Got(ch, m));
        var f = ha.send(ch, m);
        for (int i = 0; i < 10_000 && !f.isDone(); i++) {
          shuttle(a, b);
          a.advanceTimeBy(1, TimeUnit.MILLISECONDS);
          a.runPendingTasks();
        }
        assertThat(f.getNow()).isEqualTo(MConnection.Offer.QUEUED);
      }
    }
    for (int i = 0; i < 1000 && got.size() < sent.size(); i++) {
      a.advanceTimeBy(10, TimeUnit.MILLISECONDS);
      a.runPendingTasks();
      shuttle(a, b);
    }
    assertThat(got).hasSize(sent.size());
    for (int ch : IDS) {
      List<Got> w = sent.stream().filter(g -> g.channel() == ch).toList();
      List<Got> h = got.stream().filter(g -> g.channel() == ch).toList();
      for (int i = 0; i < w.size(); i++) {
        assertThat(h.get(i).bytes()).isEqualTo(w.get(i).bytes());
      }
    }
    assertThat(ha.trySend(0x99, new byte[1]).getNow()).isEqualTo(MConnection.Offer.UNKNOWN_CHANNEL);
  }

  private static Throwable closeReason(byte[] input) {
    Errors errors = new Errors();
    EmbeddedChannel c = new EmbeddedChannel(
        new MConnectionHandler(MConnConfig.defaults(), CHANNELS, IDS, (x, y) -> { }), errors);
    c.writeInbound(Unpooled.wrappedBuffer(input));
    c.runPendingTasks();
    assertThat(c.isOpen()).as("channel closed after bad input").isFalse();
    assertThat(errors.seen).hasSize(1);
    return errors.seen.get(0);
  }

  @Test
  void badInputClosesTheChannelWithATypedError() {
    assertThat(((MConnException) closeReason(dev.cairn.shell.proto.Uvarint.encode(1035))).reason())
        .isEqualTo(MConnException.Reason.OVERSIZED_PACKET);
    assertThat(((MConnException) closeReason(new byte[] {0})).reason())
        .isEqualTo(MConnException.Reason.EMPTY_PACKET);
    assertThat(((MConnException) closeReason(PacketCodec.packetMsgDelimited(0x55, true, new byte[1]))).reason())
        .isEqualTo(MConnException.Reason.UNKNOWN_CHANNEL);
    java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 63; i++) {
      s.writeBytes(PacketCodec.packetMsgDelimited(0x00, false, new byte[1024]));
    }
    assertThat(((MConnException) closeReason(s.toByteArray())).reason())
        .isEqualTo(MConnException.Reason.MESSAGE_TOO_LARGE);
  }

  @Test
  void loopbackTcpCarriesLargeMessagesAndKeepaliveDropsASilentPeer() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      // No rate limits here: a receive limit pauses reading, and a Pong that waits behind
      // megabytes of rate-limited data could miss its pong timeout on a busy machine.
      // Rate limits have their own virtual-time tests in MConnectionTest. Pings every second; the
      // pong timeout of 600 ms leaves room for a collector pause or a starved core on a loaded
      // 2-core machine (the exact timing is MConnectionTest's, in virtual time).
      MConnConfig cfg = MConnConfig.defaults().withKeepalive(Duration.ofSeconds(1), Duration.ofMillis(600))
          .withRates(0, 0);
      List<Got> got = Collections.synchronizedList(new ArrayList<>());
      int expected = 3 * 4;
      CountDownLatch all = new CountDownLatch(expected);
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new MConnectionHandler(cfg, CHANNELS, IDS, (c, m) -> {
                got.add(new Got(c, m));
                all.countDown();
              }));
            }
          }).bind("127.0.0.1", 0).sync().channel();
      CompletableFuture<MConnectionHandler> clientHandler = new CompletableFuture<>();
      Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              MConnectionHandler h = new MConnectionHandler(cfg, CHANNELS, IDS, (c, m) -> { });
              ch.pipeline().addLast(h);
              clientHandler.complete(h);
            }
          }).connect(server.localAddress()).sync().channel();
      MConnectionHandler h = clientHandler.get(5, TimeUnit.SECONDS);
      List<Got> sent = new ArrayList<>();
      int seed = 100;
      for (int i = 0; i < 4; i++) {
        for (int ch : IDS) {
          byte[] m = MConnectionTest.pattern(ch == 0 ? 60_000 : (1 << 20) - i, seed++);
          sent.add(new Got(ch, m));
          assertThat(h.send(ch, m).get(10, TimeUnit.SECONDS)).isEqualTo(MConnection.Offer.QUEUED);
        }
      }
      assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
      for (int ch : IDS) {
        List<Got> w = sent.stream().filter(g -> g.channel() == ch).toList();
        List<Got> hv = got.stream().filter(g -> g.channel() == ch).toList();
        for (int i = 0; i < w.size(); i++) {
          assertThat(hv.get(i).bytes()).isEqualTo(w.get(i).bytes());
        }
      }
      // idle for three ping intervals: both sides answer Pings, nobody is dropped
      Thread.sleep(3200);
      assertThat(client.isActive()).isTrue();
      assertThat(h.failure()).isNull();

      // a peer that reads and never answers: our side gives up after ping interval + pong timeout
      Channel silent = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              ((ByteBuf) msg).release();
            }
          }).bind("127.0.0.1", 0).sync().channel();
      Errors errors = new Errors();
      Channel toSilent = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new MConnectionHandler(cfg, CHANNELS, IDS, (c, m) -> { }), errors);
            }
          }).connect(silent.localAddress()).sync().channel();
      assertThat(toSilent.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(errors.seen).hasSize(1);
      assertThat(((MConnException) errors.seen.get(0)).reason()).isEqualTo(MConnException.Reason.PONG_TIMEOUT);
      client.close().sync();
      server.close().sync();
      silent.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
