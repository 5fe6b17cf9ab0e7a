---------------------------- MODULE MCCoreOperator ----------------------------
(* MCCore with the operator's DialRequested and PeerErrored as well, for    *)
(* model-tests' equivalence checks of the composed core only. The TLC gate  *)
(* leaves them out of MCCore (with them TLC meets 498,172 states in about 5 *)
(* min); here the checks compare Java and the spec on the states they reach *)
(* (a private peer's lifted ban was found this way).                        *)
EXTENDS MCCore

OperatorNext ==
  \/ MCNext
  \/ \E p \in Node : DialRequested(p)
  \/ \E p \in Peer : PeerErrored(p)
=============================================================================
