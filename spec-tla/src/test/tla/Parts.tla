------------------------------- MODULE Parts -------------------------------
(* Invariants of every shape the facade splits into parts (or keeps whole). *)
EXTENDS Naturals, Sequences

CONSTANTS Peer

VARIABLES conn, log, n

Init == conn = {} /\ log = <<>> /\ n = 0
Next == UNCHANGED <<conn, log, n>>

ConnOK == conn \subseteq Peer
Limit == 3

\* a bulleted conjunction through a definition: one part per variable
TypeOK ==
  /\ ConnOK
  /\ log \in Seq({"dial", "drop"})
  /\ n \in 0..Limit

\* an infix conjunction
Infix == n < Limit /\ conn # Peer

\* not a conjunction: one part
Implied == log # <<>> => log[1] = "dial"

\* the second conjunct, alone, fails on the empty log
Guarded ==
  /\ Len(log) > 0
  /\ log[1] = "dial"
=============================================================================
