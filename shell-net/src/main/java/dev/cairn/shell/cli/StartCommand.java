package dev.cairn.shell.cli;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookKey;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.HostPort;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.config.TraceConfig;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.metrics.NodeMetrics;
import dev.cairn.shell.node.BookPersister;
import dev.cairn.shell.node.CoreConfigs;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.Node;
import dev.cairn.shell.p2p.HostResolver;
import dev.cairn.shell.p2p.IpText;
import dev.cairn.shell.store.AddrBookFile;
import dev.cairn.shell.store.AddrBookMapping;
import dev.cairn.shell.trace.EarlierTrace;
import dev.cairn.shell.trace.TraceWriter;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn start}: runs the node of a home made by {@code cairn init}. A corrupt
 * {@code addrbook.json} stops start-up with a message naming the file and the problem and is
 * left untouched. SIGINT/SIGTERM stop the node gracefully: stop accepting, close peers, persist
 * the address book, exit 0.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Run the node of a home directory.")
final class StartCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(StartCommand.class);

  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(names = "--duration", paramLabel = "DURATION", description = "stop after this long (default: run until signalled)")
  String duration;

  @Option(names = "--trace", paramLabel = "FILE",
      description = "record every core step to FILE (overrides [cairn] trace_file); see 'cairn trace'")
  Path trace;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = home.resolve();
    java.time.Duration runFor = duration == null ? null
        : CliDurations.parse(spec.commandLine(), "--duration", duration, false);
    if (trace != null && trace.toString().isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--trace '' names no file");
    }
    Path traceDir = trace == null ? null : trace.toAbsolutePath().getParent();
    if (traceDir != null && !Files.isDirectory(traceDir)) {
      // as trace cut --out: a typo in a path given here is not made into directories ([cairn]
      // trace_file, resolved against the home, still has its directory made, data/traces/ say)
      err.println("cairn start: --trace " + trace + ": its directory " + traceDir
          + (Files.exists(traceDir) ? " is not a directory" : " does not exist (create it first, or name another)"));
      return 1;
    }
    NodeConfig cfg = ConfigLoader.load(dir);
    cfg.warnings().forEach(w -> err.println("cairn start: warning: " + w));
    Path keyFile = HomeOption.nodeKeyFile(dir);
    Optional<String> dangling = HomeOption.danglingKeyProblem(keyFile);
    if (dangling.isPresent()) {
      err.println("cairn start: " + dangling.get());
      return 1;
    }
    if (!Files.exists(keyFile)) {
      err.println("cairn start: " + keyFile + " does not exist; run 'cairn init' first");
      return 1;
    }
    NodeKey key = NodeKey.load(keyFile);
    HostPort laddr = cfg.p2p().listenAddress();
    Path configFile = dir.resolve("config").resolve("config.toml");
    if (laddr.port() == 0) {
      err.println("cairn start: " + configFile + ": [p2p] laddr = \"tcp://" + laddr + "\": needs a fixed port (the"
          + " node's own address is part of its configuration)");
      return 1;
    }
    if (IpText.parse(laddr.host()) == null) {
      try {
        dev.cairn.shell.p2p.HostResolver.system().resolve(laddr.host());
      } catch (java.net.UnknownHostException e) {
        err.println("cairn start: " + configFile + ": [p2p] laddr = \"tcp://" + laddr + "\": the host '" + laddr.host()
            + "' does not resolve, so the node has nothing to listen on");
        return 1;
      }
    }
    Optional<String> dataProblem = HomeOption.dataProblem(dir);
    if (dataProblem.isPresent()) {
      err.println("cairn start: " + dataProblem.get());
      return 1;
    }
    if (!cfg.p2p().pex()) {
      // CometBFT's pex = false leaves the PEX reactor out; this node has no other reactor, so it
      // would advertise no channel at all, and CometBFT refuses a peer it shares no channel with
      err.println("cairn start: " + dir.resolve("config").resolve("config.toml") + ": [p2p] pex = false: this node"
          + " runs the PEX reactor alone, so without it it would share no channel with any peer (CometBFT refuses"
          + " such a peer); set pex = true. Cairn is the p2p layer of a seed, a sentry or a crawler: a validator"
          + " behind sentries runs CometBFT with pex = false, and Cairn sentries keep it unknown through their"
          + " private_peer_ids (a Cairn node in the validator's place exchanges addresses like any other, and"
          + " becomes known)");
      return 1;
    }
    if (cfg.cairn().metrics().clashesWith(laddr)) {
      err.println("cairn start: " + dir.resolve("config").resolve("config.toml") + ": prometheus_listen_addr = \""
          + cfg.cairn().metrics().listenAddress() + "\" takes the port of [p2p] laddr = \"" + laddr
          + "\"; give the metrics server a port of its own");
      return 1;
    }
    if (cfg.p2p().externalAddress().isPresent()) {
      HostPort external = cfg.p2p().externalAddress().get();
      String problem = externalProblem(external, dev.cairn.shell.p2p.HostResolver.system());
      if (problem != null) {
        err.println("cairn start: " + dir.resolve("config").resolve("config.toml") + ": [p2p] external_address = \""
            + external + "\": " + problem);
        return 1;
      }
    }
    try (HomeLock lock = HomeLock.take(dir)) {
      return run(out, err, dir, runFor, cfg, key, laddr);
    } catch (HomeLock.InUse e) {
      err.println("cairn start: " + e.getMessage());
      return 1;
    }
  }

  /** The node of the home {@code dir}, run while its lock is held: nothing is written before that. */
  private int run(PrintWriter out, PrintWriter err, Path dir, java.time.Duration runFor, NodeConfig cfg, NodeKey key,
      HostPort laddr) throws Exception {
    List<NodeAddress> ours = new ArrayList<>();
    ours.add(new NodeAddress(key.id(), canonical(laddr.host()), laddr.port()));
    cfg.p2p().externalAddress().ifPresent(e -> ours.add(new NodeAddress(key.id(), canonical(e.host()), e.port())));
    CoreConfig core;
    try {
      core = CoreConfigs.from(cfg, key.id(), ours, HostResolver.system());
    } catch (IllegalArgumentException e) {
      // the core's own check of the limits together (config.toml's keys named in parentheses)
      err.println("cairn start: " + dir.resolve("config").resolve("config.toml") + ": " + e.getMessage());
      return 1;
    }

    Path bookFile = dir.resolve(cfg.p2p().addrBookFile());
    String bookProblem = bookOfAnotherRunningHome(bookFile, dir);
    if (bookProblem == null) {
      bookProblem = bookFileProblem(bookFile);
    }
    if (bookProblem != null) {
      err.println("cairn start: [p2p] addr_book_file = \"" + cfg.p2p().addrBookFile() + "\": " + bookProblem);
      return 1;
    }
    if (Files.isSymbolicLink(bookFile)) {
      bookFile = bookFile.toRealPath(); // written where the link points: the link stays a link
    }
    java.util.Optional<java.nio.channels.FileChannel> bookLock;
    try {
      bookLock = lockBook(bookFile, dir);
    } catch (BookInUse e) {
      err.println("cairn start: [p2p] addr_book_file = \"" + cfg.p2p().addrBookFile() + "\": " + e.getMessage());
      return 1;
    }
    try {
      // only once the book is this node's: the check replaces it by a copy of itself
      String replaceProblem = cannotReplace(bookFile);
      if (replaceProblem != null) {
        err.println("cairn start: [p2p] addr_book_file = \"" + cfg.p2p().addrBookFile() + "\": " + replaceProblem);
        return 1;
      }
      return run(out, err, dir, runFor, cfg, key, laddr, core, bookFile);
    } finally {
      if (bookLock.isPresent()) {
        bookLock.get().close(); // releases the lock
      }
    }
  }

  /** The node, run while the locks on its home and on its book are held. */
  private int run(PrintWriter out, PrintWriter err, Path dir, java.time.Duration runFor, NodeConfig cfg, NodeKey key,
      HostPort laddr, CoreConfig core, Path bookFile) throws Exception {
    // a save a crash cut short leaves its temporary file beside the book: no save runs yet
    int stale = dev.cairn.shell.store.DurableFiles.removeStaleTemporaries(bookFile);
    if (stale > 0) {
      log.info("event=stale_temporaries_removed file={} count={} reason=\"left by saves a crash cut short\"",
          bookFile, stale);
    }
    AddressBook book;
    org.pcollections.PSortedMap<dev.cairn.core.NodeId, dev.cairn.core.WallTime> bannedIds =
        org.pcollections.TreePMap.empty();
    var loaded = AddrBookFile.load(bookFile);
    if (loaded.isPresent()) {
      book = AddrBookMapping.toCore(bookFile, core.peer().book(), loaded.get());
      bannedIds = AddrBookMapping.bannedIds(loaded.get());
      var leftOut = AddrBookMapping.leftOut(core.peer().book(), loaded.get());
      var overflows = AddrBookMapping.overflows(core.peer().book(), loaded.get());
      List<String> unknown = dev.cairn.shell.store.AddrBookFile.unknownFields(Files.readAllBytes(bookFile), 6);
      if (!leftOut.isEmpty() || !overflows.isEmpty() || !unknown.isEmpty()) {
        // the node saves its book without them: the file as it was is kept beside it first
        Path kept = keptBook(bookFile, java.time.Instant.now());
        try {
          Files.copy(bookFile, kept, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        } catch (java.io.IOException e) {
          err.println("cairn start: " + bookFile + " holds " + (!leftOut.isEmpty() ? "entries the config now refuses"
              : !overflows.isEmpty() ? "buckets fuller than this node's book keeps them"
              : "fields this build does not know") + ", and a copy of it could not be kept ("
              + dev.cairn.shell.node.FailureReasons.describe(e) + "); nothing was changed");
          return 1;
        }
        if (!unknown.isEmpty()) {
          log.warn("event=addrbook_fields_not_kept file={} fields={} kept_in={} why=\"written by another tool or a"
              + " newer build; this build's saves write the book without them\"", bookFile,
              String.join(",", unknown), kept);
        }
        if (!overflows.isEmpty()) {
          var moved = overflows.stream().map(AddrBookMapping.Overflow::address).distinct().toList();
          var unloaded = overflows.stream().filter(AddrBookMapping.Overflow::leftOut)
              .map(AddrBookMapping.Overflow::address).distinct().toList();
          log.warn("event=addrbook_buckets_overfull file={} buckets={} addresses={} left_out={} left_out_addresses={}"
              + " kept_in={} why=\"buckets holding more than the {} addresses a bucket keeps (CometBFT's book lets one"
              + " hold {}): the entry with the earliest last attempt left each; an entry left in no bucket is not"
              + " loaded, nor saved back\"", bookFile, overflows.size(), firstOf(moved), unloaded.size(),
              firstOf(unloaded), kept, dev.cairn.shell.store.BucketKind.BUCKET_CAPACITY,
              dev.cairn.shell.store.BucketKind.FILE_BUCKET_CAPACITY);
        }
        for (var left : leftOut.entrySet()) {
          log.warn("event=addrbook_entries_left_out file={} reason={} count={} addresses={} kept_in={}"
              + " why=\"{}; not saved back\"", bookFile, left.getKey().name().toLowerCase(java.util.Locale.ROOT),
              left.getValue().size(), firstOf(left.getValue()), kept, leftOutWhy(left.getKey()));
        }
      }
    } else {
      byte[] k = new byte[12];
      new SecureRandom().nextBytes(k);
      book = AddressBook.empty(BookKey.of(HexFormat.of().formatHex(k)));
    }
    Files.createDirectories(bookFile.toAbsolutePath().getParent());
    long seed = cfg.cairn().prngSeed().orElse(new SecureRandom().nextLong());
    // the NodeInfo's listen_addr: external_address when set, else laddr (CometBFT's choice)
    String advertised = advertised(cfg.p2p().externalAddress().orElse(laddr), dev.cairn.shell.p2p.HostResolver.system());
    if (cfg.p2p().externalAddress().isEmpty() && IpText.parse(laddr.host()) != null
        && IpText.parse(laddr.host()).isAnyLocalAddress()) {
      log.warn("event=advertised_unspecified advertised={} why=\"[p2p] external_address is empty, so the node"
          + " advertises its laddr, which names no host: CometBFT peers learn no address of this node from it, and"
          + " others find it only where it is configured by hand; set external_address to the IP or name peers"
          + " reach this node at\"", advertised);
    }
    MConnConfig mconn = new MConnConfig(cfg.p2p().maxPacketMsgPayloadSize(), cfg.p2p().flushThrottleTimeout(),
        MConnConfig.defaults().pingInterval(), MConnConfig.defaults().pongTimeout(), cfg.p2p().sendRate(),
        cfg.p2p().recvRate());
    Optional<Path> traceTarget = Optional.ofNullable(trace).or(() -> cfg.cairn().trace().file().map(dir::resolve));
    if (traceTarget.isPresent() && dev.cairn.shell.store.DurableFiles.sameFile(traceTarget.get(), bookFile)) {
      // the book's first save would rename over the trace (or the trace's start over the book)
      err.println("cairn start: the trace file " + traceTarget.get() + " is the address book ([p2p] addr_book_file = \""
          + cfg.p2p().addrBookFile() + "\"): give the trace a file of its own");
      return 1;
    }
    if (traceTarget.isPresent()) {
      try {
        for (EarlierTrace.Moved m : EarlierTrace.setAside(traceTarget.get())) {
          if (m.to() != null) {
            log.info("event=earlier_trace_kept from={} to={}", m.from(), m.to());
          } else if (m.heldNoStep()) {
            log.info("event=old_trace_deleted file={} reason=\"it held no step (empty, or cut inside its first"
                + " bytes)\"", m.from());
          } else {
            log.info("event=old_trace_deleted file={} reason=\"more than {} earlier runs kept\"", m.from(),
                EarlierTrace.KEPT_RUNS);
          }
        }
      } catch (EarlierTrace.Refused e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    CountDownLatch stop = Signals.stopLatch();
    Signals.ignoredNote().ifPresent(note -> {
      err.println("cairn start: note: " + note);
      err.flush();
    });
    try (NodeMetrics metrics = NodeMetrics.start(cfg.cairn().metrics())) {
      EventLoopGroup group = EventLoops.newGroup(1);
      TraceConfig tc = cfg.cairn().trace();
      Optional<Path> traceFile = Optional.ofNullable(trace).or(() -> tc.file().map(dir::resolve));
      // the bans by ID addrbook.json holds (cairn_banned_ids) start in the core, and so in the trace
      Node.Settings settings = new Node.Settings(key, cfg.network(), cfg.cairn().moniker(), laddr.host(),
          laddr.port(), core, seed, book, mconn, cfg.p2p().handshakeTimeout(), cfg.p2p().dialTimeout(),
          Node.handshakeSlots(cfg.p2p().maxNumInboundPeers(), cfg.p2p().unconditionalPeerIds().size()),
          BookPersister.toFile(bookFile, loaded.map(AddrBookMapping.Times::of).orElse(AddrBookMapping.Times.NONE)),
          metrics, bannedIds);
      if (traceFile.isPresent()) {
        // every file of a rotated trace starts with the whole state: a bound below a few of those
        // keeps little more than headers (rotation then deletes the steps an incident needs)
        long header = dev.cairn.shell.trace.CanonicalCodec.encodeState(Node.initialState(settings)).length
            + (long) dev.cairn.shell.trace.CanonicalCodec.encodeConfig(core).length;
        if (tc.maxFileBytes() < 4 * header) {
          log.warn("event=trace_files_small file={} trace_max_file_bytes={} header_bytes={} why=\"each file starts"
              + " with the whole state, about {} bytes now: files this small hold few steps each, and the {} kept"
              + " (trace_max_files) little history; give trace_max_file_bytes at least 10 times the header\"",
              traceFile.get(), tc.maxFileBytes(), header, header, tc.maxFiles());
        }
      }
      TraceWriter tracer = traceFile.map(f -> new TraceWriter(traceOptions(f, tc), core,
          Node.initialState(settings), seed)).orElse(null);
      Node node;
      try {
        node = Node.start(settings, group, tracer, List.of(),
            new Node.Options(advertised, cfg.p2p().allowDuplicateIp(), cfg.cairn().maxHandshakesPerGroup()));
      } catch (Exception e) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (tracer != null) {
          tracer.close();
        }
        throw e;
      }
      Optional<String> traceFailure = tracer == null ? Optional.empty() : tracer.awaitFirstFlush(
          java.time.Duration.ofSeconds(5));
      if (traceFailure.isPresent()) {
        // asked for a trace and cannot write one (a full disk, say): not a node to leave running
        node.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        tracer.close();
        err.println("cairn start: the trace " + traceFile.get() + " could not be written (" + traceFailure.get()
            + "): the node was stopped, as it was asked to record its decisions");
        return 1;
      }
      out.println(Json.line(Json.object()
          .put("event", "started")
          .put("node_id", key.id().hex())
          .put("listen_addr", Json.address(node.listenAddress().ip(), node.listenAddress().port()))
          .put("advertised", advertised)
          .put("network", cfg.network())
          .put("prng_seed", seed)
          .put("trace", traceFile.map(Path::toString).orElse(""))
          .put("metrics", metrics.endpoint().map(Json::address).orElse(""))));
      out.flush();
      if (runFor == null) {
        stop.await();
      } else {
        stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
      }
      node.close();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      if (tracer != null) {
        tracer.close(); // after the loop stopped: no step can follow
      }
      boolean saved = node.bookSavedOnClose();
      out.println(Json.line(Json.object().put("event", "stopped").put("address_book", bookFile.toString())
          .put("address_book_saved", saved)));
      out.flush();
      if (!saved) {
        // what the node learned since its last save is lost: not a clean stop
        err.println("cairn start: the address book could not be saved to " + bookFile + " as the node stopped"
            + " (see the persist_failed_on_close line); what an earlier save wrote there, if anything, is left as it"
            + " was");
        return 1;
      }
    }
    return 0;
  }

  /**
   * Where the address book is kept as it was before entries the config now refuses are dropped
   * from it: {@code STEM.STAMP.EXT} beside it (STAMP the UTC time, as {@code 20261124T051500Z}).
   */
  static Path keptBook(Path bookFile, java.time.Instant now) {
    String name = bookFile.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stamp = EarlierTrace.stamp(now);
    String kept = dot > 0 ? name.substring(0, dot) + "." + stamp + name.substring(dot) : name + "." + stamp;
    return bookFile.resolveSibling(kept);
  }

  /** At most this many addresses of a kind left out of the book are named in its log line. */
  static final int LEFT_OUT_NAMED = 5;

  /** The first {@link #LEFT_OUT_NAMED} addresses, comma-separated, then how many more. */
  static String firstOf(java.util.List<dev.cairn.core.NodeAddress> addrs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(LEFT_OUT_NAMED, addrs.size()); i++) {
      b.append(i == 0 ? "" : ",").append(addrs.get(i));
    }
    return addrs.size() > LEFT_OUT_NAMED ? b + ",+" + (addrs.size() - LEFT_OUT_NAMED) + " more" : b.toString();
  }

  /** Why the config now refuses a stored entry ({@link AddrBookMapping#leftOut}), in config.toml's words. */
  static String leftOutWhy(dev.cairn.core.book.AddOutcome why) {
    return switch (why) {
      case PRIVATE -> "its ID is in [p2p] private_peer_ids";
      case PRIVATE_SOURCE -> "it was learned from a peer in [p2p] private_peer_ids";
      case SELF -> "it is this node (its own node ID)";
      case NON_ROUTABLE -> "it is not routable and [p2p] addr_book_strict is true";
      default -> "the book refuses it (" + why + ")";
    };
  }

  /**
   * Why the address book cannot be kept at {@code file}, or null: a link to nothing, or a
   * directory where no file can be written (the book is written beside itself, then moved into
   * place: a failure found only at the first save would lose every address learned until then).
   * Whether it can be replaced is tried once the node holds the book ({@link #cannotReplace}).
   */
  static String bookFileProblem(Path file) {
    if (Files.isSymbolicLink(file) && !Files.exists(file)) {
      return "it is a symbolic link to a file that does not exist (or a loop of links)";
    }
    Path target = file;
    try {
      if (Files.isSymbolicLink(file)) {
        target = file.toRealPath();
      }
    } catch (IOException e) {
      return "cannot follow its link: " + dev.cairn.shell.node.FailureReasons.describe(e);
    }
    String why = dev.cairn.shell.store.DurableFiles.cannotCreateIn(target.toAbsolutePath().getParent())
        .map(w -> "cannot write there: " + w).orElse(null);
    return why;
  }

  /**
   * Why {@code file} is not this node's to keep, or null: it lies in another home (its {@code
   * config/}, or any folder below the home) whose node is running, which would save over this
   * node's saves and be saved over by them, each writing the other's own ID and private peers into
   * its book. A book outside every home is guarded by its own lock ({@link #lockBook}).
   */
  static String bookOfAnotherRunningHome(Path file, Path home) {
    try {
      Path real = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath().normalize();
      for (Path other = real.getParent(); other != null; other = other.getParent()) {
        if (!Files.isDirectory(other)) {
          continue; // a folder the first save would make
        }
        if (Files.exists(home) && Files.isSameFile(other, home)) {
          return null; // in this node's home, which its lock guards
        }
        Path lock = HomeLock.file(other);
        if (dev.cairn.shell.store.FileLocks.held(lock)) { // a regular file that a running node locks
          String what = real.getParent().equals(other.resolve("config")) ? "the address book of the home "
              : "a file of the home ";
          return "it is " + what + other + ", which a running node uses (" + lock
              + " is locked); give this node a book of its own";
        }
      }
      return null;
    } catch (IOException e) {
      return null; // not a file of another home that can be looked at: the checks after this one decide
    }
  }

  /** The book is kept by another running node: the message names the file and its lock. */
  static final class BookInUse extends Exception {
    private static final long serialVersionUID = 1L;

    BookInUse(String message) {
      super(message);
    }
  }

  /**
   * The lock this node holds on a book outside its home ({@code BOOK.lock} beside it) while it
   * runs, so that two nodes given the same book elsewhere (a shared folder) do not save over each
   * other's saves; none for a book in the home, which the home's lock guards. The lock file stays;
   * only its lock tells, and the operating system drops it when the process ends.
   */
  static java.util.Optional<java.nio.channels.FileChannel> lockBook(Path book, Path home)
      throws IOException, BookInUse {
    Path parent = book.toAbsolutePath().normalize().getParent();
    Files.createDirectories(parent); // the book's folder: made here, as the first save would
    Path real = parent.toRealPath().resolve(book.getFileName());
    if (real.startsWith(home.toRealPath())) {
      return java.util.Optional.empty();
    }
    Path lock = real.resolveSibling(real.getFileName() + ".lock");
    var ch = dev.cairn.shell.store.FileLocks.openLocked(lock, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE);
    if (ch.isEmpty()) {
      throw new BookInUse("it is the address book of another running node (" + lock
          + " is locked); give this node a book of its own");
    }
    return ch;
  }

  /**
   * Why the book at {@code file} cannot be replaced as a save replaces it (a new file moved over
   * it), or null: it is replaced by a copy of itself, the same bytes, which finds an immutable
   * file or a directory that refuses renames before the first save does. The book is untouched
   * when that fails.
   */
  static String cannotReplace(Path file) {
    if (!Files.isRegularFile(file)) {
      return null; // nothing there yet: the first save creates it
    }
    if (!Files.isReadable(file)) {
      return "it cannot be read (permission denied to this user)";
    }
    Path copy = file.resolveSibling(file.getFileName() + ".start-check.tmp");
    try {
      Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return null;
    } catch (IOException e) {
      boolean refused = e instanceof java.nio.file.AccessDeniedException
          || String.valueOf(e.getMessage()).contains("Operation not permitted");
      return "it cannot be replaced by a new save (" + dev.cairn.shell.node.FailureReasons.describe(e)
          + (refused ? "; an immutable file, or a folder this user may not write?)" : ")");
    } finally {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException ignored) {
        // a copy that cannot be deleted is left as the one thing this check wrote
      }
    }
  }

  /** The writer's limits from {@code [cairn]}: rotation size, files kept, checkpoint interval. */
  static TraceWriter.Options traceOptions(Path file, TraceConfig tc) {
    TraceWriter.Options d = TraceWriter.Options.defaults(file);
    return new TraceWriter.Options(file, tc.maxFileBytes(), tc.maxFiles(), d.queueCapacity(), d.maxBlock(),
        d.specHash(), tc.checkpointInterval());
  }

  /**
   * Why peers could not dial {@code external} (what the node advertises as its NodeInfo's
   * {@code listen_addr}), or null: port 0; the unspecified IP; a name that does not resolve
   * (CometBFT resolves it at start and refuses to run: its peers would refuse that NodeInfo).
   */
  static String externalProblem(HostPort external, dev.cairn.shell.p2p.HostResolver resolver) {
    if (external.port() == 0) {
      return "needs a port other than 0: peers dial this address";
    }
    java.net.InetAddress ip = IpText.parse(external.host());
    if (ip == null) {
      try {
        ip = resolver.resolve(external.host());
      } catch (java.net.UnknownHostException e) {
        return "the host '" + external.host() + "' does not resolve; peers would refuse a NodeInfo with it";
      }
    }
    if (ip.isAnyLocalAddress()) {
      return "is the unspecified address; give the public IP or DNS name peers reach this node at";
    }
    return null;
  }

  /**
   * The NodeInfo's {@code listen_addr} for {@code address}: a DNS name is resolved here, once, and
   * its IP advertised, since peers that take no DNS look-up on a peer's word learn no address from
   * a name (Cairn's own admit such a peer but do not store the name; CometBFT resolves it when it
   * validates, and refuses a name that does not resolve).
   */
  static String advertised(HostPort address, dev.cairn.shell.p2p.HostResolver resolver) throws java.io.IOException {
    if (IpText.parse(address.host()) != null) {
      return address.toString();
    }
    return dev.cairn.shell.p2p.NetAddresses.hostPort(IpText.format(resolver.resolve(address.host())), address.port());
  }

  private static String canonical(String host) {
    var ip = IpText.parse(host);
    return ip == null ? host : IpText.format(ip);
  }
}
