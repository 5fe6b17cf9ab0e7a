package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CoreEvent;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.PeerEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --peer ID}: a step is selected by the node IDs it names, never by the text of an
 * address's IP or port, and by every address an event carries, not only those its text lists.
 */
class PeerFilterTest {

  private static final NodeId A = NodeId.of("266539af" + "0".repeat(31) + "1");
  private static final NodeId B = NodeId.of("b7" + "c".repeat(38));

  @Test
  void anIpOrPortIsNotAnId() {
    String line = "DialFailed address=" + A + "@127.0.0.1:30721";
    assertThat(TraceText.namesId(line, "127")).as("the IP").isFalse();
    assertThat(TraceText.namesId(line, "3072")).as("the port").isFalse();
    assertThat(TraceText.namesId(line, "0")).as("a digit of the IP").isFalse();
    assertThat(TraceText.namesId(line, "2665")).as("the ID's first digits").isTrue();
    assertThat(TraceText.namesId(line, A.hex())).as("the whole ID").isTrue();
    assertThat(TraceText.namesId(line, "6539")).as("digits inside the ID").isFalse();
    assertThat(TraceText.namesId("[fd00::2665:1]:26656 " + B, "2665")).as("an IPv6 group").isFalse();
    assertThat(TraceText.namesId("x" + A.hex() + "0", "2665")).as("a longer hex word").isFalse();
    assertThat(TraceText.namesId("timer RetryDial(" + A + ")", "266539af")).as("a timer's key").isTrue();
  }

  @Test
  void anEventIsSelectedByItsIdsNotItsAddresses() {
    CoreEvent dial = new CoreEvent.Peer(new PeerEvent.DialFailed(new NodeAddress(A, "127.0.0.1", 30721)));
    assertThat(EventCodec.concerns(dial, "127")).isFalse();
    assertThat(EventCodec.concerns(dial, "30721")).isFalse();
    assertThat(EventCodec.concerns(dial, "26")).isTrue();
  }

  @Test
  void everyAddressOfALongListCounts() {
    List<NodeAddress> learned = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      learned.add(new NodeAddress(NodeId.of(String.format("%02d", 10 + i) + "a".repeat(38)), "203.0.113." + i, 26656));
    }
    learned.add(new NodeAddress(B, "203.0.113.99", 26656));
    CoreEvent event = new CoreEvent.Peer(new PeerEvent.AddressesLearned(learned, learned.get(0)));
    assertThat(EventCodec.fields(event)).as("the text lists only the first few").doesNotContain(B.hex());
    assertThat(EventCodec.concerns(event, "b7")).as("the tenth address's peer").isTrue();
    assertThat(EventCodec.concerns(event, "26656")).isFalse();
    assertThat(EventCodec.concerns(event, "ff")).isFalse();
  }
}
