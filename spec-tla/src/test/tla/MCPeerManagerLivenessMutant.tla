--------------------- MODULE MCPeerManagerLivenessMutant ---------------------
(* A deliberately broken PeerManager that gives up on a persistent peer     *)
(* after one failed dial (the v0.35 behaviour Cairn fixes): such a peer is  *)
(* never dialable again. The gate's own test runs it and expects TLC to     *)
(* exit 13 naming PersistentEventuallyRetried, which proves the liveness    *)
(* part of the gate can fail.                                               *)
EXTENDS MCPeerManagerLiveness

\* PeerManager's Dialable (repeated: the cfg substitutes this for it) and one more clause.
GivesUpDialable(st, p) ==
  /\ p # Self
  /\ p \notin DOMAIN st.connected /\ p \notin st.dialing
  /\ RetryDial(p) \notin st.timers /\ DisconnectCooldown(p) \notin st.timers
  /\ ~Banned(st, p)
  /\ ~(p \in Persistent /\ p \in DOMAIN st.persistentDialFailures)
=============================================================================
