package dev.cairn.shell.report;

/** Colours shared by the PNG and SVG renderings (colour-blind-safe Okabe–Ito hues). */
final class Palette {

  static final int BACKGROUND = 0xFFFFFF;
  static final int TEXT = 0x222222;
  static final int MUTED_TEXT = 0x555555;
  static final int GRID = 0xE3E3E3;
  static final int AXIS = 0x444444;
  static final int NODE_OUTLINE = 0x333333;
  /** Orange: seeds. */
  static final int SEED = 0xE69F00;
  /** Bluish green: non-seed node with its outbound target reached. */
  static final int AT_TARGET = 0x009E73;
  /** Vermillion: non-seed node still below its outbound target. */
  static final int BELOW_TARGET = 0xD55E00;
  /** Blue: ordinary edges and the at-target series. */
  static final int EDGE = 0x0072B2;
  static final int SERIES_AT_TARGET = 0x0072B2;
  static final int SERIES_PEERS = 0xE69F00;

  private Palette() {}

  static java.awt.Color awt(int rgb) {
    return new java.awt.Color(rgb);
  }

  static java.awt.Color awt(int rgb, double alpha) {
    return new java.awt.Color((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, (int) Math.round(alpha * 255));
  }

  static String hex(int rgb) {
    return String.format("#%06x", rgb);
  }
}
