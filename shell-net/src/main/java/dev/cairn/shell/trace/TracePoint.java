package dev.cairn.shell.trace;

import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.config.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A place in a trace as a person names it: a step number, or a moment. A responder usually knows
 * when something happened ("at 03:12") rather than at which step, so the trace commands take
 * either:
 *
 * <ul>
 *   <li>{@code 1200}: step 1200;
 *   <li>{@code 2026-11-22T03:12:00Z} (or with an offset, {@code +01:00}, or without a zone: UTC):
 *       the node's wall clock, as {@code trace show} prints it;
 *   <li>{@code 03:12}, {@code 03:12:30}, {@code 03:12:30.250}: a time of day (UTC), the first
 *       such moment from 12 hours before the trace's first record: a moment a little before the
 *       trace starts is that day's (before its first step, not the next day's), one later in a
 *       long trace the next day's; a window's end is the first such moment from its start;
 *   <li>{@code +90s}, {@code +1m30s}, {@code +250ms}: the node's monotonic clock since the first
 *       record of the trace (of its oldest file kept), as the {@code +seconds} column of {@code
 *       trace show} counts it: the same moment whichever of its files is given.
 * </ul>
 *
 * <p>A moment becomes steps by the order of the records, so that a wall clock set back during the
 * run still gives one unbroken range: a window starts at the first step at or after its start
 * moment, and ends before the first step after its end moment ({@link Window}).
 */
public sealed interface TracePoint {

  /** A step number. */
  String DIGITS = "[0-9]+";

  /** A time of day: hours and minutes, perhaps seconds and their fraction, perhaps a Z. */
  String TIME_OF_DAY = "[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?Z?";

  /** How to write each form, for messages. */
  String FORMS = "a step number (1200), a time (2026-11-22T03:12:00Z, or a time of day in UTC: 03:12, "
      + "03:12:30.5) or a time since the trace's first record (+90s, +1m30s)";

  /** Step {@code step}. */
  record Step(long step) implements TracePoint {
    @Override
    public String toString() {
      return "step " + step;
    }
  }

  /** A moment of the node's wall clock. */
  record Wall(Instant at) implements TracePoint {
    @Override
    public String toString() {
      return at.toString();
    }
  }

  /**
   * A time of day (UTC): the first such moment from {@link #LOOK_BACK} before the trace's first
   * record. A responder reading a time off a log names a moment near the trace: 15:06 for a trace
   * that starts at 15:06:31 is the minute it starts in, 15:45 for one that starts at 15:46:57 is
   * before its first step (not 15:45 the next day), and 03:00 for one that starts at 15:46 the
   * next morning's.
   */
  record TimeOfDay(LocalTime time) implements TracePoint {
    /** How far before a trace's first record a time of day may name a moment of that day. */
    public static final Duration LOOK_BACK = Duration.ofHours(12);

    /** The moment this names in a trace whose first record is at {@code start}. */
    public Instant after(Instant start) {
      return atOrAfter(start.minus(LOOK_BACK));
    }

    /** The first such moment at or after {@code from} (a window's end after its start). */
    public Instant atOrAfter(Instant from) {
      LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC);
      Instant at = LocalDateTime.of(day, time).toInstant(ZoneOffset.UTC);
      return at.isBefore(from) ? at.plus(Duration.ofDays(1)) : at;
    }

    @Override
    public String toString() {
      return time + " UTC";
    }
  }

  /**
   * A moment of the node's monotonic clock, {@code since} after the trace's first record (its
   * run's, as its files' headers name it: {@link TraceSegments#startMonoOf}); made a {@link Mono}
   * once that record is known.
   */
  record SinceStart(Duration since) implements TracePoint {
    @Override
    public String toString() {
      return "+" + GoDuration.format(since) + " since the trace's first record";
    }
  }

  /**
   * A {@link SinceStart} resolved: the node's monotonic clock reading {@code nanos}, {@code since}
   * after the first record at {@code startNanos} (the clock of one run: every file of a rotated
   * trace reads it).
   */
  record Mono(long nanos, SinceStart since) implements TracePoint {
    /** {@code since} after the first record whose monotonic time is {@code startNanos}. */
    public static Mono of(SinceStart since, long startNanos) {
      return new Mono(Math.addExact(startNanos, since.since().toNanos()), since);
    }

    @Override
    public String toString() {
      return since.toString();
    }
  }

  /** Whether this is a moment rather than a step number. */
  default boolean isTime() {
    return !(this instanceof Step);
  }

  /**
   * Reads {@code text} in one of the forms above.
   *
   * @throws IllegalArgumentException naming the text and the forms, when it is none of them
   */
  static TracePoint parse(String text) {
    String t = text.strip();
    try {
      if (t.matches(DIGITS)) {
        try {
          return new Step(Long.parseLong(t));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("larger than the last step a trace can have, " + Long.MAX_VALUE);
        }
      }
      if (t.startsWith("+")) {
        Duration d = GoDuration.parse(t.substring(1));
        if (d.isNegative()) {
          throw new IllegalArgumentException("a time since the first record is not negative");
        }
        return new SinceStart(d);
      }
      if (t.matches(TIME_OF_DAY)) {
        String hm = t.endsWith("Z") ? t.substring(0, t.length() - 1) : t;
        return new TimeOfDay(LocalTime.parse(hm.length() == 4 || hm.indexOf(':') == 1 ? "0" + hm : hm));
      }
      if (t.indexOf('T') > 0) {
        return new Wall(instant(t));
      }
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid " + what(t) + ": "
          + DateTimeProblem.describe(e)
          + " (expected " + FORMS + ")", e);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid " + what(t) + ": out of range"
          + " (expected " + FORMS + ")", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid " + what(t) + ": " + e.getMessage()
          + " (expected " + FORMS + ")", e);
    }
    throw new IllegalArgumentException("'" + text + "' is not " + FORMS);
  }

  private static String what(String t) {
    if (t.matches(DIGITS)) {
      return "step number";
    }
    return t.startsWith("+") ? "time since the first record" : "time";
  }

  private static Instant instant(String t) {
    if (t.endsWith("Z") || t.endsWith("z")) {
      // as an offset date-time: a field out of range is then named (Instant.parse says only where it stopped)
      return OffsetDateTime.parse(t.toUpperCase(java.util.Locale.ROOT)).toInstant();
    }
    int time = t.indexOf('T');
    if (t.indexOf('+', time) > 0 || t.indexOf('-', time) > 0) {
      return OffsetDateTime.parse(t).toInstant();
    }
    return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
  }

  /**
   * The steps of one file between two points (either may be absent: from the first step, to the
   * last), decided record by record in file order: {@link #admits} each record in turn until
   * {@link #ended}.
   */
  final class Window {
    private final TracePoint from;
    private final TracePoint to;
    private final long startMono;
    private final Instant fromAt;
    private final Instant toAt;
    private boolean started;
    private boolean ended;

    /** The window from {@code from} to {@code to} (null: unbounded) of the file with {@code header}. */
    public Window(TracePoint from, TracePoint to, TraceHeader header) {
      this.from = from;
      this.to = to;
      this.startMono = header.getStartMonoNanos();
      Instant start = Instant.ofEpochMilli(header.getStartWallMillis());
      this.fromAt = moment(from, start);
      this.toAt = moment(to, start);
      this.started = from == null;
    }

    private static Instant moment(TracePoint p, Instant start) {
      return switch (p) {
        case Wall w -> w.at();
        case TimeOfDay d -> d.after(start);
        case null, default -> null;
      };
    }

    /**
     * Whether the step with these times is in the window. Records must come in file order; the
     * first record past the window's end ends it ({@link #ended}), and admits nothing more.
     */
    public boolean admits(long step, long monoNanos, long wallMillis) {
      if (ended) {
        return false;
      }
      if (to != null && past(to, toAt, step, monoNanos, wallMillis)) {
        ended = true;
        return false;
      }
      if (!started) {
        started = reached(from, fromAt, step, monoNanos, wallMillis);
      }
      return started;
    }

    /** Whether a record past the window's end was seen: no later record is in it. */
    public boolean ended() {
      return ended;
    }

    private boolean reached(TracePoint p, Instant at, long step, long mono, long wall) {
      return switch (p) {
        case Step s -> step >= s.step();
        case SinceStart s -> mono - startMono >= s.since().toNanos();
        case Mono m -> mono >= m.nanos();
        default -> wall >= millisCeil(at);
      };
    }

    private boolean past(TracePoint p, Instant at, long step, long mono, long wall) {
      return switch (p) {
        case Step s -> step > s.step();
        case SinceStart s -> mono - startMono > s.since().toNanos();
        case Mono m -> mono > m.nanos();
        default -> wall > millisFloor(at);
      };
    }

    /** Records hold whole milliseconds: a record at or after {@code at} is at or after this. */
    private static long millisCeil(Instant at) {
      long ms = at.toEpochMilli();
      return at.getNano() % 1_000_000 == 0 ? ms : ms + 1;
    }

    /** ... and a record after {@code at} is after this. */
    private static long millisFloor(Instant at) {
      return at.toEpochMilli();
    }
  }
}
