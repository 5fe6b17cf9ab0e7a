package dev.cairn.shell.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link DurableFiles#read} found at a path. Absent and empty are told apart because they
 * mean different things to an operator: a missing address book is a first start, a zero-length
 * one is damage (our writes never leave one behind) and must not be mistaken for a fresh book.
 */
public sealed interface FileContent {

  Path path();

  /** No file at the path. */
  record Absent(Path path) implements FileContent {}

  /** A file of zero bytes. */
  record Empty(Path path) implements FileContent {}

  /** The bytes of a non-empty file; a copy is handed out on every call. */
  final class Present implements FileContent {
    private final Path path;
    private final byte[] bytes;

    Present(Path path, byte[] bytes) {
      this.path = Objects.requireNonNull(path, "path");
      if (bytes.length == 0) {
        throw new IllegalArgumentException("a present file has at least one byte; use Empty");
      }
      this.bytes = bytes.clone();
    }

    @Override
    public Path path() {
      return path;
    }

    public int size() {
      return bytes.length;
    }

    public byte[] bytes() {
      return bytes.clone();
    }

    /**
     * The content as strict UTF-8.
     *
     * @throws StoreException naming the file when the bytes are not valid UTF-8
     */
    public String utf8() throws StoreException {
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        throw new StoreException(path, "is not valid UTF-8 text: " + e.getMessage());
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Present p && path.equals(p.path) && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
      return 31 * path.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Present[" + path + ", " + bytes.length + " bytes]";
    }
  }
}
