package dev.cairn.shell.trace;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.BookKey;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.proto.trace.TraceRecord;
import dev.cairn.shell.cli.CliRun;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.config.NodeConfig;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.mconn.MConnConfig;
import dev.cairn.shell.metrics.NodeMetrics;
import dev.cairn.shell.node.BookPersister;
import dev.cairn.shell.node.CoreConfigs;
import dev.cairn.shell.node.Node;
import dev.cairn.shell.p2p.HostResolver;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Helpers for trace tests: loopback node settings, reading and rewriting trace files, running the CLI. */
final class TraceFiles {

  private TraceFiles() {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Settings of a loopback node on {@code port} whose {@code [p2p]} section adds {@code p2pToml}. */
  static Node.Settings settings(NodeKey key, int port, String p2pToml, long seed) throws Exception {
    String toml = "[p2p]\n"
        + "laddr = \"tcp://127.0.0.1:" + port + "\"\n"
        + "addr_book_strict = false\n"
        + "allow_duplicate_ip = true\n"
        + p2pToml
        + "[cairn]\n"
        + "network = \"cairn-trace\"\n"
        + "moniker = \"n" + port + "\"\n"
        + "retry_delay_min = \"100ms\"\n"
        + "retry_jitter_max = \"100ms\"\n"
        + "disconnect_cooldown = \"200ms\"\n";
    NodeConfig cfg = ConfigLoader.parse(toml, "config.toml", Optional.empty());
    CoreConfig core = CoreConfigs.from(cfg, key.id(), List.of(new NodeAddress(key.id(), "127.0.0.1", port)),
        HostResolver.none());
    return new Node.Settings(key, "cairn-trace", cfg.cairn().moniker(), "127.0.0.1", port, core, seed,
        AddressBook.empty(BookKey.of("00112233445566778899aabb")),
        MConnConfig.defaults().withFlushThrottle(Duration.ofMillis(10)), Duration.ofSeconds(3), Duration.ofSeconds(2),
        16, BookPersister.NONE, NodeMetrics.disabled());
  }

  static CoreState initial(Node.Settings s) {
    return CoreState.initial(s.initialBook(), s.prngSeed());
  }

  /** A whole trace file in memory. */
  record Parsed(TraceHeader header, List<TraceRecord> records) {}

  static Parsed parse(Path file) throws Exception {
    try (TraceReader r = TraceReader.open(file)) {
      List<TraceRecord> out = new ArrayList<>();
      for (var e = r.next(); e.isPresent(); e = r.next()) {
        out.add(e.get().record());
      }
      return new Parsed(r.header(), out);
    }
  }

  static void write(Path file, TraceHeader header, List<TraceRecord> records) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(TraceFormat.MAGIC);
      TraceFormat.writeSealed(header, out);
      for (TraceRecord r : records) {
        r.writeDelimitedTo(out);
      }
    }
  }

  /**
   * The trace file {@code file} (its bytes) written at {@code to} with its header through {@code
   * edit} and its records byte for byte as they were (not decoded and encoded again).
   */
  static Path withHeader(byte[] file, Path to, UnaryOperator<TraceHeader> edit) throws IOException {
    TraceHeader h = header(file);
    int headerEnd = headerEnd(file);
    try (OutputStream out = Files.newOutputStream(to)) {
      out.write(TraceFormat.MAGIC);
      TraceFormat.writeSealed(edit.apply(h), out);
      out.write(file, headerEnd, file.length - headerEnd);
    }
    return to;
  }

  /** Where the header of the trace file {@code file} (its bytes) ends: its first record's offset. */
  static int headerEnd(byte[] file) throws IOException {
    try (var in = new java.io.ByteArrayInputStream(file, TraceFormat.MAGIC.length,
        file.length - TraceFormat.MAGIC.length)) {
      TraceHeader.parseDelimitedFrom(in);
      return file.length - in.available();
    }
  }

  /** The header of the trace file {@code file} (its bytes). */
  static TraceHeader header(byte[] file) throws IOException {
    try (var in = new java.io.ByteArrayInputStream(file, TraceFormat.MAGIC.length,
        file.length - TraceFormat.MAGIC.length)) {
      return TraceHeader.parseDelimitedFrom(in);
    }
  }

  /**
   * A test recording's options: into {@code file}, rotating past {@code maxFileBytes}, a state
   * digest every 64 steps.
   */
  static TraceWriter.Options options(Path file, long maxFileBytes) {
    return new TraceWriter.Options(file, maxFileBytes, 100, 1024, java.time.Duration.ofSeconds(10), SpecHash.ABSENT,
        64);
  }

  /**
   * A copy of {@code from} at {@code to} that ends 3 bytes into record {@code record}: the file a
   * node killed while it wrote that record leaves.
   */
  static Path cutInside(Path from, long record, Path to) throws Exception {
    byte[] all = Files.readAllBytes(from);
    Files.write(to, java.util.Arrays.copyOf(all, (int) offsetOf(from, record) + 3));
    return to;
  }

  /** A copy of {@code from} at {@code to} whose records went through {@code edit}. */
  static Path rewrite(Path from, Path to, UnaryOperator<List<TraceRecord>> edit) throws Exception {
    Parsed p = parse(from);
    write(to, p.header(), edit.apply(new ArrayList<>(p.records())));
    return to;
  }

  /**
   * Starts the five loopback nodes the trace tests record: A (index 0) with B and C as persistent
   * peers and one inbound slot, observed by {@code observerOfA} (given A's settings); B and C;
   * D and E, which list A as a persistent peer, so one of them is refused. Lets them run for at
   * least 2.5 s and until A is connected to B and C and holds its one inbound peer (at most 30 s:
   * a slow machine gets the same network, not a shorter history); the caller closes the nodes it
   * gets back. A port found free and taken by another process before its node bound it (another
   * program's connection given it as its local port) is tried again with new ports, up to three
   * times.
   */
  static List<Node> runFiveNodes(EventLoopGroup group,
      java.util.function.Function<Node.Settings, dev.cairn.shell.node.Driver.StepObserver> observerOfA)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return runFiveNodesOnce(group, observerOfA);
      } catch (IllegalStateException e) {
        if (attempt == 3 || !(e.getCause() instanceof java.net.BindException)) {
          throw e;
        }
      }
    }
  }

  private static List<Node> runFiveNodesOnce(EventLoopGroup group,
      java.util.function.Function<Node.Settings, dev.cairn.shell.node.Driver.StepObserver> observerOfA)
      throws Exception {
    java.security.SecureRandom random = new java.security.SecureRandom();
    NodeKey[] keys = new NodeKey[5];
    int[] ports = new int[5];
    for (int i = 0; i < 5; i++) {
      keys[i] = NodeKey.generate(random);
      ports[i] = freePort();
    }
    String b = keys[1].id().hex() + "@127.0.0.1:" + ports[1];
    String c = keys[2].id().hex() + "@127.0.0.1:" + ports[2];
    String a = keys[0].id().hex() + "@127.0.0.1:" + ports[0];
    Node.Settings sa = settings(keys[0], ports[0],
        "persistent_peers = \"" + b + "," + c + "\"\nmax_num_inbound_peers = 1\n", 42);
    List<Node> nodes = new ArrayList<>();
    try {
      nodes.add(Node.start(sa, group, observerOfA.apply(sa)));
      for (int i = 1; i < 5; i++) {
        String p2p = i >= 3 ? "persistent_peers = \"" + a + "\"\n" : "";
        nodes.add(Node.start(settings(keys[i], ports[i], p2p, 100 + i), group, null));
      }
      long started = System.nanoTime();
      long deadline = started + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      Node.Status status = nodes.get(0).status().get(5, java.util.concurrent.TimeUnit.SECONDS);
      while (System.nanoTime() - started < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2500)
          || !(status.outbound().containsAll(List.of(keys[1].id(), keys[2].id())) && status.inbound().size() == 1)) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("A did not reach B and C and one inbound peer within 30 s: " + status);
        }
        java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
        status = nodes.get(0).status().get(5, java.util.concurrent.TimeUnit.SECONDS);
      }
      return nodes;
    } catch (Exception | Error e) {
      for (Node n : nodes) {
        n.close();
      }
      throw e;
    }
  }

  /** Byte offset of record {@code index} in {@code file}. */
  static long offsetOf(Path file, long index) throws Exception {
    try (TraceReader r = TraceReader.open(file)) {
      for (var e = r.next(); e.isPresent(); e = r.next()) {
        if (e.get().index() == index) {
          return e.get().offset();
        }
      }
    }
    throw new IllegalArgumentException("no record " + index);
  }

  /**
   * A copy of {@code file} at {@code out} whose record {@code index} does not decode (its first
   * field tag made one of wire type 7, which does not exist); returns the record's byte offset.
   */
  static int corruptRecord(Path file, int index, Path out) throws Exception {
    int at = (int) offsetOf(file, index);
    byte[] bytes = java.nio.file.Files.readAllBytes(file);
    bytes[at + 1] = (byte) 0xff;
    bytes[at + 2] = (byte) 0xff;
    java.nio.file.Files.write(out, bytes);
    return at;
  }

  /** The outcome of one {@code cairn} invocation. */
  record Run(int code, String out, String err) {}

  static Run cairn(String... args) {
    CliRun.Result r = CliRun.cairn(args);
    return new Run(r.exit(), r.out(), r.err());
  }
}
