package dev.cairn.shell.report;

/** Java2D without a display: the reports run on servers and in CI. */
final class Headless {

  private Headless() {}

  /** Sets {@code java.awt.headless=true} unless the user chose otherwise; call before any AWT class loads. */
  static void ensure() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }
}
