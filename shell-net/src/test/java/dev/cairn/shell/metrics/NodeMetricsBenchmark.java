package dev.cairn.shell.metrics;

import dev.cairn.core.NodeId;
import dev.cairn.core.Outcome;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a metrics call costs on the paths a node takes per message and per core step, with
 * metrics on (registry, no HTTP server) and off. Nanoseconds per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class NodeMetricsBenchmark {

  private static final NodeId PEER = NodeId.of("a".repeat(40));
  private static final Outcome REJECTED = new Outcome.Rejected(PEER.hex() + " is not connected");

  private NodeMetrics enabled;
  private final NodeMetrics disabled = NodeMetrics.disabled();

  @Setup
  public void setUp() {
    enabled = PrometheusNodeMetrics.unserved("cometbft");
    enabled.peerConnected(PEER);
    disabled.peerConnected(PEER);
  }

  @TearDown
  public void tearDown() {
    enabled.close();
  }

  /** Per received message: per-peer/channel and per-type counters. */
  @Benchmark
  public void messageReceived() {
    enabled.messageReceived(PEER, 0x20, "consensus_Vote", 120);
  }

  /** The same from both cores of the machine at once, as two event loops would. */
  @Benchmark
  @Threads(2)
  public void messageReceivedTwoThreads() {
    enabled.messageReceived(PEER, 0x20, "consensus_Vote", 120);
  }

  @Benchmark
  public void messageReceivedDisabled() {
    disabled.messageReceived(PEER, 0x20, "consensus_Vote", 120);
  }

  /** Per accepted core step: event counter and latency histogram. */
  @Benchmark
  public void coreStepAccepted() {
    enabled.coreStep("DialFailed", Outcome.ACCEPTED, 1_500);
  }

  /** Per rejected core step: adds reducing the free-text reason to its kind. */
  @Benchmark
  public void coreStepRejected() {
    enabled.coreStep("PeerReady", REJECTED, 1_500);
  }
}
