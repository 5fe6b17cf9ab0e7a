package dev.cairn.shell.trace;

import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.proto.trace.TraceRecord;
import java.time.Instant;
import java.util.Locale;

/** One-line renderings of trace records and effects, as {@code cairn trace show} prints them. */
public final class TraceText {

  private TraceText() {}

  /**
   * {@code step  +seconds  wall-time  EventType fields  [rejected: reason]}; the seconds count
   * from the header's start (the monotonic clock of the node), signed ({@code -} for a record
   * before it).
   */
  public static String record(TraceHeader h, TraceRecord r, CoreEvent event) {
    double secs = (r.getMonoNanos() - h.getStartMonoNanos()) / 1e9;
    String fields = EventCodec.fields(event);
    return String.format(Locale.ROOT, "%6d  %s%10.6fs  %s  %s%s%s", r.getStep(), secs < 0 ? "-" : "+",
        Math.abs(secs),
        Instant.ofEpochMilli(r.getWallMillis()), EventCodec.name(event), fields.isEmpty() ? "" : " " + fields,
        r.getRejected() ? "  [rejected: " + r.getRejectedReason() + "]" : "");
  }

  /** The same line from a record as {@link TraceReader} reads it. */
  public static String record(TraceHeader h, TraceReader.Entry r, CoreEvent event) {
    double secs = (r.monoNanos() - h.getStartMonoNanos()) / 1e9;
    String fields = EventCodec.fields(event);
    return String.format(Locale.ROOT, "%6d  %s%10.6fs  %s  %s%s%s", r.step(), secs < 0 ? "-" : "+",
        Math.abs(secs),
        Instant.ofEpochMilli(r.wallMillis()), EventCodec.name(event), fields.isEmpty() ? "" : " " + fields,
        r.rejected() ? "  [rejected: " + r.rejectedReason() + "]" : "");
  }

  /**
   * Whether {@code text} names a node ID that starts with {@code idPrefix} (lowercase hex): a
   * whole ID of 40 hex digits, not a part of an address's IP or port, nor of a longer hex word.
   */
  public static boolean namesId(String text, String idPrefix) {
    int n = dev.cairn.core.NodeId.HEX_LENGTH;
    for (int at = text.indexOf(idPrefix); at >= 0; at = text.indexOf(idPrefix, at + 1)) {
      if (at > 0 && hex(text.charAt(at - 1)) || at + n > text.length()) {
        continue;
      }
      boolean whole = true;
      for (int i = at + idPrefix.length(); i < at + n && whole; i++) {
        whole = hex(text.charAt(i));
      }
      if (whole && (at + n == text.length() || !hex(text.charAt(at + n)))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  /** An effect: its command and fields. */
  public static String effect(CoreEffect e) {
    return switch (e) {
      case CoreEffect.Peer p -> switch (p.effect()) {
        case PeerEffect.Dial d -> "Dial address=" + d.address();
        case PeerEffect.Disconnect d -> "Disconnect peer=" + d.peer() + " address=" + d.address()
            + " reason=" + d.reason();
        case PeerEffect.PublishPeerUpdate u -> "PublishPeerUpdate peer=" + u.peer() + " status=" + u.status();
        case PeerEffect.PersistBook b -> "PersistBook entries=" + b.book().size() + " (new=" + b.book().nNew()
            + " old=" + b.book().nOld() + ") bans=" + b.book().bannedEntries().size();
      };
      case CoreEffect.Pex x -> switch (x.effect()) {
        case PexEffect.SendPexRequest r -> "SendPexRequest peer=" + r.peer();
        case PexEffect.SendPexAddrs a -> "SendPexAddrs peer=" + a.peer() + " addresses=" + a.addresses().size();
        case PexEffect.SendPexAddrsThenDisconnect a -> "SendPexAddrsThenDisconnect peer=" + a.peer()
            + " addresses=" + a.addresses().size();
        case PexEffect.DisconnectPeer d -> "DisconnectPeer peer=" + d.peer() + " reason=" + d.reason();
      };
    };
  }
}
