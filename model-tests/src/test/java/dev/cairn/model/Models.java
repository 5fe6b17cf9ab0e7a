package dev.cairn.model;

import dev.cairn.spec.Tla;
import java.nio.file.Path;

/**
 * The one spec this JVM holds (TLC holds one spec per JVM): {@code MCPeerManager} at its cfg
 * bounds, loaded once by the first test class that needs it. The mutant of the counterexample
 * test runs in a child JVM.
 */
public final class Models {

  private static Tla tla;
  private static PeerManagerMapping mapping;

  private Models() {}

  /** Loads the committed spec, if this JVM has not yet. */
  static synchronized void load() {
    if (tla == null) {
      dev.cairn.model.core.CoreModels.release();
      tla = Tla.load(specDir(), "MCPeerManager", "MCPeerManager");
      mapping = new PeerManagerMapping(tla);
    }
  }

  /** Closes the spec, so that another may be loaded (TLC holds one per JVM). */
  public static synchronized void release() {
    if (tla != null) {
      tla.close();
      tla = null;
      mapping = null;
    }
  }

  static synchronized Tla tla() {
    load();
    return tla;
  }

  static synchronized PeerManagerMapping mapping() {
    load();
    return mapping;
  }

  static synchronized Equivalence equivalence(JavaDriver driver) {
    return new Equivalence(tla(), mapping(), driver);
  }

  static synchronized Equivalence real() {
    return equivalence(new JavaDriver(mapping(), mapping().config(), JavaCore.REAL));
  }

  public static Path specDir() {
    return Path.of(System.getProperty("cairn.tla.main", "../spec-tla/src/main/tla"));
  }

  static Path specTestDir() {
    return Path.of(System.getProperty("cairn.tla.test", "../spec-tla/src/test/tla"));
  }

  public static Path tlcOut() {
    return Path.of(System.getProperty("cairn.tlc.out", "target/tlc"));
  }

  public static Path fixtures() {
    return Path.of(System.getProperty("cairn.fixtures", "src/test/resources/fixtures"));
  }
}
