package dev.cairn.spec;

import java.nio.file.Path;

/** Where the build keeps the specs and TLC's outputs (set by the module's surefire configuration). */
final class SpecDirs {

  private SpecDirs() {}

  static Path main() {
    return Path.of(System.getProperty("cairn.tla.main", "src/main/tla"));
  }

  static Path test() {
    return Path.of(System.getProperty("cairn.tla.test", "src/test/tla"));
  }

  static Path tlcOut() {
    return Path.of(System.getProperty("cairn.tlc.out", "target/tlc"));
  }
}
