-------------------------------- MODULE Toy --------------------------------
(* A tiny spec for the facade's own tests: peers are dialed up to a limit.  *)
EXTENDS Naturals, FiniteSets

CONSTANTS Peer, Max

VARIABLES conn, log

Init == conn = {} /\ log = <<>>

Dial(p) ==
  /\ p \notin conn /\ Cardinality(conn) < Max
  /\ conn' = conn \cup {p}
  /\ log' = <<"dial", p>>

Drop(p) ==
  /\ p \in conn
  /\ conn' = conn \ {p}
  /\ log' = <<"drop", p>>

Next == \E p \in Peer : Dial(p) \/ Drop(p)

WithinMax == Cardinality(conn) <= Max
NoneConnected == conn = {}
Free == Max - Cardinality(conn)
Record == [size |-> Cardinality(conn), peers |-> conn]
Spare(n) == n - Cardinality(conn)
SpareOfMax == Spare(Max)

\* A constant definition that a checked pair may give another value (Tla.Given), and an
\* action that reads it through another definition.
Reason == "none"
Because(r) == Reason = r
DialFor(p, r) == Dial(p) /\ Because(r)
=============================================================================
