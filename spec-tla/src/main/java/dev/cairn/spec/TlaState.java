package dev.cairn.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tla2sany.semantic.OpDeclNode;
import tlc2.tool.TLCState;

/**
 * One state of the loaded spec: TLC's state plus its fingerprint. Equality is TLA+ value
 * equality of every variable (TLC's own {@code TLCState} lacks a matching {@code hashCode}, so
 * never key a hash map by it; key by this wrapper or by the fingerprint).
 */
public final class TlaState {

  private final TLCState state;
  private final long fingerprint;

  TlaState(TLCState state) {
    this.state = state;
    this.fingerprint = state.fingerPrint();
  }

  /** TLC's state, for callers that go below the facade. */
  public TLCState tlcState() {
    return state;
  }

  /** TLC's 64-bit fingerprint of the state. */
  public long fingerprint() {
    return fingerprint;
  }

  /** One variable's value as a Java value ({@link TlaValues#fromTla}). */
  public Object get(String variable) {
    var v = state.lookup(variable);
    if (v == null) {
      throw new IllegalArgumentException("the spec has no variable " + variable
          + "; variables: " + variables().keySet());
    }
    return TlaValues.fromTla(v);
  }

  /** Every variable, in TLC's order, as Java values. */
  public Map<String, Object> variables() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (OpDeclNode var : state.getVars()) {
      var v = state.lookup(var.getName());
      out.put(var.getName().toString(), v == null ? null : TlaValues.fromTla(v));
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlaState other && other.fingerprint == fingerprint && other.state.equals(state);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(fingerprint);
  }

  @Override
  public String toString() {
    return state.toString().strip();
  }
}
