package dev.cairn.shell.trace;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * SHA-256 over the TLA+ modules a trace is to be validated against: for each {@code .tla} file,
 * in name order, its name, a zero byte, its length (8 bytes) and its bytes. Absent when the
 * modules are not at hand (the shell does not ship spec-tla); the trace header then says so.
 */
public record SpecHash(Optional<String> hex) {

  public static final SpecHash ABSENT = new SpecHash(Optional.empty());

  public Optional<byte[]> digest() {
    return hex.map(h -> java.util.HexFormat.of().parseHex(h));
  }

  /** The hash of the {@code .tla} files directly in {@code dir}. */
  public static SpecHash ofDirectory(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> tla = files.filter(p -> p.getFileName().toString().endsWith(".tla")).sorted(
          (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
      if (tla.isEmpty()) {
        return ABSENT;
      }
      MessageDigest sha = sha256();
      for (Path p : tla) {
        byte[] name = p.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        byte[] body = Files.readAllBytes(p);
        sha.update(name);
        sha.update((byte) 0);
        sha.update(java.nio.ByteBuffer.allocate(8).putLong(body.length).array());
        sha.update(body);
      }
      return new SpecHash(Optional.of(java.util.HexFormat.of().formatHex(sha.digest())));
    }
  }

  /** The hash of the {@code tla/*.tla} resources spec-tla packs into its jar, when on the classpath. */
  public static SpecHash fromClasspath() {
    URL url = SpecHash.class.getClassLoader().getResource("tla/");
    if (url == null) {
      return ABSENT;
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
          return ofDirectory(fs.getPath("tla"));
        }
      }
      return ofDirectory(Path.of(uri));
    } catch (Exception e) {
      return ABSENT;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
