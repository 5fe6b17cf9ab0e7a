package dev.cairn.core.bench;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.Step;
import dev.cairn.core.book.AddressBook;
import dev.cairn.core.book.KnownAddress;
import dev.cairn.core.pex.PeerView;
import dev.cairn.core.pex.Pex;
import dev.cairn.core.pex.PexEffect;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.core.pex.PexState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Handling a PexAddrs of 250 addresses from a peer we asked, on a node whose book holds 20 000:
 * one composed {@link Core#step} (PEX's checks and filter, the hand-off to the PeerManager, 250
 * book insertions, the maintenance after it). Target: under 200 µs. The step is pure: every
 * invocation applies the same event to the same prepared state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PexAddrsBenchmark {

  CoreConfig cfg;
  CoreState state;
  CoreEvent unknownReply;
  CoreEvent knownReply;
  PexEvent unknownPexOnly;

  @Setup(Level.Trial)
  public void setUp() {
    AddressBook book = BookFixture.book(20_000);
    cfg = PexFixture.config(false);
    state = PexFixture.state(book);
    List<NodeAddress> unknown = BookFixture.reply(3_000_000L);
    List<NodeAddress> known = new ArrayList<>();
    for (KnownAddress ka : book.entries().subList(5_000, 5_250)) {
      known.add(ka.addr());
    }
    unknownPexOnly = new PexEvent.PexAddrsReceived(PexFixture.ASKED, unknown);
    unknownReply = new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(PexFixture.ASKED, unknown));
    knownReply = new CoreEvent.PexMessage(new PexEvent.PexAddrsReceived(PexFixture.ASKED, known));
    Step<CoreState, CoreEffect> check = Core.step(cfg, state, PexFixture.NOW, BookFixture.T0.plusMillis(1), unknownReply);
    if (!check.isAccepted() || check.state().peer().book().size() < 20_000) {
      throw new IllegalStateException("the reply was not taken: " + check.outcome());
    }
  }

  /** 250 addresses the book does not know (each placed, many pushing an entry out of a full bucket). */
  @Benchmark
  public Step<CoreState, CoreEffect> reply250Unknown() {
    return Core.step(cfg, state, PexFixture.NOW, BookFixture.T0.plusMillis(1), unknownReply);
  }

  /** 250 addresses the book knows already (repeated gossip). */
  @Benchmark
  public Step<CoreState, CoreEffect> reply250Known() {
    return Core.step(cfg, state, PexFixture.NOW, BookFixture.T0.plusMillis(1), knownReply);
  }

  /** PEX's own share: checks, filter (IP classification) and the hand-off effect, without the book. */
  @Benchmark
  public Step<PexState, PexEffect> pexOnly250() {
    return Pex.step(cfg.pex(), state.pex(), new PeerView(cfg.peer(), state.peer()), PexFixture.NOW,
        BookFixture.T0.plusMillis(1), unknownPexOnly);
  }
}
