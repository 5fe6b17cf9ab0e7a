------------------------ MODULE MCPeerManagerLiveness ------------------------
(* The liveness model: MCPeerManager's peers under the fair environment of  *)
(* PeerManager's LiveSpec. No SYMMETRY and no VIEW here: both are unsound   *)
(* for liveness, and the properties read outbox. Too slow for every build: *)
(* run by SlowModelCheckTest with -Dcairn.tlc.slow=true.                   *)
EXTENDS MCPeerManager

\* Scores stay at 0: only persistence ranks peers, which keeps the model small.
MCLiveScoreMin == 0
=============================================================================
