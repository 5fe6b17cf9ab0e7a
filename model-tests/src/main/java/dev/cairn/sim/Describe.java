package dev.cairn.sim;

import dev.cairn.core.Core;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import dev.cairn.core.Step;
import dev.cairn.core.peer.Connection;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.peer.PeerEvent;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import java.util.Map;

/**
 * Compact text for the event log: IDs shortened to 8 hex digits, address lists to their size and
 * a digest of their content, so one line stays short and still differs when the content does.
 */
final class Describe {

  private Describe() {}

  static String id(NodeId id) {
    return id.hex().substring(0, 8);
  }

  static String addr(NodeAddress a) {
    return id(a.id()) + "@" + a.ip() + ":" + a.port();
  }

  static String step(String stamp, SimNode n, CoreEvent event, Step<CoreState, CoreEffect> st) {
    StringBuilder b = new StringBuilder(96).append(stamp).append(' ').append(n).append(' ').append(event(event));
    if (st.outcome() instanceof Outcome.Rejected r) {
      return b.append(" REJECTED: ").append(r.reason()).toString();
    }
    if (!st.effects().isEmpty()) {
      b.append(" ->");
      for (CoreEffect f : st.effects()) {
        b.append(' ').append(effect(f));
      }
    }
    return b.toString();
  }

  static String event(CoreEvent event) {
    return switch (event) {
      case CoreEvent.Peer p -> switch (p.event()) {
        case PeerEvent.Started e -> "Started";
        case PeerEvent.AddressesLearned e -> "AddressesLearned(" + e.addresses().size() + ")";
        case PeerEvent.DialRequested e -> "DialRequested(" + addr(e.address()) + ")";
        case PeerEvent.DialSucceeded e -> "DialSucceeded(" + addr(e.address()) + ")";
        case PeerEvent.DialFailed e -> "DialFailed(" + addr(e.address()) + ")";
        case PeerEvent.InboundAccepted e -> "InboundAccepted(" + addr(e.remote()) + ")";
        case PeerEvent.PeerReady e -> "PeerReady(" + id(e.peer()) + ")";
        case PeerEvent.PeerDisconnected e -> "PeerDisconnected(" + addr(e.address()) + ")";
        case PeerEvent.PeerErrored e -> "PeerErrored(" + id(e.peer()) + ")";
        case PeerEvent.PeerReported e -> "PeerReported(" + id(e.peer()) + "," + e.feedback() + ")";
        case PeerEvent.PeerBanned e -> "PeerBanned(" + id(e.peer()) + ")";
        case PeerEvent.TimerFired e -> "TimerFired";
      };
      case CoreEvent.PeerReady r -> "PeerReady(" + id(r.peer()) + ")";
      case CoreEvent.PexMessage m -> switch (m.event()) {
        case PexEvent.PexRequestReceived e -> "PexRequestReceived(" + id(e.peer()) + ")";
        case PexEvent.PexAddrsReceived e ->
            "PexAddrsReceived(" + id(e.peer()) + "," + e.addresses().size() + "#" + digest(e.addresses()) + ")";
        case PexEvent.PexMessageMalformed e -> "PexMessageMalformed(" + id(e.peer()) + ")";
      };
      case CoreEvent.TimerFired t -> "TimerFired";
    };
  }

  static String effect(CoreEffect effect) {
    return switch (effect) {
      case CoreEffect.Peer p -> switch (p.effect()) {
        case PeerEffect.Dial d -> "Dial(" + addr(d.address()) + ")";
        case PeerEffect.Disconnect d -> "Disconnect(" + addr(d.address()) + "," + d.reason() + ")";
        case PeerEffect.PublishPeerUpdate u -> u.status() + "(" + id(u.peer()) + ")";
        case PeerEffect.PersistBook b -> "PersistBook(" + b.book().size() + ")";
      };
      case CoreEffect.Pex p -> switch (p.effect()) {
        case PexEffect.SendPexRequest r -> "SendPexRequest(" + id(r.peer()) + ")";
        case PexEffect.SendPexAddrs a ->
            "SendPexAddrs(" + id(a.peer()) + "," + a.addresses().size() + "#" + digest(a.addresses()) + ")";
        case PexEffect.SendPexAddrsThenDisconnect a ->
            "SendPexAddrsThenDisconnect(" + id(a.peer()) + "," + a.addresses().size() + ")";
        case PexEffect.DisconnectPeer d -> "DisconnectPeer(" + id(d.peer()) + "," + d.reason() + ")";
      };
    };
  }

  static String subStep(Core.SubStep sub) {
    return switch (sub) {
      case Core.SubStep.PeerManagerStep p -> "PeerManager " + p.event().getClass().getSimpleName();
      case Core.SubStep.PexStep p -> "PEX " + p.transition().event().getClass().getSimpleName();
    };
  }

  /** A node's connections, e.g. {@code out=[ab12cd34,...] in=[...] dialing=[...]}. */
  static String connections(CoreState s) {
    StringBuilder out = new StringBuilder();
    StringBuilder in = new StringBuilder();
    for (Map.Entry<NodeId, Connection> e : s.peer().connected().entrySet()) {
      StringBuilder b = e.getValue().direction() == dev.cairn.core.peer.Direction.OUTBOUND ? out : in;
      b.append(b.isEmpty() ? "" : ",").append(id(e.getKey()));
    }
    StringBuilder dialing = new StringBuilder();
    for (NodeId id : s.peer().dialing().keySet()) {
      dialing.append(dialing.isEmpty() ? "" : ",").append(id(id));
    }
    return "out=[" + out + "] in=[" + in + "] dialing=[" + dialing + "]";
  }

  /** Order-sensitive 32-bit digest of an address list (String hashes are specified, so stable across JVMs). */
  private static String digest(java.util.List<NodeAddress> addresses) {
    int h = 1;
    for (NodeAddress a : addresses) {
      h = 31 * h + a.id().hex().hashCode();
      h = 31 * h + a.ip().hashCode();
      h = 31 * h + a.port();
    }
    return Integer.toHexString(h);
  }
}
