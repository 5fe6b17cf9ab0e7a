package dev.cairn.spec;

import java.util.Objects;

/**
 * A TLA+ model value (an element of a cfg set such as {@code Peer = {p1, p2}}), on the Java side.
 * Peer IDs are model values in the MC models so that TLC symmetry stays possible.
 */
public record TlaModelValue(String name) implements Comparable<TlaModelValue> {

  public TlaModelValue {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a model value needs a name");
    }
  }

  public static TlaModelValue of(String name) {
    return new TlaModelValue(name);
  }

  @Override
  public int compareTo(TlaModelValue o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
