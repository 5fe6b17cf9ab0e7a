package dev.cairn.model;

import dev.cairn.spec.Tla;
import java.nio.file.Path;

/**
 * The one spec this JVM holds (TLC holds one spec per JVM): {@code MCPeerManager} at its cfg
 * bounds, loaded by the first test class that needs it, or {@code MCPeerManagerTrim} (three
 * peers, trimming above the threshold) for {@link TrimModelTest} and its variant with a persistent
 * peer for {@link TrimPersistentModelTest}, which load the default back when they are done. The mutant of the counterexample test runs in a child JVM.
 */
public final class Models {

  static final String DEFAULT = "MCPeerManager";
  static final String TRIM = "MCPeerManagerTrim";
  /** {@code MCPeerManagerTrim}'s module with one of its three peers persistent. */
  static final String TRIM_PERSISTENT = "MCPeerManagerTrimPersistent";

  private static Tla tla;
  private static String loaded;
  private static PeerManagerMapping mapping;

  private Models() {}

  /** Loads the committed spec at {@code MCPeerManager}'s bounds, if this JVM has not yet. */
  static synchronized void load() {
    load(DEFAULT);
  }

  /** Loads the committed spec at the bounds of {@code model} (its module and cfg), if it is not the one loaded. */
  static synchronized void load(String model) {
    if (tla != null && !model.equals(loaded)) {
      release();
    }
    if (tla == null) {
      dev.cairn.model.core.CoreModels.release();
      // a cfg checks the longest module its name starts with
      tla = Tla.load(specDir(), model.equals(TRIM_PERSISTENT) ? TRIM : model, model);
      loaded = model;
      mapping = new PeerManagerMapping(tla);
    }
  }

  /** The name of the model loaded ({@code MCPeerManager} if none is yet). */
  static synchronized String loaded() {
    return loaded == null ? DEFAULT : loaded;
  }

  /** Closes the spec, so that another may be loaded (TLC holds one per JVM). */
  public static synchronized void release() {
    if (tla != null) {
      tla.close();
      tla = null;
      loaded = null;
      mapping = null;
    }
  }

  /** The loaded spec ({@code MCPeerManager} if none is). */
  static synchronized Tla tla() {
    if (tla == null) {
      load();
    }
    return tla;
  }

  static synchronized PeerManagerMapping mapping() {
    if (tla == null) {
      load();
    }
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
