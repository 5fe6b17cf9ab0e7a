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
   * instead of a hash over them in ID order ({@link Digester}); version 4 the same, with a
   * digest of the header in the header, which a reader requires from version 4 on
   * ({@link #headerDigestProblem}).
   */
  public static final int VERSION = 4;

  /** The first version whose header must carry its digest. */
  static final int SEALED_FROM = 4;

  /**
   * The oldest format version this build reads: version 2 differs only in its checkpoints' book
   * digest, which {@link Digester#forFormat} still computes.
   */
  public static final int OLDEST_READ = 2;

  /** Largest header accepted: the encoded state of a 100k-address book is about 15 MB. */
  static final int MAX_HEADER_BYTES = 256 << 20;

  /** Largest record accepted: a 250-address PexAddrs is about 20 kB. */
  static final int MAX_RECORD_BYTES = 4 << 20;

  /** The encoded {@code header_digest} field: its tag (field 16, fixed64) and 8 bytes. */
  static final int HEADER_DIGEST_BYTES = 10;

  private TraceFormat() {}

  /** Whether {@code file} begins with the trace magic (false for a shorter file, an empty one too). */
  public static boolean startsWithMagic(java.nio.file.Path file) throws java.io.IOException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      return java.util.Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
    }
  }

  /**
   * Writes {@code header} sealed, length-delimited, as the writer writes each file's header: its
   * encoding without {@code header_digest}, then that field, the XXH64 of those bytes, last
   * (protobuf would encode it before the fields numbered above it); the reader checks it ({@link
   * #headerDigestProblem}). Returns the bytes written.
   */
  public static long writeSealed(dev.cairn.proto.trace.TraceHeader header, java.io.OutputStream out)
      throws java.io.IOException {
    byte[] open = header.toBuilder().clearHeaderDigest().build().toByteArray();
    int length = open.length + HEADER_DIGEST_BYTES;
    var coded = com.google.protobuf.CodedOutputStream.newInstance(out, 16);
    coded.writeUInt32NoTag(length);
    coded.writeRawBytes(open);
    coded.writeFixed64(dev.cairn.proto.trace.TraceHeader.HEADER_DIGEST_FIELD_NUMBER, Xxh64.hash(open, 0, open.length));
    coded.flush();
    return com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(length) + length;
  }

  /**
   * Why the encoded header {@code raw} (which decoded to {@code header}) does not match its
   * {@code header_digest}, or null when it does or has none in a format before {@link #SEALED_FROM}.
   * It is checked before the version the header names, so that a damaged version is named as the
   * damage it is: a later format keeps this field and its rule ({@code trace.proto}), and a header
   * that names a later version but is not sealed so (no digest, or not last) is left to the
   * version check, which says it needs a newer cairn.
   */
  static String headerDigestProblem(byte[] raw, dev.cairn.proto.trace.TraceHeader header) {
    long digest = header.getHeaderDigest();
    boolean later = header.getFormatVersion() > VERSION;
    if (digest == 0) {
      return header.getFormatVersion() < SEALED_FROM || later ? null
          : "it has no digest, which every header of format " + SEALED_FROM + " and later carries (its length or "
              + "its last bytes changed)";
    }
    int n = raw.length - HEADER_DIGEST_BYTES;
    if (n < 0 || (raw[n] & 0xff) != 0x81 || raw[n + 1] != 0x01 || readLongLe(raw, n + 2) != digest) {
      return later ? null : "its digest is not its last field";
    }
    long actual = Xxh64.hash(raw, 0, n);
    return actual == digest ? null
        : "its digest does not match its bytes (recorded " + Long.toHexString(digest) + ", computed "
            + Long.toHexString(actual) + "): a byte of the header changed after it was written";
  }

  private static long readLongLe(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }
}
