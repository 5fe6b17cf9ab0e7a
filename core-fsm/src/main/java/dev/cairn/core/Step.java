package dev.cairn.core;

import java.util.ArrayList;
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
    effects = immutableCopy(effects);
    Objects.requireNonNull(outcome, "outcome");
  }

  /**
   * {@link List#copyOf}: the same unmodifiable list. A step's effects are usually a short
   * {@link ArrayList} (none, one or two effects), which is copied here without the two array
   * copies of {@code List.copyOf}.
   */
  private static <F> List<F> immutableCopy(List<F> effects) {
    if (effects instanceof ArrayList<F> a) {
      switch (a.size()) {
        case 0:
          return List.of();
        case 1:
          return List.of(a.get(0));
        case 2:
          return List.of(a.get(0), a.get(1));
        default:
          break;
      }
    }
    return List.copyOf(effects);
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
