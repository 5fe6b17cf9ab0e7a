package dev.cairn.model.core;

import dev.cairn.model.Models;
import dev.cairn.spec.Tla;
import dev.cairn.spec.mapping.CoreMapping;
import dev.cairn.spec.mapping.CoreStepValidator;
import java.nio.file.Path;

/**
 * The composed model this JVM holds: {@code MCCore} or {@code MCCoreSeed} (TLC holds one spec per
 * JVM; loading one closes the PeerManager model of {@link Models} and the other composed one).
 */
public final class CoreModels {

  public static final String CORE = "MCCore";
  public static final String SEED = "MCCoreSeed";
  /**
   * {@code MCCore} with the operator's {@code DialRequested} and {@code PeerErrored} (test
   * resources; not in the TLC gate).
   */
  public static final String OPERATOR = "MCCoreOperator";

  private static Tla tla;
  private static String cfg;
  private static CoreStepValidator validator;

  private CoreModels() {}

  /** Loads {@code MCCore.tla} with {@code cfgName}.cfg, if it is not the one loaded. */
  public static synchronized CoreStepValidator load(String cfgName) {
    if (tla == null || !cfgName.equals(cfg)) {
      release();
      Models.release();
      tla = cfgName.equals(OPERATOR)
          ? Tla.load(testSpecDir(), OPERATOR, cfgName, Models.specDir())
          : Tla.load(Models.specDir(), "MCCore", cfgName);
      cfg = cfgName;
      validator = new CoreStepValidator(tla, new CoreMapping(tla));
    }
    return validator;
  }

  /** model-tests' own modules ({@code MCCoreOperator}, {@code MCCoreMutant}). */
  static Path testSpecDir() {
    return Path.of(System.getProperty("cairn.core.tla", "src/test/resources/tla"));
  }

  /** Closes the composed model, if one is loaded. */
  public static synchronized void release() {
    if (tla != null) {
      tla.close();
      tla = null;
      cfg = null;
      validator = null;
    }
  }

  public static synchronized CoreEquivalence equivalence(String cfgName, CoreJavaCore core) {
    CoreStepValidator v = load(cfgName);
    return new CoreEquivalence(cfgName, v, new CoreDriver(v.mapping(), v.mapping().config(), core));
  }

  public static CoreEquivalence real(String cfgName) {
    return equivalence(cfgName, CoreJavaCore.REAL);
  }

  /** A bound from a system property (longer runs: {@code -Dcairn.core.<name>=N}). */
  public static int bound(String name, int def) {
    return Integer.getInteger("cairn.core." + name, def);
  }
}
