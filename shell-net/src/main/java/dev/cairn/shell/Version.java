package dev.cairn.shell;

/** Cairn's software version: advertised in NodeInfo, printed by {@code --version}, written in traces. */
public final class Version {

  public static final String VERSION = "0.1.0";

  private Version() {}
}
