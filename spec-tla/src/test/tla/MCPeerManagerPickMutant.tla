----------------------- MODULE MCPeerManagerPickMutant -----------------------
(* A deliberately broken PeerManager whose book picks never dial: a free    *)
(* slot and a dialable known peer then wait for ever. The gate's own test   *)
(* runs it and expects TLC to exit 13 naming FreeSlotLeadsToDial, which     *)
(* proves that property can fail (its fairness, PickFairness, must not     *)
(* assume the dial it promises).                                            *)
EXTENDS MCPeerManagerLiveness

\* PeerManager's IsPick with no pick allowed (the cfg substitutes this for it).
NeverPicks(budget, S) == S = {}
=============================================================================
