package dev.cairn.core;

import java.util.Objects;

/**
 * Whether a machine took an event. {@link Rejected} means the event was impossible in the
 * state it met (for example a result for a dial that is not in flight): the state is returned
 * unchanged and no effect is emitted. Refusals of real connections (limits, bans, duplicates)
 * are not rejections: they are accepted events whose effect is a disconnect.
 */
public sealed interface Outcome {

  /** The event was taken; the step's state and effects are its consequence. */
  record Accepted() implements Outcome {}

  /** The event was impossible here; nothing changed. {@code reason} says why, for traces. */
  record Rejected(String reason) implements Outcome {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  Accepted ACCEPTED = new Accepted();

  default boolean isAccepted() {
    return this instanceof Accepted;
  }
}
