----------------------------- MODULE MCCoreMutant -----------------------------
(* A broken composed core for the counterexample replay of model-tests: a   *)
(* PexAddrs is accepted (its addresses learned) although no request to its  *)
(* sender is outstanding. TLC must find AcceptOnlyWhenOutstanding violated. *)
EXTENDS MCCore

MutantOnAddrs(x, v, p, addresses) ==
  IF p \notin DOMAIN x.peers \/ p \in x.disconnecting THEN {}
  ELSE {Learn([x EXCEPT !.requestsSent = @ \ {p}, !.lastAddrsReceived = PM!Put(@, p, TRUE)],
              addresses, p)}

PexAddrsReceivedUnchecked(p, addresses) ==
  /\ FromPex(MutantOnAddrs(PexCur, PM!Cur, p, addresses))
  /\ event' = [type |-> "PexAddrsReceived", peer |-> p, addresses |-> addresses]

\* Java's book refuses private IDs, so the replay starts where none is known.
MutantInit == Init /\ \A p \in Private : book[p].status = "unknown"

MutantNext ==
  \/ MCNext
  \/ \E p \in Peer, x \in {x \in SUBSET Node : Cardinality(x) <= MaxAddressesPerMessage} :
       PexAddrsReceivedUnchecked(p, x)
=============================================================================
