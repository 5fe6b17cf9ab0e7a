---------------------------- MODULE MCPeerManager ----------------------------
(* A small model of PeerManager for the TLC gate: two peers, one of them     *)
(* persistent; limits small enough that upgrades and bans happen. Trimming *)
(* above MaxThreshold needs three connections: not reached at these bounds. *)
EXTENDS PeerManager, TLC

CONSTANTS p1, p2, self

\* cfg files cannot hold negative numbers.
MCScoreMin == -1

\* The peers that play the same role (not persistent, not unconditional) are
\* interchangeable: TLC checks one representative per permutation.
MCSymmetry == Permutations(Peer \ (Persistent \cup Unconditional))

\* No action reads outbox, so two states that differ only in outbox have the
\* same futures: fingerprinting without it is sound for every invariant that
\* does not mention outbox, and it divides the state space by the number of
\* ways a state is entered.
MCView == <<book, dialing, connected, ready, evicting, upgrading, scores,
            persistentDialFailures, timers, started, bannedIds, idleInbound>>
=============================================================================
