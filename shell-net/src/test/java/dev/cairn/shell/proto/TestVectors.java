package dev.cairn.shell.proto;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads golden vectors from the directory in system property {@code cairn.vectors}. */
public final class TestVectors {

  private TestVectors() {}

  /** The parsed JSON file, or skips the calling test when the vectors are not available. */
  public static JsonNode json(String file) {
    String dir = System.getProperty("cairn.vectors");
    assumeTrue(dir != null && !dir.isBlank(),
        "system property cairn.vectors is not set; golden-vector test skipped");
    Path p = Path.of(dir, file);
    assumeTrue(Files.isRegularFile(p), "golden vector file " + file + " not found under cairn.vectors; skipped");
    try {
      return new ObjectMapper().readTree(p.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
