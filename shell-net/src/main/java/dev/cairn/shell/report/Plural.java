package dev.cairn.shell.report;

/** "1 seed", "2 seeds". */
public final class Plural {

  private Plural() {}

  public static String of(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
