package dev.cairn.spec;

import tlc2.value.impl.IntValue;
import tlc2.value.impl.Value;

/** Definitions of {@code Toy.tla} in Java for {@link TlaToyTest} (TLC calls only public classes' methods). */
public final class ToyInJava {

  private ToyInJava() {}

  /** A stand-in for {@code Spare(n)} that no state gives: 100 + n. */
  public static Value spare(Value n) {
    return IntValue.gen(100 + ((IntValue) n).val);
  }

  /** Not static: refused. */
  public Value notStatic(Value n) {
    return n;
  }
}
