package dev.cairn.shell.cli;

import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.shell.trace.Replay;
import dev.cairn.shell.trace.StepProgress;
import dev.cairn.shell.trace.TraceFormatException;
import dev.cairn.shell.trace.TracePoint;
import dev.cairn.shell.trace.TraceReader;
import dev.cairn.shell.trace.TraceSegments;
import dev.cairn.shell.trace.Validate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cairn trace show|replay|diff|timeline|validate|cut|summary}: read a trace a node recorded
 * ({@code cairn start --trace}) ({@link TraceShowCommand}) or sum it up ({@link
 * TraceSummaryCommand}), re-run its core deterministically ({@link
 * TraceReplayCommand}), compare traces ({@link TraceDiffCommand}), draw what happened to each peer
 * ({@link TraceTimelineCommand}), check them against the TLA+ spec ({@link
 * TraceValidateCommand}), and write a window of them as a trace of its own ({@link
 * TraceCutCommand}). This class holds what they share: the exit status (0 OK, 1 a replay, a diff or
 * a validation found a difference, 2 a file is not a readable trace, the message naming the byte
 * offset and the record), the steps and moments {@code --from}, {@code --to} and {@code --at}
 * name, the order of a rotated trace's files, and the progress over them.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Show, sum up, replay, compare, validate, cut and draw (a timeline of each peer) the core traces "
        + "a node recorded, and print the configuration they were recorded with.",
    subcommands = {TraceShowCommand.class, TraceReplayCommand.class, TraceDiffCommand.class,
        TraceTimelineCommand.class, TraceValidateCommand.class, TraceCutCommand.class, TraceSummaryCommand.class,
        TraceConfigCommand.class})
final class TraceCommand implements java.util.concurrent.Callable<Integer> {

  static final int OK = 0;
  static final int DIFFERS = 1;
  static final int BROKEN = 2;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Cairn.missingCommand(spec);
  }

  static int broken(PrintWriter err, Exception e) {
    err.println("cairn trace: " + message(e));
    return BROKEN;
  }

  /**
   * Why an output file cannot be written at {@code target}, said on {@code err} ({@code --out}
   * names it): its directory is not there, or what is there is a directory, or (unless {@code
   * replaceable} accepts it, as a timeline's earlier picture: {@code replaced} says what it
   * accepts) any file. False when it can be.
   */
  static boolean badOut(Path target, String command, java.util.function.Predicate<Path> replaceable,
      String replaced, PrintWriter err) {
    Path dir = target.toAbsolutePath().getParent();
    String problem = null;
    if (dir != null && !Files.isDirectory(dir)) {
      problem = "its directory " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist");
    } else if (Files.isDirectory(target)) {
      problem = "it is a directory";
    } else if (Files.exists(target) && !Files.isRegularFile(target)) {
      problem = "it is not a regular file (a device, a pipe or a socket?)";
    } else if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !replaceable.test(target)) {
      problem = "it exists" + (replaced == null ? "" : " and is not " + replaced)
          + "; not overwriting it (choose another name)";
    }
    if (problem == null) {
      return false;
    }
    err.println("cairn trace " + command + ": cannot write " + target + ": " + problem);
    return true;
  }

  /** What went wrong, in one line: a file-system failure says what it was and names the file. */
  static String message(Exception e) {
    return e instanceof java.nio.file.FileSystemException f ? dev.cairn.shell.node.FailureReasons.fileProblem(f)
        : dev.cairn.shell.node.FailureReasons.describe(e);
  }

  /**
   * Whether {@code --peer} is given and is not a node ID or a prefix of one (1 to 40 hex digits),
   * after saying so on {@code err}: a typo would otherwise select nothing, silently.
   */
  static boolean badPeer(String peer, String command, PrintWriter err) {
    if (peer == null) {
      return false;
    }
    boolean hex = peer.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    if (peer.isEmpty() || peer.length() > 40 || !hex) {
      err.println("cairn trace " + command + ": --peer " + (peer.isEmpty() ? "is empty" : "'" + peer + "'")
          + ": give a node ID or its first hex digits (1 to 40 of 0-9a-f, as the trace prints them)");
      return true;
    }
    return false;
  }

  /** Most IDs a message about an ambiguous {@code --peer} lists. */
  static final int PEERS_LISTED = 8;

  /**
   * Whether {@code --peer} (a well-formed prefix: {@link #badPeer}) names no peer of {@code
   * files} or more than one, after saying so on {@code err}: a typo would otherwise select
   * nothing, and a short prefix several peers merged into one story, silently. The peers are all
   * those the files name ({@link Validate#peersNamed}), so a window that holds no step of the
   * peer is no error; a prefix none of them starts with is not refused when a file could not be
   * read to its end (its reading then says why).
   */
  static boolean notOnePeer(String peer, List<Path> files, String command, PrintWriter err) {
    if (peer == null) {
      return false;
    }
    java.util.Set<dev.cairn.core.NodeId> named = new java.util.TreeSet<>();
    boolean whole = true;
    for (Path f : files) {
      whole &= Validate.peersNamed(f, named);
    }
    List<String> matching = named.stream().map(dev.cairn.core.NodeId::hex).filter(id -> id.startsWith(peer)).toList();
    if (matching.size() == 1 || matching.isEmpty() && !whole) {
      return false;
    }
    String where = files.size() == 1 ? String.valueOf(files.get(0)) : "the files given";
    err.println("cairn trace " + command + ": --peer " + peer + (matching.isEmpty()
        ? " names no peer of " + where + ": no node ID it holds starts with it"
        : " names " + matching.size() + " peers of " + where + ": " + String.join(", ",
            matching.subList(0, Math.min(PEERS_LISTED, matching.size())))
            + (matching.size() > PEERS_LISTED ? ", … " + (matching.size() - PEERS_LISTED) + " more" : "")
            + "; give enough of its digits to name one"));
    return true;
  }

  /**
   * Whether {@code out} (the picture to write) is one of the {@code files} read or another Cairn
   * trace, after saying so on {@code err}: a trace is never overwritten.
   */
  static boolean wouldOverwriteATrace(Path out, List<Path> files, String command, PrintWriter err) {
    if (!java.nio.file.Files.exists(out)) {
      return false;
    }
    boolean trace = false;
    try {
      for (Path f : files) {
        if (java.nio.file.Files.exists(f) && java.nio.file.Files.isSameFile(out, f)) {
          trace = true;
        }
      }
      if (!trace && java.nio.file.Files.isRegularFile(out)) {
        trace = dev.cairn.shell.trace.TraceFormat.startsWithMagic(out);
      }
    } catch (IOException e) {
      return false; // the write will report it
    }
    if (trace) {
      err.println("cairn trace " + command + ": --out " + out + " is a trace file; not overwriting it");
    }
    return trace;
  }

  /**
   * Whether a file is given twice (under one name or two: {@code a.trace} and {@code ./a.trace}, a
   * link, a hard link),
   * which would otherwise read as two runs; if so, says which on {@code err}. Files that cannot be
   * resolved are left to their opening, which reports them.
   */
  static boolean namedTwice(List<Path> files, PrintWriter err) {
    java.util.Map<Object, Path> seen = new java.util.HashMap<>();
    for (Path f : files) {
      Object real;
      try {
        // the file itself (device and inode where the system says): a hard link is the same file too
        Object key = java.nio.file.Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class)
            .fileKey();
        real = key != null ? key : f.toRealPath();
      } catch (IOException e) {
        continue;
      }
      Path before = seen.putIfAbsent(real, f);
      if (before != null) {
        err.println("cairn trace: " + f + " is named twice" + (before.equals(f) ? "" : " (also as " + before + ")"));
        return true;
      }
    }
    return false;
  }

  static String headerLine(Path file, TraceHeader h) {
    return "# " + file + ": cairn " + h.getCairnVersion() + " (core revision " + h.getCoreRevision() + ", trace format "
        + h.getFormatVersion() + "), segment "
        + h.getSegment() + ", first step " + h.getFirstStep() + ", prng seed " + h.getPrngSeed() + ", spec hash "
        + (h.getSpecHashPresent() ? HexFormat.of().formatHex(h.getSpecHash().toByteArray()) : "absent");
  }

  /** Reads {@code --from}, {@code --to} and {@code --at}: a step number or a time ({@link TracePoint}). */
  static final class PointConverter implements CommandLine.ITypeConverter<TracePoint> {
    @Override
    public TracePoint convert(String value) {
      try {
        return TracePoint.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final String POINT_HELP = "a step number, a time (2026-11-22T03:12:00Z, or 03:12 UTC: the first such "
      + "moment of the trace) or a time since the trace's first record (+90s)";

  /**
   * The window of {@code --from} and {@code --to} over one file; a time of day is the first such
   * moment of the rotated trace's oldest file kept, and a time since the trace's first record is
   * counted from its run's first record ({@link TraceSegments#resolve}), whichever file is given.
   */
  static TracePoint.Window window(Path file, TraceHeader h, TracePoint from, TracePoint to) {
    if (unresolved(from) || unresolved(to)) {
      TraceSegments segments = TraceSegments.of(file, h);
      from = from == null ? null : segments.resolve(from);
      to = to == null ? null : segments.resolveEnd(from, to);
    }
    return new TracePoint.Window(from, to, h);
  }

  /**
   * {@code h} with the monotonic time of its run's first record as its start ({@link
   * TraceSegments#startMonoOf}), so that a step's {@code +seconds} printed from any file of a
   * rotated trace is the time {@code --from +S} names, and stays so as the oldest files are deleted.
   */
  static TraceHeader fromTraceStart(Path file, TraceHeader h) {
    long start = TraceSegments.startMonoOf(file, h);
    return start == h.getStartMonoNanos() ? h : h.toBuilder().setStartMonoNanos(start).build();
  }

  private static boolean unresolved(TracePoint p) {
    return p instanceof TracePoint.TimeOfDay || p instanceof TracePoint.SinceStart;
  }

  /**
   * {@code p} as a message names it: a time of day with the moment it was taken for (the date is
   * the trace's), a time since the first record with that record's time.
   */
  static String shown(Path file, TraceHeader h, TracePoint p) {
    if (!unresolved(p)) {
      return String.valueOf(p);
    }
    TraceSegments segments = TraceSegments.of(file, h);
    if (segments.resolve(p) instanceof TracePoint.Wall w) {
      return p + " (" + w.at() + ")";
    }
    return p + " (" + segments.startNamed() + ")";
  }

  /** "; FILE.3 holds it (…)" when another file of the rotated trace holds {@code p}, else "". */
  static String elsewhere(Path file, TraceHeader h, TracePoint p) {
    if (p == null) {
      return "";
    }
    TraceSegments segments = TraceSegments.of(file, h);
    return segments.elsewhere(segments.resolve(p)).map(w -> "; " + w).orElse("");
  }

  /**
   * That the file with header {@code h} is another node's trace than the file before it (header
   * {@code previous}), in words; null when it is the same node's (or a config does not decode).
   */
  static String otherNode(TraceHeader previous, TraceHeader h) {
    if (h.getCoreConfig().equals(previous.getCoreConfig())) {
      return null;
    }
    String a = selfOf(previous);
    String b = selfOf(h);
    return a == null || b == null || a.equals(b) ? null : "it is another node's trace (node " + b
        + ", the file before it node " + a + "): give the files of one node's trace together, or each trace alone";
  }

  /** The ID of the node that recorded the file with header {@code h}; null if its config does not decode. */
  private static String selfOf(TraceHeader h) {
    try {
      return dev.cairn.shell.trace.CanonicalCodec.decodeConfig(h.getCoreConfig().toByteArray()).peer().self().hex();
    } catch (RuntimeException e) {
      return null; // the replay that reads it names what is wrong with it
    }
  }

  /**
   * Why the file {@code next} (header {@code h}) does not continue a file of the same rotated trace
   * whose header was {@code previous} and whose last record was step {@code lastStep} with effects
   * digest {@code lastDigest}; null when it does.
   */
  static String continues(TraceHeader previous, long lastStep, long lastDigest, Path next, TraceHeader h) {
    if (!h.getCoreConfig().equals(previous.getCoreConfig())) {
      String other = otherNode(previous, h);
      if (other != null) {
        return other;
      }
      return "the node's configuration differs (a node started again with another configuration begins a new trace)";
    }
    long expected = lastStep + 1;
    if (h.getFirstStep() > expected) {
      return "steps " + expected + ".." + (h.getFirstStep() - 1) + " are in neither file (a file of the rotated "
          + "trace is missing)";
    }
    if (h.getFirstStep() < expected) {
      return next + " starts at step " + h.getFirstStep() + ", which the file before it already holds "
          + "(files of two runs?)";
    }
    if (h.getPreviousDigest() != lastDigest) {
      return next + "'s header does not chain to the effects digest of step " + lastStep + " (files of two runs?)";
    }
    return null;
  }

  /**
   * The files among {@code files} that present themselves as one rotated trace, each set in step
   * order: files of one run (the same core config and PRNG seed) with distinct segment numbers.
   * validate also takes unrelated traces side by side (several nodes' files, or copies of one), so
   * files of different runs, or two files of one segment, are not held to one history.
   */
  static List<List<Path>> rotatedSets(List<Path> files) throws IOException, TraceFormatException {
    List<List<Path>> sets = new java.util.ArrayList<>();
    for (List<Path> trace : traces(files)) {
      if (trace.size() > 1) {
        sets.add(inStepOrder(trace));
      }
    }
    return sets;
  }

  /**
   * {@code files} as the traces they are, in the order they were recorded (by their first
   * records' wall clock; the order named among equals): the files of one run (the same core
   * config and PRNG seed, each segment once) together, in the order named; when that seed and
   * config have a segment twice (runs of a node whose seed is fixed), the files of each run by
   * their folder and the name the writer gave them ({@link #baseName}); every other file alone
   * (another node's, another run's, a second copy of a segment).
   */
  static List<List<Path>> traces(List<Path> files) throws IOException, TraceFormatException {
    // the files of each seed and config, in the order first named, each with its header
    java.util.Map<String, List<Path>> nodes = new java.util.LinkedHashMap<>();
    java.util.Map<Path, TraceHeader> headerOf = new java.util.HashMap<>();
    java.util.Map<TraceHeader, Path> headers = new java.util.HashMap<>();
    java.util.Map<String, String> copies = new java.util.LinkedHashMap<>(); // the first copy named is said
    java.util.Map<Path, TraceHeader> byName = new java.util.LinkedHashMap<>();
    for (Path f : files) {
      try (TraceReader r = TraceReader.open(f)) {
        TraceHeader h = r.header();
        byName.putIfAbsent(f.toAbsolutePath().normalize(), h);
        headerOf.put(f, h);
        String node = h.getPrngSeed() + ":" + HexFormat.of().formatHex(h.getCoreConfig().toByteArray());
        Path same = headers.putIfAbsent(h, f);
        if (same != null) {
          copies.putIfAbsent(node, same + " and " + f + " are one file of one trace (segment " + h.getSegment()
              + ", the same header: a copy?); give one of them");
        }
        nodes.computeIfAbsent(node, k -> new java.util.ArrayList<>()).add(f);
      }
    }
    String misnamed = misnamed(byName);
    if (misnamed != null) {
      throw new TraceFormatException(misnamed);
    }
    for (var c : copies.entrySet()) {
      // copies of a one-file trace are traces side by side; a copy among a rotated trace's files
      // would split it into files of their own and hide a file missing from it
      if (nodes.get(c.getKey()).stream().map(f -> headerOf.get(f).getSegment()).distinct().count() > 1) {
        throw new TraceFormatException(c.getValue());
      }
    }
    List<List<Path>> out = new java.util.ArrayList<>();
    for (List<Path> node : nodes.values()) {
      if (distinctSegments(node, headerOf)) {
        out.add(node); // one run, whatever the files are called: a file renamed is still held to its history
        continue;
      }
      // several runs with one seed (a prng_seed fixed in the config): a node started again set its
      // earlier run's files aside under a name of their own (EarlierTrace), which keeps them apart
      java.util.Map<String, List<Path>> byBase = new java.util.LinkedHashMap<>();
      for (Path f : node) {
        // and by folder: runs kept apart in folders of their own may keep the names they were written under
        Path folder = f.toAbsolutePath().normalize().getParent();
        byBase.computeIfAbsent(folder + "/" + baseName(f, headerOf.get(f)), k -> new java.util.ArrayList<>()).add(f);
      }
      for (List<Path> run : byBase.values()) {
        if (distinctSegments(run, headerOf)) {
          out.add(run);
        } else {
          run.forEach(f -> out.add(List.of(f)));
        }
      }
    }
    // in the order they were recorded (a node's runs one after the other), the order named among equals
    out.sort(java.util.Comparator.comparingLong((List<Path> t) -> t.stream()
        .mapToLong(f -> headerOf.get(f).getStartWallMillis()).min().orElse(0)));
    return out;
  }

  /**
   * {@code files} in step order when they are the files of one trace ({@link #traces}: a file
   * renamed into another's rotated trace, or a copy among its files, is refused as there); null
   * after saying on {@code err} that they are several traces, which {@code command} takes {@code
   * oneAtATime} ("draw one at a time").
   */
  static List<Path> oneTrace(List<Path> files, String command, String oneAtATime, PrintWriter err)
      throws IOException, TraceFormatException {
    List<List<Path>> traces = traces(files);
    if (traces.size() > 1) {
      err.println("cairn trace " + command + ": the files given are " + traces.size() + " traces (" + traces.stream()
          .map(t -> t.get(0).getFileName() + (t.size() > 1 ? " and " + (t.size() - 1) + " more" : ""))
          .limit(4).collect(java.util.stream.Collectors.joining(", ")) + (traces.size() > 4 ? ", …" : "")
          + ": other nodes' or other runs'); " + oneAtATime);
      return null;
    }
    return inStepOrder(files);
  }

  private static boolean distinctSegments(List<Path> files, java.util.Map<Path, TraceHeader> headerOf) {
    return files.stream().map(f -> headerOf.get(f).getSegment()).distinct().count() == files.size();
  }

  /**
   * The name of the first file of the rotated trace {@code file} (header {@code h}) is one of, as
   * the writer names its files ({@code X}, {@code X.1}, {@code X.2}, …): its own name without the
   * {@code .N} of its segment; a file renamed otherwise is taken by its own name.
   */
  static String baseName(Path file, TraceHeader h) {
    String name = file.getFileName().toString();
    String suffix = "." + h.getSegment();
    return h.getSegment() > 0 && name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
  }

  /**
   * A file named as file {@code N} of another given file's rotated trace ({@code X.N} beside
   * {@code X}, as the writer names them) whose header is of another run, or of another segment:
   * taken for what its header says, it would make a trace of its own and hide the file of {@code
   * X}'s trace it stands in for. Null when every such name agrees with its header.
   */
  private static String misnamed(java.util.Map<Path, TraceHeader> byName) {
    for (var e : byName.entrySet()) {
      String name = e.getKey().getFileName().toString();
      int dot = name.lastIndexOf('.');
      if (dot <= 0 || dot == name.length() - 1 || !name.substring(dot + 1).chars().allMatch(Character::isDigit)
          || name.length() - dot - 1 > 9) {
        continue;
      }
      int n = Integer.parseInt(name.substring(dot + 1));
      Path first = e.getKey().resolveSibling(name.substring(0, dot));
      TraceHeader base = byName.get(first);
      if (n == 0 || base == null || base.getSegment() != 0) {
        continue;
      }
      TraceHeader h = e.getValue();
      boolean sameRun = h.getPrngSeed() == base.getPrngSeed() && h.getCoreConfig().equals(base.getCoreConfig());
      if (!sameRun) {
        return e.getKey() + " is named as file " + n + " of " + first + "'s rotated trace, but its header is of"
            + " another run (PRNG seed " + h.getPrngSeed() + ", not " + base.getPrngSeed()
            + (h.getCoreConfig().equals(base.getCoreConfig()) ? "" : "; another core config")
            + "): a file of another run renamed? give the runs' files apart";
      }
      if (h.getSegment() != n) {
        return e.getKey() + " is named as file " + n + " of " + first + "'s rotated trace, but its header says"
            + " file " + h.getSegment() + ": renamed? give the files under the names the node wrote";
      }
    }
    return null;
  }

  /** {@code n} steps in the number they take: {@code "1 step"}, {@code "3 steps"}. */
  static String steps(long n) {
    return n + (n == 1 ? " step" : " steps");
  }

  /**
   * Whether {@code ordered} (files of one rotated trace, in step order) form one history, read from
   * their headers and records alone (no replay); the first break is printed on {@code out} as
   * replay prints it. A file that cannot be read ends the check there: its reader reports it.
   */
  static boolean chainBroken(List<Path> ordered, PrintWriter out) {
    return chainBreak(ordered, out) >= 0;
  }

  /**
   * The index in {@code ordered} (a rotated trace's files in step order) of the first file that
   * does not continue the one before it, its {@code BREAK} line printed; -1 when each does.
   */
  static int chainBreak(List<Path> ordered, PrintWriter out) {
    for (int i = 1; i < ordered.size(); i++) {
      Path before = ordered.get(i - 1);
      Path next = ordered.get(i);
      try (TraceReader a = TraceReader.open(before); TraceReader b = TraceReader.open(next)) {
        var last = a.last();
        long lastStep = last.map(TraceReader.Entry::step).orElse(a.header().getFirstStep() - 1);
        long lastDigest = last.map(TraceReader.Entry::effectsDigest).orElse(a.header().getPreviousDigest());
        String why = continues(a.header(), lastStep, lastDigest, next, b.header());
        if (why != null) {
          out.println("BREAK between " + before + " and " + next + ": " + why);
          return i;
        }
      } catch (IOException | TraceFormatException | RuntimeException e) {
        return -1;
      }
    }
    return -1;
  }

  /**
   * {@code files} in step order (by their headers' first step, then segment number), so that the
   * files of a rotated trace can be given in any order ({@code a.trace*} sorts {@code a.trace.10}
   * before {@code a.trace.2}).
   */
  static List<Path> inStepOrder(List<Path> files) throws IOException, TraceFormatException {
    if (files.size() == 1) {
      return files;
    }
    List<Object[]> keyed = new java.util.ArrayList<>();
    for (Path f : files) {
      try (TraceReader r = TraceReader.open(f)) {
        keyed.add(new Object[] {f, r.header().getFirstStep(), r.header().getSegment()});
      }
    }
    keyed.sort(java.util.Comparator.comparingLong((Object[] k) -> (Long) k[1]).thenComparingInt(k -> (Integer) k[2]));
    return keyed.stream().map(k -> (Path) k[0]).toList();
  }

  /**
   * Progress of a command over its files, by the share of their bytes read: a line on stderr every
   * 5 s once it has run 2 s ({@link StepProgress}).
   */
  static final class FilesProgress {
    private final StepProgress progress;
    private final List<Path> files;
    private final long[] sizes;
    private final long[] offsets;
    private final double total;
    private long doneBytes;
    private int current = -1;
    private long steps;

    FilesProgress(String what, List<Path> files, PrintWriter err) {
      this(what, files, System::nanoTime, line -> {
        err.println(line);
        err.flush();
      });
    }

    /** The same on a given clock, to a given sink (a test drives both). */
    FilesProgress(String what, List<Path> files, java.util.function.LongSupplier clock,
        java.util.function.Consumer<String> lines) {
      this.files = List.copyOf(files);
      sizes = new long[files.size()];
      offsets = new long[files.size()];
      long bytes = 0;
      for (int i = 0; i < sizes.length; i++) {
        try {
          sizes[i] = java.nio.file.Files.size(files.get(i));
        } catch (IOException e) {
          // its opening reports it
        }
        bytes += sizes[i];
      }
      total = Math.max(1, bytes);
      progress = new StepProgress(what + " " + files.get(0) + (files.size() > 1 ? " and " + (files.size() - 1)
          + " more" : ""), clock, lines);
    }

    /** The next file starts: the bytes of the ones before are read. */
    void file(Path f) {
      if (current >= 0) {
        advance(current, sizes[current], 0);
      }
      current = files.indexOf(f);
    }

    /** One more step, at byte {@code offset} of the current file. */
    void step(long offset) {
      if ((++steps & 1023) == 0 && current >= 0) {
        advance(current, offset, 0);
        progress.at(steps, doneBytes / total);
      }
    }

    /**
     * The progress of one file among files read at once (each by its own thread): it counts its
     * steps and passes them on every 1 024, so the threads meet only then.
     */
    Part part(Path f) {
      return new Part(files.indexOf(f));
    }

    /** A file's share, fed by the one thread that reads it ({@link #part}). */
    final class Part {
      private final int index;
      private long counted;

      private Part(int index) {
        this.index = index;
      }

      /** One more step, at byte {@code offset} of this file. */
      void step(long offset) {
        if ((++counted & 1023) == 0 && index >= 0) {
          advance(index, offset, 1024);
        }
      }
    }

    private synchronized void advance(int index, long offset, long newSteps) {
      doneBytes += Math.max(0, offset - offsets[index]);
      offsets[index] = Math.max(offsets[index], offset);
      if (newSteps > 0) {
        steps += newSteps;
        progress.at(steps, doneBytes / total);
      }
    }
  }

  /**
   * Why a command found no step to work on in {@code ordered} (in step order; {@code first} the
   * header of the first): a header alone, or a window that holds none of their steps (and where
   * the trace holds its start, for one file). {@code what} ends "no step" (" to draw").
   */
  static String noStep(List<Path> ordered, TraceHeader first, TracePoint from, TracePoint to, String what) {
    Path file = ordered.get(0);
    boolean one = ordered.size() == 1;
    return from == null && to == null
        ? (one ? file + " holds" : "the files given hold") + " no step" + what + " (a header only)"
        : "no step of " + (one ? file : "the files given") + " is in "
            + (from == null ? "the first step" : shown(file, first, from)) + " .. "
            + (to == null ? "the last" : shown(file, first, to))
            + (one ? elsewhere(file, first, from) : "");
  }

  /**
   * What to say when the walk stopped at a break or a step unlike its record (the line above says
   * which) before any step of the window: not that the files hold none, which only the files after
   * the break could tell. Without a window, it stopped at the trace's first step: {@code nothing}
   * ("nothing to draw") is said.
   */
  static String stoppedBefore(TracePoint from, TracePoint to, String nothing, boolean mismatch) {
    if (from == null && to == null) {
      return nothing + ": the trace's first step did not replay (the line above says why)";
    }
    if (mismatch) { // a step unlike its record, at or before the window's first
      return nothing + ": the trace did not replay as recorded up to the window " + (from == null ? "the first step"
          : from) + " .. "
          + (to == null ? "the last" : to) + " (the line above says where)";
    }
    return "the files were read up to the break above, before any step of the window "
        + (from == null ? "the first step" : from) + " .. " + (to == null ? "the last" : to)
        + "; the files after the break may hold it: give them alone";
  }

  /** One replayed step of a window ({@link #replayWindow}), with the state before it. */
  @FunctionalInterface
  interface WindowStep {
    void step(Replay replay, dev.cairn.core.CoreState before, Replay.Stepped step);
  }

  /** How {@link #replayWindow} ended: its status, and the header of the first file. */
  /** How a walk ended: its status, the first file's header, and whether a step unlike its record ended it. */
  record Walked(int status, TraceHeader first, boolean mismatch) {
    Walked(int status, TraceHeader first) {
      this(status, first, false);
    }
  }

  /**
   * Replays the files of one trace in step order and hands each step in the window {@code from ..
   * to} to {@code each}: what {@code timeline} and {@code summary} do. A file that does not follow
   * on from the one before, a step unlike its record, a record cut short and a file whose end (its
   * trailer) disagrees with its replay each end the walk, with a line saying what the command has
   * {@code done} (drawn, summed up) up to there, and the status each calls for (1; 2 for the cut
   * record).
   */
  static Walked replayWindow(List<Path> ordered, TracePoint from, TracePoint to, String done, PrintWriter out,
      PrintWriter err, FilesProgress progress, WindowStep each) throws IOException, TraceFormatException {
    int status = OK;
    TracePoint.Window window = null;
    TraceHeader first = null;
    long expected = -1;
    boolean handed = false; // a step of the window handed to each
    for (Path f : ordered) {
      Replay opened;
      try {
        opened = Replay.open(f);
      } catch (TraceFormatException e) {
        if (expected < 0) {
          throw e; // the first file: nothing to report on
        }
        // a later file broken from its start: the files before it are still reported on
        err.println("cairn trace: " + message(e));
        out.println("BROKEN: " + done + " up to the step before " + f + ", which does not read from its start");
        return new Walked(BROKEN, first);
      }
      try (Replay replay = opened) {
        progress.file(f);
        if (window == null) {
          first = replay.header();
          window = window(f, first, from, to);
        }
        String otherNode = first == replay.header() ? null : otherNode(first, replay.header());
        if (otherNode != null || expected >= 0 && replay.header().getFirstStep() != expected) {
          out.println("# " + f + (otherNode != null ? ": " + otherNode
              : " does not follow on from the file before it (it starts at step " + replay.header().getFirstStep()
              + ", not " + expected + ")") + ": " + done + " up to there");
          return new Walked(DIFFERS, first);
        }
        dev.cairn.core.CoreState before = replay.state();
        UpToBreak reads = new UpToBreak(err, expected >= 0);
        for (Optional<Replay.Stepped> s = reads.next(replay::next); s.isPresent(); s = reads.next(replay::next)) {
          Replay.Stepped st = s.get();
          if (st.mismatch().isPresent()) {
            out.println("MISMATCH at " + st.mismatch().get() + "; " + (handed ? done + " up to the step before it"
                : "no step of the window before it"));
            return new Walked(DIFFERS, first, true);
          }
          expected = st.stepNumber() + 1;
          progress.step(st.entry().offset());
          boolean in = window.admits(st.stepNumber(), st.entry().monoNanos(), st.entry().wallMillis());
          if (window.ended()) {
            return new Walked(status, first);
          }
          if (in) {
            each.step(replay, before, st);
            handed = true;
          }
          before = st.step().state();
        }
        if (reads.broken()) {
          out.println("BROKEN: " + done + " up to the step before the broken record (" + reads.why() + ")");
          return new Walked(BROKEN, first);
        }
        if (replay.endMismatch().isPresent()) {
          // as show and replay: the file's end (its trailer) must agree with the state replayed
          out.println("MISMATCH at the end of the file: " + replay.endMismatch().get() + "; " + done
              + " up to the last step");
          return new Walked(DIFFERS, first);
        }
      }
    }
    return new Walked(status, first);
  }

  /**
   * Reads records or steps up to a broken record: a file broken after whole records (its last one
   * cut short by a node that stopped while writing, or one corrupt) reads as ended there, its error
   * printed and {@link #broken} set, so that the command still reports on the records before it. A
   * file broken before its first record is refused as before.
   */
  static final class UpToBreak {
    /** Why a file ends in a record cut short. */
    static final String WHY = "a node that stopped while writing leaves its last record cut short; a length damaged"
        + " inside the file reads the same way";
    /** Why a record before the end does not read. */
    /** Why a record before the end reads but holds a digest damaged: the step replayed as recorded. */
    static final String DAMAGED = "a digest a record holds was damaged, the step itself replayed as recorded: the file"
        + " was damaged or altered after it was written";
    static final String CORRUPT = "a record inside the file does not read: the file was damaged or altered after it"
        + " was written";

    @FunctionalInterface
    interface Read<T> {
      Optional<T> next() throws IOException, TraceFormatException;
    }

    private final PrintWriter err;
    /** Records of earlier files were read: a file broken at its first record breaks there too. */
    private final boolean after;
    private boolean broken;
    private String why = CORRUPT;

    UpToBreak(PrintWriter err) {
      this(err, false);
    }

    UpToBreak(PrintWriter err, boolean after) {
      this.err = err;
      this.after = after;
    }

    <T> Optional<T> next(Read<T> read) throws IOException, TraceFormatException {
      try {
        return read.next();
      } catch (TraceFormatException e) {
        if (!e.hasRecordsBefore() && !after) {
          throw e;
        }
        err.println("cairn trace: " + message(e));
        broken = true;
        why = why(e);
        return Optional.empty();
      }
    }

    /** Why a file broke, as its reader tells ({@link TraceFormatException#kind}). */
    static String why(TraceFormatException e) {
      return switch (e.kind()) {
        case CUT_SHORT -> WHY;
        case DIGEST_DAMAGED -> DAMAGED;
        case CORRUPT -> CORRUPT;
      };
    }

    boolean broken() {
      return broken;
    }

    /** Why the file broke, as far as its reader tells ({@link #why(TraceFormatException)}). */
    String why() {
      return why;
    }
  }

}
