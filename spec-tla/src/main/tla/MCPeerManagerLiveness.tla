------------------------ MODULE MCPeerManagerLiveness ------------------------
(* The liveness models of PeerManager, one property per cfg so that each   *)
(* checks only the fairness it needs:                                      *)
(*  - MCPeerManagerLivenessDial: FreeSlotLeadsToDial under TimeFairness    *)
(*    and PickFairness;                                                    *)
(*  - MCPeerManagerLivenessPersistent: PersistentEventuallyRetried under   *)
(*    TimeFairness and DialFairness (another peer's dial in flight may     *)
(*    hold the only outbound slot; the persistent dial is not a random     *)
(*    pick, so no PickFairness).                                           *)
(* No SYMMETRY (unsound for liveness in TLC), no VIEW (the properties and  *)
(* the fairness read outbox), no state constraint: the models are small    *)
(* because the constants are (one or two peers, one outbound slot, one     *)
(* failed dial before the long retry delay, scores pinned at 0).           *)
EXTENDS PeerManager, TLC

CONSTANTS p1, p2, self

\* Scores stay at 0: only persistence ranks peers, which keeps the model small.
MCLiveScoreMin == 0

LiveDialSpec == Spec /\ TimeFairness /\ PickFairness

LivePersistentSpec == Spec /\ TimeFairness
=============================================================================
