package dev.cairn.shell.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.cairn.proto.p2p.Message;
import dev.cairn.proto.p2p.PexRequest;
import dev.cairn.shell.node.PexMessages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  /** A PexRequest followed by an unknown length-delimited field of {@code n} bytes. */
  private static byte[] requestWithUnknownField(int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    Message.newBuilder().setPexRequest(PexRequest.getDefaultInstance()).build().writeTo(cos);
    cos.writeBytes(99, ByteString.copyFrom(new byte[n]));
    cos.flush();
    return out.toByteArray();
  }

  @Test
  void unknownFieldsAreTolerated() throws Exception {
    // A newer peer may add fields; like Go's decoder, ours accepts the message.
    byte[] bytes = requestWithUnknownField(10_000);
    Message decoded = MessageCodec.protobuf(Message.getDefaultInstance()).decode(bytes);
    assertThat(decoded.hasPexRequest()).isTrue();
    assertThat(PexMessages.decode(bytes)).isInstanceOf(PexMessages.Request.class);
  }

  @Test
  void truncatedMessageIsMalformedAndNamesTheType() throws Exception {
    byte[] bytes = requestWithUnknownField(100);
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 10);
    MalformedMessageException e = assertThrows(MalformedMessageException.class,
        () -> MessageCodec.protobuf(Message.getDefaultInstance()).decode(cut));
    assertThat(e.getMessage()).contains("p2p_Message");
  }
}
