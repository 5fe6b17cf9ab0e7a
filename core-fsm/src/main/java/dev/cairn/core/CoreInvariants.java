package dev.cairn.core;

import dev.cairn.core.peer.Connection;
import dev.cairn.core.pex.PexPeer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Invariants across the two machines (names of the composed TLA+ spec's invariants). Each
 * machine's own invariants are {@code PeerInvariants} and {@code PexInvariants}.
 */
public enum CoreInvariants {

  /**
   * PEX talks exactly to the peers the PeerManager has published UP (its {@code ready} set), and
   * knows each one's direction as the PeerManager does.
   */
  PexPeersAreReadyPeers((cfg, s) -> {
    if (!s.pex().peers().keySet().equals(s.peer().ready())) {
      return false;
    }
    for (Map.Entry<NodeId, PexPeer> e : s.pex().peers().entrySet()) {
      Connection c = s.peer().connected().get(e.getKey());
      if (c == null || c.direction() != e.getValue().direction()) {
        return false;
      }
    }
    return true;
  }),

  /** Both machines have started, or neither has. */
  StartedTogether((cfg, s) -> s.peer().started() == s.pex().started());

  private final BiPredicate<CoreConfig, CoreState> holds;

  CoreInvariants(BiPredicate<CoreConfig, CoreState> holds) {
    this.holds = holds;
  }

  public boolean holds(CoreConfig cfg, CoreState s) {
    return holds.test(cfg, s);
  }

  /** Names of the invariants {@code s} violates, in declaration order. */
  public static List<String> violations(CoreConfig cfg, CoreState s) {
    List<String> broken = new ArrayList<>();
    for (CoreInvariants inv : values()) {
      if (!inv.holds(cfg, s)) {
        broken.add(inv.name());
      }
    }
    return broken;
  }

  /** Throws {@link AssertionError} naming every violated invariant. */
  public static void check(CoreConfig cfg, CoreState s) {
    List<String> broken = violations(cfg, s);
    if (!broken.isEmpty()) {
      throw new AssertionError("Core invariants violated: " + broken + " in " + s);
    }
  }
}
