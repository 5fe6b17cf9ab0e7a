package dev.cairn.shell.secret;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import java.util.List;

/**
 * The data phase of a SecretConnection in a Netty pipeline. Inbound: 1044-byte sealed frames in
 * any segmentation become decrypted plaintext {@link ByteBuf}s (a byte stream, not aligned to
 * messages). Outbound: each written {@link ByteBuf} becomes {@code ceil(n/1024)} sealed frames in
 * a single buffer, so one write reaches the socket as one batch. A bad frame fires the
 * {@link SecretConnectionException} once and closes the channel.
 */
public final class SecretFrameCodec extends ByteToMessageCodec<ByteBuf> {

  /** Frames opened into one outgoing plaintext buffer. */
  private static final int FRAMES_PER_READ_BATCH = 64;

  private final FrameSealer sealer;
  private final FrameOpener opener;
  private byte[] sealedScratch = new byte[0];
  private byte[] writeScratch = new byte[0];
  private boolean failed;

  public SecretFrameCodec(FrameSealer sealer, FrameOpener opener) {
    super(ByteBuf.class, false);
    this.sealer = sealer;
    this.opener = opener;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) throws Exception {
    int len = msg.readableBytes();
    if (len == 0) {
      return;
    }
    byte[] src;
    int srcOff;
    if (msg.hasArray()) {
      src = msg.array();
      srcOff = msg.arrayOffset() + msg.readerIndex();
    } else {
      if (writeScratch.length < len) {
        writeScratch = new byte[Math.max(len, Math.min(2 * writeScratch.length, 1 << 20))];
      }
      src = writeScratch;
      srcOff = 0;
      msg.getBytes(msg.readerIndex(), src, 0, len);
    }
    int need = Math.toIntExact(Frames.sealedLength(len));
    out.ensureWritable(need);
    if (!out.hasArray()) {
      byte[] tmp = new byte[need];
      sealer.seal(src, srcOff, len, tmp, 0);
      out.writeBytes(tmp);
    } else {
      int w = sealer.seal(src, srcOff, len, out.array(), out.arrayOffset() + out.writerIndex());
      out.writerIndex(out.writerIndex() + w);
    }
    msg.skipBytes(len);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      while (in.readableBytes() >= Frames.SEALED_BYTES) {
        int frames = Math.min(FRAMES_PER_READ_BATCH, in.readableBytes() / Frames.SEALED_BYTES);
        ByteBuf plain = ctx.alloc().heapBuffer(frames * Frames.DATA_MAX);
        try {
          int sealedLen = frames * Frames.SEALED_BYTES;
          byte[] src;
          int srcOff;
          if (in.hasArray()) {
            src = in.array();
            srcOff = in.arrayOffset() + in.readerIndex();
          } else {
            // a direct cumulation: one bulk copy per batch, then the frames are opened from it
            if (sealedScratch.length < sealedLen) {
              sealedScratch = new byte[FRAMES_PER_READ_BATCH * Frames.SEALED_BYTES];
            }
            in.getBytes(in.readerIndex(), sealedScratch, 0, sealedLen);
            src = sealedScratch;
            srcOff = 0;
          }
          int w = opener.openFrames(src, srcOff, frames, plain.array(), plain.arrayOffset());
          in.skipBytes(sealedLen);
          plain.writerIndex(w);
        } catch (SecretConnectionException e) {
          plain.release();
          throw e;
        }
        if (plain.isReadable()) {
          out.add(plain);
        } else {
          plain.release();
        }
      }
    } catch (SecretConnectionException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      ctx.fireExceptionCaught(e);
      ctx.close();
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    decode(ctx, in, out);
    if (!failed && in.isReadable()) {
      // the peer closed in the middle of a frame; Go reports io.ErrUnexpectedEOF
      int partial = in.readableBytes();
      in.skipBytes(partial);
      failed = true;
      ctx.fireExceptionCaught(new SecretConnectionException(SecretConnectionException.Reason.TRUNCATED,
          "connection closed inside frame " + Long.toUnsignedString(opener.nextCounter()) + " after "
              + partial + " of " + Frames.SEALED_BYTES + " bytes"));
    }
  }
}
