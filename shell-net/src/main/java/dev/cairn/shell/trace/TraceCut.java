package dev.cairn.shell.trace;

import com.google.protobuf.ByteString;
import dev.cairn.core.CoreState;
import dev.cairn.proto.trace.TraceHeader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a window of a trace's steps as a trace file of its own ({@code cairn trace cut}): its
 * header is the header of the file the first step came from, holding instead the state before
 * that step (as replayed), that step's number, the effects digest of the step before it and that
 * step's times; its records are the window's records, byte for byte, so their effects digests
 * still chain and their checkpoints keep their step numbers; its trailer holds the digest of the
 * state after the last step. Such a file replays and validates alone, as any file of a rotated
 * trace does.
 *
 * <p>It is written to a temporary file beside {@code out} and moved to {@code out} by {@link
 * #finish}, after an fsync; closed before that, nothing is left behind. An existing {@code out}
 * is never replaced.
 */
public final class TraceCut implements AutoCloseable {

  /** Writing the cut failed (not reading the trace it is cut from). */
  public static final class WriteFailed extends IOException {
    private static final long serialVersionUID = 1L;

    WriteFailed(IOException cause) {
      super(cause.getMessage(), cause);
    }

    public IOException cause() {
      return (IOException) getCause();
    }
  }

  private final Path out;
  private final Path temp;
  private final FileChannel channel;
  private final OutputStream stream;
  private final RecordCodec.Out record = new RecordCodec.Out();
  private Digester digester;
  private long first = -1;
  private long last = -1;
  private long lastDigest;
  private boolean finished;

  private TraceCut(Path out, Path temp, FileChannel channel) {
    this.out = out;
    this.temp = temp;
    this.channel = channel;
    this.stream = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
  }

  /** A cut to be written to {@code out}, which must not exist. */
  public static TraceCut create(Path out) throws IOException {
    if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(out.toString(), null, "it exists; not overwriting it");
    }
    Path dir = out.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + out.getFileName() + ".", ".part");
    try {
      if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
        // a file to keep or hand on, readable as the node's own trace files are (not the temp file's 0600)
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      return new TraceCut(out, temp, FileChannel.open(temp, StandardOpenOption.WRITE));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** Whether the first step was added. */
  public boolean started() {
    return first >= 0;
  }

  /** The first and last steps added (-1 before the first). */
  public long firstStep() {
    return first;
  }

  public long lastStep() {
    return last;
  }

  /**
   * Adds a step: {@code entry}, read from a file whose header is {@code header}. The first step
   * added writes the header, from {@code before} (the state before that step) and {@code
   * previousDigest} (the effects digest of the step before it, or the header's own when it is
   * the file's first). Each step must follow the one before.
   */
  public void add(TraceHeader header, CoreState before, long previousDigest, TraceReader.Entry entry)
      throws WriteFailed {
    try {
      write(header, before, previousDigest, entry);
    } catch (WriteFailed e) {
      throw e;
    } catch (IOException e) {
      throw new WriteFailed(e);
    }
  }

  private void write(TraceHeader header, CoreState before, long previousDigest, TraceReader.Entry entry)
      throws IOException {
    if (first < 0) {
      TraceHeader h = header.toBuilder().clearHeaderDigest()
          .setCoreState(ByteString.copyFrom(CanonicalCodec.encodeState(before)))
          .setFirstStep(entry.step())
          .setPreviousDigest(previousDigest)
          .setStartMonoNanos(entry.monoNanos())
          .setStartWallMillis(entry.wallMillis())
          .setSegment(0)
          .clearRunStartMonoNanos() // a trace of its own: its times count from its first step
          .clearRunStartWallMillis()
          .build();
      stream.write(TraceFormat.MAGIC);
      TraceFormat.writeSealed(h, stream);
      digester = Digester.forFormat(header.getFormatVersion());
      first = entry.step();
    } else if (entry.step() != last + 1) {
      throw new IllegalArgumentException("step " + entry.step() + " does not follow step " + last);
    }
    entry.writeFrame(stream);
    last = entry.step();
    lastDigest = entry.effectsDigest();
  }

  /**
   * Ends the file with its trailer ({@code after}: the state after the last step), makes it
   * durable and moves it to {@code out}.
   */
  public void finish(CoreState after) throws WriteFailed {
    if (first < 0) {
      throw new IllegalStateException("no step was added");
    }
    try {
      record.len = 0;
      RecordCodec.encode(record, last, 0, 0, null, lastDigest, digester.state(after), false, null, true);
      RecordCodec.writeLength(stream, record.len);
      stream.write(record.buf, 0, record.len);
      stream.flush();
      channel.force(true);
      stream.close();
      publish();
    } catch (IOException e) {
      throw new WriteFailed(e);
    }
    finished = true;
  }

  /**
   * Gives the written file its name: a hard link, which fails if a file of that name appeared
   * meanwhile (a rename would replace it), then the temporary name removed; a move where the file
   * system has no hard links.
   */
  private void publish() throws IOException {
    try {
      Files.createLink(out, temp);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(out.toString(), null, "it appeared while the cut was written; not "
          + "overwriting it");
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(out.toString(), null, "it appeared while the cut was written; not "
            + "overwriting it");
      }
      Files.move(temp, out); // no REPLACE_EXISTING: refused if the name is taken
      return;
    }
    Files.delete(temp);
  }

  /** Removes what was written unless it was finished. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      try {
        stream.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
