package dev.cairn.shell.trace;

import dev.cairn.proto.trace.TraceHeader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Follows the trace a running node is writing, as {@code tail -F} follows a log: a file is read
 * as its writer adds to it ({@link #tail}), and once it ends, the file after it is waited for
 * ({@link #next}): the writer's next segment ({@code FILE.1}, {@code FILE.2}, …) after a rotation,
 * or, when the node was started again, the first file of its new run. A start sets the earlier
 * run's files aside under other names ({@link EarlierTrace}), so a file whose name no longer
 * names it will not grow: its run has ended.
 *
 * <p>Files are told apart by their headers (each holds its run's start, state and seed, and its
 * own first step), not by where they are stored: a deleted file's inode may be given to the next
 * one. A next segment must continue the file before it (its first step is the one after that
 * file's last); the last {@value #HEADERS_KEPT} headers read are kept to know a new run from a
 * file already followed.
 *
 * <p>It stops when {@code stop} says so (the command's SIGINT, SIGTERM or SIGHUP) or its thread is
 * interrupted, looked at before each wait; {@code waiting} is run before each wait (where a
 * command knows it has read all there is).
 *
 * <p>The file followed is held open from the moment it is chosen ({@link #reader}): the writer's
 * rotation may delete it at any time after that, and its steps are still read. A file chosen but
 * deleted before it could be opened is steps lost, and the follow looks again past it.
 */
public final class TraceFollower implements AutoCloseable {

  /** Headers of the files followed that are kept to tell a new run's file from one already read. */
  static final int HEADERS_KEPT = 64;

  /**
   * What follows a file that ended: {@code file}, the first of a new run of the node or a later
   * file of the same run; {@code missed} when that file does not continue the one before it, the
   * files between them deleted by the writer's rotation before the follow reached them.
   */
  public record Move(Path file, boolean newRun, Optional<Missed> missed, Optional<Missed> runRest) {
    public Move(Path file, boolean newRun) {
      this(file, newRun, Optional.empty(), Optional.empty());
    }

    public Move(Path file, boolean newRun, Optional<Missed> missed) {
      this(file, newRun, missed, Optional.empty());
    }
  }

  /**
   * Steps {@code fromStep..toStep} of a followed run, which the files {@code first} to {@code
   * last} held: the node's writer deleted them (it keeps its newest files only) before a follow
   * that fell behind could read them.
   */
  public record Missed(long fromStep, long toStep, Path first, Path last) {
    /**
     * The steps after {@code fromStep - 1} of the run whose file {@code file} was followed, if it
     * had more: the node's starts set the run aside and later deleted it with its older kept runs
     * ({@link EarlierTrace#KEPT_RUNS}) before the follow reached them; how many there were is not
     * known ({@link #toStep} is -1).
     */
    static Missed restOfRun(long fromStep, Path file) {
      return new Missed(fromStep, -1, file, file);
    }

    /** Whether the last step lost is not known: {@link #restOfRun}. */
    public boolean toRunEnd() {
      return toStep < 0;
    }

    /** "steps 14..48 (FILE.3 to FILE.5) were deleted by rotation before they could be {@code done}". */
    public String describe(String done) {
      if (toRunEnd()) {
        return "any steps from " + fromStep + " on of the run " + first + " belonged to, and any runs between it and"
            + " the oldest run kept, were deleted before they could be " + done + " (a start of the node set them"
            + " aside and later starts deleted them: it keeps its " + EarlierTrace.KEPT_RUNS + " most recent earlier"
            + " runs)";
      }
      boolean one = fromStep == toStep;
      String files = first.equals(last) ? first.toString() : first + " to " + last;
      return (one ? "step " + fromStep : "steps " + fromStep + ".." + toStep) + " (" + files + ") "
          + (one ? "was deleted by rotation before it" : "were deleted by rotation before they") + " could be " + done;
    }
  }

  private final Duration poll;
  private final BooleanSupplier stop;
  private Runnable waiting = () -> { };
  private final ArrayDeque<TraceHeader> seen = new ArrayDeque<>();
  private Path current; // the file the last tail was made for, and its key then
  private Object currentKey;
  private boolean stopped;
  private boolean waited; // it has waited once: it had read what was written
  private boolean setAside;
  private Path heldFile; // the file held open, its handle, and its key when it was opened
  private RandomAccessFile held;
  private Object heldKey;
  private Path liveBase; // the name the node writes its trace under, from the first file moved from
  /** The headers of the files of runs set aside read so far, the most recent {@value #HEADERS_KEPT}. */
  private final Map<List<Object>, Optional<TraceHeader>> keptHeaders =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Optional<TraceHeader>> eldest) {
          return size() > HEADERS_KEPT;
        }
      };

  /**
   * @param poll how long to wait before looking at the files again
   * @param stop whether to stop following (looked at before each wait)
   */
  public TraceFollower(Duration poll, BooleanSupplier stop) {
    if (poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("poll must be positive, not " + poll);
    }
    this.poll = poll;
    this.stop = stop;
  }

  /** Runs {@code r} (after what was given before) before each wait: everything written so far has been read there. */
  public TraceFollower beforeEachWait(Runnable r) {
    Runnable before = waiting;
    waiting = () -> {
      before.run();
      r.run();
    };
    return this;
  }

  /**
   * The tail of a reader of {@code file}, opened now: it waits while the file still has its name (a
   * file held open keeps its inode, so its key tells whether the name still names it) and nobody
   * asked to stop.
   */
  public TraceReader.Tail tail(Path file) throws IOException {
    setAside = false;
    Object key = file.equals(heldFile) ? heldKey : key(file);
    current = file;
    currentKey = key;
    if (liveBase == null) {
      liveBase = liveBaseOf(file);
    }
    if (liveBase != null && !file.equals(liveBase) && !liveBase.equals(base(file, segmentOf(file)))) {
      // a file of a run a start set aside (STEM.STAMP.EXT.N): its writer is gone, so what is there
      // is all there is (a node killed before it closed the file left no trailer, and the name it
      // was set aside under keeps naming it: waiting for it to change would wait for ever)
      return () -> {
        setAside = true;
        return false;
      };
    }
    return () -> {
      if (!await()) {
        return false;
      }
      if (key != null && !key.equals(key(file))) {
        setAside = true; // set aside by a new run's start, or deleted by rotation: nothing more will be written to it
        return false;
      }
      return true;
    };
  }

  /**
   * A reader of {@code file} (the one {@link #tail} was given, or a {@link Move}'s) that reads the
   * follower's handle of it: opened now unless held already (a {@link Move}'s file is held once it
   * is chosen), and held until another file is. A file deleted after it was opened is still read to
   * its end; {@code tail} null reads what is there now as a whole file.
   */
  public TraceReader reader(Path file, TraceReader.Tail tail) throws IOException, TraceFormatException {
    if (!file.equals(heldFile) && (!Files.isRegularFile(file) || !hold(file))) {
      throw new TraceFormatException(TraceReader.notAFile(file));
    }
    RandomAccessFile f = held;
    InputStream in = new InputStream() {
      private long at;

      @Override
      public int read() throws IOException {
        byte[] b = new byte[1];
        int n = read(b, 0, 1);
        return n < 0 ? -1 : b[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        synchronized (f) { // a reader of its own position: several may read the one handle
          f.seek(at);
          int n = f.read(b, off, len);
          at += Math.max(n, 0);
          return n;
        }
      }
      // closing a reader leaves the handle held: the next reader of the file starts from it
    };
    return TraceReader.of(file, in, tail);
  }

  /** Holds {@code file} open in place of the file held before; false when it is not there (or cannot be opened). */
  private boolean hold(Path file) throws IOException {
    RandomAccessFile f;
    try {
      f = new RandomAccessFile(file.toFile(), "r");
    } catch (FileNotFoundException e) {
      return false; // deleted since it was looked at (reading it by its name says why else it cannot be)
    }
    close();
    held = f;
    heldFile = file;
    heldKey = key(file); // while it is held, the name still names it unless it was deleted in between
    return true;
  }

  /** Lets go of the file held open. */
  @Override
  public void close() throws IOException {
    if (held != null) {
      RandomAccessFile f = held;
      held = null;
      heldFile = null;
      heldKey = null;
      f.close();
    }
  }

  /** Whether following stopped because {@code stop} said so (or the thread was interrupted). */
  public boolean stopped() {
    return stopped;
  }

  /**
   * Whether a stop was asked while the follow still catches up with what was written before it
   * (it has not waited yet): the one place it is looked at without a wait, so that a long backlog
   * does not hold a stop back. Once caught up, a stop is seen at the next wait, where everything
   * written by then has been read.
   */
  public boolean stopAskedWhileCatchingUp() {
    if (!waited && !stopped && stop.getAsBoolean()) {
      stopped = true;
    }
    return stopped;
  }

  /**
   * Whether the file being followed was set aside (renamed or removed) before its trailer: its
   * run ended there, and a record cut at its end will never be completed.
   */
  public boolean setAside() {
    return setAside;
  }

  /**
   * Where to start following {@code file}: the newest file of the trace it names ({@code newest}:
   * its highest segment, {@code FILE.N}), or else {@code file} itself, or, when the writer has
   * deleted it after rotations, the oldest segment left; {@code file} itself when none is there
   * (it is then waited for: {@link #awaitFile}).
   */
  public static Path startOf(Path file, boolean newest) throws IOException {
    if (!newest && key(file) != null) {
      return file;
    }
    Path base = base(file, segmentOf(file));
    Path dir = base == null ? null : base.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return file;
    }
    TreeMap<Integer, Path> set = EarlierTrace.existingSet(dir, base.getFileName().toString());
    if (set.isEmpty()) {
      return file;
    }
    return TraceWriter.segmentPath(base, newest ? set.lastKey() : set.firstKey()); // named as given
  }

  /**
   * Waits for the file after {@code file} (the one {@link #tail} was last given), whose header is
   * {@code header} and whose last step read is {@code lastStep}: the next segment, once {@code
   * file} was closed with its trailer and a file continues it; when the writer's rotation deleted
   * the next segment before it was read, the oldest later segment of the run still there (its
   * {@link Move#missed} names the steps lost); when the node started again while the follow was
   * behind, the run's later segments where the start set them aside ({@code STEM.STAMP.EXT.N},
   * {@link EarlierTrace}); once the run ended (it was set aside, or the next segment belongs to
   * another run), the next run: one set aside in turn by a later start when the follow fell behind
   * several starts, else the node's current run's first file, or, when that run's rotation deleted
   * it, the oldest file of the run left (its {@link Move#missed} names the run's first steps). The
   * file moved to is held open ({@link #reader}); one deleted before it could be opened is passed
   * over as lost, and the follow looks again. A {@code file} deleted by rotation while it was read
   * is not a new run: it was read to its trailer, and the files of its run after it are looked
   * for. Empty when asked to stop, or when {@code file} is not named as a node writes its trace
   * (FILE or FILE.N).
   */
  public Optional<Move> next(Path file, TraceHeader header, long lastStep, boolean closed) throws IOException {
    remember(header);
    Path base = base(file, header.getSegment());
    if (base == null) {
      return Optional.empty();
    }
    if (liveBase == null) {
      liveBase = liveBaseOf(file);
    }
    boolean setAsideRun = !base.equals(liveBase); // nothing is added to a run set aside
    Path nextSegment = TraceWriter.segmentPath(base, header.getSegment() + 1);
    Object key = file.equals(current) ? currentKey : null; // as it was when the file was opened
    // no trailer: no segment of this run follows it (a file that was set aside, or deleted by
    // rotation, and read to its trailer, may be followed by one: rotation deletes closed files)
    boolean cut = !closed;
    while (true) {
      boolean ended = cut;
      if (!cut) {
        // a segment that continues this file (its run, the next step), looked for every time: the
        // writer may delete this file (its oldest kept) just before it creates the next
        Optional<TraceHeader> h = headerOf(nextSegment);
        if (h.isPresent() && !seen.contains(h.get())) {
          if (h.get().getFirstStep() == lastStep + 1 && TraceSegments.sameRun(h.get(), header)) {
            if (hold(nextSegment)) {
              return Optional.of(new Move(nextSegment, false));
            }
            continue; // deleted by rotation just now: a later file of the run is there
          }
          ended = true; // another run's segment: ours was set aside
        } else if (h.isEmpty()) {
          // not there (or its header not written yet): a later file of the run means it was deleted
          Optional<Move> later = laterOfRun(base, header, lastStep);
          if (later.isPresent()) {
            return later;
          }
        }
        if (setAsideRun || key == null || !key.equals(key(file))) {
          ended = true; // renamed or removed: a new run set it aside, or rotation removed it
        }
        if (ended && !setAsideRun) {
          // set aside by a new start while the follow was behind: the run's later files went with it
          Optional<Move> aside = setAsideOfRun(header, lastStep);
          if (aside.isPresent()) {
            return aside;
          }
        }
      }
      if (ended) {
        Optional<Move> kept = keptRunAfter(file, header, lastStep, closed);
        if (kept.isPresent()) {
          return kept;
        }
        Optional<TraceHeader> h = headerOf(liveBase);
        if (h.isPresent() && !seen.contains(h.get()) && h.get().getSegment() == 0
            && !TraceSegments.sameRun(h.get(), header)) {
          if (hold(liveBase)) {
            return Optional.of(new Move(liveBase, true));
          }
          continue; // the new run's rotation deleted it just now
        }
        if (h.isEmpty()) {
          Optional<Move> later = newRunPastRotation(liveBase, header);
          if (later.isPresent()) {
            return later;
          }
        }
      }
      if (!await()) {
        return Optional.empty();
      }
    }
  }

  /**
   * The name the node writes its trace under, from the name of a file of it ({@code FILE} or
   * {@code FILE.N}, or, for a file a start set aside, {@code STEM.STAMP.EXT} or {@code
   * STEM.STAMP.EXT.N}: the follow of a run set aside goes on into the runs after it); the file's
   * own name when it is named neither way.
   */
  private static Path liveBaseOf(Path file) {
    Path base = base(file, segmentOf(file));
    if (base == null) {
      base = file; // FILE.N where N is not a segment of it: taken as named
    }
    return EarlierTrace.liveName(base.getFileName().toString()).map(base::resolveSibling).orElse(base);
  }

  /** A run a start of the node set aside: its files by segment, and its oldest file whose header reads. */
  private record KeptRun(TreeMap<Integer, Path> files, Path oldest, TraceHeader first) {}

  /** The runs the node's starts set aside ({@link EarlierTrace#keptSets}) that have a readable file, in the order they ran. */
  private List<KeptRun> keptRuns() throws IOException {
    Path dir = liveBase.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    List<KeptRun> runs = new ArrayList<>();
    for (TreeMap<Integer, Path> listed : EarlierTrace.keptSets(dir, liveBase.getFileName().toString()).values()) {
      TreeMap<Integer, Path> set = new TreeMap<>();
      listed.forEach((segment, p) -> set.put(segment, liveBase.resolveSibling(p.getFileName()))); // named as given
      for (Path p : set.values()) {
        Optional<TraceHeader> h = keptHeaderOf(p);
        if (h.isPresent()) {
          runs.add(new KeptRun(set, p, h.get()));
          break;
        }
      }
    }
    return runs;
  }

  /**
   * The oldest segment after {@code header}'s of its run that a new start of the node set aside
   * with it, as a move (past the steps the segments before it held, when the node's rotation had
   * deleted them); empty when the run was not set aside or no later file of it was kept.
   */
  private Optional<Move> setAsideOfRun(TraceHeader header, long lastStep) throws IOException {
    for (KeptRun run : keptRuns()) {
      if (!TraceSegments.sameRun(run.first(), header)) {
        continue;
      }
      for (var e : run.files().tailMap(header.getSegment() + 1).entrySet()) {
        Optional<TraceHeader> h = keptHeaderOf(e.getValue());
        if (h.isEmpty() || seen.contains(h.get()) || !TraceSegments.sameRun(h.get(), header)
            || h.get().getFirstStep() <= lastStep || !hold(e.getValue())) {
          continue;
        }
        Path setBase = base(e.getValue(), e.getKey());
        Optional<Missed> missed = h.get().getFirstStep() == lastStep + 1 ? Optional.empty()
            : Optional.of(new Missed(lastStep + 1, h.get().getFirstStep() - 1,
                TraceWriter.segmentPath(setBase, header.getSegment() + 1),
                TraceWriter.segmentPath(setBase, e.getKey() - 1)));
        return Optional.of(new Move(e.getValue(), false, missed));
      }
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * When {@code header}'s run ended, the run set aside after it (the follow fell behind more than
   * one start of the node), from its oldest file kept, as a new run (past its first steps when its
   * rotation had deleted them); empty when there is none. When {@code header}'s run is not among
   * the runs kept (later starts deleted it: the follow read it from the file it held), the oldest
   * kept run that started after it, and any steps of {@code header}'s run after {@code lastStep}
   * are named as lost with it ({@link Move#runRest}): {@code file}'s run may have gone on in files
   * deleted with it.
   */
  private Optional<Move> keptRunAfter(Path file, TraceHeader header, long lastStep, boolean closed)
      throws IOException {
    List<KeptRun> runs = keptRuns();
    boolean kept = runs.stream().anyMatch(run -> TraceSegments.sameRun(run.first(), header));
    if (!kept && runStart(header) == 0) {
      return Optional.empty(); // a file cut before its header: when its run started is not known
    }
    boolean after = false;
    for (KeptRun run : runs) {
      if (!after) {
        after = kept ? TraceSegments.sameRun(run.first(), header) : runStart(run.first()) > runStart(header);
        if (kept || !after) {
          continue;
        }
      }
      if (seen.contains(run.first()) || TraceSegments.sameRun(run.first(), header) || !hold(run.oldest())) {
        continue; // the oldest file deleted since it was read (by a later start's pruning): the run after it
      }
      int segment = run.first().getSegment();
      Path setBase = base(run.oldest(), segment);
      Optional<Missed> missed = run.first().getFirstStep() == 0 || setBase == null ? Optional.empty()
          : Optional.of(new Missed(0, run.first().getFirstStep() - 1, setBase,
              TraceWriter.segmentPath(setBase, segment - 1)));
      // a file without its trailer is its run's last: nothing of the run came after it
      return Optional.of(new Move(run.oldest(), true, missed,
          kept || !closed ? Optional.empty() : Optional.of(Missed.restOfRun(lastStep + 1, file))));
    }
    return Optional.empty();
  }

  /** When {@code header}'s run started, by the wall clock (its file's start in traces that do not say). */
  private static long runStart(TraceHeader header) {
    return header.hasRunStartWallMillis() ? header.getRunStartWallMillis() : header.getStartWallMillis();
  }

  /**
   * The header of a file of a run set aside, read once: nothing is written to such a file (it is
   * only deleted), and a follow waiting for the node's next run looks at them at every poll.
   */
  private Optional<TraceHeader> keptHeaderOf(Path file) {
    Object key;
    try {
      key = key(file);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (key == null) {
      return Optional.empty(); // deleted since it was listed
    }
    List<Object> at = List.of(file, key); // a name a later start gives again names another file
    Optional<TraceHeader> h = keptHeaders.get(at);
    if (h == null) {
      h = headerOf(file);
      if (h.isPresent()) {
        keptHeaders.put(at, h);
      }
    }
    return h;
  }

  /**
   * The oldest segment of {@code header}'s run after the one that follows it ({@code base}'s
   * segment {@code header.segment + 2} or later) still on disk, as a move past the steps after
   * {@code lastStep} that the segments before it held; empty when the oldest later segment whose
   * header reads is of another run, or there is none. A segment is written only once the one
   * before it is closed, so a later one there means the next one was deleted, not that it is yet
   * to come.
   */
  private Optional<Move> laterOfRun(Path base, TraceHeader header, long lastStep) throws IOException {
    Path dir = base.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    int next = header.getSegment() + 1;
    for (int segment : EarlierTrace.existingSet(dir, base.getFileName().toString()).tailMap(next + 1).keySet()) {
      Path later = TraceWriter.segmentPath(base, segment); // named as given
      Optional<TraceHeader> h = headerOf(later);
      if (h.isEmpty()) {
        continue; // gone since it was listed, or damaged: the one after it
      }
      if (seen.contains(h.get()) || !TraceSegments.sameRun(h.get(), header)
          || h.get().getFirstStep() <= lastStep + 1) {
        return Optional.empty();
      }
      if (!hold(later)) {
        continue; // deleted since its header was read: the one after it
      }
      return Optional.of(new Move(later, false, Optional.of(new Missed(lastStep + 1, h.get().getFirstStep() - 1,
          TraceWriter.segmentPath(base, next), TraceWriter.segmentPath(base, segment - 1)))));
    }
    return Optional.empty();
  }

  /**
   * After {@code header}'s run ended, when the new run's first file ({@code base}) is not there: the
   * oldest later segment of a run not followed yet, as a move into that new run past its first
   * steps, which the segments before it held (its own rotation deleted them before the follow
   * looked); empty when there is none.
   */
  private Optional<Move> newRunPastRotation(Path base, TraceHeader header) throws IOException {
    Path dir = base.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    for (int segment : EarlierTrace.existingSet(dir, base.getFileName().toString()).tailMap(1).keySet()) {
      Path later = TraceWriter.segmentPath(base, segment); // named as given
      Optional<TraceHeader> h = headerOf(later);
      if (h.isEmpty()) {
        continue; // gone since it was listed, or its header not written yet
      }
      if (seen.contains(h.get()) || TraceSegments.sameRun(h.get(), header) || h.get().getSegment() != segment
          || h.get().getFirstStep() == 0) {
        return Optional.empty(); // a file of the run that ended, or not one the new run's rotation left
      }
      if (!hold(later)) {
        continue;
      }
      return Optional.of(new Move(later, true, Optional.of(new Missed(0, h.get().getFirstStep() - 1, base,
          TraceWriter.segmentPath(base, segment - 1)))));
    }
    return Optional.empty();
  }

  /**
   * Waits until {@code file} exists (a node started with it may not have written its first step
   * yet); false when asked to stop first. {@code told} is run once, when it has to wait. Something
   * there that is not a regular file (a directory) is not waited on: reading it then says what it is.
   */
  public boolean awaitFile(Path file, Runnable told) throws IOException {
    boolean said = false;
    while (key(file) == null) {
      if (Files.exists(file)) {
        return true; // a directory or another thing that is not a file, never to be written: opening it says so
      }
      if (!said) {
        told.run();
        said = true;
      }
      if (!await()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The name a node's trace was started with, from that of its segment {@code segment}
   * ({@code FILE.3} for segment 3); null when the file is not named so.
   */
  static Path base(Path file, int segment) {
    if (segment == 0) {
      return file;
    }
    String name = file.getFileName().toString();
    String suffix = "." + segment;
    if (!name.endsWith(suffix) || name.length() == suffix.length()) {
      return null;
    }
    return file.resolveSibling(name.substring(0, name.length() - suffix.length()));
  }

  /** The segment a file's name gives it: {@code N} for {@code FILE.N}, else 0. */
  public static int segmentOf(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1 || name.length() - dot > 10) {
      return 0;
    }
    for (int i = dot + 1; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return 0;
      }
    }
    return Integer.parseInt(name, dot + 1, name.length(), 10);
  }

  /** The header of {@code file}, when the file exists and its header is written and sound. */
  private static Optional<TraceHeader> headerOf(Path file) {
    try (TraceReader r = TraceReader.open(file)) {
      return Optional.of(r.header());
    } catch (IOException | TraceFormatException e) {
      return Optional.empty(); // not there, or its header is still in its writer's buffer
    }
  }

  private void remember(TraceHeader header) {
    seen.remove(header);
    seen.addLast(header);
    while (seen.size() > HEADERS_KEPT) {
      seen.removeFirst();
    }
  }

  /** False when asked to stop (or interrupted: the same); else waits one poll and returns true. */
  private boolean await() {
    if (stopped || stop.getAsBoolean()) {
      stopped = true;
      return false;
    }
    waited = true;
    waiting.run();
    try {
      Thread.sleep(poll);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
      return false;
    }
    return true;
  }

  /**
   * What tells this file from another at the same path while it is held open (its device and
   * inode where the platform gives them, else its path); null when no regular file is there.
   */
  private static Object key(Path file) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        return null;
      }
      return a.fileKey() != null ? a.fileKey() : file.toAbsolutePath();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
