package dev.cairn.shell.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.peer.PeerEffect;
import dev.cairn.proto.trace.TraceHeader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;

/**
 * {@code trace show --json}: one JSON object per line, for tools ({@code jq}) rather than people.
 * A file's header line, then one line per step: its number, seconds since the trace's first record
 * (the header given: {@code show} gives the start of the trace's oldest file kept),
 * wall time, the event (its {@code type} and fields, named as in {@link ValueJson}), and the
 * outcome; the command adds the effects, changes and state when asked.
 */
public final class TraceJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TraceJson() {}

  /** The header of {@code file}. */
  public static ObjectNode header(Path file, TraceHeader h) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("file", file.toString());
    o.put("cairnVersion", h.getCairnVersion());
    o.put("coreRevision", h.getCoreRevision());
    o.put("segment", h.getSegment());
    o.put("firstStep", h.getFirstStep());
    o.put("prngSeed", h.getPrngSeed());
    o.put("start", Instant.ofEpochMilli(h.getStartWallMillis()).toString());
    o.put("specHash", h.getSpecHashPresent() ? HexFormat.of().formatHex(h.getSpecHash().toByteArray()) : null);
    return o;
  }

  /** One step as its record has it. */
  public static ObjectNode step(TraceHeader h, TraceReader.Entry r, CoreEvent event) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("step", r.step());
    o.put("seconds", (r.monoNanos() - h.getStartMonoNanos()) / 1e9);
    o.put("wall", Instant.ofEpochMilli(r.wallMillis()).toString());
    o.set("event", event(event));
    o.put("rejected", r.rejected() ? r.rejectedReason() : null);
    return o;
  }

  /** The event: {@code type} as {@link EventCodec#name} names it, then its fields. */
  public static ObjectNode event(CoreEvent event) {
    Object inner = switch (event) {
      case CoreEvent.Peer p -> p.event();
      case CoreEvent.PexMessage m -> m.event();
      case CoreEvent.PeerReady r -> r;
      case CoreEvent.TimerFired t -> t;
    };
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", EventCodec.name(event));
    fieldsInto(ValueJson.node(inner), o);
    return o;
  }

  /**
   * An effect: its {@code type} and fields ({@code Dial}, {@code Disconnect}, {@code SendPexAddrs},
   * …); a {@code PersistBook} gives the book's counts, not the book.
   */
  public static ObjectNode effect(CoreEffect effect) {
    Object inner = switch (effect) {
      case CoreEffect.Peer p -> p.effect();
      case CoreEffect.Pex x -> x.effect();
    };
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", inner.getClass().getSimpleName());
    if (inner instanceof PeerEffect.PersistBook b) {
      o.put("entries", b.book().size());
      o.put("new", b.book().nNew());
      o.put("old", b.book().nOld());
      o.put("bans", b.book().bannedEntries().size());
      return o;
    }
    fieldsInto(ValueJson.node(inner), o);
    return o;
  }

  private static void fieldsInto(JsonNode fields, ObjectNode o) {
    if (fields.isObject()) {
      fields.properties().forEach(e -> {
        if (!e.getKey().equals("type")) {
          o.set(e.getKey(), e.getValue());
        }
      });
    }
  }

  /** A replay that differs from the record: {@code {"mismatch": "…"}}. */
  public static ObjectNode mismatch(String what) {
    return MAPPER.createObjectNode().put("mismatch", what);
  }

  /** {@code node} on one line. */
  public static String line(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
