------------------------- MODULE MCPeerManagerMutant -------------------------
(* A deliberately broken PeerManager: DialSucceeded admits the connection     *)
(* without the admission check. The gate's own test runs it and expects TLC   *)
(* to exit 12 naming OutboundWithinLimit, which proves the gate can fail.     *)
EXTENDS MCPeerManager

DialSucceededUnchecked(p) ==
  /\ p \in dialing
  /\ \E r \in Finish(Cur, Connect(StopDialing(Cur, p), p, "outbound", {})) : Commit(r)

MutantNext ==
  \/ Next
  \/ \E p \in Peer : DialSucceededUnchecked(p)
=============================================================================
