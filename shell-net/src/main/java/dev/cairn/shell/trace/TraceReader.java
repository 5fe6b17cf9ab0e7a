package dev.cairn.shell.trace;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.proto.trace.TraceHeader;
import dev.cairn.proto.trace.TraceRecord;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads one trace file: the magic, the header, then the records one at a time. Anything that
 * is not a well-formed trace ({@link TraceFormatException}) is reported with the byte offset and
 * the record number where it went wrong; nothing is skipped silently.
 */
public final class TraceReader implements AutoCloseable {

  /** One record and where it was found. */
  public record Entry(long index, long offset, TraceRecord record) {}

  private final Path file;
  private final InputStream in;
  private final TraceHeader header;
  private long offset;
  private long index;
  private long nextStep;

  private TraceReader(Path file, InputStream in) throws IOException, TraceFormatException {
    this.file = file;
    this.in = in;
    byte[] magic = in.readNBytes(TraceFormat.MAGIC.length);
    offset = magic.length;
    if (magic.length < TraceFormat.MAGIC.length || !java.util.Arrays.equals(magic, TraceFormat.MAGIC)) {
      throw new TraceFormatException(file + " is not a Cairn trace: it does not start with the magic bytes \""
          + TraceFormat.MAGIC_TEXT + "\" (at byte offset 0)");
    }
    long at = offset;
    byte[] bytes = frame(TraceFormat.MAX_HEADER_BYTES, "the header");
    if (bytes == null) {
      throw new TraceFormatException(file + ": truncated: the file ends at byte offset " + at + " before its header");
    }
    try {
      header = TraceHeader.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new TraceFormatException(file + ": corrupt header at byte offset " + at + ": " + e.getMessage());
    }
    if (header.getFormatVersion() != TraceFormat.VERSION) {
      throw new TraceFormatException(file + ": trace format version " + header.getFormatVersion()
          + " (written by cairn " + header.getCairnVersion() + "); this cairn reads version " + TraceFormat.VERSION);
    }
    nextStep = header.getFirstStep();
  }

  public static TraceReader open(Path file) throws IOException, TraceFormatException {
    if (!Files.isRegularFile(file)) {
      throw new TraceFormatException(file + " does not exist or is not a file");
    }
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      return new TraceReader(file, in);
    } catch (IOException | TraceFormatException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  public TraceHeader header() {
    return header;
  }

  /** The next record, or empty at the clean end of the file. */
  public Optional<Entry> next() throws IOException, TraceFormatException {
    long at = offset;
    String what = "record " + index;
    byte[] bytes = frame(TraceFormat.MAX_RECORD_BYTES, what);
    if (bytes == null) {
      return Optional.empty();
    }
    TraceRecord r;
    try {
      r = TraceRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new TraceFormatException(file + ": corrupt " + what + " at byte offset " + at + ": " + e.getMessage());
    }
    if (r.getStep() != nextStep) {
      throw new TraceFormatException(file + ": " + what + " at byte offset " + at + " is step " + r.getStep()
          + ", expected step " + nextStep + " (steps are consecutive)");
    }
    if (r.getEffectsDigest().size() != Digester.LENGTH || r.getStateDigest().size() != Digester.LENGTH) {
      throw new TraceFormatException(file + ": corrupt " + what + " at byte offset " + at + ": digests of "
          + r.getEffectsDigest().size() + " and " + r.getStateDigest().size() + " bytes, expected " + Digester.LENGTH);
    }
    nextStep++;
    return Optional.of(new Entry(index++, at, r));
  }

  /**
   * One length-delimited frame; null at a clean end of file (no byte of a new frame).
   * A frame cut short or with an impossible length is an error naming its offset.
   */
  private byte[] frame(int max, String what) throws IOException, TraceFormatException {
    long at = offset;
    long length = 0;
    int shift = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (offset == at) {
          return null;
        }
        throw new TraceFormatException(file + ": truncated: " + what + " at byte offset " + at
            + " ends inside its length prefix");
      }
      offset++;
      length |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 35) {
        throw new TraceFormatException(file + ": corrupt " + what + " at byte offset " + at + ": length prefix too long");
      }
    }
    if (length > max) {
      throw new TraceFormatException(file + ": corrupt " + what + " at byte offset " + at + ": length " + length
          + " exceeds the limit of " + max + " bytes");
    }
    byte[] bytes = in.readNBytes((int) length);
    offset += bytes.length;
    if (bytes.length < length) {
      throw new TraceFormatException(file + ": truncated: " + what + " at byte offset " + at + " needs " + length
          + " bytes, the file ends after " + bytes.length + " (at byte offset " + offset + ")");
    }
    return bytes;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
