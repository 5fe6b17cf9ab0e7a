package dev.cairn.model;

import dev.cairn.spec.Tla;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The one spec this JVM holds (TLC holds one spec per JVM): {@code MCPeerManager} at its cfg
 * bounds, either as committed ({@link Spec#AS_COMMITTED}) or with the fix of the divergence
 * this module found applied to a copy under {@code target/} ({@link Spec#BOOK_PICKS_FIXED}).
 * Test classes pick one in {@code @BeforeAll}; switching closes one and loads the other (tens
 * of milliseconds once classes are loaded). The mutant of the counterexample test runs in a
 * child JVM.
 *
 * <p><b>The divergence</b> (see {@code model-tests/README.md}): {@code PeerManager.tla}
 * {@code BookPicks} budgets book dials up to {@code MaxTarget}; core-fsm's {@code dialBookPicks}
 * up to {@code maxThreshold}, as {@code core-fsm/DECISIONS.md} decides ("never take the total
 * above maxThreshold"). The spec is the side that departs from the decision. The fix is the one
 * word below; {@code BookPicksDivergenceTest} pins the divergence against the committed spec so
 * that it is noticed when the spec changes.
 */
final class Models {

  enum Spec { AS_COMMITTED, BOOK_PICKS_FIXED }

  static final String BOOK_PICKS_BUDGET =
      "MaxTarget - (c.connectedNotEvicting + c.dialing))";
  static final String BOOK_PICKS_BUDGET_FIXED =
      "MaxThreshold - (c.connectedNotEvicting + c.dialing))";

  private static Tla tla;
  private static Spec loaded;
  private static PeerManagerMapping mapping;

  private Models() {}

  static synchronized void use(Spec spec) {
    if (spec == loaded) {
      return;
    }
    if (tla != null) {
      tla.close();
    }
    Path dir = spec == Spec.AS_COMMITTED ? specDir() : fixedCopy();
    tla = Tla.load(dir, "MCPeerManager", "MCPeerManager");
    mapping = new PeerManagerMapping(tla);
    loaded = spec;
  }

  static synchronized Tla tla() {
    if (tla == null) {
      use(Spec.BOOK_PICKS_FIXED);
    }
    return tla;
  }

  static synchronized PeerManagerMapping mapping() {
    tla();
    return mapping;
  }

  static synchronized Equivalence equivalence(JavaDriver driver) {
    return new Equivalence(tla(), mapping(), driver);
  }

  static synchronized Equivalence real() {
    return equivalence(new JavaDriver(mapping(), mapping().config(), JavaCore.REAL));
  }

  /** The committed specs copied to {@code target/spec-fixed} with BookPicks' budget fixed. */
  private static Path fixedCopy() {
    try {
      Path out = Path.of("target", "spec-fixed");
      Files.createDirectories(out);
      try (Stream<Path> files = Files.list(specDir())) {
        for (Path f : files.filter(p -> p.toString().endsWith(".tla") || p.toString().endsWith(".cfg")).toList()) {
          String text = Files.readString(f, StandardCharsets.UTF_8);
          if (f.getFileName().toString().equals("PeerManager.tla")) {
            int at = text.indexOf(BOOK_PICKS_BUDGET);
            if (at < 0 || text.indexOf(BOOK_PICKS_BUDGET, at + 1) >= 0) {
              throw new IllegalStateException("PeerManager.tla no longer holds BookPicks' budget '"
                  + BOOK_PICKS_BUDGET + "' exactly once: if the spec was fixed, load it as committed"
                  + " (Models.Spec) and retire the patch");
            }
            text = text.replace(BOOK_PICKS_BUDGET, BOOK_PICKS_BUDGET_FIXED);
          }
          Files.writeString(out.resolve(f.getFileName()), text, StandardCharsets.UTF_8);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the spec", e);
    }
  }

  static Path specDir() {
    return Path.of(System.getProperty("cairn.tla.main", "../spec-tla/src/main/tla"));
  }

  static Path specTestDir() {
    return Path.of(System.getProperty("cairn.tla.test", "../spec-tla/src/test/tla"));
  }

  static Path tlcOut() {
    return Path.of(System.getProperty("cairn.tlc.out", "target/tlc"));
  }

  static Path fixtures() {
    return Path.of(System.getProperty("cairn.fixtures", "src/test/resources/fixtures"));
  }
}
