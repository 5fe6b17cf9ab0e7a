package dev.cairn.shell.report;

/** "1 seed", "2 seeds". */
final class Plural {

  private Plural() {}

  static String of(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
