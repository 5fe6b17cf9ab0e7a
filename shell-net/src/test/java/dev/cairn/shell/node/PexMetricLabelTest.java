package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code message_type} label of PEX bytes: the message inside CometBFT's {@code p2p.Message}
 * wrapper, as CometBFT labels it after unwrapping, so a dashboard tells requests from answers.
 */
class PexMetricLabelTest {

  @Test
  void requestsAndAnswersAreLabelledApart() {
    var codec = PexReactor.CHANNEL.codec();
    assertThat(codec.typeNameOf(PexMessages.encodeRequest())).isEqualTo("p2p_PexRequest");
    assertThat(codec.typeNameOf(PexMessages.encodeAddrs(List.of(
        new NodeAddress(NodeId.of("ab".repeat(20)), "10.0.0.1", 26656))))).isEqualTo("p2p_PexAddrs");
    assertThat(codec.typeNameOf(PexMessages.encodeAddrs(List.of()))).as("an empty answer").isEqualTo("p2p_PexAddrs");
    assertThat(codec.typeNameOf(new byte[0])).as("nothing to read").isEqualTo("p2p_Message");
    assertThat(codec.typeNameOf(new byte[] {0x1a, 0})).as("an unknown member").isEqualTo("p2p_Message");
  }
}
