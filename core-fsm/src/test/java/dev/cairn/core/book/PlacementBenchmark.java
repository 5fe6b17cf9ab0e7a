package dev.cairn.core.book;

import dev.cairn.core.NodeAddress;
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

/**
 * What one placement costs: the old bucket of an address (a promotion: two SipHash-2-4, of the
 * address text and of its group) and the new-bucket slot of an IPv4 /16 group (one per new group
 * in a PEX batch: one SipHash), each on a fresh hasher as the book uses them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PlacementBenchmark {

  final BookConfig cfg = BookConfig.defaults(NodeId.of("f".repeat(40)));
  final BookKey key = BookKey.of("9f0c3b5e8d1a2b4c6e7f8091");
  final NodeAddress addr =
      new NodeAddress(NodeId.of("5e2a9c0b7d4f1e3a8c6b0d2f4e6a8c0b2d4f6e8a"), "83.142.17.205", 26656);
  final Placement.Hasher batch = new Placement.Hasher(key);
  int group = 0;

  @Benchmark
  public int oldBucket() {
    return Placement.oldBucket(cfg, key, addr);
  }

  /** One new-bucket slot on the batch's hasher (a different /16 group each time). */
  @Benchmark
  public int newBucketSlotV4() {
    group = (group + 1) & 0xffff;
    return Placement.newBucketSlotV4(cfg, batch, group, "21.7.0.0");
  }

  /** A fresh hasher alone (one per promotion, one per batch). */
  @Benchmark
  public Object hasher() {
    return new Placement.Hasher(key);
  }
}
