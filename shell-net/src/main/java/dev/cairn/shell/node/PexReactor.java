package dev.cairn.shell.node;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.NodeId;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.proto.p2p.Message;
import dev.cairn.shell.mconn.StandardChannels;
import dev.cairn.shell.router.ChannelSpec;
import dev.cairn.shell.router.Inbox;
import dev.cairn.shell.router.MalformedMessageException;
import dev.cairn.shell.router.MessageCodec;
import dev.cairn.shell.router.Reactor;
import dev.cairn.shell.router.Router;
import dev.cairn.shell.router.RouterChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PEX reactor: an adapter between {@code tendermint.p2p.Message} on channel 0x00 (CometBFT's
 * PEX channel, same descriptor) and the core's PEX machine. It decides nothing: every message
 * becomes a {@link PexEvent} for the core (a malformed one too, as {@code PexMessageMalformed},
 * for which the core bans the sender), and the core's PEX effects become sends.
 */
final class PexReactor implements Reactor, Inbox<Message> {

  private static final Logger log = LoggerFactory.getLogger(PexReactor.class);

  /** The PEX channel: CometBFT's descriptor; a send waits for room as CometBFT's PEX reactor does. */
  static final ChannelSpec<Message> CHANNEL = new ChannelSpec<>(StandardChannels.PEX, new Codec(),
      ChannelSpec.Overflow.WAIT);

  /**
   * Posts an event to the core; false when the driver refused it (the caller then closes the
   * peer rather than let the core's view drift).
   */
  private final Predicate<CoreEvent> post;
  private final NodeId self;
  private final Duration flushStopMax;
  private final dev.cairn.shell.metrics.NodeMetrics metrics;
  private Router router;
  private RouterChannel<Message> channel;

  PexReactor(NodeId self, Predicate<CoreEvent> post, Duration flushStopMax,
      dev.cairn.shell.metrics.NodeMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.self = Objects.requireNonNull(self, "self");
    this.post = Objects.requireNonNull(post, "post");
    this.flushStopMax = Objects.requireNonNull(flushStopMax, "flushStopMax");
  }

  @Override
  public String name() {
    return "pex";
  }

  @Override
  public void register(Router.Registrar registrar) {
    channel = registrar.open(CHANNEL, this);
  }

  /** The router, for the seed's close-after-answer and PEX's own disconnects; set once built. */
  void attach(Router router) {
    this.router = router;
  }

  @Override
  public void receive(NodeId from, Message message) {
    PexEvent.FromPeer event;
    try {
      event = switch (PexMessages.fromProto(message)) {
        case PexMessages.Request r -> new PexEvent.PexRequestReceived(from);
        case PexMessages.Addrs a -> {
          if (a.idsLeftOut() > 0) {
            metrics.pexAddressesDropped("invalid_id", a.idsLeftOut());
            log.debug("event=pex_entries_left_out node={} peer={} count={} first=\"{}\"", self, from,
                a.idsLeftOut(), a.firstIdProblem());
          }
          yield new PexEvent.PexAddrsReceived(from, a.addresses());
        }
      };
    } catch (PexMessages.PexProtocolException e) {
      event = new PexEvent.PexMessageMalformed(from, e.getMessage());
    }
    toCore(event);
  }

  @Override
  public boolean malformed(NodeId from, String reason) {
    toCore(new PexEvent.PexMessageMalformed(from, reason));
    return true;
  }

  private void toCore(PexEvent.FromPeer event) {
    log.debug("event=pex_received node={} peer={} message={}", self, event.peer(), event);
    if (!post.test(new CoreEvent.PexMessage(event))) {
      router.close(event.peer());
    }
  }

  /** Executes one of the core's PEX effects. */
  void execute(PexEffect.ShellEffect effect) {
    switch (effect) {
      case PexEffect.SendPexRequest r -> channel.send(r.peer(), PexMessages.request());
      case PexEffect.SendPexAddrs a -> channel.send(a.peer(), PexMessages.addrs(a.addresses()));
      case PexEffect.SendPexAddrsThenDisconnect a -> {
        channel.send(a.peer(), PexMessages.addrs(a.addresses()));
        router.closeAfterFlush(a.peer(), flushStopMax);
        log.info("event=disconnect node={} peer={} reason={}", self, a.peer(), PexEffect.SendPexAddrsThenDisconnect.REASON);
        metrics.pexDisconnected(PexEffect.SendPexAddrsThenDisconnect.REASON.toLowerCase(java.util.Locale.ROOT));
      }
      case PexEffect.DisconnectPeer d -> {
        if (router.close(d.peer())) {
          log.info("event=disconnect node={} peer={} reason={}", self, d.peer(), d.reason());
          metrics.pexDisconnected(d.reason().name().toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
  }

  /** {@code tendermint.p2p.Message}, with PEX's wording for bytes that do not parse. */
  private static final class Codec implements MessageCodec<Message> {
    @Override
    public Message decode(byte[] bytes) throws MalformedMessageException {
      try {
        return Message.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new MalformedMessageException("PEX message is not a valid protobuf: " + e.getMessage());
      }
    }

    @Override
    public byte[] encode(Message message) {
      return message.toByteArray();
    }

    @Override
    public String typeName() {
      return "p2p_Message";
    }

    /**
     * The oneof's member, read from the first tag alone (no decoding): {@code pex_request = 1}
     * (tag {@code 0x0a}), {@code pex_addrs = 2} (tag {@code 0x12}); anything else keeps the
     * wrapper's name, so the label takes one of three values whatever a peer sends.
     */
    @Override
    public String typeNameOf(byte[] encoded) {
      if (encoded.length > 0 && encoded[0] == 0x0a) {
        return "p2p_PexRequest";
      }
      if (encoded.length > 0 && encoded[0] == 0x12) {
        return "p2p_PexAddrs";
      }
      return typeName();
    }
  }
}
