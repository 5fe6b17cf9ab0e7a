package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CoreEvent;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.Feedback;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.proto.trace.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link EventDecoder}, the trace reader's hand-written event decoder, against protobuf and
 * {@link EventCodec#decode(Event)}: the events the writer records come back equal, and on any
 * bytes it either reads what protobuf reads or leaves them to protobuf (returns null).
 */
class EventCodecHandDecodeTest {

  private static final NodeId A = NodeId.of("0a".repeat(20));
  private static final NodeAddress AT = new NodeAddress(A, "10.1.2.3", 26656);
  private static final NodeAddress V6 = new NodeAddress(NodeId.of("b1".repeat(20)), "2001:db8::1", 1);
  private static final NodeAddress PORT_ZERO = new NodeAddress(A, "127.0.0.1", 0);

  private static List<CoreEvent> events() {
    List<CoreEvent> events = new ArrayList<>(List.of(
        new CoreEvent.Peer(new PeerEvent.Started()),
        new CoreEvent.Peer(new PeerEvent.AddressesLearned(List.of(AT, V6, PORT_ZERO), AT)),
        new CoreEvent.Peer(new PeerEvent.AddressesLearned(List.of(), V6)),
        new CoreEvent.Peer(new PeerEvent.DialRequested(AT)),
        new CoreEvent.Peer(new PeerEvent.DialSucceeded(V6)),
        new CoreEvent.Peer(new PeerEvent.DialFailed(PORT_ZERO)),
        new CoreEvent.Peer(new PeerEvent.InboundAccepted(AT)),
        new CoreEvent.Peer(new PeerEvent.PeerDisconnected(AT)),
        new CoreEvent.Peer(new PeerEvent.PeerErrored(A)),
        new CoreEvent.Peer(new PeerEvent.PeerReported(A, Feedback.GOOD)),
        new CoreEvent.Peer(new PeerEvent.PeerReported(A, Feedback.BAD)),
        new CoreEvent.Peer(new PeerEvent.PeerBanned(A, Duration.ofHours(24))),
        new CoreEvent.Peer(new PeerEvent.PeerBanned(A, Duration.ofSeconds(3, 999_999_999))),
        new CoreEvent.Peer(new PeerEvent.PeerBanned(A, Duration.ZERO)),
        new CoreEvent.PeerReady(A, AT),
        new CoreEvent.PexMessage(new PexEvent.PexRequestReceived(A)),
        new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(A, List.of(AT, V6))),
        new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(A, List.of())),
        new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(A, "bad varint")),
        new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(A, "")),
        new CoreEvent.TimerFired()));
    List<NodeAddress> many = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      many.add(new NodeAddress(A, "10.0." + (i / 100) + "." + i, 1000 + i * 200));
    }
    events.add(new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(A, many)));
    events.add(new CoreEvent.Peer(new PeerEvent.AddressesLearned(many, AT)));
    for (SyntheticRun.Timed t : SmallWorldRun.generate(2_000, 3, false).events()) {
      events.add(t.event());
    }
    return events;
  }

  @Test
  void recordedEventsAreReadByHandAsProtobufReadsThem() throws Exception {
    EventDecoder d = new EventDecoder();
    for (CoreEvent e : events()) {
      byte[] bytes = EventCodec.encode(e).toByteArray();
      byte[] padded = new byte[bytes.length + 7];
      System.arraycopy(bytes, 0, padded, 3, bytes.length);
      CoreEvent read = d.decode(padded, 3, bytes.length);
      assertThat(read).as(EventCodec.name(e) + " " + EventCodec.fields(e)).isEqualTo(e)
          .isEqualTo(EventCodec.decode(Event.parseFrom(bytes)));
      assertThat(d.decode(padded, 3, bytes.length)).as("again, from the caches").isEqualTo(e);
    }
  }

  @Test
  void whatTheDecoderDoesNotReadIsLeftToProtobuf() {
    EventDecoder d = new EventDecoder();
    byte[] nonAscii = EventCodec.encode(new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(A, "é ✓")))
        .toByteArray();
    assertThat(d.decode(nonAscii, 0, nonAscii.length)).isNull();
    byte[] timer = EventCodec.encode(new CoreEvent.TimerFired()).toByteArray();
    byte[] twoEvents = Arrays.copyOf(timer, 2 * timer.length);
    System.arraycopy(timer, 0, twoEvents, timer.length, timer.length);
    assertThat(d.decode(twoEvents, 0, twoEvents.length)).isNull(); // protobuf: the last one wins
    byte[] unknown = Arrays.copyOf(timer, timer.length + 2);
    unknown[timer.length] = (byte) (16 << 3); // field 16, a varint: unknown to the event
    unknown[timer.length + 1] = 1;
    assertThat(d.decode(unknown, 0, unknown.length)).isNull();
    assertThat(d.decode(new byte[0], 0, 0)).isNull(); // no event at all: protobuf's path names it
  }

  /**
   * Mutated events (a byte changed, a byte dropped, cut short): the hand decoder returns null or
   * exactly what protobuf and {@code EventCodec.decode} read; never an event where they fail.
   */
  @Test
  void onAnyBytesTheDecoderAgreesWithProtobufOrAbstains() {
    Random r = new Random(7);
    EventDecoder d = new EventDecoder();
    List<CoreEvent> events = events().subList(0, 40);
    int read = 0;
    int abstained = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] bytes = EventCodec.encode(events.get(r.nextInt(events.size()))).toByteArray();
      byte[] m = switch (r.nextInt(3)) {
        case 0 -> {
          byte[] c = bytes.clone();
          if (c.length > 0) {
            int i = r.nextInt(c.length);
            c[i] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (c[i] ^ (1 << r.nextInt(8)));
          }
          yield c;
        }
        case 1 -> {
          if (bytes.length == 0) {
            yield bytes;
          }
          int i = r.nextInt(bytes.length);
          byte[] c = new byte[bytes.length - 1];
          System.arraycopy(bytes, 0, c, 0, i);
          System.arraycopy(bytes, i + 1, c, i, bytes.length - i - 1);
          yield c;
        }
        default -> Arrays.copyOf(bytes, bytes.length == 0 ? 0 : r.nextInt(bytes.length));
      };
      CoreEvent hand = d.decode(m, 0, m.length);
      CoreEvent proto;
      try {
        proto = EventCodec.decode(Event.parseFrom(m));
      } catch (Exception | Error x) {
        proto = null;
      }
      if (hand == null) {
        abstained++;
      } else {
        read++;
        assertThat(hand).as("round %d: %s", round, Arrays.toString(m)).isNotNull().isEqualTo(proto);
      }
    }
    assertThat(read).as("mutants read by hand").isGreaterThan(1_000);
    assertThat(abstained).as("mutants left to protobuf").isGreaterThan(1_000);
  }
}
