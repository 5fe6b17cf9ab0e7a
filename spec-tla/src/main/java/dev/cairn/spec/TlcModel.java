package dev.cairn.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One model for the TLC gate: a {@code .cfg} and the module it checks. A cfg's name starts with
 * its module's name ({@code MCPeerManagerLiveness.cfg} checks {@code MCPeerManager.tla} unless
 * an {@code MCPeerManagerLiveness.tla} exists): the longest {@code .tla} name that prefixes the
 * cfg name wins.
 *
 * @param name the cfg's name without {@code .cfg}, which names the model in reports
 * @param module the module's file
 * @param cfg the cfg file
 */
public record TlcModel(String name, Path module, Path cfg) {

  /** Every {@code MC*.cfg} in {@code dir}, in name order. */
  public static List<TlcModel> discover(Path dir) {
    return discover(dir, "MC");
  }

  /** Every {@code <prefix>*.cfg} in {@code dir}, in name order, each paired with its module. */
  public static List<TlcModel> discover(Path dir, String prefix) {
    List<Path> cfgs = list(dir, prefix, ".cfg");
    List<Path> modules = list(dir, "", ".tla");
    List<TlcModel> out = new ArrayList<>();
    for (Path cfg : cfgs) {
      String name = stem(cfg, ".cfg");
      Path module = modules.stream()
          .filter(m -> name.startsWith(stem(m, ".tla")))
          .max(Comparator.comparingInt(m -> stem(m, ".tla").length()))
          .orElseThrow(() -> new IllegalArgumentException(
              "no module for " + cfg.getFileName() + ": a cfg's name must start with the name of a .tla"
                  + " in the same directory"));
      out.add(new TlcModel(name, module, cfg));
    }
    return out;
  }

  /** The model named {@code name} in {@code dir}, if its cfg exists. */
  public static Optional<TlcModel> find(Path dir, String name) {
    return discover(dir, name).stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** The module name (the {@code .tla} file name without extension). */
  public String moduleName() {
    return stem(module, ".tla");
  }

  /** The invariants the cfg asks TLC to check ({@code INVARIANT}/{@code INVARIANTS}), in its order. */
  public List<String> invariants() {
    return checked("INVARIANT", "INVARIANTS");
  }

  /** The temporal and action properties the cfg asks TLC to check ({@code PROPERTY}/{@code PROPERTIES}). */
  public List<String> properties() {
    return checked("PROPERTY", "PROPERTIES");
  }

  /** The cfg's keywords: a name after one of them belongs to that section. */
  private static final java.util.Set<String> CFG_KEYWORDS = java.util.Set.of("CONSTANT", "CONSTANTS", "INIT", "NEXT",
      "SPECIFICATION", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES", "SYMMETRY", "VIEW", "CHECK_DEADLOCK",
      "CONSTRAINT", "CONSTRAINTS", "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "ALIAS", "POSTCONDITION");

  /**
   * {@code text} with its TLA+ comments made spaces: {@code \*} to the end of its line (a {@code
   * (*} there opens nothing) and {@code (* … *)}, which nest (a {@code \*} inside one ends nothing
   * but is skipped with it).
   */
  static String withoutComments(String text) {
    StringBuilder b = new StringBuilder(text.length());
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
      if (c == '(' && next == '*') {
        depth++;
        i++;
      } else if (depth > 0) {
        if (c == '*' && next == ')') {
          depth--;
          i++;
          if (depth == 0) {
            b.append(' ');
          }
        }
      } else if (c == '\\' && next == '*') {
        while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
          i++;
        }
        b.append(' ');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The names of the cfg's sections headed by {@code one} or {@code many}. */
  private List<String> checked(String one, String many) {
    String text;
    try {
      text = Files.readString(cfg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    text = withoutComments(text);
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String token : text.split("\\s+")) {
      if (CFG_KEYWORDS.contains(token)) {
        in = token.equals(one) || token.equals(many);
      } else if (in && !token.isEmpty()) {
        out.add(token);
      }
    }
    return out;
  }

  private static String stem(Path p, String ext) {
    String f = p.getFileName().toString();
    return f.substring(0, f.length() - ext.length());
  }

  private static List<Path> list(Path dir, String prefix, String ext) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
            String f = p.getFileName().toString();
            return f.startsWith(prefix) && f.endsWith(ext) && Files.isRegularFile(p);
          })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
