package dev.cairn.shell.router;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.Objects;

/**
 * The one message type of a channel and how it crosses the wire. Channels carry protobuf
 * messages ({@link #protobuf}); the interface exists so that tests can speak raw bytes.
 *
 * @param <M> the channel's message type
 */
public interface MessageCodec<M> {

  /** Parses one whole message, as reassembled by the MConnection. */
  M decode(byte[] bytes) throws MalformedMessageException;

  byte[] encode(M message);

  /**
   * The type as CometBFT's metrics label it: the Go package and the type name joined by
   * {@code _}, e.g. {@code p2p_Message} for {@code tendermint.p2p.Message}.
   */
  String typeName();

  /**
   * The type CometBFT's metrics label one encoded message with: a channel whose type wraps
   * others in a {@code oneof} (PEX's {@code p2p.Message}) is labelled by the wrapped message, as
   * CometBFT unwraps before labelling ({@code p2p_PexRequest}); by default, {@link #typeName()}.
   */
  default String typeNameOf(byte[] encoded) {
    return typeName();
  }

  /** The codec of a protobuf message type, given its default instance. */
  static <M extends MessageLite> MessageCodec<M> protobuf(M defaultInstance) {
    Objects.requireNonNull(defaultInstance, "defaultInstance");
    @SuppressWarnings("unchecked")
    Parser<M> parser = (Parser<M>) defaultInstance.getParserForType();
    String name = typeName(defaultInstance);
    return new MessageCodec<>() {
      @Override
      public M decode(byte[] bytes) throws MalformedMessageException {
        try {
          return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new MalformedMessageException("not a valid " + name + ": " + e.getMessage());
        }
      }

      @Override
      public byte[] encode(M message) {
        return message.toByteArray();
      }

      @Override
      public String typeName() {
        return name;
      }
    };
  }

  private static String typeName(MessageLite m) {
    if (m instanceof com.google.protobuf.Message full) {
      String[] parts = full.getDescriptorForType().getFullName().split("\\.");
      return parts.length >= 2 ? parts[parts.length - 2] + "_" + parts[parts.length - 1] : parts[0];
    }
    return m.getClass().getSimpleName();
  }
}
