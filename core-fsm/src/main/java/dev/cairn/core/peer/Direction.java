package dev.cairn.core.peer;

/** Who opened a connection: we dialed it ({@code OUTBOUND}) or the peer did ({@code INBOUND}). */
public enum Direction {
  INBOUND,
  OUTBOUND
}
