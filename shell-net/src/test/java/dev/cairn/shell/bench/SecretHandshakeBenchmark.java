package dev.cairn.shell.bench;

import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.secret.SecretHandshake;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU cost of a complete SecretConnection handshake, both sides in one thread, in memory:
 * keygen, DH, HKDF, Merlin, sign, seal, open, verify for each side. Per side = score / 2.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SecretHandshakeBenchmark {

  private NodeKey a;
  private NodeKey b;
  private SecureRandom random;

  @Setup
  public void setup() {
    random = new SecureRandom();
    a = NodeKey.generate(random);
    b = NodeKey.generate(random);
  }

  @Benchmark
  public Object handshakeBothSides() throws Exception {
    SecretHandshake ha = new SecretHandshake(a, random);
    SecretHandshake hb = new SecretHandshake(b, random);
    byte[] ea = ha.takeOutbound();
    byte[] eb = hb.takeOutbound();
    ha.receive(eb);
    hb.receive(ea);
    ha.receive(hb.takeOutbound());
    hb.receive(ha.takeOutbound());
    if (!ha.isDone() || !hb.isDone()) {
      throw new IllegalStateException("handshake did not complete");
    }
    return ha.result();
  }
}
