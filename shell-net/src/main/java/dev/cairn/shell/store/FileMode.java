package dev.cairn.shell.store;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** The POSIX permissions a durable file ends up with; ignored where the file system has none. */
public enum FileMode {
  /** {@code 0600}: secrets such as {@code node_key.json}, as CometBFT writes them. */
  OWNER_ONLY("rw-------"),
  /** {@code 0644}: everything else, such as {@code addrbook.json} and {@code config.toml}. */
  WORLD_READABLE("rw-r--r--");

  private final String symbolic;

  FileMode(String symbolic) {
    this.symbolic = symbolic;
  }

  /** A fresh set each call, so callers cannot change the mode of another file. */
  public Set<PosixFilePermission> permissions() {
    return PosixFilePermissions.fromString(symbolic);
  }
}
