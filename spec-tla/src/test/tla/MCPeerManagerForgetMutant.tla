---------------------- MODULE MCPeerManagerForgetMutant ----------------------
(* A deliberately broken PeerManager: a step that learns addresses may push   *)
(* known peers out of the book, as AddressesLearned may, but it forgets their *)
(* entries alone and keeps their timers and scores. The gate's own test runs  *)
(* it and expects TLC to exit 12 naming TimersOnlyForKnownPeers.              *)
EXTENDS MCPeerManager

AddressesLearnedKeepingTimers(addresses) ==
  \E r \in OnAddressesLearned(Cur, addresses) :
    \E F \in SUBSET {p \in Peer : r.book[p].status = "known"} :
      Commit([r EXCEPT !.book = ForgetAll(@, F)])

ForgetMutantNext ==
  \/ Next
  \/ \E a \in SUBSET Peer : AddressesLearnedKeepingTimers(a)
=============================================================================
