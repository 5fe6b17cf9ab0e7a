package dev.cairn.shell.trace;

import dev.cairn.core.CoreEvent;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.peer.Feedback;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.proto.trace.Address;
import dev.cairn.proto.trace.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CoreEvent} to the trace's {@link Event} and back, one case per variant (the switches
 * have no default, so a new core event does not compile until it has an encoding), and the
 * one-line rendering {@code cairn trace show} prints.
 */
public final class EventCodec {

  private EventCodec() {}

  /** A trace event that does not name a valid core event. */
  public static final class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidEventException(String message) {
      super(message);
    }
  }

  public static Event encode(CoreEvent event) {
    Event.Builder b = Event.newBuilder();
    switch (event) {
      case CoreEvent.Peer p -> peer(b, p.event());
      case CoreEvent.PeerReady r -> b.setPeerReady(dev.cairn.proto.trace.PeerReady.newBuilder()
          .setPeer(r.peer().hex()).setListenAddress(address(r.listenAddress())));
      case CoreEvent.PexMessage m -> pex(b, m.event());
      case CoreEvent.TimerFired t -> b.setTimerFired(dev.cairn.proto.trace.TimerFired.getDefaultInstance());
    }
    return b.build();
  }

  /**
   * Appends the serialized {@link Event} of {@code event} to {@code out}: the bytes protobuf writes
   * for {@code encode(event)} (fields in number order, defaults omitted), written by hand so that
   * the trace writer builds no message objects per step. The tests check it against protobuf.
   */
  static void encodeTo(CoreEvent event, RecordCodec.Out out) {
    switch (event) {
      case CoreEvent.Peer p -> {
        switch (p.event()) {
          case PeerEvent.Started x -> out.tagLength(1, 0);
          case PeerEvent.AddressesLearned a -> {
            int n = addressListSize(1, a.addresses()) + messageSize(2, addressSize(a.source()));
            out.tagLength(2, n);
            for (NodeAddress x : a.addresses()) {
              address(out, 1, x);
            }
            address(out, 2, a.source());
          }
          case PeerEvent.DialRequested d -> addressEvent(out, 3, d.address());
          case PeerEvent.DialSucceeded d -> addressEvent(out, 4, d.address());
          case PeerEvent.DialFailed d -> addressEvent(out, 5, d.address());
          case PeerEvent.InboundAccepted i -> addressEvent(out, 6, i.remote());
          case PeerEvent.PeerReady r -> throw new IllegalArgumentException("PeerReady travels as CoreEvent.PeerReady");
          case PeerEvent.PeerDisconnected d -> addressEvent(out, 7, d.address());
          case PeerEvent.PeerErrored x -> {
            out.tagLength(8, ID_FIELD_SIZE);
            out.id(1, x.peer());
          }
          case PeerEvent.PeerReported r -> {
            int feedback = switch (r.feedback()) {
              case GOOD -> dev.cairn.proto.trace.PeerReported.Feedback.GOOD_VALUE;
              case BAD -> dev.cairn.proto.trace.PeerReported.Feedback.BAD_VALUE;
            };
            out.tagLength(9, ID_FIELD_SIZE + varintFieldSize(feedback));
            out.id(1, r.peer());
            out.varintField(2, feedback);
          }
          case PeerEvent.PeerBanned x -> {
            long seconds = x.duration().getSeconds();
            long nanos = x.duration().getNano(); // int32: a negative value would be sign-extended
            out.tagLength(10, ID_FIELD_SIZE + varintFieldSize(seconds) + varintFieldSize(nanos));
            out.id(1, x.peer());
            out.varintField(2, seconds);
            out.varintField(3, nanos);
          }
          case PeerEvent.TimerFired t -> throw new IllegalArgumentException("TimerFired travels as CoreEvent.TimerFired");
        }
      }
      case CoreEvent.PeerReady r -> {
        out.tagLength(11, ID_FIELD_SIZE + messageSize(2, addressSize(r.listenAddress())));
        out.id(1, r.peer());
        address(out, 2, r.listenAddress());
      }
      case CoreEvent.PexMessage m -> {
        switch (m.event()) {
          case PexEvent.PexRequestReceived r -> {
            out.tagLength(12, ID_FIELD_SIZE);
            out.id(1, r.peer());
          }
          case PexEvent.PexAddrsReceived a -> {
            out.tagLength(13, ID_FIELD_SIZE + addressListSize(2, a.addresses()));
            out.id(1, a.peer());
            for (NodeAddress x : a.addresses()) {
              address(out, 2, x);
            }
          }
          case PexEvent.PexMessageMalformed x -> {
            out.tagLength(14, ID_FIELD_SIZE + stringSize(2, x.reason()));
            out.id(1, x.peer());
            out.string(2, x.reason());
          }
        }
      }
      case CoreEvent.TimerFired t -> out.tagLength(15, 0);
    }
  }

  private static void addressEvent(RecordCodec.Out out, int field, NodeAddress a) {
    out.tagLength(field, messageSize(1, addressSize(a)));
    address(out, 1, a);
  }

  private static void address(RecordCodec.Out out, int field, NodeAddress a) {
    out.tagLength(field, addressSize(a));
    out.id(1, a.id());
    out.string(2, a.ip());
    out.varintField(3, a.port());
  }

  private static int addressSize(NodeAddress a) {
    return ID_FIELD_SIZE + stringSize(2, a.ip()) + varintFieldSize(a.port());
  }

  private static int addressListSize(int field, List<NodeAddress> as) {
    int n = 0;
    for (NodeAddress a : as) {
      n += messageSize(field, addressSize(a));
    }
    return n;
  }

  /** A field of a nested message of {@code size} bytes: its tag, its length and its bytes (fields 1..15). */
  private static int messageSize(int field, int size) {
    return 1 + RecordCodec.varintSize(size) + size;
  }

  /** A node ID's hex as a string field: a one-byte tag (fields 1..15), a one-byte length, 40 bytes. */
  private static final int ID_FIELD_SIZE = 2 + NodeId.HEX_LENGTH;

  /** A string field; an empty string is omitted. */
  private static int stringSize(int field, String s) {
    if (s.isEmpty()) {
      return 0;
    }
    int n = RecordCodec.utf8Length(s);
    return 1 + RecordCodec.varintSize(n) + n;
  }

  /** A varint field; zero is omitted. */
  private static int varintFieldSize(long v) {
    return v == 0 ? 0 : 1 + RecordCodec.varintSize(v);
  }

  private static void peer(Event.Builder b, PeerEvent e) {
    switch (e) {
      case PeerEvent.Started s -> b.setStarted(dev.cairn.proto.trace.Started.getDefaultInstance());
      case PeerEvent.AddressesLearned a -> b.setAddressesLearned(dev.cairn.proto.trace.AddressesLearned.newBuilder()
          .addAllAddresses(addresses(a.addresses())).setSource(address(a.source())));
      case PeerEvent.DialRequested d -> b.setDialRequested(
          dev.cairn.proto.trace.DialRequested.newBuilder().setAddress(address(d.address())));
      case PeerEvent.DialSucceeded d -> b.setDialSucceeded(
          dev.cairn.proto.trace.DialSucceeded.newBuilder().setAddress(address(d.address())));
      case PeerEvent.DialFailed d -> b.setDialFailed(
          dev.cairn.proto.trace.DialFailed.newBuilder().setAddress(address(d.address())));
      case PeerEvent.InboundAccepted i -> b.setInboundAccepted(
          dev.cairn.proto.trace.InboundAccepted.newBuilder().setRemote(address(i.remote())));
      case PeerEvent.PeerReady r -> throw new IllegalArgumentException("PeerReady travels as CoreEvent.PeerReady");
      case PeerEvent.PeerDisconnected d -> b.setPeerDisconnected(
          dev.cairn.proto.trace.PeerDisconnected.newBuilder().setAddress(address(d.address())));
      case PeerEvent.PeerErrored x -> b.setPeerErrored(
          dev.cairn.proto.trace.PeerErrored.newBuilder().setPeer(x.peer().hex()));
      case PeerEvent.PeerReported r -> b.setPeerReported(dev.cairn.proto.trace.PeerReported.newBuilder()
          .setPeer(r.peer().hex()).setFeedback(switch (r.feedback()) {
            case GOOD -> dev.cairn.proto.trace.PeerReported.Feedback.GOOD;
            case BAD -> dev.cairn.proto.trace.PeerReported.Feedback.BAD;
          }));
      case PeerEvent.PeerBanned x -> b.setPeerBanned(dev.cairn.proto.trace.PeerBanned.newBuilder()
          .setPeer(x.peer().hex()).setDurationSeconds(x.duration().getSeconds())
          .setDurationNanos(x.duration().getNano()));
      case PeerEvent.TimerFired t -> throw new IllegalArgumentException("TimerFired travels as CoreEvent.TimerFired");
    }
  }

  private static void pex(Event.Builder b, PexEvent.FromPeer e) {
    switch (e) {
      case PexEvent.PexRequestReceived r -> b.setPexRequestReceived(
          dev.cairn.proto.trace.PexRequestReceived.newBuilder().setPeer(r.peer().hex()));
      case PexEvent.PexAddrsReceived a -> b.setPexAddrsReceived(dev.cairn.proto.trace.PexAddrsReceived.newBuilder()
          .setPeer(a.peer().hex()).addAllAddresses(addresses(a.addresses())));
      case PexEvent.PexMessageMalformed m -> b.setPexMessageMalformed(
          dev.cairn.proto.trace.PexMessageMalformed.newBuilder().setPeer(m.peer().hex()).setReason(m.reason()));
    }
  }

  private static Address address(NodeAddress a) {
    return Address.newBuilder().setId(a.id().hex()).setIp(a.ip()).setPort(a.port()).build();
  }

  private static List<Address> addresses(List<NodeAddress> as) {
    List<Address> out = new ArrayList<>(as.size());
    for (NodeAddress a : as) {
      out.add(address(a));
    }
    return out;
  }

  /**
   * The core event of a record: the one its reader decoded by hand ({@link EventDecoder}: no
   * protobuf objects), else {@link #decode(Event)} of its protobuf event.
   */
  public static CoreEvent decode(TraceReader.Entry entry) throws InvalidEventException {
    CoreEvent e = entry.decoded();
    return e != null ? e : decode(entry.event());
  }

  /** The core event a trace event names. */
  public static CoreEvent decode(Event e) throws InvalidEventException {
    try {
      return switch (e.getSumCase()) {
        case STARTED -> new CoreEvent.Peer(new PeerEvent.Started());
        case ADDRESSES_LEARNED -> new CoreEvent.Peer(new PeerEvent.AddressesLearned(
            fromProto(e.getAddressesLearned().getAddressesList()), address(e.getAddressesLearned().getSource())));
        case DIAL_REQUESTED -> new CoreEvent.Peer(new PeerEvent.DialRequested(address(e.getDialRequested().getAddress())));
        case DIAL_SUCCEEDED -> new CoreEvent.Peer(new PeerEvent.DialSucceeded(address(e.getDialSucceeded().getAddress())));
        case DIAL_FAILED -> new CoreEvent.Peer(new PeerEvent.DialFailed(address(e.getDialFailed().getAddress())));
        case INBOUND_ACCEPTED -> new CoreEvent.Peer(
            new PeerEvent.InboundAccepted(address(e.getInboundAccepted().getRemote())));
        case PEER_DISCONNECTED -> new CoreEvent.Peer(
            new PeerEvent.PeerDisconnected(address(e.getPeerDisconnected().getAddress())));
        case PEER_ERRORED -> new CoreEvent.Peer(new PeerEvent.PeerErrored(NodeId.of(e.getPeerErrored().getPeer())));
        case PEER_REPORTED -> new CoreEvent.Peer(new PeerEvent.PeerReported(NodeId.of(e.getPeerReported().getPeer()),
            feedback(e.getPeerReported().getFeedback())));
        case PEER_BANNED -> new CoreEvent.Peer(new PeerEvent.PeerBanned(NodeId.of(e.getPeerBanned().getPeer()),
            Duration.ofSeconds(e.getPeerBanned().getDurationSeconds(), e.getPeerBanned().getDurationNanos())));
        case PEER_READY -> new CoreEvent.PeerReady(NodeId.of(e.getPeerReady().getPeer()),
            address(e.getPeerReady().getListenAddress()));
        case PEX_REQUEST_RECEIVED -> new CoreEvent.PexMessage(
            new PexEvent.PexRequestReceived(NodeId.of(e.getPexRequestReceived().getPeer())));
        case PEX_ADDRS_RECEIVED -> new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(
            NodeId.of(e.getPexAddrsReceived().getPeer()), fromProto(e.getPexAddrsReceived().getAddressesList())));
        case PEX_MESSAGE_MALFORMED -> new CoreEvent.PexMessage(new PexEvent.PexMessageMalformed(
            NodeId.of(e.getPexMessageMalformed().getPeer()), e.getPexMessageMalformed().getReason()));
        case TIMER_FIRED -> new CoreEvent.TimerFired();
        case SUM_NOT_SET -> throw new InvalidEventException("the record has no event");
      };
    } catch (IllegalArgumentException | NullPointerException x) {
      throw new InvalidEventException("invalid " + e.getSumCase() + " event: " + x.getMessage());
    }
  }

  private static Feedback feedback(dev.cairn.proto.trace.PeerReported.Feedback f) throws InvalidEventException {
    return switch (f) {
      case GOOD -> Feedback.GOOD;
      case BAD -> Feedback.BAD;
      case FEEDBACK_UNSPECIFIED, UNRECOGNIZED -> throw new InvalidEventException("PeerReported without feedback");
    };
  }

  private static NodeAddress address(Address a) throws InvalidEventException {
    if (a.getPort() > 65535) {
      throw new InvalidEventException("port " + a.getPort() + " of " + a.getId() + " is above 65535");
    }
    return new NodeAddress(NodeId.of(a.getId()), a.getIp(), a.getPort());
  }

  private static List<NodeAddress> fromProto(List<Address> as) throws InvalidEventException {
    List<NodeAddress> out = new ArrayList<>(as.size());
    for (Address a : as) {
      out.add(address(a));
    }
    return out;
  }

  /** The event's type, as the TLA+ action and the metrics name it. */
  public static String name(CoreEvent event) {
    return switch (event) {
      case CoreEvent.Peer p -> p.event().getClass().getSimpleName();
      case CoreEvent.PexMessage m -> m.event().getClass().getSimpleName();
      case CoreEvent.PeerReady r -> "PeerReady";
      case CoreEvent.TimerFired t -> "TimerFired";
    };
  }

  /** The event's fields, e.g. {@code peer=ab12… address=ab12…@127.0.0.1:26656}. */
  public static String fields(CoreEvent event) {
    return switch (event) {
      case CoreEvent.Peer p -> switch (p.event()) {
        case PeerEvent.Started s -> "";
        case PeerEvent.AddressesLearned a -> "source=" + a.source() + " addresses=" + list(a.addresses());
        case PeerEvent.DialRequested d -> "address=" + d.address();
        case PeerEvent.DialSucceeded d -> "address=" + d.address();
        case PeerEvent.DialFailed d -> "address=" + d.address();
        case PeerEvent.InboundAccepted i -> "remote=" + i.remote();
        case PeerEvent.PeerReady r -> "peer=" + r.peer();
        case PeerEvent.PeerDisconnected d -> "address=" + d.address();
        case PeerEvent.PeerErrored x -> "peer=" + x.peer();
        case PeerEvent.PeerReported r -> "peer=" + r.peer() + " feedback=" + r.feedback();
        case PeerEvent.PeerBanned x -> "peer=" + x.peer() + " duration=" + x.duration();
        case PeerEvent.TimerFired t -> "";
      };
      case CoreEvent.PeerReady r -> "peer=" + r.peer() + " listen=" + r.listenAddress();
      case CoreEvent.PexMessage m -> switch (m.event()) {
        case PexEvent.PexRequestReceived r -> "peer=" + r.peer();
        case PexEvent.PexAddrsReceived a -> "peer=" + a.peer() + " addresses=" + list(a.addresses());
        case PexEvent.PexMessageMalformed x -> "peer=" + x.peer() + " reason=\"" + dev.cairn.shell.p2p.PeerText.printable(x.reason()) + "\"";
      };
      case CoreEvent.TimerFired t -> "";
    };
  }

  /**
   * Whether the event names a node whose ID starts with {@code idPrefix} (for {@code --peer}): in
   * its fields, a timer's key included, and among all the addresses it carries (its text lists
   * only the first few). An address's IP or port is not an ID: {@code --peer 26} is not every
   * peer at port 26656.
   */
  public static boolean concerns(CoreEvent event, String idPrefix) {
    java.util.Set<dev.cairn.core.NodeId> ids = new java.util.HashSet<>();
    Validate.ids(event, ids);
    for (dev.cairn.core.NodeId id : ids) {
      if (id.hex().startsWith(idPrefix)) {
        return true;
      }
    }
    return TraceText.namesId(fields(event), idPrefix);
  }

  private static String list(List<NodeAddress> as) {
    if (as.size() <= 4) {
      return as.toString();
    }
    return "[" + as.get(0) + ", " + as.get(1) + ", … " + (as.size() - 2) + " more]";
  }
}
