package dev.cairn.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A replayable event list in a compact text form, read by {@code FixtureReplayTest} from
 * {@code src/test/resources/fixtures/}:
 *
 * <pre>
 * # what this is (any number of comment lines)
 * init p1=unknown p2=known
 * expect conforms            (or: expect diverges-at 3)
 * Started
 * DialFailed p1
 * TimerFired {RetryDial(p1)}
 * </pre>
 *
 * <p>Letters are {@link Label}s in text form. {@code diverges-at N}: the N-th letter (1-based)
 * is the first the comparison rejects.
 */
public record Fixture(String comment, String init, List<Label> letters, Expect expect) {

  /** What replaying the fixture must give: {@code divergesAt} 0 means it conforms throughout. */
  public record Expect(int divergesAt) {
    public static final Expect CONFORMS = new Expect(0);

    public static Expect diverges(int step) {
      return new Expect(step);
    }

    @Override
    public String toString() {
      return divergesAt == 0 ? "conforms" : "diverges-at " + divergesAt;
    }
  }

  public Fixture {
    letters = List.copyOf(letters);
  }

  public String text() {
    StringBuilder b = new StringBuilder();
    for (String line : comment.split("\n")) {
      b.append("# ").append(line).append('\n');
    }
    b.append("init ").append(init).append('\n');
    b.append("expect ").append(expect).append('\n');
    for (Label l : letters) {
      b.append(l).append('\n');
    }
    return b.toString();
  }

  public static Fixture parse(String text) {
    List<String> comments = new ArrayList<>();
    String init = null;
    Expect expect = Expect.CONFORMS;
    List<Label> letters = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        comments.add(line.substring(1).strip());
      } else if (line.startsWith("init ")) {
        init = line.substring(5).strip();
      } else if (line.equals("expect conforms")) {
        expect = Expect.CONFORMS;
      } else if (line.startsWith("expect diverges-at ")) {
        expect = Expect.diverges(Integer.parseInt(line.substring("expect diverges-at ".length()).strip()));
      } else {
        letters.add(Label.parse(line));
      }
    }
    if (init == null) {
      throw new IllegalArgumentException("a fixture needs an 'init' line");
    }
    return new Fixture(String.join("\n", comments), init, letters, expect);
  }

  public static Fixture read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read fixture " + file, e);
    }
  }

  /** Writes the fixture under {@code target/failed-fixtures/} for copying into the fixtures folder. */
  public Path save(String name) {
    try {
      Path dir = Path.of("target", "failed-fixtures");
      Files.createDirectories(dir);
      Path f = dir.resolve(name + ".fixture");
      Files.writeString(f, text(), StandardCharsets.UTF_8);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save fixture " + name, e);
    }
  }
}
