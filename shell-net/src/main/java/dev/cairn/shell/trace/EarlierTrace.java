package dev.cairn.shell.trace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What a node starting to record into {@code FILE} does with what is already there. The trace
 * writer replaces {@code FILE} and {@code FILE.1}, {@code FILE.2}, … as it rotates, so before it
 * starts:
 *
 * <ul>
 *   <li>a file of that set that is not a Cairn trace (a key, a config, anything else) stops the
 *       start: it is never overwritten; so does one a running node is writing ({@link
 *       dev.cairn.shell.store.FileLocks#held}), and a place where no file can be created;
 *   <li>the files of an earlier run's trace are kept, renamed as one set to {@code
 *       STEM.STAMP.EXT}, {@code STEM.STAMP.EXT.1}, … (STAMP: the UTC time of the first step of
 *       its earliest file still there, from that file's header), which the new trace's {@code
 *       FILE*} does not match, so the two histories are never read as one;
 *   <li>of the earlier runs kept that way, {@value #KEPT_RUNS} stay: the one just set aside
 *       (whatever its clock said) and the most recent others by their stamps; older ones are
 *       deleted (only Cairn traces: a file of another kind named like one stays), so that a node
 *       restarted again and again keeps a bounded trace on disk (a restart after an incident still
 *       finds the run before it).
 * </ul>
 */
public final class EarlierTrace {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The UTC moment as a file name takes it, e.g. {@code 20261122T031200Z} (a kept run's, a kept book's). */
  public static String stamp(java.time.Instant at) {
    return STAMP.format(at);
  }

  /** Earlier runs kept beside the trace being written. */
  public static final int KEPT_RUNS = 3;

  private EarlierTrace() {}

  /**
   * A file renamed out of the way ({@code to} present), or deleted ({@code to} null): an old kept
   * one past the runs kept, or one that {@code heldNoStep}.
   */
  public record Moved(Path from, Path to, boolean heldNoStep) {
    /** A file renamed ({@code to} present) or an old kept one deleted past the runs kept. */
    public Moved(Path from, Path to) {
      this(from, to, false);
    }
  }

  /** Refused: {@code file} would overwrite something that is not a trace, or cannot be written. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /**
   * Makes room for a new trace at {@code file}: creates its directory, refuses what must not be
   * overwritten, and renames an earlier trace's files (returned, in segment order).
   */
  public static List<Moved> setAside(Path file) throws Refused, IOException {
    Path name = file.getFileName();
    if (name == null || name.toString().isEmpty()) {
      throw new Refused("trace file '" + file + "' names no file");
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new Refused("cannot create the trace's directory " + dir + ": "
          + dev.cairn.shell.node.FailureReasons.describe(e));
    }
    if (!Files.isWritable(dir)) {
      throw new Refused("cannot write the trace into " + dir + ": the directory is not writable");
    }
    TreeMap<Integer, Path> set = existingSet(dir, name.toString());
    if (set.isEmpty()) {
      canCreate(dir.resolve(name));
      return List.of();
    }
    Instant start = null;
    for (Path p : set.values()) {
      if (Files.isDirectory(p)) {
        throw new Refused("trace file " + p + " is a directory");
      }
      if (!Files.isRegularFile(p)) {
        // a device (/dev/null), a pipe or a socket: never moved, never opened to be looked at
        throw new Refused(p + " is not a regular file (a device, a pipe or a socket?); not moving it (choose a"
            + " trace file of its own)");
      }
      if (!startsAsTrace(p)) {
        throw new Refused(p + " exists and is not a Cairn trace; not overwriting it (choose another trace file)");
      }
      if (dev.cairn.shell.store.FileLocks.held(p)) {
        throw new Refused(p + " is being written by a running node; not moving it (stop that node, or choose"
            + " another trace file)");
      }
      if (start == null) {
        start = startOf(p);
      }
    }
    if (set.size() == 1 && holdsNoStep(set.firstEntry().getValue())) {
      // nothing recorded: not a run to keep (nor one to count among the kept), so deleted
      Path empty = set.firstEntry().getValue();
      Files.delete(empty);
      canCreate(dir.resolve(name));
      return List.of(new Moved(empty, null, true));
    }
    if (start == null) {
      start = Files.getLastModifiedTime(set.firstEntry().getValue()).toInstant();
    }
    // past every kept run of the same second, so that runs kept keep the order they ran in (a stamp
    // whose own run was deleted is not taken again while a later run of that second is kept)
    String second = STAMP.format(start);
    int last = 0; // the highest suffix of a kept run of this second (1: the stamp alone)
    for (String kept : keptSets(dir, name.toString()).keySet()) {
      if (kept.startsWith(second)) {
        last = Math.max(last, suffix(kept));
      }
    }
    String stamp;
    String free;
    for (int n = last + 1; ; n++) {
      stamp = n == 1 ? second : second + "-" + n;
      free = archivedName(name.toString(), stamp);
      if (!clashes(dir, free, set.lastKey())) {
        break;
      }
    }
    List<Moved> moved = new ArrayList<>();
    // the newest first: a follow of the run, looking for the segment after the one it read, finds
    // it under its name or under the new one, never a later segment with the one between gone
    for (var e : set.descendingMap().entrySet()) {
      Path to = dir.resolve(e.getKey() == 0 ? free : free + "." + e.getKey());
      Files.move(e.getValue(), to);
      moved.add(0, new Moved(e.getValue(), to));
    }
    moved.addAll(pruneKept(dir, name.toString(), stamp));
    canCreate(dir.resolve(name));
    return moved;
  }

  /** The longest file name most file systems take, in bytes (a segment adds {@code .N} to it). */
  static final int NAME_BYTES_MAX = 255;

  /**
   * Refused unless the writer will be able to create {@code file}, which it does at the node's
   * first step, too late to stop the start: its name fits, with a segment's suffix, and a file can
   * be created beside it. The file itself is not created here: a follow waiting for it would take
   * a passing empty file for the trace.
   */
  private static void canCreate(Path file) throws Refused {
    int bytes = file.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes + ".999".length() > NAME_BYTES_MAX) {
      throw new Refused("cannot create the trace file " + file + ": its name is " + bytes + " bytes long; with a"
          + " segment's suffix it must fit in " + NAME_BYTES_MAX);
    }
    java.util.Optional<String> why = dev.cairn.shell.store.DurableFiles.cannotCreateIn(file.getParent());
    if (why.isPresent()) {
      throw new Refused("cannot create the trace file " + file + ": " + why.get());
    }
  }

  /**
   * Deletes the kept runs of {@code name} beyond the {@value #KEPT_RUNS} most recent, the one just
   * kept (under {@code justKept}) always among them whatever its clock said; returns them.
   */
  private static List<Moved> pruneKept(Path dir, String name, String justKept) throws IOException {
    TreeMap<String, List<Path>> runs = new TreeMap<>(EarlierTrace::byStamp);
    for (var run : keptSets(dir, name).entrySet()) {
      if (run.getKey().equals(justKept)) {
        continue;
      }
      for (Path p : run.getValue().values()) {
        // only a Cairn trace is ever deleted: a file of another kind named like a kept run stays
        if (startsAsTrace(p)) {
          runs.computeIfAbsent(run.getKey(), k -> new ArrayList<>()).add(p);
        }
      }
    }
    List<Moved> deleted = new ArrayList<>();
    while (runs.size() > KEPT_RUNS - 1) {
      for (Path p : runs.pollFirstEntry().getValue()) {
        Files.deleteIfExists(p);
        deleted.add(new Moved(p, null));
      }
    }
    return deleted;
  }

  /**
   * The earlier runs of the trace {@code name} kept in {@code dir} ({@code STEM.STAMP.EXT},
   * {@code STEM.STAMP.EXT.1}, …): each run's regular files by segment, the runs in the order they
   * ran (by stamp, then by the {@code -n} of a stamp taken twice).
   */
  static TreeMap<String, TreeMap<Integer, Path>> keptSets(Path dir, String name) throws IOException {
    int dot = name.lastIndexOf('.');
    java.util.regex.Pattern kept = dot > 0
        ? java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(name.substring(0, dot) + ".")
            + "(\\d{8}T\\d{6}Z(?:-\\d+)?)" + java.util.regex.Pattern.quote(name.substring(dot)) + "(?:\\.(\\d{1,9}))?")
        : java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(name + "-")
            + "(\\d{8}T\\d{6}Z(?:-\\d+)?)(?:\\.(\\d{1,9}))?");
    TreeMap<String, TreeMap<Integer, Path>> runs = new TreeMap<>(EarlierTrace::byStamp);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        var m = kept.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p)) {
          int segment = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
          runs.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(segment, p);
        }
      }
    }
    return runs;
  }

  /** Kept runs in the order they ran: by stamp, then by the {@code -n} of a stamp taken twice. */
  private static int byStamp(String a, String b) {
    int c = a.substring(0, 16).compareTo(b.substring(0, 16));
    return c != 0 ? c : Integer.compare(suffix(a), suffix(b));
  }

  private static int suffix(String stamp) {
    return stamp.length() > 17 ? Integer.parseInt(stamp.substring(17)) : 1;
  }

  /**
   * The name a node writes its trace under, from the name {@code name} a start set a run's file
   * aside under ({@link #archivedName}, without a segment's suffix): {@code a.STAMP.trace} →
   * {@code a.trace}, {@code trace-STAMP} → {@code trace}; empty for a name not made so.
   */
  static java.util.Optional<String> liveName(String name) {
    var m = java.util.regex.Pattern.compile("(.+)\\.\\d{8}T\\d{6}Z(?:-\\d+)?(\\.[^.]+)").matcher(name);
    if (m.matches()) {
      return java.util.Optional.of(m.group(1) + m.group(2));
    }
    m = java.util.regex.Pattern.compile("(.+)-\\d{8}T\\d{6}Z(?:-\\d+)?").matcher(name);
    return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
  }

  /** {@code a.trace} → {@code a.STAMP.trace}; without an extension, {@code trace} → {@code trace-STAMP}. */
  static String archivedName(String name, String stamp) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) + "." + stamp + name.substring(dot) : name + "-" + stamp;
  }

  /** {@code name} and {@code name.N} in {@code dir}, by segment (0 for {@code name}). */
  static TreeMap<Integer, Path> existingSet(Path dir, String name) throws IOException {
    TreeMap<Integer, Path> set = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob(name) + "*")) {
      for (Path p : files) {
        String n = p.getFileName().toString();
        if (n.equals(name)) {
          set.put(0, p);
        } else if (n.length() > name.length() + 1 && n.startsWith(name + ".")
            && n.substring(name.length() + 1).chars().allMatch(c -> c >= '0' && c <= '9')
            && n.length() - name.length() - 1 <= 9) {
          set.put(Integer.parseInt(n.substring(name.length() + 1)), p);
        }
      }
    }
    return set;
  }

  private static String glob(String name) {
    StringBuilder sb = new StringBuilder();
    for (char c : name.toCharArray()) {
      if ("*?[]{}\\".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static boolean clashes(Path dir, String base, int lastSegment) {
    if (Files.exists(dir.resolve(base))) {
      return true;
    }
    for (int i = 1; i <= lastSegment; i++) {
      if (Files.exists(dir.resolve(base + "." + i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code p} is a regular file that begins with the trace magic (an empty one is a trace
   * cut before its header): nothing else is read, moved or deleted.
   */
  private static boolean startsAsTrace(Path p) throws IOException {
    return Files.isRegularFile(p) && (holdsNoStep(p) || TraceFormat.startsWithMagic(p));
  }

  /**
   * Whether {@code p} is a trace that ended before its header was whole: empty, a beginning of
   * the magic (a node killed as it created the file), or the magic and a header cut short (a disk
   * that filled as the header was written). It holds no step.
   */
  static boolean holdsNoStep(Path p) throws IOException {
    long size = Files.size(p);
    if (size < TraceFormat.MAGIC.length) {
      // a file the system sizes at 0 (in /proc, say) may read longer: compare what is there
      byte[] b = Files.readAllBytes(p);
      return b.length < TraceFormat.MAGIC.length
          && java.util.Arrays.equals(b, 0, b.length, TraceFormat.MAGIC, 0, b.length);
    }
    if (!TraceFormat.startsWithMagic(p)) {
      return false;
    }
    try (TraceReader r = TraceReader.open(p)) {
      return false; // the header reads: whatever follows, it is a run
    } catch (TraceFormatException e) {
      return e.kind() == TraceFormatException.Kind.CUT_SHORT && e.record() < 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The run's start from {@code p}'s header, or null if it has no readable header. */
  private static Instant startOf(Path p) {
    try (TraceReader r = TraceReader.open(p)) {
      return Instant.ofEpochMilli(r.header().getStartWallMillis());
    } catch (IOException | TraceFormatException | RuntimeException e) {
      return null;
    }
  }

}
