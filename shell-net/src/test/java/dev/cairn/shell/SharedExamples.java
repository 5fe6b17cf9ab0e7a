package dev.cairn.shell;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CometBFT's own example files (its {@code addrbook.json}, {@code node_key.json} and the {@code
 * [p2p]} defaults of its {@code config.toml}), read from the directory in system property {@code
 * cairn.examples} (the build sets it to {@code ../shared/examples}, beside the golden vectors).
 * They are read where they are, never copied into the repository.
 */
public final class SharedExamples {

  private SharedExamples() {}

  /** The folder the property names, or the default one beside the vectors. */
  public static Path dir() {
    String dir = System.getProperty("cairn.examples");
    if (dir == null || dir.isBlank()) {
      dir = Path.of(System.getProperty("cairn.vectors", "../shared/vectors")).resolveSibling("examples").toString();
    }
    return Path.of(dir);
  }

  /** The example's path, or skips the calling test with a message naming it when it is absent. */
  public static Path path(String name) {
    Path p = dir().resolve(name);
    assumeTrue(Files.isRegularFile(p),
        "CometBFT example " + name + " not found under " + dir() + " (set -Dcairn.examples=DIR); skipped");
    return p;
  }

  /** The example's bytes, or skips the calling test when it is absent. */
  public static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(path(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The example as UTF-8 text, or skips the calling test when it is absent. */
  public static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  /** The example's bytes when present (for fuzz seeds, which do without it). */
  public static Optional<byte[]> ifPresent(String name) {
    Path p = dir().resolve(name);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
