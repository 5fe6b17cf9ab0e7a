package dev.cairn.shell.trace;

import dev.cairn.proto.trace.TraceHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files of one rotated trace ({@link TraceWriter}: {@code FILE}, {@code FILE.1}, {@code FILE.2},
 * …, the oldest deleted past the limit), found from any one of them by its header's segment
 * number. A responder who knows a moment or a step but not which file holds it is told.
 */
public final class TraceSegments {

  /** Most files of a rotated trace looked at (the writer keeps far fewer by default). */
  static final int MAX_SEGMENTS = 10_000;

  /**
   * One file of a rotated trace: its segment number, first step and the time of its first record,
   * by the wall clock and by the monotonic one.
   */
  public record Segment(Path file, int segment, long firstStep, Instant start, long startMono) {}

  private final Segment self;
  private final List<Segment> segments;
  private final TraceHeader header;

  private TraceSegments(Segment self, List<Segment> segments, TraceHeader header) {
    this.self = self;
    this.segments = segments;
    this.header = header;
  }

  /**
   * The monotonic time a time since the trace's start counts from in the file with header {@code
   * h}: its run's first record, which the header names ({@code run_start_mono_nanos}) in every file
   * of the run, so that it does not move when the oldest files are deleted; for a file whose
   * header does not name it (written before it did, or a window cut from a trace), the first
   * record of the oldest file of its trace found beside {@code file} ({@link #startMono}).
   */
  public static long startMonoOf(Path file, TraceHeader h) {
    return h.hasRunStartMonoNanos() ? h.getRunStartMonoNanos() : of(file, h).startMono();
  }

  /** The monotonic time {@link #resolve} counts a time since the trace's start from ({@link #startMonoOf}). */
  public long startMono() {
    return header.hasRunStartMonoNanos() ? header.getRunStartMonoNanos() : segments.get(0).startMono();
  }

  /** Where a time since the trace's start counts from, in words: the run's first record and its time. */
  public String startNamed() {
    if (header.hasRunStartMonoNanos()) {
      return "from the run's first record, at " + Instant.ofEpochMilli(header.getRunStartWallMillis());
    }
    Segment oldest = segments.get(0);
    return oldest.file().getFileName() + " starts at " + oldest.start();
  }

  /**
   * The files of the rotated trace {@code file} belongs to, in segment order, {@code file}
   * included; a sibling whose header cannot be read, or whose header is of another run (another
   * seed or configuration), is left out. A file whose name does not end with its segment number
   * (renamed) is taken alone.
   */
  public static TraceSegments of(Path file, TraceHeader header) {
    Segment self = segment(file, header);
    String name = file.getFileName().toString();
    int k = header.getSegment();
    String suffix = "." + k;
    if (k > 0 && !name.endsWith(suffix)) {
      return new TraceSegments(self, List.of(self), header);
    }
    String base = k == 0 ? name : name.substring(0, name.length() - suffix.length());
    Path dir = file.toAbsolutePath().getParent();
    List<Segment> found = new ArrayList<>();
    found.add(self);
    try (Stream<Path> names = Files.list(dir)) {
      names.limit(1_000_000).forEach(p -> {
        String n = p.getFileName().toString();
        Integer s = n.equals(base) ? Integer.valueOf(0) : numbered(base, n);
        if (s != null && s != k && found.size() < MAX_SEGMENTS) {
          try (TraceReader r = TraceReader.open(p)) {
            TraceHeader h = r.header();
            if (h.getSegment() == s && sameRun(h, header)) {
              found.add(segment(file.resolveSibling(n), h));
            }
          } catch (IOException | TraceFormatException | RuntimeException e) {
            // not a readable segment of this trace: left out
          }
        }
      });
    } catch (IOException | RuntimeException e) {
      // the directory cannot be listed: the file alone
    }
    found.sort(Comparator.comparingInt(Segment::segment));
    return new TraceSegments(self, List.copyOf(found), header);
  }

  /**
   * Whether two headers are of one run: the same seed and the same configuration (a node started
   * again writes a new trace over the same names, with a seed of its own unless one is configured),
   * and the same start of the run where both name it (which tells apart runs of one seed).
   */
  static boolean sameRun(TraceHeader a, TraceHeader b) {
    return a.getPrngSeed() == b.getPrngSeed() && a.getCoreConfig().equals(b.getCoreConfig())
        && (!a.hasRunStartMonoNanos() || !b.hasRunStartMonoNanos()
            || a.getRunStartMonoNanos() == b.getRunStartMonoNanos()
            && a.getRunStartWallMillis() == b.getRunStartWallMillis());
  }

  private static Integer numbered(String base, String name) {
    if (!name.startsWith(base + ".")) {
      return null;
    }
    String digits = name.substring(base.length() + 1);
    if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    int s = Integer.parseInt(digits);
    return s > 0 && ("" + s).equals(digits) ? s : null;
  }

  private static Segment segment(Path file, TraceHeader h) {
    return new Segment(file, h.getSegment(), h.getFirstStep(), Instant.ofEpochMilli(h.getStartWallMillis()),
        h.getStartMonoNanos());
  }

  /** Whether a later file of the rotated trace was found (the trace goes on after this one). */
  public boolean hasLater() {
    return segments.get(segments.size() - 1).segment() > self.segment();
  }

  /** The files found, in segment order. */
  public List<Segment> segments() {
    return segments;
  }

  /**
   * {@code p} with a time of day made a moment (the first such moment from the first record of the
   * oldest file kept, the start of what was recorded), and a time since the trace's first record
   * made a reading of the monotonic clock from the run's first record ({@link #startMono}); other
   * points as they are.
   */
  public TracePoint resolve(TracePoint p) {
    Segment oldest = segments.get(0);
    return switch (p) {
      case TracePoint.TimeOfDay d -> new TracePoint.Wall(d.after(oldest.start()));
      case TracePoint.SinceStart s -> TracePoint.Mono.of(s, startMono());
      case null, default -> p;
    };
  }

  /**
   * {@code to}, a window's end, resolved as {@link #resolve} does, but a time of day after the
   * window's start {@code from} (resolved): the first such moment from it, so that a window of two
   * times of day never runs backwards.
   */
  public TracePoint resolveEnd(TracePoint from, TracePoint to) {
    if (to instanceof TracePoint.TimeOfDay d && from instanceof TracePoint.Wall w) {
      return new TracePoint.Wall(d.atOrAfter(w.at()));
    }
    return resolve(to);
  }

  /**
   * Where {@code p} (a step or a moment, resolved) lies if not in the file these were found from:
   * the file of the rotated trace that holds it, that it is before the oldest file kept, or, for a
   * step, that it is after the last step the newest file holds (read to its end to know). Empty
   * when that file is the one (or when nothing is known: a time since a file's first record is
   * about that file).
   */
  public Optional<String> elsewhere(TracePoint p) {
    if (p instanceof TracePoint.SinceStart || p instanceof TracePoint.TimeOfDay) {
      return Optional.empty(); // not resolved
    }
    int at = -1;
    for (int i = 0; i < segments.size(); i++) {
      if (startsBy(segments.get(i), p)) {
        at = i;
      } else {
        break;
      }
    }
    if (at < 0) {
      Segment oldest = segments.get(0);
      return Optional.of(p + " is before the oldest file of this trace kept, " + oldest.file() + " (from step "
          + oldest.firstStep() + " at " + oldest.start() + ")");
    }
    Segment s = segments.get(at);
    if (s.segment() == self.segment()) {
      return Optional.empty();
    }
    String span = "from step " + s.firstStep() + " at " + s.start();
    if (at == segments.size() - 1 && p instanceof TracePoint.Step st) { // the newest file: has the trace reached it?
      Optional<TraceReader.Entry> last = lastRecord(s.file());
      if (last.isPresent() && last.get().step() < st.step()) {
        return Optional.of(p + " is after the last step recorded: step " + last.get().step() + " at "
            + Instant.ofEpochMilli(last.get().wallMillis()) + ", in " + s.file() + ", the newest file of this trace");
      }
    }
    if (at + 1 < segments.size() && segments.get(at + 1).segment() == s.segment() + 1) {
      Segment next = segments.get(at + 1);
      span += " to step " + (next.firstStep() - 1) + ", before " + next.start();
    }
    return Optional.of(s.file() + " holds " + p + " (" + span + ")");
  }

  /** The last record of {@code file}; empty if the file does not read to its end. */
  private static Optional<TraceReader.Entry> lastRecord(Path file) {
    try (TraceReader r = TraceReader.open(file)) {
      return r.last();
    } catch (IOException | TraceFormatException | RuntimeException e) {
      return Optional.empty(); // the step is then only said to be in that file, as before
    }
  }

  private static boolean startsBy(Segment s, TracePoint p) {
    return switch (p) {
      case TracePoint.Step st -> s.firstStep() <= st.step();
      case TracePoint.Wall w -> !s.start().isAfter(w.at());
      case TracePoint.Mono m -> s.startMono() <= m.nanos();
      default -> false; // resolved first
    };
  }
}
