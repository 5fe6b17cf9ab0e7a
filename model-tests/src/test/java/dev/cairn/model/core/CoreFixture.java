package dev.cairn.model.core;

import dev.cairn.spec.mapping.CoreLetter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A replayable event list of the composed core, read by {@code CoreFixtureReplayTest} from
 * {@code src/test/resources/fixtures/core/}:
 *
 * <pre>
 * # what this is
 * model MCCore
 * init s=known a=unknown
 * expect conforms            (or: expect diverges-at 3)
 * Started
 * PeerReady s
 * TimerFired {} {EnsurePeers} time=1
 * </pre>
 *
 * <p>Letters are {@link CoreLetter}s in text form.
 */
public record CoreFixture(String comment, String model, String init, List<CoreLetter> letters, int divergesAt) {

  public CoreFixture {
    letters = List.copyOf(letters);
  }

  public String text() {
    StringBuilder b = new StringBuilder();
    for (String line : comment.split("\n")) {
      b.append("# ").append(line).append('\n');
    }
    b.append("model ").append(model).append('\n');
    b.append("init ").append(init).append('\n');
    b.append("expect ").append(divergesAt == 0 ? "conforms" : "diverges-at " + divergesAt).append('\n');
    for (CoreLetter l : letters) {
      b.append(l).append('\n');
    }
    return b.toString();
  }

  public static CoreFixture parse(String text) {
    List<String> comment = new ArrayList<>();
    String model = null;
    String init = null;
    int diverges = 0;
    List<CoreLetter> letters = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        comment.add(line.substring(1).strip());
      } else if (line.startsWith("model ")) {
        model = line.substring(6).strip();
      } else if (line.startsWith("init ")) {
        init = line.substring(5).strip();
      } else if (line.startsWith("expect ")) {
        String e = line.substring(7).strip();
        diverges = e.equals("conforms") ? 0 : Integer.parseInt(e.replace("diverges-at", "").strip());
      } else {
        letters.add(CoreLetter.parse(line));
      }
    }
    if (model == null || init == null) {
      throw new IllegalArgumentException("a core fixture needs a model and an init line");
    }
    return new CoreFixture(String.join("\n", comment), model, init, letters, diverges);
  }

  public static CoreFixture read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Saves under {@code target/failed-fixtures/core/}; returns the file. */
  public Path save(String name) {
    Path dir = Path.of("target", "failed-fixtures", "core");
    try {
      Files.createDirectories(dir);
      Path f = dir.resolve(name + ".fixture");
      Files.writeString(f, text(), StandardCharsets.UTF_8);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
