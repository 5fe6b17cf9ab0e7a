package dev.cairn.shell.trace;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreState;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.node.EventLoops;
import dev.cairn.shell.node.Node;
import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The events node A took in a real loopback run, for trace benchmarks: A dials B and C
 * (persistent peers) and admits one inbound peer, while D..F keep dialing it and are refused,
 * so the run has dials, refusals, PEX exchanges, timers and retries. The events and their
 * times are kept as A's driver stepped them; {@link #run()} replays them into a core or a writer
 * exactly as the node did (the core is deterministic).
 */
public final class LoopbackRun {

  private final CoreConfig config;
  private final CoreState initial;
  private final long seed;
  private final List<SyntheticRun.Timed> events;

  private LoopbackRun(CoreConfig config, CoreState initial, long seed, List<SyntheticRun.Timed> events) {
    this.config = config;
    this.initial = initial;
    this.seed = seed;
    this.events = events;
  }

  /** Runs the network until A has taken {@code steps} steps (or {@code limit} passed) and keeps the first of them. */
  public static LoopbackRun record(int steps, Duration limit) throws Exception {
    SecureRandom random = new SecureRandom();
    EventLoopGroup group = EventLoops.newGroup(2);
    List<Node> nodes = new ArrayList<>();
    List<SyntheticRun.Timed> seen = Collections.synchronizedList(new ArrayList<>());
    try {
      int n = 6;
      NodeKey[] keys = new NodeKey[n];
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        keys[i] = NodeKey.generate(random);
        ports[i] = TraceFiles.freePort();
      }
      String a = keys[0].id().hex() + "@127.0.0.1:" + ports[0];
      String b = keys[1].id().hex() + "@127.0.0.1:" + ports[1];
      String c = keys[2].id().hex() + "@127.0.0.1:" + ports[2];
      Node.Settings sa = TraceFiles.settings(keys[0], ports[0],
          "persistent_peers = \"" + b + "," + c + "\"\nmax_num_inbound_peers = 1\n", 42);
      nodes.add(Node.start(sa, group, (now, wall, ev, st, nanos) -> seen.add(new SyntheticRun.Timed(now, wall, ev))));
      for (int i = 1; i < n; i++) {
        String p2p = i >= 3 ? "persistent_peers = \"" + a + "\"\n" : "";
        nodes.add(Node.start(TraceFiles.settings(keys[i], ports[i], p2p, 100 + i), group, null));
      }
      long deadline = System.nanoTime() + limit.toNanos();
      while (seen.size() < steps && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      for (Node node : nodes) {
        node.close();
      }
      nodes.clear();
      List<SyntheticRun.Timed> kept;
      synchronized (seen) {
        kept = List.copyOf(seen.subList(0, Math.min(steps, seen.size())));
      }
      return new LoopbackRun(sa.core(), TraceFiles.initial(sa), 42, kept);
    } finally {
      for (Node node : nodes) {
        node.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  public CoreConfig config() {
    return config;
  }

  public CoreState initial() {
    return initial;
  }

  public long prngSeed() {
    return seed;
  }

  public List<SyntheticRun.Timed> events() {
    return events;
  }
}
