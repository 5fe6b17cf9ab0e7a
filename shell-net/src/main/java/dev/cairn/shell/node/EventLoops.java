package dev.cairn.shell.node;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The Netty transport Cairn uses for TCP (NIO: portable, no native library). */
public final class EventLoops {

  private EventLoops() {}

  public static EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
  }

  public static Class<NioSocketChannel> socketChannel() {
    return NioSocketChannel.class;
  }

  public static Class<NioServerSocketChannel> serverChannel() {
    return NioServerSocketChannel.class;
  }
}
