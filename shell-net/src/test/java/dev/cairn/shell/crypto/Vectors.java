package dev.cairn.shell.crypto;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Access to the golden vectors named by the {@code cairn.vectors} system property. */
public final class Vectors {

  private static final HexFormat HEX = HexFormat.of();

  private Vectors() {}

  /** The vectors directory; skips the calling test when it is not configured or missing. */
  public static Path dir() {
    String p = System.getProperty("cairn.vectors");
    assumeTrue(p != null && !p.isBlank(), "system property cairn.vectors is not set; skipping vector test");
    Path dir = Path.of(p);
    assumeTrue(Files.isDirectory(dir), "vectors directory " + dir + " does not exist; skipping vector test");
    return dir;
  }

  /** A file in the vectors directory; skips the test when absent. */
  public static Path file(String name) {
    Path f = dir().resolve(name);
    assumeTrue(Files.isRegularFile(f), "vector file " + name + " is absent; skipping");
    return f;
  }

  /** A JSON vector file. */
  public static JsonNode json(String name) {
    try {
      return new ObjectMapper().readTree(file(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Non-comment, non-blank CSV rows split on commas. */
  public static List<String[]> csv(String name) {
    try {
      List<String[]> rows = new ArrayList<>();
      for (String line : Files.readAllLines(file(name))) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        rows.add(line.trim().split(","));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  public static String hex(byte[] b) {
    return HEX.formatHex(b);
  }
}
