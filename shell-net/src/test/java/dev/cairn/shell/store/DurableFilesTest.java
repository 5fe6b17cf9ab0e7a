package dev.cairn.shell.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

  @TempDir Path dir;

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void write_createsFileWithContent_andLeavesNoTemporary() throws Exception {
    Path f = dir.resolve("addrbook.json");
    DurableFiles.writeUtf8(f, "{\"a\":1}", FileMode.WORLD_READABLE);
    assertThat(Files.readString(f)).isEqualTo("{\"a\":1}");
    assertThat(DurableFiles.staleTemporaries(f)).isEmpty();
    try (var list = Files.list(dir)) {
      assertThat(list).containsExactly(f);
    }
  }

  @Test
  void write_setsTheRequestedModeRegardlessOfUmask() throws Exception {
    assumeTrue(posix(dir), "needs a POSIX file system");
    Path key = dir.resolve("node_key.json");
    Path book = dir.resolve("addrbook.json");
    DurableFiles.writeUtf8(key, "secret", FileMode.OWNER_ONLY);
    DurableFiles.writeUtf8(book, "public", FileMode.WORLD_READABLE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(book))).isEqualTo("rw-r--r--");
    // the mode of a replaced file is the mode of the new write, not the old one
    DurableFiles.writeUtf8(book, "now private", FileMode.OWNER_ONLY);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(book))).isEqualTo("rw-------");
  }

  @Test
  void write_replacesByRename_neverTruncatingTheOldFileInPlace() throws Exception {
    Path f = dir.resolve("addrbook.json");
    DurableFiles.writeUtf8(f, "old content", FileMode.WORLD_READABLE);
    Object oldKey = Files.readAttributes(f, BasicFileAttributes.class).fileKey();
    try (FileChannel reader = FileChannel.open(f, StandardOpenOption.READ)) {
      DurableFiles.writeUtf8(f, "new", FileMode.WORLD_READABLE);
      // a reader that opened the old file still sees all of it: it was never truncated
      ByteBuffer buf = ByteBuffer.allocate(64);
      reader.read(buf, 0);
      buf.flip();
      assertThat(StandardCharsets.UTF_8.decode(buf).toString()).isEqualTo("old content");
    }
    assertThat(Files.readString(f)).isEqualTo("new");
    Object newKey = Files.readAttributes(f, BasicFileAttributes.class).fileKey();
    if (oldKey != null) {
      assertThat(newKey).isNotEqualTo(oldKey);
    }
  }

  @Test
  void write_failing_keepsTheOldFileAndRemovesTheTemporary() throws Exception {
    assumeTrue(posix(dir), "needs a POSIX file system");
    Path f = dir.resolve("addrbook.json");
    DurableFiles.writeUtf8(f, "precious", FileMode.WORLD_READABLE);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
    try {
      assumeTrue(!Files.isWritable(dir), "running with privileges that ignore directory modes");
      assertThatThrownBy(() -> DurableFiles.writeUtf8(f, "lost", FileMode.WORLD_READABLE))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(f.toString())
          .hasMessageContaining("temporary file");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    assertThat(Files.readString(f)).isEqualTo("precious");
    assertThat(DurableFiles.staleTemporaries(f)).isEmpty();
  }

  @Test
  void write_intoMissingDirectory_isRefusedWithTheDirectoryNamed() {
    Path f = dir.resolve("missing").resolve("addrbook.json");
    assertThatThrownBy(() -> DurableFiles.writeUtf8(f, "x", FileMode.WORLD_READABLE))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("missing");
  }

  @Test
  void write_overADirectory_isRefusedAndTheDirectoryKept() throws Exception {
    Path d = Files.createDirectory(dir.resolve("addrbook.json"));
    assertThatThrownBy(() -> DurableFiles.writeUtf8(d, "x", FileMode.WORLD_READABLE))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is a directory");
    assertThat(Files.isDirectory(d)).isTrue();
  }

  @Test
  void read_distinguishesAbsentEmptyAndPresent() throws Exception {
    Path f = dir.resolve("f.json");
    assertThat(DurableFiles.read(f, 100)).isEqualTo(new FileContent.Absent(f));
    Files.write(f, new byte[0]);
    assertThat(DurableFiles.read(f, 100)).isEqualTo(new FileContent.Empty(f));
    Files.writeString(f, "héllo");
    FileContent c = DurableFiles.read(f, 100);
    assertThat(c).isInstanceOf(FileContent.Present.class);
    FileContent.Present p = (FileContent.Present) c;
    assertThat(p.utf8()).isEqualTo("héllo");
    assertThat(p.size()).isEqualTo(6);
    // the bytes handed out are a copy
    p.bytes()[0] = 'X';
    assertThat(p.utf8()).isEqualTo("héllo");
  }

  @Test
  void read_overTheLimit_isRefused() throws Exception {
    Path f = dir.resolve("big");
    Files.write(f, new byte[101]);
    assertThat(DurableFiles.read(f, 101)).isInstanceOf(FileContent.Present.class);
    assertThatThrownBy(() -> DurableFiles.read(f, 100))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("larger than the limit of 100 bytes");
  }

  @Test
  void read_ofInvalidUtf8_reportsTheFile() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.write(f, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'});
    FileContent.Present p = (FileContent.Present) DurableFiles.read(f, 100);
    assertThatThrownBy(p::utf8).isInstanceOf(StoreException.class).hasMessageContaining("bad.json")
        .hasMessageContaining("UTF-8");
  }

  @Test
  void read_ofDirectory_isRefused() {
    assertThatThrownBy(() -> DurableFiles.read(dir, 100))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void staleTemporaries_areFoundForTheirTargetOnly_andRemoved() throws Exception {
    Path f = dir.resolve("addrbook.json");
    Path t1 = Files.writeString(dir.resolve(".addrbook.json.123.tmp"), "half");
    Files.writeString(dir.resolve(".node_key.json.9.tmp"), "other target");
    Files.writeString(dir.resolve("addrbook.json.tmp"), "not ours");
    // another book in the folder, "addrbook.json.other.json": its temporaries match the glob, not the name
    Files.writeString(dir.resolve(".addrbook.json.other.json.4242.tmp"), "another book's save");
    Files.createDirectories(dir.resolve(".addrbook.json.77.tmp")).resolve("x");
    assertThat(DurableFiles.staleTemporaries(f)).containsExactly(t1);
    assertThat(DurableFiles.removeStaleTemporaries(f)).isEqualTo(1);
    assertThat(t1).doesNotExist();
    assertThat(dir.resolve(".node_key.json.9.tmp")).exists();
    assertThat(dir.resolve("addrbook.json.tmp")).exists();
    assertThat(dir.resolve(".addrbook.json.other.json.4242.tmp")).exists();
    assertThat(dir.resolve(".addrbook.json.77.tmp")).isDirectory();
  }
}
