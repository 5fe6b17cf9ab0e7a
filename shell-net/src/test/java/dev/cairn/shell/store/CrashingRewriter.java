package dev.cairn.shell.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The child process of {@link DurableFilesCrashTest}: rewrites an address book of many entries
 * through {@link DurableFiles} in a loop, one version after the other, until it is killed.
 * After each completed write it prints the version number on its own line.
 */
public final class CrashingRewriter {

  private CrashingRewriter() {}

  /** The complete book of {@code version}: every byte depends on the version. */
  static AddrBookDocument version(long version, int entries) {
    List<KnownAddressJson> addrs = new ArrayList<>(entries);
    OffsetDateTime t = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).plusSeconds(version);
    for (int i = 0; i < entries; i++) {
      NetAddressJson addr = new NetAddressJson(String.format("%040x", i + 1),
          "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff), 26656);
      NetAddressJson src = new NetAddressJson(String.format("%040x", version), "192.0.2.1", 26656);
      addrs.add(new KnownAddressJson(addr, src, Optional.of(List.of(i % 256)), (int) ((version + i) % 1000),
          BucketKind.NEW, t.plusNanos(i), KnownAddressJson.NEVER, KnownAddressJson.NEVER));
    }
    return new AddrBookDocument(String.format("%024x", version), addrs, List.of());
  }

  /** {@code args}: file, first version, entries per book. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long v = Long.parseLong(args[1]);
    int entries = Integer.parseInt(args[2]);
    PrintStream out = System.out;
    while (true) {
      AddrBookFile.save(file, version(v, entries));
      out.println(v);
      out.flush();
      v++;
    }
  }
}
