---------------------------- MODULE MCCoreOperator ----------------------------
(* MCCore with the operator's DialRequested and PeerErrored as well, and    *)
(* the other reactors' PeerReported (scores move in -1..1 here), for        *)
(* model-tests' equivalence checks of the composed core only. The TLC gate  *)
(* leaves them out of MCCore (with the first two TLC meets 498,172 states   *)
(* in about 5 min); here the checks compare Java and the spec on the states *)
(* they reach (a private peer's lifted ban was found this way).             *)
EXTENDS MCCore

\* A cfg takes no negative number: ScoreMin <- OperatorScoreMin.
OperatorScoreMin == -1

OperatorNext ==
  \/ MCNext
  \/ \E p \in Node : DialRequested(p)
  \/ \E p \in Peer : PeerErrored(p)
  \/ \E p \in Peer, f \in PM!Feedback : PeerReported(p, f)
=============================================================================
