package dev.cairn.core;

import java.util.List;
import java.util.Objects;

/**
 * One transition of a pure machine: the new state, the effects the shell must execute in
 * order, and whether the event was accepted. A rejected step carries the unchanged state and
 * no effects.
 *
 * @param <S> the machine's state
 * @param <F> the machine's effect family
 */
public record Step<S, F>(S state, List<F> effects, Outcome outcome) {

  public Step {
    Objects.requireNonNull(state, "state");
    effects = List.copyOf(effects);
    Objects.requireNonNull(outcome, "outcome");
  }

  public static <S, F> Step<S, F> accepted(S state, List<F> effects) {
    return new Step<>(state, effects, Outcome.ACCEPTED);
  }

  public static <S, F> Step<S, F> rejected(S unchanged, String reason) {
    return new Step<>(unchanged, List.of(), new Outcome.Rejected(reason));
  }

  public boolean isAccepted() {
    return outcome.isAccepted();
  }
}
