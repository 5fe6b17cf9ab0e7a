-------------------------------- MODULE Core --------------------------------
(***************************************************************************)
(* The composition of the PeerManager and PEX (core-fsm dev.cairn.core.Core):*)
(* one CoreEvent is one action here, and one step. The event goes to the   *)
(* machine it concerns; what one machine produces for the other is applied  *)
(* in the same step:                                                       *)
(*  - PeerManager -> PEX: Started is followed by PEX's Started;            *)
(*    PublishPeerUpdate(p, "up") becomes PeerUp(p, direction), "down"      *)
(*    becomes PeerDown(p). (One PeerManager step publishes at most one     *)
(*    update: only PeerReady and PeerDisconnected publish.)                *)
(*  - PEX -> PeerManager: each hand-off becomes a PeerManager event        *)
(*    (LearnAddresses -> AddressesLearned, BanPeer -> PeerBanned,          *)
(*    RequestDial -> DialRequested, ReportPeer -> PeerReported(p, "good")), *)
(*    in every order (Java: the order PEX produced them, one branch); a    *)
(*    refused one changes nothing. Hand-offs                               *)
(*    never publish updates, so the chain ends there.                      *)
(* outbox holds the shell effects of every sub-step (CoreEffect: the       *)
(* PeerManager's and PEX's records have distinct types); handedOff the     *)
(* hand-offs; event the CoreEvent, as a record.                            *)
(* The step is disabled (Java: rejected) exactly when the machine the      *)
(* shell's event goes to rejects it. The PeerManager's SeedMode is PEX's   *)
(* (PM == INSTANCE PeerManager in Pex.tla substitutes it by name), as       *)
(* CoreConfig copies PexConfig.seedMode into PeerConfig.seedMode.          *)
(***************************************************************************)
EXTENDS Pex

vars == allVars

\* One hand-off as a PeerManager sub-step on pm; a refusal leaves pm as it is.
\* Effects accumulate in pm.out.
HandOffStep(pm, h) ==
  LET s0 == [pm EXCEPT !.out = {}]
      R == CASE h.type = "LearnAddresses" -> PM!OnAddressesLearned(s0, h.addresses)
             [] h.type = "BanPeer" -> PM!OnPeerBanned(s0, h.peer)
             [] h.type = "RequestDial" -> PM!OnDialRequested(s0, h.peer)
             [] h.type = "ReportPeer" -> PM!OnPeerReported(s0, h.peer, "good")
  IN IF R = {} THEN {pm} ELSE {[r EXCEPT !.out = @ \cup pm.out] : r \in R}

RECURSIVE HandOffs(_, _)
HandOffs(pm, H) ==
  IF H = {} THEN {pm}
  ELSE UNION {UNION {HandOffs(r, H \ {h}) : r \in HandOffStep(pm, h)} : h \in H}

\* Commit a PeerManager result pm, PEX result x, with x's shell effects and
\* the hand-offs applied.
Finish(pm, x) ==
  /\ \E f \in HandOffs([pm EXCEPT !.out = @ \cup x.out], x.handoffs) : PM!Commit(f)
  /\ PexCommit(x)
  /\ handedOff' = x.handoffs

\* What PEX takes after the PeerManager's sub-step r.
PexAfter(r) ==
  LET U == {e \in r.out : e.type = "PublishPeerUpdate"} IN
  IF U = {} THEN {PexCur}
  ELSE LET e == CHOOSE e \in U : TRUE IN
       IF e.status = "up" THEN OnPeerUp(PexCur, r, e.peer, r.connected[e.peer])
       ELSE OnPeerDown(PexCur, e.peer)

\* A shell event for the PeerManager, with its results R.
FromPeerManager(R) == \E r \in R : \E x \in PexAfter(r) : Finish(r, x)

\* A shell event for PEX, with its results X.
FromPex(X) == \E x \in X : Finish(PM!Cur, x)

-----------------------------------------------------------------------------
(* The actions, one per CoreEvent (CoreEvent.Peer: one per PeerEvent).      *)

Init ==
  /\ PM!Init /\ PexInit
  /\ handedOff = {} /\ event = [type |-> "Init"]

\* @see Core.step Peer(Started): the PeerManager, then PEX's Started.
Started ==
  /\ \E r \in PM!OnStarted(PM!Cur) : \E x \in OnPexStarted(PexCur, r) : Finish(r, x)
  /\ event' = [type |-> "Started"]

AddressesLearned(addresses) ==
  /\ FromPeerManager(PM!OnAddressesLearned(PM!Cur, addresses))
  /\ event' = [type |-> "AddressesLearned", addresses |-> addresses]

DialRequested(p) ==
  /\ FromPeerManager(PM!OnDialRequested(PM!Cur, p))
  /\ event' = [type |-> "DialRequested", peer |-> p]

DialSucceeded(p) ==
  /\ FromPeerManager(PM!OnDialSucceeded(PM!Cur, p))
  /\ event' = [type |-> "DialSucceeded", peer |-> p]

DialFailed(p) ==
  /\ FromPeerManager(PM!OnDialFailed(PM!Cur, p))
  /\ event' = [type |-> "DialFailed", peer |-> p]

InboundAccepted(p) ==
  /\ FromPeerManager(PM!OnInboundAccepted(PM!Cur, p))
  /\ event' = [type |-> "InboundAccepted", peer |-> p]

\* @see Core.step PeerReady(peer, listenAddress): the listen address is p itself.
PeerReady(p) ==
  /\ FromPeerManager(PM!OnPeerReady(PM!Cur, p))
  /\ event' = [type |-> "PeerReady", peer |-> p]

PeerDisconnected(p) ==
  /\ FromPeerManager(PM!OnPeerDisconnected(PM!Cur, p))
  /\ event' = [type |-> "PeerDisconnected", peer |-> p]

PeerErrored(p) ==
  /\ FromPeerManager(PM!OnPeerErrored(PM!Cur, p))
  /\ event' = [type |-> "PeerErrored", peer |-> p]

PeerReported(p, feedback) ==
  /\ FromPeerManager(PM!OnPeerReported(PM!Cur, p, feedback))
  /\ event' = [type |-> "PeerReported", peer |-> p]

PeerBanned(p) ==
  /\ FromPeerManager(PM!OnPeerBanned(PM!Cur, p))
  /\ event' = [type |-> "PeerBanned", peer |-> p]

\* @see Core.step PexMessage(PexRequestReceived(peer))
PexRequestReceived(p) ==
  /\ FromPex(OnPexRequestReceived(PexCur, PM!Cur, p))
  /\ event' = [type |-> "PexRequestReceived", peer |-> p]

\* @see Core.step PexMessage(PexAddrsReceived(peer, addresses))
PexAddrsReceived(p, addresses) ==
  /\ FromPex(OnPexAddrsReceived(PexCur, PM!Cur, p, addresses))
  /\ event' = [type |-> "PexAddrsReceived", peer |-> p, addresses |-> addresses]

\* @see Core.step PexMessage(PexMessageMalformed(peer, reason))
PexMessageMalformed(p) ==
  /\ FromPex(OnPexMessageMalformed(PexCur, p))
  /\ event' = [type |-> "PexMessageMalformed", peer |-> p]

\* @see Core.step TimerFired: the expired timers of both machines, the
\* PeerManager's first (which ones expired is the environment's).
TimerFired(fired, pexFired) ==
  /\ fired # {} \/ pexFired # {}
  /\ \E r \in IF fired = {} THEN {PM!Cur} ELSE PM!OnTimerFired(PM!Cur, fired) :
       \E x \in IF pexFired = {} THEN {PexCur} ELSE OnPexTimerFired(PexCur, r, pexFired) :
         Finish(r, x)
  /\ event' = [type |-> "TimerFired"]

Next ==
  \/ Started
  \/ \E a \in SUBSET Peer : AddressesLearned(a)
  \/ \E p \in Node : DialRequested(p) \/ DialSucceeded(p) \/ InboundAccepted(p)
  \/ \E p \in Peer : \/ DialFailed(p) \/ PeerReady(p) \/ PeerDisconnected(p)
                     \/ PeerErrored(p) \/ PeerBanned(p)
                     \/ PexRequestReceived(p) \/ PexMessageMalformed(p)
                     \/ \E a \in SUBSET Node : PexAddrsReceived(p, a)
  \/ \E p \in Peer, f \in PM!Feedback : PeerReported(p, f)
  \/ \E f \in SUBSET PM!TimerKey, g \in SUBSET RoundKey : TimerFired(f, g)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* PeerInvariants, under their own names (PeerManager.tla's).              *)
TypeOK == PM!TypeOK
ConnectedWithinLimit == PM!ConnectedWithinLimit
OutboundWithinLimit == PM!OutboundWithinLimit
InboundWithinLimit == PM!InboundWithinLimit
DialingWithinLimit == PM!DialingWithinLimit
OneConnectionPerPeer == PM!OneConnectionPerPeer
OneDialPerPeer == PM!OneDialPerPeer
DialingDisjointConnected == PM!DialingDisjointConnected
ReadyAndEvictingConnected == PM!ReadyAndEvictingConnected
ReservationFromHigherScore == PM!ReservationFromHigherScore
BannedNeverDialedOrAccepted == PM!BannedNeverDialedOrAccepted
SelfNeverDialed == PM!SelfNeverDialed
PersistentNeverEvictedForNonPersistent == PM!PersistentNeverEvictedForNonPersistent
TimersOnlyForKnownPeers == PM!TimersOnlyForKnownPeers
ScoresOnlyForKnownPeers == PM!ScoresOnlyForKnownPeers
PersistentFailuresOnlyForPersistent == PM!PersistentFailuresOnlyForPersistent
MaintenanceArmedWhenStarted == PM!MaintenanceArmedWhenStarted
BannedIdsWithinBound == PM!BannedIdsWithinBound
IdleInboundAreLimitedInbound == PM!IdleInboundAreLimitedInbound
EvictedIdleOnlyIdle == PM!EvictedIdleOnlyIdle

(* CoreInvariants (same names).                                             *)

\* PEX talks exactly to the peers the PeerManager published UP, and knows each
\* one's direction as the PeerManager does.
PexPeersAreReadyPeers ==
  /\ DOMAIN peers = ready
  /\ \A p \in DOMAIN peers : p \in DOMAIN connected /\ peers[p] = connected[p]

\* Both machines have started, or neither has.
StartedTogether == started = pexStarted

=============================================================================
