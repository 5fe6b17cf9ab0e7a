------------------------- MODULE MCPeerManagerTrim --------------------------
(* Trimming above MaxThreshold (PeerManager.trimAboveMaxThreshold) among     *)
(* three ordinary peers, with room for three connections over a threshold   *)
(* of two: a third connection (an inbound peer admitted past the threshold; *)
(* the node's own book picks stop there) is trimmed back to MaxTarget,      *)
(* inbound peers first, then the lowest score: with three inbound slots a   *)
(* trim of two inbound peers and an outbound one, and of three inbound     *)
(* peers, where the score decides. The book knows every peer,               *)
(* so the node dials them too; bans and learned addresses, which MCPeerManager*)
(* checks, are left out to keep three peers within the build's time; no     *)
(* bucket fills (NewBucketSize is above the peers' count), as none of the   *)
(* Java book's 64-entry buckets does with three peers. Idle eviction is     *)
(* off, as by default.                                                      *)
EXTENDS MCPeerManager

CONSTANTS p3

MCTrimInit == Init /\ \A p \in Peer : book[p].status = "known"

MCTrimNext ==
  \/ Started
  \/ \E p \in Peer : DialRequested(p) \/ DialSucceeded(p) \/ InboundAccepted(p)
                     \/ DialFailed(p) \/ PeerReady(p) \/ PeerDisconnected(p)
  \/ \E p \in Peer, f \in Feedback : PeerReported(p, f)
  \/ \E f \in SUBSET TimerKey : TimerFired(f)
=============================================================================
