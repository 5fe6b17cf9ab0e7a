package dev.cairn.shell.trace;

import java.nio.charset.StandardCharsets;

/** Constants of the trace file format ({@code proto/src/main/proto/cairn/trace.proto}). */
public final class TraceFormat {

  /** The first bytes of every trace file. */
  public static final String MAGIC_TEXT = "CAIRNTRC";
  static final byte[] MAGIC = MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII);

  /**
   * The format version this build writes and reads. Version 1 carried a SHA-256 of the effects
   * and of the whole state on every record; version 2 a chained XXH64 of each step on every
   * record and a state digest at checkpoints and at the end of each file; version 3 has the same
   * records, with the address book in the state digest as the sum of its entries' hashes
   * instead of a hash over them in ID order ({@link Digester}).
   */
  public static final int VERSION = 3;

  /**
   * The oldest format version this build reads: version 2 differs only in its checkpoints' book
   * digest, which {@link Digester#forFormat} still computes.
   */
  public static final int OLDEST_READ = 2;

  /** Largest header accepted: the encoded state of a 100k-address book is about 15 MB. */
  static final int MAX_HEADER_BYTES = 256 << 20;

  /** Largest record accepted: a 250-address PexAddrs is about 20 kB. */
  static final int MAX_RECORD_BYTES = 4 << 20;

  private TraceFormat() {}
}
