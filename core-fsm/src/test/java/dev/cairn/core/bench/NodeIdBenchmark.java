package dev.cairn.core.bench;

import dev.cairn.core.NodeId;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** What reading an ID costs: its 16-digit prefix ({@link NodeId#prefix}) and one comparison. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class NodeIdBenchmark {

  NodeId a = NodeId.of("5e2a9c0b7d4f1e3a8c6b0d2f4e6a8c0b2d4f6e8a");
  NodeId b = NodeId.of("5e2a9c0b7d4f1e3a8c6b0d2f4e6a8c0b2d4f6e8b");
  NodeId c = NodeId.of("a02a9c0b7d4f1e3a8c6b0d2f4e6a8c0b2d4f6e8a");

  @Benchmark
  public long prefix() {
    return a.prefix();
  }

  @Benchmark
  public int compareSharingPrefix() {
    return a.compareTo(b);
  }

  @Benchmark
  public int compareDiffering() {
    return a.compareTo(c);
  }
}
