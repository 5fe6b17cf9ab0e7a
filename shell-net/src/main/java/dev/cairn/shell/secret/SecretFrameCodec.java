package dev.cairn.shell.secret;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.EncoderException;
import io.netty.util.concurrent.PromiseCombiner;

/**
 * The data phase of a SecretConnection in a Netty pipeline. Inbound: 1044-byte sealed frames in
 * any segmentation become decrypted plaintext {@link ByteBuf}s (a byte stream, not aligned to
 * messages). Outbound: each written {@link ByteBuf} becomes {@code ceil(n/1024)} sealed frames,
 * written on in buffers of up to {@value #FRAMES_PER_WRITE_CHUNK} frames (a size the pooled
 * allocator serves from its pools; one such buffer for writes up to 62 KiB). A bad frame fires the
 * {@link SecretConnectionException} once and closes the channel.
 *
 * <p>Inbound bytes are not accumulated: whole frames are opened straight from each received
 * buffer (a direct buffer is copied once per batch of up to {@value #FRAMES_PER_READ_BATCH}
 * frames into a scratch array for the cipher), and only the start of a frame split across reads
 * is kept, in a 1044-byte array.
 */
public final class SecretFrameCodec extends ChannelDuplexHandler {

  /** Frames opened into one outgoing plaintext buffer. */
  static final int FRAMES_PER_READ_BATCH = 64;
  /** Frames sealed into one outgoing buffer: 64,728 bytes. */
  static final int FRAMES_PER_WRITE_CHUNK = 62;

  private final FrameSealer sealer;
  private final FrameOpener opener;
  /** The received start of a frame split across reads. */
  private final byte[] partial = new byte[Frames.SEALED_BYTES];
  private int partialLen;
  private byte[] readScratch;
  private byte[] sealScratch;
  private byte[] plainScratch;
  private boolean failed;
  private boolean firedChannelRead;

  public SecretFrameCodec(FrameSealer sealer, FrameOpener opener) {
    this.sealer = sealer;
    this.opener = opener;
  }

  // ------------------------------------------------------------------ outbound

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.write(msg, promise);
      return;
    }
    int len = buf.readableBytes();
    if (len == 0) {
      buf.release();
      ctx.write(Unpooled.EMPTY_BUFFER, promise);
      return;
    }
    PromiseCombiner combiner = null;
    ByteBuf chunk = null;
    try {
      int chunkData = FRAMES_PER_WRITE_CHUNK * Frames.DATA_MAX;
      int end = buf.readerIndex() + len;
      for (int p = buf.readerIndex(); p < end; ) {
        int n = Math.min(chunkData, end - p);
        int sealedLen = Math.toIntExact(Frames.sealedLength(n));
        byte[] src;
        int srcOff;
        if (buf.hasArray()) {
          src = buf.array();
          srcOff = buf.arrayOffset() + p;
        } else {
          if (plainScratch == null) {
            plainScratch = new byte[chunkData];
          }
          buf.getBytes(p, plainScratch, 0, n);
          src = plainScratch;
          srcOff = 0;
        }
        chunk = ctx.alloc().ioBuffer(sealedLen);
        if (chunk.hasArray()) {
          sealer.seal(src, srcOff, n, chunk.array(), chunk.arrayOffset() + chunk.writerIndex());
          chunk.writerIndex(chunk.writerIndex() + sealedLen);
        } else {
          if (sealScratch == null) {
            sealScratch = new byte[FRAMES_PER_WRITE_CHUNK * Frames.SEALED_BYTES];
          }
          sealer.seal(src, srcOff, n, sealScratch, 0);
          chunk.writeBytes(sealScratch, 0, sealedLen);
        }
        p += n;
        ByteBuf out = chunk;
        chunk = null;
        if (p >= end && combiner == null) {
          ctx.write(out, promise);
        } else {
          if (combiner == null) {
            combiner = new PromiseCombiner(ctx.executor());
          }
          combiner.add(ctx.write(out));
        }
      }
      if (combiner != null) {
        combiner.finish(promise);
      }
    } catch (SecretConnectionException e) {
      promise.tryFailure(new EncoderException(e));
    } finally {
      if (chunk != null) {
        chunk.release();
      }
      buf.release();
    }
  }

  // ------------------------------------------------------------------ inbound

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf plain = null;
    try {
      if (failed) {
        return;
      }
      if (partialLen > 0) {
        int n = Math.min(Frames.SEALED_BYTES - partialLen, in.readableBytes());
        in.readBytes(partial, partialLen, n);
        partialLen += n;
        if (partialLen < Frames.SEALED_BYTES) {
          return;
        }
        partialLen = 0;
        plain = ctx.alloc().heapBuffer(
            Math.min(FRAMES_PER_READ_BATCH, 1 + in.readableBytes() / Frames.SEALED_BYTES) * Frames.DATA_MAX);
        int w = opener.openFrame(partial, 0, plain.array(), plain.arrayOffset() + plain.writerIndex());
        plain.writerIndex(plain.writerIndex() + w);
      }
      while (in.readableBytes() >= Frames.SEALED_BYTES) {
        if (plain != null && plain.writableBytes() < Frames.DATA_MAX) {
          ByteBuf full = plain;
          plain = null;
          fire(ctx, full);
          if (failed || ctx.isRemoved()) {
            return;
          }
        }
        if (plain == null) {
          plain = ctx.alloc().heapBuffer(
              Math.min(FRAMES_PER_READ_BATCH, in.readableBytes() / Frames.SEALED_BYTES) * Frames.DATA_MAX);
        }
        int frames = Math.min(plain.writableBytes() / Frames.DATA_MAX, in.readableBytes() / Frames.SEALED_BYTES);
        int sealedLen = frames * Frames.SEALED_BYTES;
        byte[] src;
        int srcOff;
        if (in.hasArray()) {
          src = in.array();
          srcOff = in.arrayOffset() + in.readerIndex();
        } else {
          if (readScratch == null || readScratch.length < sealedLen) {
            readScratch = new byte[Math.max(sealedLen, FRAMES_PER_READ_BATCH * Frames.SEALED_BYTES)];
          }
          in.getBytes(in.readerIndex(), readScratch, 0, sealedLen);
          src = readScratch;
          srcOff = 0;
        }
        int w = opener.openFrames(src, srcOff, frames, plain.array(), plain.arrayOffset() + plain.writerIndex());
        in.skipBytes(sealedLen);
        plain.writerIndex(plain.writerIndex() + w);
      }
      int rest = in.readableBytes();
      if (rest > 0) {
        in.readBytes(partial, 0, rest);
        partialLen = rest;
      }
      if (plain != null) {
        ByteBuf done = plain;
        plain = null;
        fire(ctx, done);
      }
    } catch (SecretConnectionException e) {
      failed = true;
      partialLen = 0;
      ctx.fireExceptionCaught(e);
      ctx.close();
    } finally {
      if (plain != null) {
        plain.release();
      }
      in.release();
    }
  }

  private void fire(ChannelHandlerContext ctx, ByteBuf plain) {
    if (plain.isReadable()) {
      firedChannelRead = true;
      ctx.fireChannelRead(plain);
    } else {
      plain.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // as ByteToMessageDecoder: with auto-read off, a read that completed no frame asks for more
    if (!firedChannelRead && !ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
    firedChannelRead = false;
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inputClosed(ctx);
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputClosed(ctx);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    partialLen = 0;
  }

  private void inputClosed(ChannelHandlerContext ctx) {
    if (!failed && partialLen > 0) {
      // the peer closed in the middle of a frame; Go reports io.ErrUnexpectedEOF
      int partialBytes = partialLen;
      partialLen = 0;
      failed = true;
      ctx.fireExceptionCaught(new SecretConnectionException(SecretConnectionException.Reason.TRUNCATED,
          "connection closed inside frame " + Long.toUnsignedString(opener.nextCounter()) + " after "
              + partialBytes + " of " + Frames.SEALED_BYTES + " bytes"));
    }
  }
}
